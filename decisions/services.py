"""Every write to matters. Each transition is checked against TRANSITIONS (one table), then against the
rule of the matter's category (前置把关 for major matters, 第一关 for personnel matters); it writes the audit
row, a timeline event, and notifies the next actor in the app."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notifications import notify_many
from accounts.recipients import org_contacts
from accounts.roles import Role
from audit import services as audit
from audit.models import Action as AuditAction
from core import uploads
from core.errors import BusinessRuleError, NotInScope
from meetings.choices import Kind
from meetings.choices import Status as MeetingStatus
from members.models import Membership

from .choices import Action, DecisionOutcome, ReviewOutcome, Status
from .models import BranchOpinion, Decision, Document, Event, Matter, PreReview

# (status, action) -> status after. Anything not here is refused.
TRANSITIONS = {
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.RETURNED, Action.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.PRE_REVIEW_AGREE): Status.PRE_REVIEWED,
    (Status.SUBMITTED, Action.PRE_REVIEW_RETURN): Status.RETURNED,
    (Status.SUBMITTED, Action.BRANCH_OPINION): Status.SUBMITTED,
    (Status.PRE_REVIEWED, Action.BRANCH_OPINION): Status.PRE_REVIEWED,
    (Status.DEFERRED, Action.BRANCH_OPINION): Status.DEFERRED,
    (Status.SUBMITTED, Action.DECIDE): Status.DECIDED,
    (Status.PRE_REVIEWED, Action.DECIDE): Status.DECIDED,
    (Status.DEFERRED, Action.DECIDE): Status.DECIDED,
    (Status.SUBMITTED, Action.DEFER): Status.DEFERRED,
    (Status.PRE_REVIEWED, Action.DEFER): Status.DEFERRED,
    (Status.DEFERRED, Action.DEFER): Status.DEFERRED,
}
CONTACT_ROLES = (Role.SECRETARY, Role.ORG_ADMIN)
EDITABLE = (Status.DRAFT, Status.RETURNED)
MATTER_FIELDS = ("title", "category", "organization", "unit", "proposer", "description")


def _today(today):
    return today or timezone.localdate()


def _lock(matter, expected_version=None):
    """The matter, locked; a version other than the one the actor saw is a stale edit, told before anything
    else (two reviewers at once: the second learns who acted)."""
    fresh = Matter.objects.select_for_update(of=("self",)).select_related("organization").get(pk=matter.pk)
    if expected_version is not None and int(expected_version) != fresh.version:
        raise audit.stale_edit(fresh, int(expected_version))
    return fresh


def next_status(matter, action):
    try:
        return TRANSITIONS[(matter.status, action)]
    except KeyError:
        raise BusinessRuleError(_("事项当前状态为“%(s)s”，不能%(a)s")
                                % {"s": matter.get_status_display(), "a": Action(action).label}) from None


def _move(user, matter, action, expected_version, today, note="", changes=None):
    """Apply the transition: version check, audit row, timeline event."""
    new = next_status(matter, action)
    fields = {"status": new, **(changes or {})}
    updated = audit.update(user, matter, fields, expected_version=expected_version, action=None,
                           audit_action=AuditAction.STATUS, note=f"{Action(action).label}：{note}" if note else
                           str(Action(action).label))
    Event.objects.create(matter=updated, action=action, status=new, on=today, note=note,
                         by=user if getattr(user, "pk", None) else None,
                         by_name=user.get_username() if hasattr(user, "get_username") else "")
    return updated


def _notify(org_ids, today, title, body, link, key):
    contacts = org_contacts(set(org_ids), today, CONTACT_ROLES)
    users = {u for ids in contacts.values() for u in ids}
    notify_many([(u, title, body, link, f"{key}:{u}") for u in sorted(users)])


def _notify_proposer(matter, title, key):
    account = getattr(matter.proposer, "account", None)
    if account is not None and account.is_active:
        notify_many([(account.pk, title, "", matter.get_absolute_url(), f"{key}:{account.pk}")])


def ensure_committee(user, matter):
    """The deciding committee's roles record pre-reviews and decisions. Asked about the organisation alone
    (no proposer), so that a member's right over their own proposal does not count."""
    if user.can("change", Matter(organization=matter.organization)):
        return
    if not Matter.objects.restrict(user).filter(pk=matter.pk).exists():
        raise NotInScope()
    raise PermissionDenied(_("只有决策组织（党委）可以登记前置把关和联席会议决定"))


