"""The meeting figures (issue: organisational life and study). Each counts held meetings in a period.

Levels: "own" counts the organisation's own meetings (a committee's own committee meetings, its
leadership team's seminars); "subtree" counts the whole subtree; "below" the subtree without itself.
"""
from django.db.models import Count, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.figures import registry
from core.models import RuleVersion
from core.scoping import path_range
from members.models import CommitteeSeat
from orgs.history import subtree_q
from orgs.models import Organization
from rollups.computed import ComputedSource
from rollups.specs import BELOW, OWN, Rollup, Source, by_month, count

from .choices import Kind, Status
from .compliance import APPLIES_TO, BOUND_ORG_KINDS, RULE_KINDS, RuleBook, percent, report, rule_key, tally, verdicts
from .models import Attendance, Meeting

SECTION = "political"  # 政治引领: study and organisational life

# The roll-ups behind the counting figures (rollups/): the same populations as the builders below,
# kept per organisation and year by meetings.services. The property tests compare the two.
HELD_MEETINGS = Source("meetings", Meeting, "organization", "held_on", Q(status=Status.HELD))
HELD_ATTENDANCE = Source("meetings", Attendance, "meeting__organization", "meeting__held_on",
                         Q(meeting__status=Status.HELD), signals=False)  # written only by the services


def held(qs, period):
    return qs.filter(status=Status.HELD, held_on__gte=period.start, held_on__lte=period.end)


def subtree(qs, org, as_of, field="organization"):
    """The records of organisations in `org`'s subtree on `as_of` (orgs.history: the tree as it was)."""
    return qs.filter(subtree_q(org, as_of, field))


def below(qs, org, as_of):
    return subtree(qs, org, as_of).exclude(organization=org)


@registry.register("meetings.first_topic.committee", _("党委（扩大）会“第一议题”学习"), _("次"), SECTION, Meeting,
                   _("本党委召开的党委会（含扩大会议）中第一个议题为“第一议题”学习的次数"),
                   rollup=count(HELD_MEETINGS, Q(kind=Kind.COMMITTEE_MEETING, has_first_topic=True), OWN))
def first_topic_committee(qs, org, period, as_of):
    return held(qs, period).filter(organization=org, kind=Kind.COMMITTEE_MEETING, has_first_topic=True)


@registry.register("meetings.central_group", _("各级党委理论学习中心组学习"), _("次"), SECTION, Meeting,
                   _("本组织及下级各党委召开的理论学习中心组学习次数"),
                   rollup=count(HELD_MEETINGS, Q(kind=Kind.CENTRAL_GROUP_STUDY)))
def central_group(qs, org, period, as_of):
    return subtree(held(qs, period), org, as_of).filter(kind=Kind.CENTRAL_GROUP_STUDY)


@registry.register("meetings.first_topic.branches", _("党支部“第一议题”学习"), _("次"), SECTION, Meeting,
                   _("下属各党支部召开的会议中第一个议题为“第一议题”学习的次数"),
                   rollup=count(HELD_MEETINGS, Q(organization__kind="branch", has_first_topic=True)))
def first_topic_branches(qs, org, period, as_of):
    return subtree(held(qs, period), org, as_of).filter(organization__kind="branch", has_first_topic=True)


@registry.register("meetings.seminars.leadership", _("领导班子集中学习研讨"), _("次"), SECTION, Meeting,
                   _("本党委领导班子在主题教育期间的集中学习研讨次数"),
                   rollup=count(HELD_MEETINGS, Q(kind=Kind.STUDY_SEMINAR, campaign__isnull=False), OWN))
def seminars_leadership(qs, org, period, as_of):
    return held(qs, period).filter(organization=org, kind=Kind.STUDY_SEMINAR, campaign__isnull=False)


@registry.register("meetings.seminars.units", _("各学院、各单位集中学习研讨"), _("次"), SECTION, Meeting,
                   _("下级各组织在主题教育期间的集中学习研讨次数"),
                   rollup=count(HELD_MEETINGS, Q(kind=Kind.STUDY_SEMINAR, campaign__isnull=False), BELOW))
def seminars_units(qs, org, period, as_of):
    return below(held(qs, period), org, as_of).filter(kind=Kind.STUDY_SEMINAR, campaign__isnull=False)


