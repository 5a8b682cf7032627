"""Every write to ledgers, tasks and their parts.

Two kinds of actor act on a task:
- its **owners** (roles on the owner organisation, by `change` on the task): progress, evidence,
  milestones done, submit;
- its **manager** (roles on the ledger's organisation for a top-level task, on the parent task's owner
  for a sub-task, by `change` on that ledger or parent task): define, edit, split, verify, return,
  cancel, reopen, delete.
A done or cancelled task is frozen until its manager reopens it with a reason.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Action
from core import uploads
from core.errors import BusinessRuleError, NotInScope

from .choices import CLOSED, OWNER_OPEN, Event, LedgerKind, TaskStatus
from .models import Directive, Duty, Evidence, Ledger, Milestone, ProgressUpdate, Section, Task, Transition

EVIDENCE_MAX_SIZE = 20 * uploads.MB
TASK_FIELDS = ("title", "description", "owner", "deadline", "assigned_on", "directive", "section", "number")


def _today(today):
    return today or timezone.localdate()


def _within(org, ancestor):
    return org.path.startswith(ancestor.path)


# --- who may do what -------------------------------------------------------------------------------

def manager_target(task):
    """The record whose `change` right makes a user the task's manager."""
    return task.parent if task.parent_id else task.ledger


def can_manage(user, task):
    return user.can("change", manager_target(task))


def can_own(user, task):
    return user.can("change", task)


def ensure_manager(user, task):
    if can_manage(user, task):
        return
    if not user.can("view", task) and not Task.objects.restrict(user).filter(pk=task.pk).exists():
        raise NotInScope()
    raise PermissionDenied(_("只有任务的管理单位（台账的主管组织；子任务为上级任务的责任单位）可以执行此操作"))


def ensure_owner(user, task):
    if can_own(user, task):
        return
    if not Task.objects.restrict(user).filter(pk=task.pk).exists():
        raise NotInScope()
    raise PermissionDenied(_("只有任务的责任单位可以填报进展、上传佐证材料和提交完成"))


def _not_frozen(task):
    if task.status in CLOSED:
        raise BusinessRuleError(_("任务“%(t)s”%(s)s，不能修改；如需修改，请由管理单位重新打开并说明理由")
                                % {"t": task.title, "s": task.get_status_display()})


def _lock(task):
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the parent.
    return (Task.objects.select_for_update(of=("self",))
            .select_related("ledger__organization", "owner", "parent__owner").get(pk=task.pk))


def _transition(user, task, event, reason="", today=None):
    Transition.objects.create(task=task, event=event, status=task.status, on=_today(today),
                              by=user if getattr(user, "pk", None) else None,
                              by_name=user.get_username() if hasattr(user, "get_username") else "", reason=reason)


# --- ledgers and their parts -----------------------------------------------------------------------

def create_ledger(user, **fields):
    return audit.create(user, Ledger(**fields))


def update_ledger(user, ledger, changes, expected_version=None):
    if "kind" in changes and changes["kind"] != ledger.kind and ledger.tasks.exists():
        raise BusinessRuleError(_("台账已有任务，不能更改类型"))
    if "organization" in changes and changes["organization"] != ledger.organization and ledger.tasks.exists():
        raise BusinessRuleError(_("台账已有任务，不能更改主管组织"))
    return audit.update(user, ledger, changes, expected_version=expected_version)


def delete_ledger(user, ledger):
    if ledger.tasks.exists() or ledger.duties.exists():
        raise BusinessRuleError(_("台账“%(n)s”已有任务或责任分工，不能删除") % {"n": ledger.name})
    audit.delete(user, ledger)


def _part_check(part, kinds, what):
    if part.ledger.kind not in kinds:
        raise BusinessRuleError(_("%(ledger)s是%(kind)s，不能添加%(what)s")
                                % {"ledger": part.ledger.name, "kind": part.ledger.get_kind_display(), "what": what})


def add_directive(user, **fields):
    directive = Directive(**fields)
    _part_check(directive, (LedgerKind.DIRECTIVE_LEDGER,), _("指示批示和决策部署"))
    return audit.create(user, directive)


def add_section(user, **fields):
    section = Section(**fields)
    _part_check(section, (LedgerKind.TASK_LIST,), _("清单章节"))
    if section.parent_id and section.parent.ledger_id != section.ledger_id:
        raise BusinessRuleError(_("上级章节不属于该台账"))
    if not section.order:
        section.order = (Section.objects.filter(ledger=section.ledger).aggregate(m=Max("order"))["m"] or 0) + 1
    return audit.create(user, section)