# --- the proposer's side ------------------------------------------------------------------------------

def create_matter(user, *, people=(), **fields):
    with transaction.atomic():
        matter = audit.create(user, Matter(**fields))
        people = list(people)
        if people:
            matter.people.set(people)
            audit.record(user, AuditAction.UPDATE, matter, after={"people": sorted(p.pk for p in people)},
                         note=_("涉及人员"))
    return matter


def update_matter(user, matter, changes, *, people=None, expected_version=None):
    changes = {k: v for k, v in changes.items() if k in MATTER_FIELDS}
    with transaction.atomic():
        fresh = _lock(matter)
        if fresh.status not in EDITABLE:
            raise BusinessRuleError(_("事项“%(t)s”%(s)s，不能修改；已决定的事项如需更正，请新建一条更正记录")
                                    % {"t": fresh.title, "s": fresh.get_status_display()})
        updated = audit.update(user, fresh, changes, expected_version=expected_version)
        if people is not None:
            before = sorted(updated.people.values_list("pk", flat=True))
            updated.people.set(people)
            after = sorted(p.pk for p in people)
            if before != after:
                audit.record(user, AuditAction.UPDATE, updated, before={"people": before}, after={"people": after},
                             note=_("涉及人员"))
    return updated


def create_correction(user, matter, **changes):
    """A decided matter is never edited: its correction is a new draft that points at it."""
    if matter.status != Status.DECIDED:
        raise BusinessRuleError(_("只有已决定的事项需要以更正记录修改；其他事项可直接修改"))
    fields = {k: getattr(matter, k) for k in MATTER_FIELDS}
    fields.update({k: v for k, v in changes.items() if k in MATTER_FIELDS})
    return create_matter(user, people=list(matter.people.all()), corrects=matter, **fields)


def _holding_branch(person, day):
    m = Membership.objects.on(day).filter(person=person).select_related("organization").first()
    if m is None:
        return None
    org = m.organization
    return org.parent if org.kind == "group" and org.parent_id else org


def submit_matter(user, matter, *, expected_version=None, today=None):
    """Submit (or resubmit after a return). A personnel matter asks the branch of each person concerned,
    as of the submission day, for its opinion."""
    today = _today(today)
    with transaction.atomic():
        fresh = _lock(matter, expected_version)
        if not user.can("change", fresh):
            raise NotInScope() if not Matter.objects.restrict(user).filter(pk=fresh.pk).exists() else \
                PermissionDenied(_("您没有提交该事项的权限"))
        people = list(fresh.people.all())
        if fresh.is_personnel:
            if not people:
                raise ValidationError(_("人事类事项须填写涉及人员，以便征求其所在党支部的意见"))
            missing = [p.name for p in people if _holding_branch(p, today) is None]
            if missing:
                raise BusinessRuleError(_("%(names)s 在 %(day)s 没有组织关系，无法确定征求意见的党支部")
                                        % {"names": "、".join(missing), "day": today})
        updated = _move(user, fresh, Action.SUBMIT, expected_version, today,
                        changes={"submitted_on": today})
        branches = []
        if updated.is_personnel:
            for p in people:
                branch = _holding_branch(p, today)
                request, _made = BranchOpinion.objects.get_or_create(matter=updated, person=p,
                                                                     defaults={"branch": branch})
                if request.pending and request.branch_id != branch.pk:
                    BranchOpinion.objects.filter(pk=request.pk).update(branch=branch)
                branches.append(branch.pk)
            _notify(branches, today, _("请提出支部意见：%(t)s") % {"t": updated.title}, "",
                    updated.get_absolute_url(), f"matter-opinion:{updated.pk}:{today:%Y%m%d}")
        _notify([updated.organization_id], today, _("待前置把关或决定：%(t)s") % {"t": updated.title}, "",
                updated.get_absolute_url(), f"matter-submitted:{updated.pk}:{updated.version}")
    return updated


# --- the committee's side ---------------------------------------------------------------------------