def _by_kind(kind):
    def builder(qs, org, period, as_of):
        return subtree(held(qs, period), org, as_of).filter(kind=kind)
    return builder


# One figure per kind (theme days among them: "meetings.kind.theme_day").
# The kinds the dashboard charts month by month keep their months (rollups.specs.by_month).
MONTHLY_KINDS = {Kind.MEMBER_ASSEMBLY, Kind.BRANCH_COMMITTEE, Kind.GROUP_MEETING, Kind.PARTY_LECTURE, Kind.THEME_DAY,
                 Kind.CENTRAL_GROUP_STUDY}
for _kind in Kind:
    registry.register(f"meetings.kind.{_kind.value}", _kind.label, _("次"), SECTION, Meeting,
                      _("本组织及下级组织召开的该类会议次数"),
                      rollup=(by_month(HELD_MEETINGS, "held_on", Q(kind=_kind)) if _kind in MONTHLY_KINDS
                              else count(HELD_MEETINGS, Q(kind=_kind))))(_by_kind(_kind))


def _rate(counts):
    return round(100 * counts["present"] / counts["total"], 1) if counts["total"] else None


def attendance_rate(qs):
    return _rate(qs.aggregate(total=Count("pk"), present=Count("pk", filter=Q(status="present"))))


@registry.register("meetings.attendance_rate", _("会议出席率"), "%", SECTION, Attendance,
                   _("本组织及下级组织已召开会议的出席人次占应出席人次的比例"), aggregate=attendance_rate,
                   rollup=Rollup(HELD_ATTENDANCE, {"total": Q(), "present": Q(status="present")},
                                 combine=_rate, records="total"))
def attendance(qs, org, period, as_of):
    return subtree(qs.filter(meeting__status=Status.HELD, meeting__held_on__gte=period.start,
                             meeting__held_on__lte=period.end), org, as_of, "meeting__organization")


# --- compliance rate per rule (meetings/compliance.py) -----------------------------------------------
# The drill-down is the organisations the rule binds in the subtree (those the rate is computed over);
# the builder hands the aggregate what the rate is judged by, on the very queryset it returns, so the
# value and the drill-down are one population.

def _bound_during(qs, org, period, as_of, kinds):
    """The organisations of `kinds` in the subtree on `as_of` that existed on some day of the period."""
    return qs.filter(subtree_q(org, as_of, "id"), kind__in=sorted(kinds)).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=period.end),
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=period.start))


def _compliance_builder(kind):
    def builder(qs, org, period, as_of):
        orgs = _bound_during(qs, org, period, as_of, APPLIES_TO[kind])
        orgs.compliance_context = (kind, period, as_of)
        return orgs
    return builder


def _tally(orgs):
    """(satisfied, missing) rule periods closing within the figure's period and by its as_of date
    (compliance.tally: the same count as the compliance page)."""
    kind, period, as_of = orgs.compliance_context
    rules = RuleBook.for_meetings()
    satisfied = missing = 0
    for year in range(period.start.year, period.end.year + 1):
        s, m = tally(report(orgs, year, as_of, rules=rules, kinds=(kind,)), kind, as_of, period.start, period.end)
        satisfied, missing = satisfied + s, missing + m
    return satisfied, missing


def compliance_rate(orgs):
    """Satisfied / due periods, in %."""
    return percent(*_tally(orgs))


def compliance_gaps(orgs):
    """Due periods with no meeting held: each one a gap the compliance calendar lists."""
    return _tally(orgs)[1]


# The roll-up behind both: each organisation's satisfied and missed periods of each rule, judged on
# 31 December (rollups.computed), so a closed year's rate at the top of a province is one row, not a
# judgement of every branch's every period. The inputs of a verdict are the held meetings of the rule
# kinds, the committee seats (a branch without a committee owes no committee meeting), the organisation's
# kind and dates, and the rule versions (scoped by path, so a move may change them).

def _cells(kind):
    return f"meetings.compliance.{kind}"


def _judged(org_ids, year, keys):
    kinds = [k for k in RULE_KINDS if f"{_cells(k)}:satisfied" in keys or f"{_cells(k)}:missing" in keys]
    return {(org_id, f"{_cells(kind)}:{measure}"): n
            for (org_id, kind), counts in verdicts(org_ids, year, kinds).items()
            for measure, n in zip(("satisfied", "missing"), counts, strict=True)}