def update_part(user, part, changes, expected_version=None):
    """Edit a directive, section or duty (its scalar fields)."""
    if isinstance(part, Section) and changes.get("parent") is not None:
        parent = changes["parent"]
        if parent.ledger_id != part.ledger_id:
            raise BusinessRuleError(_("上级章节不属于该台账"))
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == part.pk:
                raise BusinessRuleError(_("章节不能移到自身或其下级章节之下"))
            ancestor = ancestor.parent
    if "ledger" in changes and changes["ledger"] != part.ledger:
        raise BusinessRuleError(_("不能把记录移到另一个台账"))
    return audit.update(user, part, changes, expected_version=expected_version)


def delete_part(user, part):
    if getattr(part, "tasks", None) is not None and part.tasks.exists():
        raise BusinessRuleError(_("“%(p)s”下已有任务，不能删除") % {"p": part})
    if isinstance(part, Section) and part.children.exists():
        raise BusinessRuleError(_("“%(p)s”下还有章节，不能删除") % {"p": part})
    audit.delete(user, part)


def save_duty(user, duty=None, *, organizations=None, expected_version=None, **fields):
    """Create (duty None) or edit a responsibility-list row with the organisations it covers."""
    with transaction.atomic():
        if duty is None:
            duty = Duty(**fields)
            _part_check(duty, (LedgerKind.RESPONSIBILITY_LIST,), _("责任分工"))
            if not duty.order:
                duty.order = (Duty.objects.filter(ledger=duty.ledger).aggregate(m=Max("order"))["m"] or 0) + 1
            audit.create(user, duty)
            before = []
        else:
            before = sorted(duty.organizations.values_list("pk", flat=True))
            duty = audit.update(user, duty, fields, expected_version=expected_version)
        if organizations is not None:
            orgs = list(organizations)
            outside = [o.name for o in orgs if not _within(o, duty.ledger.organization)]
            if outside:
                raise BusinessRuleError(_("%(names)s 不在%(org)s的范围内") % {"names": "、".join(outside),
                                                                        "org": duty.ledger.organization.name})
            duty.organizations.set(orgs)
            after = sorted(o.pk for o in orgs)
            if after != before:
                audit.record(user, Action.UPDATE, duty, before={"organizations": before},
                             after={"organizations": after}, note=_("分管联系单位"))
    return duty


# --- tasks: definition (the manager) ---------------------------------------------------------------

def _check_definition(task, co_owners, milestones):
    ledger = task.ledger
    if ledger.kind == LedgerKind.RESPONSIBILITY_LIST:
        raise BusinessRuleError(_("责任清单记录领导班子成员的责任分工，不登记任务"))
    if task.deadline and task.assigned_on and task.deadline < task.assigned_on:
        raise ValidationError({"deadline": _("完成时限（%(d)s）不能早于下达日期（%(a)s）")
                               % {"d": task.deadline, "a": task.assigned_on}})
    scope = task.parent.owner if task.parent_id else ledger.organization
    if task.owner_id and not _within(task.owner, scope):
        if task.parent_id:
            raise BusinessRuleError(_("子任务的责任单位须在上级任务责任单位（%(org)s）的范围内，%(owner)s 不在其中")
                                    % {"org": scope.name, "owner": task.owner.name})
        raise BusinessRuleError(_("责任单位须在台账主管组织（%(org)s）的范围内，%(owner)s 不在其中")
                                % {"org": scope.name, "owner": task.owner.name})
    if task.owner_id and task.owner.dissolved_on:
        raise BusinessRuleError(_("%(org)s 已撤销，不能承担任务") % {"org": task.owner.name})
    outside = [o.name for o in co_owners if not _within(o, scope)]
    if outside:
        raise BusinessRuleError(_("协办单位须在%(org)s的范围内：%(names)s 不在其中")
                                % {"org": scope.name, "names": "、".join(outside)})
    if task.parent_id:
        if task.parent.ledger_id != ledger.pk:
            raise BusinessRuleError(_("上级任务不属于该台账"))
        if task.deadline and task.deadline > task.parent.deadline:
            raise ValidationError({"deadline": _("子任务的完成时限不能晚于上级任务的完成时限（%(d)s）")
                                   % {"d": task.parent.deadline}})
    if task.directive_id and task.directive.ledger_id != ledger.pk:
        raise BusinessRuleError(_("所选指示批示不属于该台账"))
    if task.section_id and task.section.ledger_id != ledger.pk:
        raise BusinessRuleError(_("所选章节不属于该台账"))
    for m in milestones:
        if not m.get("title") or not m.get("due_on"):
            raise ValidationError(_("时间节点须填写名称和时限"))
        if task.deadline and m["due_on"] > task.deadline or task.assigned_on and m["due_on"] < task.assigned_on:
            raise ValidationError(_("时间节点“%(m)s”的时限须在下达日期与完成时限之间") % {"m": m["title"]})


