"""The ledger figures' roll-up (rollups/computed.py): task counts per organisation and ledger year, by each
task's status on 31 December of that year.

A subtree counts a task owned inside it whose parent, if any, is owned outside it (ledgers.figures). That
is not a sum over the organisations, but it is a difference of two sums: the tasks owned in the subtree,
less the sub-tasks whose owner and parent's owner are both in it, that is, whose two owners meet (their
lowest common ancestor) inside it. So an organisation's own value is +1 for each task it owns and -1 for
each sub-task whose two owners meet at it, and a subtree's total is the figure. A move changes where two
owners meet: the organisations above the moved one, before and after, are recomputed; a figure as of a
day before a move is counted from the records (exact_after_moves).
"""
from datetime import date

from django.db import connection

from core.scoping import path_range
from orgs.models import PATH_WIDTH, Organization
from rollups.computed import ComputedSource
from rollups.maintain import ancestors

from .choices import OWNER_OPEN, LedgerKind, TaskStatus
from .models import Ledger, Task, Transition

STEP = PATH_WIDTH + 1


def _live(row):
    return row["status_then"] != TaskStatus.CANCELLED


def _done(row):
    return row["status_then"] == TaskStatus.DONE


def _of_kind(kind, test):
    return lambda row: row["ledger__kind"] == kind and test(row)


# {figure code: {measure: test of a task row}}: the builders of ledgers.figures, row by row.
MEASURES = {
    "ledgers.directive.tasks": {"n": _of_kind(LedgerKind.DIRECTIVE_LEDGER, _live)},
    "ledgers.directive.done": {"n": _of_kind(LedgerKind.DIRECTIVE_LEDGER, _done)},
    "ledgers.task_list.items": {"n": _of_kind(LedgerKind.TASK_LIST, _live)},
    "ledgers.task_list.done": {"n": _of_kind(LedgerKind.TASK_LIST, _done)},
    "ledgers.tasks.completion_rate": {"total": _live, "done": _done},
    "ledgers.tasks.overdue": {"n": lambda row: row["status_then"] in OWNER_OPEN and row["deadline"] < row["day"]},
    "ledgers.tasks.on_time": {"n": lambda row: _done(row) and row["submitted_then"] is not None
                              and row["submitted_then"] <= row["deadline"]},
    **{f"ledgers.status.{s.value}": {"n": lambda row, s=s: row["status_then"] == s} for s in TaskStatus},
}
KEYS = tuple(f"{code}:{m}" for code, measures in MEASURES.items() for m in measures)
FIELDS = ("pk", "owner_id", "ledger__kind", "status_then", "submitted_then", "deadline")


def _rows(tasks, day):
    from .figures import as_of_status

    for row in as_of_status(tasks, day).order_by().values(*FIELDS):
        row["day"] = day
        yield row


def _add(cells, org_id, row, sign):
    for code, measures in MEASURES.items():
        for measure, test in measures.items():
            if test(row):
                key = (org_id, f"{code}:{measure}")
                cells[key] = cells.get(key, 0) + sign


