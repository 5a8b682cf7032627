"""The 台账 layout: a ledger's tasks one row each, under their directive or (nested) section, sub-tasks
indented under their parent; and the completion figures of a ledger. The detail tab and the print view
use the same rows, built in a fixed handful of queries whatever the number of tasks."""
from collections import defaultdict

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from members.models import Person
from orgs.models import Organization

from .choices import OWNER_OPEN, LedgerKind, TaskStatus
from .models import Directive, Duty, ProgressUpdate, Section, Task

STATUS_BADGES = {
    TaskStatus.NOT_STARTED: "text-bg-secondary",
    TaskStatus.IN_PROGRESS: "text-bg-primary",
    TaskStatus.SUBMITTED: "text-bg-info",
    TaskStatus.DONE: "text-bg-success",
    TaskStatus.RETURNED: "text-bg-warning",
    TaskStatus.CANCELLED: "text-bg-light border",
}


def indent(level):
    return f"{0.5 + 1.5 * level:.1f}rem"


class GroupRow:
    """A directive or section heading spanning the table."""

    is_group = True

    def __init__(self, title, level=0, number="", detail=""):
        self.title, self.level, self.number, self.detail = title, level, number, detail
        self.indent = indent(level)


class TaskRow:
    is_group = False

    def __init__(self, task, depth, today):
        self.task, self.depth = task, depth
        self.indent = indent(depth)
        self.co_owners = list(task.co_owners.all())
        self.leaders = list(task.leaders.all())
        self.latest_on, self.latest_text = task.latest_on, task.latest_text
        self.overdue = task.is_overdue(today)
        self.days_overdue = (today - task.deadline).days if self.overdue else 0
        self.rollup = (task.sub_done, task.sub_total) if task.sub_total else None
        self.badge = STATUS_BADGES.get(task.status, "text-bg-secondary")
        try:
            self.url = task.get_absolute_url()
        except NoReverseMatch:  # the task pages are another module's; the table works without them
            self.url = None


def visible_tasks(user, ledger):
    return Task.objects.restrict(user).filter(ledger=ledger)


def _count(qs):
    return Coalesce(Subquery(qs.order_by().values("parent").annotate(n=Count("pk")).values("n"),
                             output_field=IntegerField()), Value(0))


def _inherited(field, levels=4):
    """The task's own directive / section, else its nearest ancestor's (sub-tasks need not repeat it), so
    that a sub-task whose parent the user does not see still stands under its heading."""
    return Coalesce(*(F("parent__" * n + field) for n in range(levels)))


def row_queryset(user, ledger):
    """The visible tasks with everything a row shows: owner, co-owners, leaders (prefetched), the latest
    progress update and the sub-task roll-up (annotated)."""
    latest = ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by("-written_on", "-id")
    # The roll-up counts every sub-task, as services.rollup does: it is the parent task's own figure.
    subs = Task.objects.filter(parent=OuterRef("pk")).exclude(status=TaskStatus.CANCELLED)
    co_owners = Organization.objects.order_by("path")  # scope: the names on a task the user sees
    leaders = Person.objects.order_by("name_pinyin")  # scope: the names on a task the user sees
    return (visible_tasks(user, ledger).select_related("owner")
            .prefetch_related(Prefetch("co_owners", queryset=co_owners), Prefetch("leaders", queryset=leaders))
            .annotate(group_section=_inherited("section_id"), group_directive=_inherited("directive_id"),
                      latest_text=Subquery(latest.values("text")[:1]),
                      latest_on=Subquery(latest.values("written_on")[:1]),
                      sub_total=_count(subs), sub_done=_count(subs.filter(status=TaskStatus.DONE)))
            .order_by("order", "id"))


def _emit(rows, roots, children, today):
    """Each root task followed by its sub-tasks, depth first, in their order."""
    stack = [(t, 0) for t in reversed(roots)]
    while stack:
        task, depth = stack.pop()
        rows.append(TaskRow(task, depth, today))
        stack.extend((c, depth + 1) for c in reversed(children.get(task.pk, ())))


def ledger_rows(user, ledger, today, *, full_structure=False):
    """The rows of the 台账 table. Only tasks the user may see; a sub-task whose parent the user does not
    see stands as a root. Headings without visible tasks show only with `full_structure` (the manager)."""
    tasks = list(row_queryset(user, ledger))
    by_id = {t.pk: t for t in tasks}
    children, roots = defaultdict(list), []
    for t in tasks:
        (children[t.parent_id] if t.parent_id in by_id else roots).append(t)
    if ledger.kind == LedgerKind.DIRECTIVE_LEDGER:
        return _directive_rows(ledger, roots, children, today, full_structure)
    if ledger.kind == LedgerKind.TASK_LIST:
        return _section_rows(ledger, roots, children, today, full_structure)
    rows = []
    _emit(rows, roots, children, today)
    return rows