def _next_number(ledger, parent):
    siblings = Task.objects.filter(ledger=ledger, parent=parent)
    order = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    number = f"{parent.number}.{siblings.count() + 1}" if parent else str(siblings.count() + 1)
    return order, number


def _m2m(task):
    return {"co_owners": sorted(task.co_owners.values_list("pk", flat=True)),
            "leaders": sorted(task.leaders.values_list("pk", flat=True))}


def _set_m2m(user, task, co_owners, leaders, note):
    before = _m2m(task) if task.pk else {"co_owners": [], "leaders": []}
    if co_owners is not None:
        task.co_owners.set(co_owners)
    if leaders is not None:
        task.leaders.set(leaders)
    after = _m2m(task)
    if after != before:
        audit.record(user, Action.UPDATE, task, before=before, after=after, note=note)


def _write_milestones(task, milestones):
    task.milestones.all().delete()
    Milestone.objects.bulk_create([Milestone(task=task, title=m["title"], due_on=m["due_on"],
                                             done_on=m.get("done_on")) for m in milestones])


def create_task(user, *, ledger, owner, title, deadline, parent=None, co_owners=(), leaders=(), milestones=(),
                assigned_on=None, today=None, **fields):
    """A task in `ledger` (a sub-task when `parent` is given), by the ledger's or parent's manager."""
    co_owners, leaders, milestones = list(co_owners), list(leaders), list(milestones)
    with transaction.atomic():
        ledger = Ledger.objects.select_for_update().select_related("organization").get(pk=ledger.pk)
        if parent is not None:
            parent = _lock(parent)
            if not can_own(user, parent):
                if not Task.objects.restrict(user).filter(pk=parent.pk).exists():
                    raise NotInScope()
                raise PermissionDenied(_("只有上级任务的责任单位可以分解子任务"))
            _not_frozen(parent)
            if parent.status == TaskStatus.SUBMITTED:
                raise BusinessRuleError(_("上级任务已提交待审核，不能再分解子任务"))
        elif not user.can("change", ledger):
            raise PermissionDenied(_("只有台账的主管组织可以登记任务"))
        task = Task(ledger=ledger, parent=parent, owner=owner, title=title, deadline=deadline,
                    assigned_on=assigned_on or _today(today), **fields)
        _check_definition(task, co_owners, milestones)
        task.order, number = _next_number(ledger, parent)
        task.number = task.number or number
        # The manager's right was checked above, and _check_definition kept the owner inside the
        # manager's organisation: the ledger's organisation sees every task of its ledger.
        audit.create(user, task, action=None)
        _set_m2m(user, task, co_owners, leaders, _("协办单位与责任领导"))
        _write_milestones(task, milestones)
        _transition(user, task, Event.CREATED, today=task.assigned_on if today is None else today)
    return task


def update_task(user, task, changes, *, co_owners=None, leaders=None, milestones=None, expected_version=None):
    """The manager edits the task's definition; a done or cancelled task must be reopened first."""
    changes = {k: v for k, v in changes.items() if k in TASK_FIELDS}
    with transaction.atomic():
        fresh = _lock(task)
        ensure_manager(user, fresh)
        _not_frozen(fresh)
        candidate = Task(**{**{f.attname: getattr(fresh, f.attname) for f in Task._meta.concrete_fields}})
        for k, v in changes.items():
            setattr(candidate, k, v)
        current_co = list(fresh.co_owners.all()) if co_owners is None else list(co_owners)
        current_ms = list(fresh.milestones.values("title", "due_on", "done_on")) if milestones is None else milestones
        _check_definition(candidate, current_co, current_ms)
        if "owner" in changes:
            strays = [s.owner.name for s in fresh.subtasks.select_related("owner")
                      if not _within(s.owner, changes["owner"])]
            if strays:
                raise BusinessRuleError(_("子任务的责任单位（%(names)s）不在新的责任单位范围内")
                                        % {"names": "、".join(strays)})
        if "deadline" in changes:
            late = fresh.subtasks.filter(deadline__gt=changes["deadline"]).count()
            if late:
                raise BusinessRuleError(_("有 %(n)s 项子任务的完成时限晚于新的完成时限") % {"n": late})
        updated = audit.update(user, fresh, changes, expected_version=expected_version, action=None)
        _set_m2m(user, updated, co_owners, leaders, _("协办单位与责任领导"))
        if milestones is not None:
            _write_milestones(updated, milestones)
    return updated


