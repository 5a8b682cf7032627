"""Every write to liaisons, visits and the problems visits find.

A liaison is refused for an organisation that is not a branch or is dissolved, for anyone but a
middle-or-senior leader who is a Party member, and when it would overlap the leader's liaison with the same
branch or give the leader more branches at once than the rule `liaison.branches_per_leader` allows. A visit
is refused for a branch that was dissolved (or not yet set up) on its day, and for a day in the future."""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Action
from core.errors import BusinessRuleError, NotInScope
from core.rules import rule_value
from ledgers import services as ledger_services
from members.choices import MEMBER_STATUSES, CadreLevel
from members.models import Person
from orgs.choices import Kind
from rollups import maintain as rollups

from .choices import ProblemStatus
from .models import BranchVisit, Liaison, Problem

LEADER_LEVELS = (CadreLevel.MIDDLE, CadreLevel.SENIOR)
LIAISON_FIELDS = ("leader", "branch", "valid_from", "valid_to", "note")
VISIT_FIELDS = ("branch", "visited_on", "heard", "findings")


def _today(today):
    return today or timezone.localdate()


def _fmt(day):
    return f"{day:%Y-%m-%d}"


def _span(start, end):
    if end is None:
        return _("%(f)s 起") % {"f": _fmt(start)}
    return _("%(f)s 至 %(t)s") % {"f": _fmt(start), "t": _fmt(end)}


# --- liaisons ------------------------------------------------------------------------------------------

def _check_branch(branch, on_date, what):
    if branch.kind != Kind.BRANCH:
        raise BusinessRuleError(_("“%(o)s”是%(k)s，不是党支部：%(w)s只能是党支部")
                                % {"o": branch, "k": branch.get_kind_display(), "w": what})
    if branch.dissolved_on and branch.dissolved_on <= on_date:
        raise BusinessRuleError(_("党支部“%(o)s”已于 %(d)s 撤销") % {"o": branch, "d": _fmt(branch.dissolved_on)})
    if branch.established_on and branch.established_on > on_date:
        raise BusinessRuleError(_("党支部“%(o)s”于 %(d)s 成立，此前不能登记")
                                % {"o": branch, "d": _fmt(branch.established_on)})


def _check_liaison(liaison):
    """The rules a liaison must keep; run inside the write's transaction, the leader's row locked, so two
    assignments of one leader at once cannot both pass."""
    leader = Person.objects.select_for_update().get(pk=liaison.leader_id)
    if leader.cadre_level not in LEADER_LEVELS:
        raise BusinessRuleError(_("“%(p)s”不是中层及以上领导干部，不能作为联系领导（请先在人员信息中填写干部层级）")
                                % {"p": leader})
    if leader.party_status not in MEMBER_STATUSES:
        raise BusinessRuleError(_("“%(p)s”不是党员，不能作为联系领导") % {"p": leader})
    _check_branch(liaison.branch, liaison.valid_from, _("联系对象"))
    if liaison.valid_to and liaison.valid_to <= liaison.valid_from:
        raise BusinessRuleError(_("联系结束日期须晚于开始日期"))
    others = (Liaison.objects.filter(leader=leader).exclude(pk=liaison.pk)
              .overlapping(liaison.valid_from, liaison.valid_to).select_related("branch"))
    same = next((o for o in others if o.branch_id == liaison.branch_id), None)
    if same:
        raise BusinessRuleError(_("与已有的联系记录（%(s)s）时间重叠：同一领导联系同一党支部的时段不能重叠")
                                % {"s": _span(same.valid_from, same.valid_to)})
    limit = int(rule_value("liaison.branches_per_leader", liaison.valid_from, liaison.branch.path))
    if len(others) >= limit:
        first = others[0]
        raise BusinessRuleError(
            _("“%(p)s”%(s)s已联系“%(b)s”：每名领导同一时间只能联系 %(n)s 个党支部，"
              "请先结束原联系（填写结束日期）再新增")
            % {"p": leader, "s": _span(first.valid_from, first.valid_to), "b": first.branch, "n": limit})


def assign(user, *, leader, branch, valid_from, valid_to=None, note=""):
    liaison = Liaison(leader=leader, branch=branch, valid_from=valid_from, valid_to=valid_to, note=note)
    with transaction.atomic():
        _check_liaison(liaison)
        return audit.create(user, liaison)


def update_liaison(user, liaison, changes, expected_version=None):
    changes = {k: v for k, v in changes.items() if k in LIAISON_FIELDS}
    with transaction.atomic():
        draft = Liaison.objects.get(pk=liaison.pk)
        for name, value in changes.items():
            setattr(draft, name, value)
        _check_liaison(draft)
        return audit.update(user, liaison, changes, expected_version=expected_version)


def end_liaison(user, liaison, valid_to, expected_version=None):
    if liaison.valid_to and liaison.valid_to <= valid_to:
        raise BusinessRuleError(_("该联系已于 %(d)s 结束") % {"d": _fmt(liaison.valid_to)})
    return update_liaison(user, liaison, {"valid_to": valid_to}, expected_version=expected_version)


def delete_liaison(user, liaison):
    audit.delete(user, liaison)


# --- visits --------------------------------------------------------------------------------------------

def _leaders(visit):
    return sorted(visit.leaders.values_list("pk", flat=True))


def _set_leaders(user, visit, leaders):
    before = _leaders(visit)
    visit.leaders.set(leaders)
    after = _leaders(visit)
    if after != before:
        audit.record(user, Action.UPDATE, visit, before={"leaders": before}, after={"leaders": after},
                     note=_("走访领导"))


