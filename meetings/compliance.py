"""The compliance calendar: which periods of each meeting rule an organisation satisfied, missed, or has
open, derived from the held meetings and the rule versions in force (RULES.md, 支部工作条例 2018).

Pure functions over records. A rule `meeting.per_year.<kind>` says how many periods a year the meeting
must be held in: 12 months, 4 quarters, 1 year, 0 not required. Periods are made of whole months; the
value in force on the first day of a month decides where the period starting there ends, and a period
is cut short where a later month's value differs (quarterly until June and monthly from July gives Q1,
Q2, then July..December), so each period is judged by the value in force at its start.

A subtree report reads the organisations, the rule versions and the held meetings grouped by
(organisation, kind, month) once each, whatever the number of organisations.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import rules
from core.figures import Period
from core.scoping import path_range
from core.sql import prepared
from members.models import CommitteeSeat
from orgs.models import Organization

from .choices import Kind, Status
from .models import Meeting

# The rules of the calendar, in display order.
RULE_KINDS = (Kind.MEMBER_ASSEMBLY, Kind.BRANCH_COMMITTEE, Kind.GROUP_MEETING, Kind.PARTY_LECTURE,
              Kind.THEME_DAY, Kind.LIFE_MEETING)
# Which organisation kinds each rule binds: the frequencies of the branch work regulations (RULES.md) bind
# party branches; group meetings bind party groups. General branches hold such meetings too, and they count
# in the figures, but no frequency is set for them.
APPLIES_TO = {
    Kind.MEMBER_ASSEMBLY: {"branch"},
    Kind.BRANCH_COMMITTEE: {"branch"},
    Kind.GROUP_MEETING: {"group"},
    Kind.PARTY_LECTURE: {"branch"},
    Kind.THEME_DAY: {"branch"},
    Kind.LIFE_MEETING: {"branch"},
}
BOUND_ORG_KINDS = set().union(*APPLIES_TO.values())

SATISFIED, MISSING, OPEN, FUTURE, NOT_APPLICABLE = "satisfied", "missing", "open", "future", "not_applicable"
STATE_LABELS = {
    SATISFIED: gettext_lazy("已完成"),
    MISSING: gettext_lazy("缺失"),
    OPEN: gettext_lazy("进行中"),
    FUTURE: gettext_lazy("未到期"),
    NOT_APPLICABLE: gettext_lazy("不适用"),
}
REMINDER_KEY = "meeting.reminder_days"


def rule_key(kind):
    return f"meeting.per_year.{kind}"


def kinds_for(org_kind):
    return [k for k in RULE_KINDS if org_kind in APPLIES_TO[k]]


class RuleBook(rules.RuleBook):
    @classmethod
    def for_meetings(cls):
        return cls([rule_key(k) for k in RULE_KINDS] + [REMINDER_KEY])


# --- periods -----------------------------------------------------------------------------------------

MONTHS_PER_PERIOD = {12: 1, 4: 3, 1: 12}


@dataclass(frozen=True)
class RulePeriod:
    start: date
    end: date  # inclusive, the last day of a month
    per_year: int  # the rule value in force at the start

    @property
    def months(self):
        return range(self.start.month, self.end.month + 1)

    @property
    def label(self):
        first, last = self.start.month, self.end.month
        if first == last:
            return _("%(month)d月") % {"month": first}
        if self.per_year == 4 and last - first == 2 and first % 3 == 1:
            return _("第%(quarter)d季度") % {"quarter": last // 3}
        if first == 1 and last == 12:
            return _("全年")
        return _("%(first)d–%(last)d月") % {"first": first, "last": last}


def periods(year, value_at):
    """The year's rule periods; `value_at(day)` gives the rule value in force on that day. Months whose
    value is 0 (or unknown) belong to no period."""
    result = []
    month = 1
    while month <= 12:
        value = value_at(date(year, month, 1))
        size = MONTHS_PER_PERIOD.get(value)
        if size is None:
            month += 1
            continue
        # The natural end: the month that closes the month/quarter/year this month belongs to.
        last = ((month - 1) // size + 1) * size
        end_month = month
        while end_month < last and value_at(date(year, end_month + 1, 1)) == value:
            end_month += 1
        result.append(RulePeriod(date(year, month, 1), Period.month(year, end_month).end, value))
        month = end_month + 1
    return result


# --- judging -----------------------------------------------------------------------------------------

@dataclass
class Cell:
    period: RulePeriod
    state: str
    count: int

    @property
    def state_label(self):
        return STATE_LABELS[self.state]


@dataclass
class RuleRow:
    kind: str
    cells: list = field(default_factory=list)

    @property
    def label(self):
        return Kind(self.kind).label

    def count(self, state):
        return sum(1 for c in self.cells if c.state == state)

    @property
    def satisfied(self):
        return self.count(SATISFIED)

    @property
    def missing(self):
        return self.count(MISSING)

    @property
    def due_next(self):
        """The cell to act on next: the earliest open period not yet satisfied, else the next future one."""
        for state in (OPEN, FUTURE):
            for cell in self.cells:
                if cell.state == state:
                    return cell
        return None


def existed_through(org, period):
    """Whether the organisation existed on every day of the period (a branch set up or dissolved within
    it owes no meeting for it)."""
    if org.established_on and org.established_on > period.start:
        return False
    return not (org.dissolved_on and org.dissolved_on <= period.end)


def active_during(org, start, end):
    return (not org.established_on or org.established_on <= end) and (
        not org.dissolved_on or org.dissolved_on > start)


# A branch has a committee (and so owes committee meetings) when at least this many seats are held: with
# fewer than 7 full members a branch elects only a secretary (and perhaps a deputy) (RULES.md).
COMMITTEE_MIN_SEATS = 3


def seat_spans(org_ids):
    """{organization id: [(started_on, ended_on)]} of committee seats, one query."""
    spans = defaultdict(list)
    for org_id, start, end in CommitteeSeat.objects.filter(organization_id__in=org_ids).values_list(
            "organization_id", "started_on", "ended_on"):
        spans[org_id].append((start, end))
    return spans


def had_committee(spans, day):
    return sum(1 for start, end in spans if start <= day and (end is None or end > day)) >= COMMITTEE_MIN_SEATS


def judge(period, count, org, as_of, bound=True):
    if count:
        return SATISFIED
    if not bound or not existed_through(org, period):
        return NOT_APPLICABLE
    if period.end < as_of:
        return MISSING
    if period.start <= as_of:
        return OPEN
    return FUTURE


def _periods(rules, kind, year, path):
    """The year's periods of a rule for an organisation at `path`: the same for every organisation when no
    version of the rule is scoped to a subtree (the usual case), so then worked out once per RuleBook."""
    key = rule_key(kind)
    if not rules.uniform(key):
        return periods(year, lambda day: rules.value(key, day, path))
    memo = ("periods", kind, year)
    if memo not in rules.memo:
        rules.memo[memo] = periods(year, lambda day: rules.value(key, day, path))
    return rules.memo[memo]


def rule_row(org, kind, year, as_of, month_counts, rules, seats=()):
    """One rule's periods for one organisation. `month_counts` maps month -> held meetings of the kind;
    `seats` the organisation's seat spans (committee meetings bind only a branch with a committee)."""
    row = RuleRow(kind)
    for period in _periods(rules, kind, year, org.path):
        count = sum(month_counts.get(m, 0) for m in period.months)
        bound = kind != Kind.BRANCH_COMMITTEE or had_committee(seats, period.start)
        row.cells.append(Cell(period, judge(period, count, org, as_of, bound), count))
    return row