def delete_task(user, task):
    """Only a task nobody has worked on yet; anything with history is cancelled instead."""
    with transaction.atomic():
        fresh = _lock(task)
        ensure_manager(user, fresh)
        if (fresh.status != TaskStatus.NOT_STARTED or fresh.subtasks.exists() or fresh.updates.exists()
                or fresh.evidence.exists()):
            raise BusinessRuleError(_("任务已有进展、佐证材料或子任务，不能删除；如不再执行，请取消任务并说明理由"))
        fresh.milestones.all().delete()
        fresh.transitions.all().delete()
        audit.delete(user, fresh, action=None)


# --- tasks: the owner's work -------------------------------------------------------------------------

def add_progress(user, task, text, *, written_on=None, today=None):
    today = _today(today)
    written_on = written_on or today
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写进展情况")})
    with transaction.atomic():
        fresh = _lock(task)
        ensure_owner(user, fresh)
        _not_frozen(fresh)
        if written_on > today:
            raise ValidationError({"written_on": _("进展日期不能晚于今天")})
        if written_on < fresh.assigned_on:
            raise ValidationError({"written_on": _("进展日期不能早于任务下达日期（%(d)s）") % {"d": fresh.assigned_on}})
        update = ProgressUpdate.objects.create(task=fresh, written_on=written_on, text=text,
                                               author=user if getattr(user, "pk", None) else None,
                                               author_name=user.get_username())
        audit.record(user, Action.CREATE, update, after={"task": fresh.pk, "written_on": written_on.isoformat(),
                                                         "text": text})
        if fresh.status in (TaskStatus.NOT_STARTED, TaskStatus.RETURNED):
            fresh = audit.update(user, fresh, {"status": TaskStatus.IN_PROGRESS}, audit_action=Action.STATUS)
            _transition(user, fresh, Event.STARTED, today=written_on)
    return update


def complete_milestone(user, milestone, done_on=None, *, today=None):
    today = _today(today)
    done_on = done_on or today
    with transaction.atomic():
        fresh = _lock(milestone.task)
        ensure_owner(user, fresh)
        _not_frozen(fresh)
        if done_on > today:
            raise ValidationError(_("完成日期不能晚于今天"))
        before = milestone.done_on
        Milestone.objects.filter(pk=milestone.pk).update(done_on=done_on)
        audit.record(user, Action.UPDATE, milestone, before={"done_on": before and before.isoformat()},
                     after={"done_on": done_on.isoformat()}, note=str(fresh))


def open_subtasks(task):
    return task.subtasks.exclude(status__in=CLOSED)


def _refuse_open_subtasks(task, doing):
    pending = list(open_subtasks(task).select_related("owner")[:6])
    if pending:
        names = "、".join(s.owner.name for s in pending[:5]) + ("等" if len(pending) > 5 else "")
        raise BusinessRuleError(_("尚有 %(n)s 项子任务未完成（%(names)s），不能%(doing)s")
                                % {"n": open_subtasks(task).count(), "names": names, "doing": doing})


def submit_task(user, task, completion_note, *, expected_version=None, today=None):
    today = _today(today)
    note = (completion_note or "").strip()
    if not note:
        raise ValidationError({"completion_note": _("请填写完成情况")})
    with transaction.atomic():
        fresh = _lock(task)
        ensure_owner(user, fresh)
        if fresh.status not in OWNER_OPEN:
            raise BusinessRuleError(_("任务当前状态为“%(s)s”，不能提交") % {"s": fresh.get_status_display()})
        _refuse_open_subtasks(fresh, _("提交完成"))
        if today < fresh.assigned_on:
            raise ValidationError(_("提交日期不能早于任务下达日期"))
        fresh = audit.update(user, fresh, {"status": TaskStatus.SUBMITTED, "completion_note": note,
                                           "submitted_on": today},
                             expected_version=expected_version, audit_action=Action.STATUS, note=_("提交完成"))
        _transition(user, fresh, Event.SUBMITTED, today=today)
    return fresh


# --- tasks: the manager's decisions --------------------------------------------------------------------