def _check_meeting(matter, meeting, kind, what, today):
    if meeting.organization_id != matter.organization_id:
        raise BusinessRuleError(_("%(what)s须在%(org)s的会议上作出，所选会议属于%(other)s")
                                % {"what": what, "org": matter.organization.name, "other": meeting.organization.name})
    if meeting.kind != kind:
        raise BusinessRuleError(_("%(what)s须在%(kind)s上作出，所选会议是%(other)s")
                                % {"what": what, "kind": Kind(kind).label, "other": meeting.get_kind_display()})
    if meeting.status != MeetingStatus.HELD or meeting.held_on > today:
        raise BusinessRuleError(_("所选会议尚未召开"))
    if matter.submitted_on and meeting.held_on < matter.submitted_on:
        raise BusinessRuleError(_("所选会议（%(d)s）早于事项提交日期（%(s)s）")
                                % {"d": meeting.held_on, "s": matter.submitted_on})


def record_pre_review(user, matter, meeting, outcome, opinion="", *, expected_version=None, today=None):
    today = _today(today)
    outcome = ReviewOutcome(outcome)
    if outcome != ReviewOutcome.AGREED and not (opinion or "").strip():
        raise ValidationError({"opinion": _("修改后同意或退回须写明党委意见")})
    with transaction.atomic():
        fresh = _lock(matter, expected_version)
        ensure_committee(user, fresh)
        _check_meeting(fresh, meeting, Kind.COMMITTEE_MEETING, _("前置把关"), today)
        action = Action.PRE_REVIEW_RETURN if outcome == ReviewOutcome.RETURNED else Action.PRE_REVIEW_AGREE
        updated = _move(user, fresh, action, expected_version, meeting.held_on, note=opinion)
        review = PreReview.objects.create(matter=updated, meeting=meeting, outcome=outcome, opinion=opinion,
                                          recorded_by=user if getattr(user, "pk", None) else None)
        audit.record(user, AuditAction.CREATE, review, after={"matter": updated.pk, "meeting": meeting.pk,
                                                              "outcome": outcome, "opinion": opinion})
        if outcome == ReviewOutcome.RETURNED:
            _notify_proposer(updated, _("事项被退回：%(t)s") % {"t": updated.title},
                             f"matter-returned:{updated.pk}:{review.pk}")
    return updated


def record_branch_opinion(user, request, opinion, reasons, meeting, *, today=None):
    """The branch asked about a person records its opinion, from one of its own meetings; the person must
    have belonged to the branch on that meeting's day."""
    today = _today(today)
    with transaction.atomic():
        request = BranchOpinion.objects.select_for_update().select_related("branch", "person").get(pk=request.pk)
        fresh = _lock(request.matter)
        if not user.can("change", request):
            raise NotInScope() if not BranchOpinion.objects.restrict(user).filter(pk=request.pk).exists() else \
                PermissionDenied(_("只有该党支部可以登记支部意见"))
        if not request.pending:
            raise BusinessRuleError(_("%(branch)s已就%(person)s提出意见") % {"branch": request.branch.name,
                                                                      "person": request.person.name})
        if meeting.organization_id != request.branch_id and meeting.organization.parent_id != request.branch_id:
            raise BusinessRuleError(_("支部意见须来自%(branch)s的会议") % {"branch": request.branch.name})
        if meeting.status != MeetingStatus.HELD or meeting.held_on > today:
            raise BusinessRuleError(_("所选会议尚未召开"))
        if _holding_branch(request.person, meeting.held_on) != request.branch:
            raise BusinessRuleError(_("%(person)s 在 %(day)s 不是%(branch)s的党员，该支部不能就其提出意见")
                                    % {"person": request.person.name, "day": meeting.held_on,
                                       "branch": request.branch.name})
        if not (reasons or "").strip():
            raise ValidationError({"reasons": _("请写明支部意见的理由")})
        next_status(fresh, Action.BRANCH_OPINION)
        BranchOpinion.objects.filter(pk=request.pk).update(opinion=opinion, reasons=reasons, meeting=meeting,
                                                           recorded_by=user if getattr(user, "pk", None) else None,
                                                           recorded_at=timezone.now())
        request.refresh_from_db()
        audit.record(user, AuditAction.UPDATE, request, after={"opinion": opinion, "reasons": reasons,
                                                               "meeting": meeting.pk})
        Event.objects.create(matter=fresh, action=Action.BRANCH_OPINION, status=fresh.status, on=meeting.held_on,
                             note=f"{request.branch.name}：{request.person.name} {request.get_opinion_display()}",
                             by=user if getattr(user, "pk", None) else None, by_name=user.get_username())
        if not fresh.opinions.filter(opinion="").exists():
            _notify([fresh.organization_id], today, _("支部意见已齐：%(t)s") % {"t": fresh.title}, "",
                    fresh.get_absolute_url(), f"matter-opinions:{fresh.pk}")
    return request