def _directive_rows(ledger, roots, children, today, full_structure):
    # The ledger was read through restrict(); its directives are its structure, which the owners of its
    # tasks need to place their rows (see LedgerQuerySet.restrict).
    directives = list(Directive.objects.filter(ledger=ledger).order_by("issued_on", "id"))  # scope: ledger's structure
    grouped = defaultdict(list)
    for t in roots:
        grouped[t.group_directive].append(t)
    rows = []
    for d in directives:
        if grouped.get(d.pk) or full_structure:
            detail = " · ".join(x for x in (d.document_number, str(d.get_issuing_level_display()),
                                            d.issued_on.isoformat()) if x)
            rows.append(GroupRow(d.title, detail=detail))
            _emit(rows, grouped.pop(d.pk, []), children, today)
    rest = [t for key, ts in grouped.items() for t in ts]
    if rest:
        if rows:
            rows.append(GroupRow(_("其他任务")))
        _emit(rows, sorted(rest, key=lambda t: (t.order, t.pk)), children, today)
    return rows


def _section_rows(ledger, roots, children, today, full_structure):
    sections = list(Section.objects.filter(ledger=ledger).order_by("order", "id"))  # scope: ledger's structure
    known = {s.pk for s in sections}
    sub = defaultdict(list)
    for s in sections:
        sub[s.parent_id if s.parent_id in known else None].append(s)
    grouped = defaultdict(list)
    for t in roots:
        grouped[t.group_section if t.group_section in known else None].append(t)
    # A heading shows when its section or one below it has visible tasks (or for the manager).
    by_pk, shown = {s.pk: s for s in sections}, set()
    for s in sections:
        if grouped.get(s.pk) or full_structure:
            node = s
            while node is not None and node.pk not in shown:
                shown.add(node.pk)
                node = by_pk.get(node.parent_id)
    rows = []
    stack = [(s, 0) for s in reversed(sub[None])]
    while stack:
        s, level = stack.pop()
        if s.pk not in shown:
            continue
        rows.append(GroupRow(s.title, level, s.number))
        _emit(rows, grouped.get(s.pk, []), children, today)
        stack.extend((c, level + 1) for c in reversed(sub[s.pk]))
    if grouped.get(None):
        if rows:
            rows.append(GroupRow(_("其他任务")))
        _emit(rows, grouped[None], children, today)
    return rows


def duty_rows(user, ledger):
    covered = Organization.objects.order_by("path")  # scope: the names on a duty the user sees
    return list(Duty.objects.restrict(user).filter(ledger=ledger).select_related("leader")
                .prefetch_related(Prefetch("organizations", queryset=covered)).order_by("order", "id"))


# --- completion ------------------------------------------------------------------------------------

def rate(done, counted):
    """Per cent done of the tasks that count (cancelled ones do not), or None when none count."""
    return round(done * 100 / counted, 1) if counted else None


def _tallies(today):
    late = Q(status__in=OWNER_OPEN, deadline__lt=today)
    return {"total": Count("pk"), "counted": Count("pk", filter=~Q(status=TaskStatus.CANCELLED)),
            "done": Count("pk", filter=Q(status=TaskStatus.DONE)), "overdue": Count("pk", filter=late),
            "on_time": Count("pk", filter=Q(status=TaskStatus.DONE, completed_on__lte=F("deadline")))}


def headline(visible):
    """The tasks a ledger's totals count: each once, at the highest level the user sees (a top-level task,
    or a sub-task whose parent the user does not see), as the ledger figures count a subtree's tasks."""
    return visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk")))


def completion(user, ledger, today):
    """The 完成情况 of a ledger over the tasks the user sees: counts by status, the completion rate (done
    / not cancelled), overdue and done on time (each task once: see headline), and by owner
    organisation every task it owns, sub-tasks included."""
    tasks = visible_tasks(user, ledger).order_by()
    top = headline(tasks)
    totals = top.aggregate(**_tallies(today))
    totals["subtasks"] = tasks.count() - totals["total"]
    by_status = dict(top.values_list("status").annotate(n=Count("pk")))
    organizations = list(tasks.values("owner_id", "owner__name", "owner__path").annotate(**_tallies(today))
                         .order_by("owner__path"))
    for row in organizations:
        row["rate"] = rate(row["done"], row["counted"])
    return {"totals": totals, "rate": rate(totals["done"], totals["counted"]),
            "by_status": [(s, by_status.get(s.value, 0), STATUS_BADGES[s]) for s in TaskStatus],
            "by_organization": organizations}


def _per_ledger(qs):
    return Coalesce(Subquery(qs.values("ledger").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                    Value(0))


def with_counts(ledgers, user):
    """Ledgers annotated, in the same query, with the tasks the user sees, counted as the totals of the
    完成情况 tab: task_count, counted (not cancelled), done_count."""
    tasks = headline(Task.objects.restrict(user)).filter(ledger=OuterRef("pk")).order_by()
    return ledgers.annotate(task_count=_per_ledger(tasks),
                            counted=_per_ledger(tasks.exclude(status=TaskStatus.CANCELLED)),
                            done_count=_per_ledger(tasks.filter(status=TaskStatus.DONE)))