def held_counts(meetings, year, as_of, kinds=RULE_KINDS):
    """{(organization_id, kind): {month: count}} of the held meetings on or before as_of, one query."""
    qs = (meetings.filter(status=Status.HELD, kind__in=list(kinds), held_on__gte=date(year, 1, 1),
                          held_on__lte=min(date(year, 12, 31), as_of))
          .annotate(month=ExtractMonth("held_on")).order_by()
          .values("organization_id", "kind", "month").annotate(n=Count("id")))
    counts = defaultdict(dict)
    for r in qs:
        counts[(r["organization_id"], r["kind"])][r["month"]] = r["n"]
    return counts


def calendar(org, year, as_of, meetings=None, rules=None):
    """The rule rows of one organisation for one year (empty for kinds no rule binds)."""
    kinds = kinds_for(org.kind)
    if not kinds:
        return []
    meetings = Meeting.objects.all() if meetings is None else meetings
    rules = rules or RuleBook.for_meetings()
    counts = held_counts(meetings.filter(organization_id=org.pk), year, as_of, kinds)
    seats = seat_spans([org.pk])[org.pk]
    return [rule_row(org, k, year, as_of, counts.get((org.pk, k), {}), rules, seats) for k in kinds]


# --- subtrees ----------------------------------------------------------------------------------------

@dataclass
class OrgCompliance:
    organization: object
    rows: list

    def row(self, kind):
        for r in self.rows:
            if r.kind == kind:
                return r
        return None

    @property
    def missing(self):
        return sum(r.missing for r in self.rows)

    @property
    def satisfied(self):
        return sum(r.satisfied for r in self.rows)