def _decide(user, task, expected_version, allowed, changes, event, reason="", today=None, verb=""):
    with transaction.atomic():
        fresh = _lock(task)
        ensure_manager(user, fresh)
        if fresh.status not in allowed:
            raise BusinessRuleError(_("任务当前状态为“%(s)s”，不能%(verb)s")
                                    % {"s": fresh.get_status_display(), "verb": verb})
        fresh = audit.update(user, fresh, changes(fresh), expected_version=expected_version, action=None,
                             audit_action=Action.STATUS, note=f"{verb}：{reason}" if reason else verb)
        _transition(user, fresh, event, reason=reason, today=today)
    return fresh


def _reason(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("%(what)s须说明理由") % {"what": what}})
    return reason


def verify_task(user, task, *, expected_version=None, today=None):
    today = _today(today)
    with transaction.atomic():
        _refuse_open_subtasks(task, _("审核通过"))
        return _decide(user, task, expected_version, (TaskStatus.SUBMITTED,),
                       lambda t: {"status": TaskStatus.DONE, "completed_on": t.submitted_on, "verified_on": today},
                       Event.VERIFIED, today=today, verb=_("审核通过"))


def return_task(user, task, reason, *, expected_version=None, today=None):
    reason = _reason(reason, _("退回"))
    return _decide(user, task, expected_version, (TaskStatus.SUBMITTED,), lambda t: {"status": TaskStatus.RETURNED},
                   Event.RETURNED, reason, today, verb=_("退回"))


def cancel_task(user, task, reason, *, expected_version=None, today=None):
    reason = _reason(reason, _("取消任务"))
    with transaction.atomic():
        _refuse_open_subtasks(task, _("取消（请先取消或完成子任务）"))
        return _decide(user, task, expected_version, (*OWNER_OPEN, TaskStatus.SUBMITTED),
                       lambda t: {"status": TaskStatus.CANCELLED}, Event.CANCELLED, reason, today, verb=_("取消"))


def reopen_task(user, task, reason, *, expected_version=None, today=None):
    reason = _reason(reason, _("重新打开"))
    if task.parent_id and task.parent.status in CLOSED:
        raise BusinessRuleError(_("上级任务“%(t)s”%(s)s，须先重新打开上级任务")
                                % {"t": task.parent.title, "s": task.parent.get_status_display()})
    return _decide(user, task, expected_version, CLOSED,
                   lambda t: {"status": TaskStatus.IN_PROGRESS, "completed_on": None, "verified_on": None},
                   Event.REOPENED, reason, today, verb=_("重新打开"))


# --- evidence ----------------------------------------------------------------------------------------

def add_evidence(user, task, upload, *, note=""):
    """Store one file proving the work; owners and the manager may add while the task is open."""
    _ext, content_type = uploads.check_upload(upload, EVIDENCE_MAX_SIZE)
    with transaction.atomic():
        fresh = _lock(task)
        if not can_manage(user, fresh):
            ensure_owner(user, fresh)
        _not_frozen(fresh)

    def write(fields):
        fresh = _lock(task)
        _not_frozen(fresh)
        obj = Evidence(task=fresh, note=(note or "")[:200], uploaded_by=user if getattr(user, "pk", None) else None,
                       **fields)
        obj.full_clean()
        obj.save()
        audit.record(user, Action.CREATE, obj, after=_evidence_data(obj))
        return obj

    return uploads.keep(upload, "ledgers", content_type, write)


def delete_evidence(user, evidence):
    with transaction.atomic():
        fresh = Evidence.objects.select_for_update().get(pk=evidence.pk)
        task = _lock(fresh.task)
        if not can_manage(user, task):
            ensure_owner(user, task)
        _not_frozen(task)
        before, pk, text, path = _evidence_data(fresh), fresh.pk, str(fresh), fresh.stored_path
        fresh.delete()
        audit.record(user, Action.DELETE, model=Evidence._meta.label_lower, object_id=pk, object_repr=text,
                     before=before)
        transaction.on_commit(lambda: uploads.storage().delete(path))


def _evidence_data(obj):
    return {"task": obj.task_id, "original_name": obj.original_name, "content_type": obj.content_type,
            "size": obj.size, "sha256": obj.sha256, "note": obj.note}


# --- roll-up -----------------------------------------------------------------------------------------

def rollup(task):
    """(done, total) of the task's sub-tasks, cancelled ones left out: "3 of 5 branches done"."""
    counted = task.subtasks.exclude(status=TaskStatus.CANCELLED)
    return counted.filter(status=TaskStatus.DONE).count(), counted.count()
