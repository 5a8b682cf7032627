"""Every write to meetings, and the derivations from records: expected attendees and quorum."""
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Action
from core.errors import BusinessRuleError
from core.models import snapshot
from core.scoping import ensure, path_range
from members.models import CommitteeSeat, Membership, Person, StatusChange
from orgs.models import Organization
from rollups import maintain as rollups

from .choices import ATTENDEES_FROM, HELD_BY, AttendanceStatus, Kind, Status
from .models import AgendaItem, Attendance, CentralGroupMember, Meeting


class LikelyDuplicate(BusinessRuleError):
    """Same organisation, kind and day as an existing meeting: saved only when the user confirms."""


# --- derivations -----------------------------------------------------------------------------------

def expected_attendees(organization, kind, day):
    """The people expected at a meeting of `kind` in `organization` on `day`, from the records of that day:
    the organisation's members (a party group: its branch's), its committee seats, or its central group."""
    source = ATTENDEES_FROM[kind]
    if source == "members":
        org = organization.parent if organization.kind == "group" else organization
        if org.kind == "branch":
            memberships = Membership.objects.on(day).filter(organization=org)
        else:
            lo, hi = path_range(org.path)
            memberships = Membership.objects.on(day).filter(organization__path__gte=lo, organization__path__lt=hi)
        ids = memberships.values("person_id")
        people = Person.objects.filter(pk__in=ids)
        return people.filter(pk__in=members_by_status_on(day, ids))
    if source == "seats":
        ids = CommitteeSeat.objects.filter(organization=organization, started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)).values("person_id")
    else:
        ids = CentralGroupMember.objects.filter(organization=organization, valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)).values("person_id")
    return Person.objects.filter(pk__in=ids)


def status_on(day, person_ids):
    """{person id: party status on `day`} from the status history (one query)."""
    result = {}
    for pid, status in (StatusChange.objects.filter(person_id__in=person_ids, changed_on__lte=day)
                        .order_by("person_id", "changed_on", "id").values_list("person_id", "status")):
        result[pid] = status
    return result


def members_by_status_on(day, person_ids, statuses=("full", "probationary")):
    return [pid for pid, s in status_on(day, person_ids).items() if s in statuses]


@dataclass
class Quorum:
    voting: int          # full members on the day (probationary members attend but do not vote)
    present: int         # of those, present
    required: int        # more than half of the voting members

    @property
    def met(self):
        return self.present >= self.required