def _check_visit(visit, leaders, today):
    _check_branch(visit.branch, visit.visited_on, _("走访对象"))
    if visit.visited_on > _today(today):
        raise BusinessRuleError(_("走访日期 %(d)s 晚于今天，请在走访后登记") % {"d": _fmt(visit.visited_on)})
    if not leaders:
        raise BusinessRuleError(_("请至少选择一名走访领导"))


def record_visit(user, *, branch, visited_on, leaders, heard="", findings="", problems=(), today=None):
    """A visit with its leaders and the problems found (one description each)."""
    leaders = list(leaders)
    visit = BranchVisit(branch=branch, visited_on=visited_on, heard=heard, findings=findings)
    with transaction.atomic(), rollups.batch():  # the visit and its problems recount their cell once
        _check_visit(visit, leaders, today)
        audit.create(user, visit)
        _set_leaders(user, visit, leaders)
        for text in problems:
            if text.strip():
                _create_problem(user, visit, text.strip())
    return visit


def update_visit(user, visit, changes, *, leaders=None, expected_version=None, today=None):
    changes = {k: v for k, v in changes.items() if k in VISIT_FIELDS}
    with transaction.atomic():
        draft = BranchVisit.objects.get(pk=visit.pk)
        for name, value in changes.items():
            setattr(draft, name, value)
        _check_visit(draft, list(leaders) if leaders is not None else _leaders(draft), today)
        updated = audit.update(user, visit, changes, expected_version=expected_version)
        if leaders is not None:
            _set_leaders(user, updated, list(leaders))
    return updated


def delete_visit(user, visit):
    with transaction.atomic():
        if Problem.objects.filter(visit=visit, task__isnull=False).exists():
            raise BusinessRuleError(_("该走访发现的问题已转为台账任务，不能删除；请先处理对应任务"))
        with rollups.batch():
            audit.delete(user, visit)


# --- problems ------------------------------------------------------------------------------------------

def _ensure_visit(user, visit, action="change"):
    if user.can(action, visit):
        return
    if not BranchVisit.objects.restrict(user).filter(pk=visit.pk).exists():
        raise NotInScope()
    raise PermissionDenied(_("您没有执行此操作的权限"))


def _create_problem(user, visit, text):
    problem = Problem(visit=visit, description=text)
    # The visit's right was checked by the caller; a problem has no scope of its own but its visit's.
    return audit.create(user, problem, action=None)


def add_problem(user, visit, description):
    if not description.strip():
        raise BusinessRuleError(_("请填写问题"))
    with transaction.atomic():
        _ensure_visit(user, visit)
        return _create_problem(user, visit, description.strip())


def _lock_problem(user, problem, expected_version):
    fresh = Problem.objects.select_for_update().select_related("visit__branch").get(pk=problem.pk)
    _ensure_visit(user, fresh.visit)
    if expected_version is not None and int(expected_version) != fresh.version:
        raise audit.stale_edit(fresh, int(expected_version))
    return fresh


def resolve_problem(user, problem, *, resolution, resolved_on, expected_version=None, today=None):
    """Close a problem followed up in this app (not one handed to a ledger task: that closes with its task)."""
    with transaction.atomic():
        fresh = _lock_problem(user, problem, expected_version)
        if fresh.status != ProblemStatus.OPEN:
            raise BusinessRuleError(_("该问题%(s)s，不能再登记整改") % {"s": fresh.get_status_display()})
        if not resolution.strip():
            raise BusinessRuleError(_("请填写整改情况"))
        if resolved_on < fresh.visit.visited_on or resolved_on > _today(today):
            raise BusinessRuleError(_("整改完成日期须在走访日期 %(v)s 与今天之间")
                                    % {"v": _fmt(fresh.visit.visited_on)})
        return audit.update(user, fresh, {"status": ProblemStatus.RESOLVED, "resolution": resolution.strip(),
                                          "resolved_on": resolved_on}, action=None)


def reopen_problem(user, problem, expected_version=None):
    with transaction.atomic():
        fresh = _lock_problem(user, problem, expected_version)
        if fresh.status != ProblemStatus.RESOLVED:
            raise BusinessRuleError(_("只有已整改的问题可以重新打开"))
        return audit.update(user, fresh, {"status": ProblemStatus.OPEN, "resolution": "", "resolved_on": None},
                            action=None)


def problem_to_task(user, problem, *, ledger, owner, deadline, title=None, expected_version=None, today=None):
    """Hand an open problem to a ledger task (created by the ledger's manager through ledgers.services, so
    its rules hold); the problem then follows that task."""
    with transaction.atomic():
        fresh = _lock_problem(user, problem, expected_version)
        if fresh.status != ProblemStatus.OPEN:
            raise BusinessRuleError(_("该问题%(s)s，不能再转为任务") % {"s": fresh.get_status_display()})
        visit = fresh.visit
        description = _("来源：%(d)s 调研走访“%(b)s”发现的问题。\n%(p)s") % {
            "d": _fmt(visit.visited_on), "b": visit.branch, "p": fresh.description}
        task = ledger_services.create_task(user, ledger=ledger, owner=owner, title=(title or fresh.description)[:500],
                                           deadline=deadline, description=description, today=today)
        return audit.update(user, fresh, {"status": ProblemStatus.TASKED, "task": task}, action=None)


def problem_is_closed(problem):
    """Resolved here, or handed to a task that is done."""
    from ledgers.choices import TaskStatus

    if problem.status == ProblemStatus.RESOLVED:
        return True
    return (problem.status == ProblemStatus.TASKED and problem.task is not None
            and problem.task.status == TaskStatus.DONE)