def _keys_of_kind(kind):
    return {f"{_cells(kind)}:{measure}" for measure in ("satisfied", "missing")}


def _meeting_facts(meeting):
    if meeting.status != Status.HELD or meeting.kind not in RULE_KINDS or not meeting.held_on:
        return set()
    year = meeting.held_on.year
    return {(meeting.organization_id, year, year, meeting.kind, meeting.held_on.month)}


def _meeting_keys(fact):
    return _keys_of_kind(fact[3])


def _seat_facts(seat):
    return {(seat.organization_id, seat.started_on.year, None, seat.started_on, seat.ended_on)}


def _seat_keys(fact):
    return _keys_of_kind(Kind.BRANCH_COMMITTEE)  # seats decide only whether a committee is owed meetings


def _org_facts(org):
    return {(org.pk, None, None, org.kind, org.established_on, org.dissolved_on)}


RULE_KEYS = [rule_key(k) for k in RULE_KINDS]


def _rule_facts(version):
    if version.key not in RULE_KEYS:
        return None
    return (version.effective_from.year, version.key, version.effective_from, version.scope_path, version.value)


def _bound_orgs():
    return Organization.objects.filter(kind__in=sorted(BOUND_ORG_KINDS))


def _moved(old_prefix, new_prefix):
    """A rule version for a subtree makes a verdict depend on where the organisation sits."""
    if not RuleVersion.objects.filter(key__in=RULE_KEYS).exclude(scope_path="").exists():
        return []
    lo, hi = path_range(new_prefix)
    return list(_bound_orgs().filter(path__gte=lo, path__lt=hi).values_list("pk", flat=True))


class ComplianceSource(ComputedSource):
    def on_day(self, org, period, as_of):
        """{key: satisfied / missing periods} of every rule for `org`'s subtree, as the builders count them,
        from one judgement of all the rules (rollups.read: a page's twelve compliance figures of a year still
        running judge the subtree once instead of once each)."""
        orgs = _bound_during(Organization.objects.all(), org, period, as_of, BOUND_ORG_KINDS)
        rules = RuleBook.for_meetings()
        cells = {}
        for year in range(period.start.year, period.end.year + 1):
            entries = report(orgs, year, as_of, rules=rules)
            for kind in RULE_KINDS:
                for measure, n in zip(("satisfied", "missing"), tally(entries, kind, as_of, period.start, period.end),
                                      strict=True):
                    cells[f"{_cells(kind)}:{measure}"] = cells.get(f"{_cells(kind)}:{measure}", 0) + n
        return cells


COMPLIANCE = ComplianceSource(
    "meetings.compliance", Organization, count=_judged, orgs=_bound_orgs,
    keys=tuple(f"{_cells(k)}:{m}" for k in RULE_KINDS for m in ("satisfied", "missing")),
    follows=((Meeting, _meeting_facts, _meeting_keys), (CommitteeSeat, _seat_facts, _seat_keys),
             (Organization, _org_facts)),
    invalidated_by=((RuleVersion, _rule_facts),), moved=_moved)


def _compliance_rollup(kind, combine):
    return Rollup(COMPLIANCE, {"satisfied": Q(), "missing": Q()}, combine=combine, cells=_cells(kind))


for _kind in RULE_KINDS:
    registry.register(f"meetings.compliance.{_kind.value}", format_lazy(_("{kind}按期召开率"), kind=_kind.label),
                      "%", SECTION, Organization,
                      _("应召开该类会议的组织中，已到期的各期（月、季度或年度）召开了该类会议的比例"),
                      aggregate=compliance_rate,
                      rollup=_compliance_rollup(_kind, lambda v: percent(v["satisfied"], v["missing"])))(
        _compliance_builder(_kind))

    # The gaps behind the rate (the dashboard's "组织生活缺失情况", linked to the calendar).
    registry.register(f"meetings.compliance_gaps.{_kind.value}", format_lazy(_("{kind}缺失期数"), kind=_kind.label),
                      _("期"), SECTION, Organization,
                      _("应召开该类会议的组织中，已到期而未召开该类会议的期数（每个组织每期计一次）"),
                      aggregate=compliance_gaps, rollup=_compliance_rollup(_kind, lambda v: v["missing"]))(
        _compliance_builder(_kind))