def quorum(meeting):
    """Member assembly: more than half of the voting (full) members present (RULES.md); None elsewhere."""
    if meeting.kind != Kind.MEMBER_ASSEMBLY:
        return None
    people = expected_attendees(meeting.organization, meeting.kind, meeting.held_on)
    expected = list(people.values_list("pk", flat=True))
    statuses = status_on(meeting.held_on, expected)
    voting = {pid for pid in expected if statuses.get(pid) == "full"}
    present = meeting.attendance.filter(person_id__in=voting, status=AttendanceStatus.PRESENT).count()
    return Quorum(voting=len(voting), present=present, required=len(voting) // 2 + 1)


# --- checks ----------------------------------------------------------------------------------------

def _check(meeting, agenda, attendance, today):
    org = meeting.organization
    if org.kind not in HELD_BY[meeting.kind]:
        raise BusinessRuleError(_("%(org)s 不召开%(kind)s") % {"org": org.name, "kind": meeting.get_kind_display()})
    if meeting.enlarged and meeting.kind != Kind.COMMITTEE_MEETING:
        raise BusinessRuleError(_("只有党委会可以标记为扩大会议"))
    if meeting.status == Status.HELD and meeting.held_on > today:
        raise BusinessRuleError(_("会议日期在今天之后，不能标记为已召开"))
    if org.established_on and meeting.held_on < org.established_on:
        raise BusinessRuleError(_("会议日期早于%(org)s的成立日期（%(date)s）") % {"org": org.name,
                                                                          "date": org.established_on})
    if org.dissolved_on and meeting.held_on >= org.dissolved_on:
        raise BusinessRuleError(_("%(org)s 已于 %(date)s 撤销") % {"org": org.name, "date": org.dissolved_on})
    campaign = meeting.campaign
    if campaign:
        if not (campaign.starts_on <= meeting.held_on <= campaign.ends_on):
            raise BusinessRuleError(_("会议日期不在“%(c)s”的起止日期内") % {"c": campaign.name})
        if not org.path.startswith(campaign.organization.path):
            raise BusinessRuleError(_("该组织不在“%(c)s”的范围内") % {"c": campaign.name})
    for index, item in enumerate(agenda):
        if item.get("is_first_topic") and index != 0:
            raise BusinessRuleError(_("“第一议题”只能是会议的第一个议题（第 %(n)s 项不是）") % {"n": index + 1})
    if attendance:
        expected = set(expected_attendees(org, meeting.kind, meeting.held_on).values_list("pk", flat=True))
        strangers = [pid for pid in attendance if pid not in expected]
        if strangers:
            names = "、".join(Person.objects.filter(pk__in=strangers).values_list("name", flat=True)[:5])
            raise BusinessRuleError(_("%(names)s 在会议日期不是应参会人员（不是本组织党员、委员或中心组成员）")
                                    % {"names": names})
        for status, reason in attendance.values():
            if status not in AttendanceStatus.values:
                raise BusinessRuleError(_("出席情况只能是出席、请假或缺席"))
            if status == AttendanceStatus.LEAVE and not reason:
                raise BusinessRuleError(_("请假须填写事由"))


def likely_duplicates(meeting):
    return Meeting.objects.filter(organization=meeting.organization, kind=meeting.kind,
                                  held_on=meeting.held_on).exclude(pk=meeting.pk)


# --- writes ----------------------------------------------------------------------------------------

def _write_children(meeting, agenda, attendance):
    meeting.agenda.all().delete()
    AgendaItem.objects.bulk_create([
        AgendaItem(meeting=meeting, order=i + 1, title=item["title"], is_first_topic=bool(item.get("is_first_topic")),
                   material_title=item.get("material_title", ""), material_source=item.get("material_source", ""),
                   material_link=item.get("material_link", ""))
        for i, item in enumerate(agenda)])
    if attendance is not None:
        meeting.attendance.all().delete()
        # bulk_create sends no signals: the rows take the meeting's top-level organisation (orgs.top) here.
        Attendance.objects.bulk_create([Attendance(meeting=meeting, person_id=pid, status=s, reason=r or "",
                                                   top_id=meeting.top_id)
                                        for pid, (s, r) in attendance.items()])
    has_first = bool(agenda and agenda[0].get("is_first_topic"))
    if meeting.has_first_topic != has_first:
        Meeting.objects.filter(pk=meeting.pk).update(has_first_topic=has_first)
        meeting.has_first_topic = has_first


def create_meeting(user, *, agenda=(), attendance=None, confirm_duplicate=False, today=None, **fields):
    """A meeting with its agenda ([{title, is_first_topic, material_*}]) and attendance
    ({person id: (status, reason)}), in one transaction."""
    agenda = list(agenda)
    meeting = Meeting(**fields)
    with transaction.atomic(), rollups.batch():
        meeting.organization = Organization.objects.select_for_update().get(pk=meeting.organization_id)
        ensure(user, "add", meeting)
        _check(meeting, agenda, attendance, today or date.today())
        if not confirm_duplicate and likely_duplicates(meeting).exists():
            raise LikelyDuplicate(_("%(org)s 在 %(day)s 已有一次%(kind)s，确认不是重复登记后再保存")
                                  % {"org": meeting.organization.name, "day": meeting.held_on,
                                     "kind": meeting.get_kind_display()})
        audit.create(user, meeting, note=_("议题 %(n)s 项") % {"n": len(agenda)})
        _write_children(meeting, agenda, attendance)
        rollups.touch("meetings", [(meeting.organization_id, meeting.held_on)])
    return meeting


def update_meeting(user, meeting, changes, *, agenda=None, attendance=None, expected_version=None, today=None):
    with transaction.atomic(), rollups.batch():
        fresh = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
        candidate = Meeting(**{**{f.attname: getattr(fresh, f.attname) for f in Meeting._meta.concrete_fields},
                               **{k: v for k, v in changes.items()}})
        items = agenda if agenda is not None else list(fresh.agenda.values(
            "title", "is_first_topic", "material_title", "material_source", "material_link"))
        _check(candidate, list(items), attendance, today or date.today())
        updated = audit.update(user, fresh, changes, expected_version=expected_version)
        if agenda is not None or attendance is not None:
            _write_children(updated, list(items), attendance)
            if not changes:
                audit.record(user, Action.UPDATE, updated, after=snapshot(updated), note=_("议题或出席记录"))
        rollups.touch("meetings", [(fresh.organization_id, fresh.held_on), (updated.organization_id, updated.held_on)])
    return updated


def delete_meeting(user, meeting):
    try:
        with transaction.atomic(), rollups.batch():  # the signals recount the cell once, after the cascade
            audit.delete(user, meeting)
    except ProtectedError as exc:
        # A pre-review or decision was recorded at this meeting (decisions): the record is their proof.
        names = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
        raise BusinessRuleError(_("“%(m)s”已被其他记录引用（%(what)s），不能删除")
                                % {"m": meeting, "what": "、".join(names)}) from None


def add_roster_member(user, organization, person, valid_from, valid_to=None):
    return audit.create(user, CentralGroupMember(organization=organization, person=person, valid_from=valid_from,
                                                 valid_to=valid_to))