def missing_for_decision(matter, on_day):
    """What the rules still require before the joint meeting may decide, in words; empty when nothing."""
    missing = []
    if matter.is_major:
        review = matter.pre_reviews.select_related("meeting").order_by("-meeting__held_on", "-id").first()
        if review is None:
            missing.append(_("尚无党委前置把关记录（%(cat)s属于须前置把关的重大事项）")
                           % {"cat": matter.get_category_display()})
        elif not review.agreed:
            missing.append(_("党委前置把关意见为“退回”，须修改后重新提交并经前置把关同意"))
        elif review.meeting.held_on > on_day:
            missing.append(_("前置把关（%(d)s）晚于联席会议日期") % {"d": review.meeting.held_on})
    if matter.is_personnel:
        pending = [o for o in matter.opinions.select_related("branch", "person") if o.pending]
        if pending:
            missing.append(_("尚缺以下党支部意见：%(list)s") % {"list": "、".join(
                f"{o.branch.name}（{o.person.name}）" for o in pending)})
        late = [o for o in matter.opinions.select_related("meeting", "branch") if o.meeting and
                o.meeting.held_on > on_day]
        if late:
            missing.append(_("%(branch)s的意见晚于联席会议日期") % {"branch": late[0].branch.name})
    return missing


def record_decision(user, matter, meeting, outcome, text="", *, expected_version=None, today=None):
    today = _today(today)
    outcome = DecisionOutcome(outcome)
    with transaction.atomic():
        fresh = _lock(matter, expected_version)
        ensure_committee(user, fresh)
        _check_meeting(fresh, meeting, Kind.JOINT_MEETING, _("决定"), today)
        action = Action.DEFER if outcome == DecisionOutcome.DEFERRED else Action.DECIDE
        next_status(fresh, action)
        missing = missing_for_decision(fresh, meeting.held_on) if action == Action.DECIDE else []
        if missing:
            raise BusinessRuleError(_("不能登记联席会议决定：%(m)s") % {"m": "；".join(missing)})
        changes = {"decided_on": meeting.held_on} if action == Action.DECIDE else {}
        updated = _move(user, fresh, action, expected_version, meeting.held_on, note=text, changes=changes)
        decision = Decision.objects.create(matter=updated, meeting=meeting, outcome=outcome, text=text,
                                           recorded_by=user if getattr(user, "pk", None) else None)
        audit.record(user, AuditAction.CREATE, decision, after={"matter": updated.pk, "meeting": meeting.pk,
                                                                "outcome": outcome, "text": text})
        _notify_proposer(updated, _("事项已由联席会议%(o)s：%(t)s") % {"o": outcome.label, "t": updated.title},
                         f"matter-decided:{updated.pk}:{decision.pk}")
    return updated


# --- documents -----------------------------------------------------------------------------------------

DOCUMENT_MAX_SIZE = 20 * uploads.MB


def add_document(user, matter, upload):
    """Proposer or committee add documents while the matter is not decided."""
    _ext, content_type = uploads.check_upload(upload, DOCUMENT_MAX_SIZE)
    with transaction.atomic():
        fresh = _lock(matter)
        if not user.can("change", fresh):
            raise NotInScope() if not Matter.objects.restrict(user).filter(pk=fresh.pk).exists() else \
                PermissionDenied(_("您没有为该事项上传材料的权限"))
        if fresh.status == Status.DECIDED:
            raise BusinessRuleError(_("事项已决定，不能再上传材料"))

    def write(fields):
        fresh = _lock(matter)
        if fresh.status == Status.DECIDED:  # decided meanwhile
            raise BusinessRuleError(_("事项已决定，不能再上传材料"))
        doc = Document(matter=fresh, uploaded_by=user if getattr(user, "pk", None) else None, **fields)
        doc.full_clean()
        doc.save()
        audit.record(user, AuditAction.CREATE, doc, after={"matter": fresh.pk, "original_name": doc.original_name,
                                                            "size": doc.size, "sha256": doc.sha256})
        return doc

    return uploads.keep(upload, "decisions", content_type, write)