def meeting_points(year, org_ids=None, within=None):
    """{sub-task id: the organisation where its owner and its parent's owner meet}, for the sub-tasks of
    the year's ledgers; only those meeting at `org_ids` (when given) and under the path `within` (when
    given: both owners lie under it). The meeting point is the deepest common path segment, found in SQL
    by comparing the two paths' prefixes at each depth."""
    org, task, ledger = Organization._meta.db_table, Task._meta.db_table, Ledger._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(LENGTH(path)) FROM {org}")
        depths = max(1, -(-(cursor.fetchone()[0] or 0) // STEP))
        levels = " UNION ALL ".join(f"SELECT {d} AS d" for d in range(depths))
        where, params = ["l.year = %s"], [year]
        if within:
            lo, hi = path_range(within)
            where += ["po.path >= %s", "po.path < %s", "o.path >= %s", "o.path < %s"]
            params += [lo, hi, lo, hi]
        sql = (f"SELECT t.id, CAST(SUBSTR(MAX(o.path), MAX(lv.d) * {STEP} + 1, {PATH_WIDTH}) AS integer) AS meets "
               f"FROM {task} t JOIN {ledger} l ON l.id = t.ledger_id JOIN {org} o ON o.id = t.owner_id "
               f"JOIN {task} p ON p.id = t.parent_id JOIN {org} po ON po.id = p.owner_id "
               f"JOIN ({levels}) lv ON lv.d * {STEP} < LENGTH(o.path) AND lv.d * {STEP} < LENGTH(po.path) "
               f"AND SUBSTR(o.path, 1, (lv.d + 1) * {STEP}) = SUBSTR(po.path, 1, (lv.d + 1) * {STEP}) "
               f"WHERE {' AND '.join(where)} GROUP BY t.id")
        cursor.execute(sql, params)
        points = dict(cursor.fetchall())
    if org_ids is not None:
        wanted = set(org_ids)
        points = {pk: meets for pk, meets in points.items() if meets in wanted}
    return points


def count(org_ids, year, keys):
    """{(organisation id, key): own value}: +1 per task owned, -1 per sub-task whose owners meet there."""
    day = date(year, 12, 31)
    cells = {}
    year_tasks = Task.objects.filter(ledger__year=year)
    for row in _rows(year_tasks.filter(owner_id__in=org_ids), day):
        _add(cells, row["owner_id"], row, 1)
    within = None
    if len(org_ids) == 1:  # a write's recount: only the sub-tasks under that organisation can meet there
        within = Organization.objects.filter(pk=org_ids[0]).values_list("path", flat=True).first()
    points = meeting_points(year, org_ids, within)
    ids = list(points)
    for start in range(0, len(ids), 2000):
        for row in _rows(year_tasks.filter(pk__in=ids[start:start + 2000]), day):
            _add(cells, points[row["pk"]], row, -1)
    return cells


def _meets(owner_id, other_owner_id):
    paths = dict(Organization.objects.filter(pk__in=[owner_id, other_owner_id]).values_list("pk", "path"))
    line, other = ancestors(paths.get(owner_id, "")), set(ancestors(paths.get(other_owner_id, "")))
    common = [pk for pk in line if pk in other]
    return common[-1] if common else None


def _task_facts(task):
    year = Ledger.objects.filter(pk=task.ledger_id).values_list("year", flat=True).first()
    facts = {(task.owner_id, year, year, task.parent_id, task.ledger_id, task.deadline)}
    if task.parent_id:
        parent_owner = Task.objects.filter(pk=task.parent_id).values_list("owner_id", flat=True).first()
        facts.add((_meets(task.owner_id, parent_owner), year, year, task.parent_id, task.ledger_id, task.deadline))
    return facts


def _transition_facts(transition):
    task = Task.objects.filter(pk=transition.task_id).first()
    if task is None:  # deleted with its task: the task's own delete recounts
        return set()
    return {(*fact[:3], transition.pk, transition.status, transition.on, transition.event)
            for fact in _task_facts(task)}


def _ledger_facts(ledger):
    """A ledger's year and kind place all its tasks: changing either changes any number of cells (a ledger
    without tasks, none)."""
    if not Task.objects.filter(ledger_id=ledger.pk).exists():
        return None
    return (ledger.year, ledger.kind)


def _moved(old_prefix, new_prefix):
    """Where sub-task owners meet can change only above the moved organisation, on either line."""
    return set(ancestors(old_prefix)[:-1]) | set(ancestors(new_prefix)[:-1])


class LedgerSource(ComputedSource):
    def on_day(self, org, period, as_of):
        """{key: value} of every ledger figure for `org`'s subtree, the period's ledgers and the statuses on
        `as_of`, from the tasks the builders count (rollups.read: a page's dozen ledger figures of a year
        still running, in one query rather than one each)."""
        from .figures import counted

        cells = {}
        for row in counted(Task.objects.all(), org, period, as_of).order_by().values(*FIELDS):
            row["day"] = as_of
            _add(cells, None, row, 1)
        return {key: n for (_org, key), n in cells.items()}


LEDGERS = LedgerSource(
    "ledgers", Task, count=count, keys=KEYS, orgs=lambda: Organization.objects.all(),
    follows=((Task, _task_facts), (Transition, _transition_facts)),
    invalidated_by=((Ledger, _ledger_facts),), moved=_moved, final_at_year_end=False,
    exact_after_moves=False)