def applicable(orgs, year):
    """The organisations a rule binds that existed at some time in the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return [o for o in orgs if o.kind in BOUND_ORG_KINDS and active_during(o, start, end)]


def subtree_orgs(orgs, root):
    lo, hi = path_range(root.path)
    return orgs.filter(path__gte=lo, path__lt=hi, kind__in=sorted(BOUND_ORG_KINDS))


def report(orgs, year, as_of, meetings=None, rules=None, kinds=RULE_KINDS):
    """Every applicable organisation of `orgs` (a queryset, already restricted to the subtree and the
    user's scope) with its rule rows, worst first. Four queries whatever the number of organisations."""
    meetings = Meeting.objects.all() if meetings is None else meetings
    # A subquery, not a list of ids: a province's subtree would overflow SQLite's parameter limit.
    counts = held_counts(meetings.filter(organization__in=orgs.values("pk")), year, as_of, kinds)
    return _judge(list(orgs), counts, year, as_of, rules or RuleBook.for_meetings(), kinds)


def _judge(orgs, counts, year, as_of, rules, kinds):
    """report() once its inputs are read: the organisations (kind, path, dates) and held_counts()."""
    orgs = applicable(orgs, year)
    seats = seat_spans([o.pk for o in orgs]) if Kind.BRANCH_COMMITTEE in kinds else {}
    result = [OrgCompliance(o, [rule_row(o, k, year, as_of, counts.get((o.pk, k), {}), rules, seats.get(o.pk, ()))
                                for k in kinds_for(o.kind) if k in kinds])
              for o in orgs]
    result.sort(key=lambda oc: (-oc.missing, oc.organization.path))
    return result


def tally(entries, kind, as_of, start=None, end=None):
    """(satisfied, missing) periods of one rule that closed on or before as_of (and, when given, closed
    within start..end). A period closing on as_of itself counts: by the end of that day it is due."""
    satisfied = missing = 0
    for entry in entries:
        row = entry.row(kind)
        for cell in row.cells if row is not None else ():
            closes = cell.period.end
            if closes > as_of or (start and closes < start) or (end and closes > end):
                continue
            if cell.state == SATISFIED:
                satisfied += 1
            elif cell.state in (MISSING, OPEN):
                missing += 1
    return satisfied, missing


def percent(satisfied, missing):
    due = satisfied + missing
    return round(100 * satisfied / due, 1) if due else None


def rate(entries, kind, as_of):
    """The compliance rate of one rule, in %: satisfied / due periods, None when none was due yet."""
    return percent(*tally(entries, kind, as_of))


def verdicts(org_ids, year, kinds=RULE_KINDS):
    """{(organization id, kind): (satisfied, missing)} of the organisations given, for the rules of `kinds`
    and the year's periods judged on 31 December, when all have closed (what a year's rate counts on any day
    after it)."""
    as_of = date(year, 12, 31)
    orgs, counts = _inputs(org_ids, year, kinds)
    entries = _judge(orgs, counts, year, as_of, RuleBook([rule_key(k) for k in kinds]), kinds)
    return {(entry.organization.pk, row.kind): tally([entry], row.kind, as_of)
            for entry in entries for row in entry.rows}


def _inputs(org_ids, year, kinds):
    """The organisations given (kind, path, dates) and their held_counts() of the whole year, in one prepared
    statement (core.sql): every meeting save judges its organisation again, and building the two ORM queries
    took longer than running them. The meetings come one row each and are counted here by month (a branch
    holds a few dozen a year; a rebuild's chunk of 2,000 organisations, some tens of thousands)."""
    ids = sorted(org_ids)
    if not ids:
        return [], {}
    marks, kind_marks = ", ".join(["%s"] * len(ids)), ", ".join(["%s"] * len(kinds))
    day = connection.ops.adapt_datefield_value
    rows = prepared(
        f"SELECT 0, id, kind, path, established_on, dissolved_on FROM {Organization._meta.db_table} "
        f"WHERE id IN ({marks}) UNION ALL "
        f"SELECT 1, organization_id, kind, NULL, held_on, NULL FROM {Meeting._meta.db_table} "
        f"WHERE organization_id IN ({marks}) AND status = %s AND kind IN ({kind_marks}) "
        "AND held_on >= %s AND held_on <= %s",
        [*ids, *ids, Status.HELD, *kinds, day(date(year, 1, 1)), day(date(year, 12, 31))], fetch=True)
    orgs, counts = [], defaultdict(dict)
    for part, pk, kind, path, first, last in rows:
        if part == 0:
            orgs.append(Organization(pk=pk, kind=kind, path=path, established_on=_day(first), dissolved_on=_day(last)))
        else:
            month = _day(first).month
            counts[(pk, kind)][month] = counts[(pk, kind)].get(month, 0) + 1
    orgs.sort(key=lambda o: o.pk)
    return orgs, counts


def _day(value):
    """A date column read through a UNION: SQLite may hand it back as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value
