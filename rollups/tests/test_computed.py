"""The meeting compliance figures (verdicts judged per organisation, rollups.computed) read from their
roll-up equal their builders after every write that changes a verdict, and the builders answer whatever
the roll-up cannot (a year still running, a year not built, after a rule change)."""
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.figures import NOT_APPLICABLE, Period, registry
from core.models import RuleVersion
from core.scoping import SYSTEM
from meetings import services as meetings
from members import services as members
from orgs import services as orgs
from orgs.models import Organization
from rollups import computed
from rollups.models import ComputedRollup

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1
COMPLIANCE = [f for f in registry.all() if f.rollup is not None
              and isinstance(f.rollup.source, computed.ComputedSource) and f.code.startswith("meetings.")]


def assert_match(orgs_, years=(YEAR,), answered=None):
    """Every compliance figure equals its builder; the roll-up itself answers for `answered` (default: all
    given; an organisation moved after the as-of day is left to the builder, rollups.read)."""
    answered = orgs_ if answered is None else answered
    for figure in COMPLIANCE:
        for org in orgs_:
            for year in years:
                period = Period.year(year)
                via_rollup = figure.rollup.value(None, org, period, period.end)
                assert via_rollup is not NOT_APPLICABLE or org not in answered, figure.code
                assert figure.value(None, org, period) == figure.recount(None, org, period), (figure.code, org.code)
                later = date.today()  # a closed year's verdicts hold on any later day
                assert figure.value(None, org, period, later) == figure.recount(None, org, period, later)


def held(org, kind, day, status="held"):
    return meetings.create_meeting(SYSTEM, organization=org, kind=kind, title="会议", held_on=day,
                                   status=status, confirm_duplicate=True)


def fresh(*orgs_):
    return [Organization.objects.get(pk=o.pk) for o in orgs_]


def test_every_compliance_figure_is_rolled_up():
    codes = {f.code for f in COMPLIANCE}
    assert {"meetings.compliance.member_assembly", "meetings.compliance_gaps.theme_day",
            "meetings.compliance.group_meeting"} <= codes
    assert len(codes) == 12  # a rate and its gaps for each of the six rules


def test_writes_keep_the_verdicts_equal_to_the_builder(people):
    t = people
    computed.rebuild()
    rate = registry.get("meetings.compliance.member_assembly")
    gaps = registry.get("meetings.compliance_gaps.member_assembly")
    period = Period.year(YEAR)
    # Three branches, four quarters each, nothing held: twelve gaps at the root, rate 0.
    assert gaps.value(None, t.root, period) == 12 and rate.value(None, t.root, period) == 0.0
    a = held(t.ca_b1, "member_assembly", date(YEAR, 2, 10))
    held(t.ca_b1, "member_assembly", date(YEAR, 5, 10))
    held(t.cb_b1, "member_assembly", date(YEAR, 11, 3))
    assert [gaps.value(None, o, period) for o in (t.root, t.ca, t.cb)] == [9, 6, 3]
    assert rate.value(None, t.root, period) == 25.0
    assert_match([t.root, t.ca, t.cb, t.ca_b1, t.cb_b1])
    # Moved to another quarter, then cancelled, then deleted: each write recomputes the branch's year.
    meetings.update_meeting(SYSTEM, a, {"held_on": date(YEAR, 8, 1)})
    assert_match([t.root, t.ca, t.ca_b1])
    meetings.update_meeting(SYSTEM, a, {"status": "cancelled"})
    assert gaps.value(None, t.root, period) == 10
    meetings.delete_meeting(SYSTEM, Organization.objects.get(pk=t.ca_b1.pk).meetings.get(held_on=date(YEAR, 5, 10)))
    assert gaps.value(None, t.root, period) == 11
    assert computed.differences() == []


def test_a_write_recomputes_only_the_rules_it_can_change(people, monkeypatch):
    """A meeting recomputes its kind's verdicts, a seat the committee meetings' (what a save costs); an
    organisation's own change, all of them."""
    t = people
    computed.rebuild()
    source = COMPLIANCE[0].rollup.source
    asked = []

    def recorded(ids, year, keys):
        asked.append(set(keys))
        return source.__dict__["count"](ids, year, keys)

    # The dataclass is frozen and its other instances must stay untouched: a property that answers for this one.
    monkeypatch.setattr(type(source), "count", property(
        lambda self: recorded if self is source else self.__dict__["count"]), raising=False)
    held(t.ca_b1, "theme_day", date(YEAR, 3, 1))
    assert asked and all(keys == {"meetings.compliance.theme_day:satisfied", "meetings.compliance.theme_day:missing"}
                         for keys in asked)
    asked.clear()
    members.appoint(SYSTEM, t.ca_b1, t.zhang, "secretary", date(YEAR, 7, 1))
    assert asked and all(keys == {"meetings.compliance.branch_committee:satisfied",
                                  "meetings.compliance.branch_committee:missing"} for keys in asked)
    members.transfer(SYSTEM, t.li, t.cb_b1, date(YEAR, 6, 1))
    asked.clear()
    orgs.dissolve_organization(SYSTEM, fresh(t.ca_b2)[0], date(YEAR, 6, 30))
    assert asked and all(keys == set(source.keys) for keys in asked)
    assert computed.differences() == []


def test_on_a_page_a_day_before_the_year_end_judges_every_rule_at_once(people):
    """The verdicts hold 31 December. On a page (the annual report of a year still running) another day is
    judged for all twelve compliance figures from one read of the meetings (ComplianceSource.on_day), equal to
    each builder; off a page the one figure asked for runs its builder."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = people
    computed.rebuild()
    for i, person in enumerate((t.zhang, t.li, t.wang)):
        members.appoint(SYSTEM, t.ca_b1, person, ["secretary", "deputy_secretary", "organization"][i], date(YEAR, 3, 1))
    held(t.ca_b1, "member_assembly", date(YEAR, 2, 10))
    held(t.ca_b1, "branch_committee", date(YEAR, 4, 2))
    held(t.cb_b1, "theme_day", date(YEAR, 5, 6))
    held(t.cb_b1, "party_lecture", date(YEAR, 8, 1))
    period = Period.year(YEAR)
    for as_of in (date(YEAR, 3, 31), date(YEAR, 6, 30), date(YEAR, 10, 15)):
        for org in fresh(t.root, t.ca, t.cb, t.ca_b1):
            assert COMPLIANCE[0].rollup.value(None, org, period, as_of) is NOT_APPLICABLE
            with CaptureQueriesContext(connection) as ctx, registry.page():
                values = {f.code: f.value(None, org, period, as_of) for f in COMPLIANCE}
            assert values == {f.code: f.recount(None, org, period, as_of) for f in COMPLIANCE}, (org.code, as_of)
            assert sum('FROM "meetings_meeting"' in q["sql"] for q in ctx.captured_queries) == 1


def test_seats_dissolution_and_moves_follow(people):
    t = people
    computed.rebuild()
    committee = registry.get("meetings.compliance_gaps.branch_committee")
    period = Period.year(YEAR)
    assert committee.value(None, t.root, period) == 0  # no branch has a committee: none owes its meetings
    for i, person in enumerate((t.zhang, t.li, t.wang)):  # three seats from 1 July make a committee
        members.appoint(SYSTEM, t.ca_b1, person, ["secretary", "deputy_secretary", "organization"][i], date(YEAR, 7, 1))
    assert committee.value(None, t.root, period) == 6  # July..December
    assert_match([t.root, t.ca, t.ca_b1])
    members.transfer(SYSTEM, t.li, t.cb_b1, date(YEAR, 6, 1))
    orgs.dissolve_organization(SYSTEM, fresh(t.ca_b2)[0], date(YEAR, 6, 30))
    assert_match([t.root, t.ca])
    orgs.move_organization(SYSTEM, fresh(t.ca_b1)[0], fresh(t.cb)[0], on_date=date.today())
    assert computed.differences() == []
    assert_match(fresh(t.root, t.ca, t.cb))


def test_the_builder_answers_what_the_verdicts_do_not_hold(people):
    t = people
    rate = registry.get("meetings.compliance.theme_day")
    period = Period.year(YEAR)
    assert rate.rollup.value(None, t.root, period, period.end) is NOT_APPLICABLE  # not built yet
    computed.rebuild()
    assert rate.rollup.value(None, t.root, period, period.end) is not NOT_APPLICABLE
    assert rate.rollup.value(None, t.root, period, date(YEAR, 6, 30)) is NOT_APPLICABLE  # the year still running
    old = Period.year(YEAR - computed.STOCK_YEARS)  # outside the years kept
    assert rate.rollup.value(None, t.root, old, old.end) is NOT_APPLICABLE
    # A rule version can change any number of verdicts: the years from its date on go back to the builder.
    RuleVersion.objects.create(key="meeting.per_year.theme_day", effective_from=date(YEAR, 1, 1), value=4)
    assert rate.rollup.value(None, t.root, period, period.end) is NOT_APPLICABLE
    assert rate.value(None, t.root, period) == rate.recount(None, t.root, period)
    assert registry.get("meetings.compliance_gaps.theme_day").value(None, t.root, period) == 12  # quarterly now
    computed.rebuild()
    assert_match([t.root, t.ca])
    # A rule for another key leaves the verdicts built.
    RuleVersion.objects.create(key="ledgers.followup_days", effective_from=date(YEAR, 1, 1), value=3)
    assert rate.rollup.value(None, t.root, period, period.end) is not NOT_APPLICABLE


def test_a_subtree_rule_makes_a_move_recompute(people):
    t = people
    RuleVersion.objects.create(key="meeting.per_year.party_lecture", effective_from=date(YEAR - 1, 1, 1),
                               value=12, scope_path=t.cb.path)
    computed.rebuild()
    gaps = registry.get("meetings.compliance_gaps.party_lecture")
    period = Period.year(YEAR)
    assert [gaps.value(None, o, period) for o in (t.ca, t.cb)] == [8, 12]  # quarterly in CA, monthly in CB
    orgs.move_organization(SYSTEM, fresh(t.ca_b1)[0], fresh(t.cb)[0], on_date=date.today())
    assert computed.differences() == []
    # Judged by the rule where the branch sits now (compliance.report), in the tree of the as-of day.
    today = date.today()
    assert [gaps.value(None, o, period, today) for o in fresh(t.ca, t.cb)] == [4, 24]
    assert [gaps.value(None, o, period) for o in fresh(t.ca, t.cb)] == [16, 12]
    assert_match(fresh(t.root, t.ca, t.cb))


def test_rebuild_and_check_find_a_wrong_cell(people):
    t = people
    computed.rebuild()
    cell = ComputedRollup.objects.get(organization=t.root, year=YEAR, key="meetings.compliance.theme_day:missing")
    cell.total += 1
    cell.save()
    wrong = computed.differences()
    assert wrong == [(t.root.pk, YEAR, "meetings.compliance.theme_day:missing", (0, 37), (0, 36))]


class _Rollback(Exception):
    pass


KINDS = ["member_assembly", "theme_day", "life_meeting", "branch_committee", "party_lecture"]
steps = st.lists(st.tuples(st.sampled_from(["hold", "cancel", "seat", "move"]), st.integers(0, 40)),
                 min_size=1, max_size=8)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=steps)
def test_property_verdicts_equal_the_builder(people, ops):
    t = people
    branches = [t.ca_b1, t.ca_b2, t.cb_b1]
    try:
        with transaction.atomic():
            computed.rebuild()
            made, moved = [], set()
            for op, n in ops:
                branch = fresh(branches[n % 3])[0]
                day = date(YEAR, 1 + n % 12, 1 + n % 27)
                if op == "hold":
                    made.append(held(branch, KINDS[n % len(KINDS)], day))
                elif op == "cancel" and made:
                    meeting = made[n % len(made)]
                    meetings.update_meeting(SYSTEM, meeting, {"status": "cancelled"})
                elif op == "seat":
                    person = [t.zhang, t.li, t.wang][n % 3]
                    members.appoint(SYSTEM, branch, person, "publicity", day)
                else:
                    target = fresh([t.ca, t.cb][n % 2])[0]
                    if not branch.path.startswith(target.path):
                        orgs.move_organization(SYSTEM, branch, target, on_date=date.today())
                        moved.add(branch.pk)
            assert computed.differences() == []
            everyone = fresh(t.root, t.ca, t.cb, *branches)
            assert_match(everyone, answered=[o for o in everyone if o.pk not in moved])
            raise _Rollback
    except _Rollback:
        pass


def test_a_page_reads_the_built_years_once(people):
    """Pages computing many figures run inside registry.page(), where rollups.read remembers what they all
    ask: twelve compliance figures look up their group's built year once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = people
    computed.rebuild()
    period = Period.year(YEAR)

    def built_lookups():
        with CaptureQueriesContext(connection) as ctx:
            values = [f.value(None, t.root, period) for f in COMPLIANCE]
        return values, sum(1 for q in ctx.captured_queries if "rollups_stockyear" in q["sql"])

    alone, many = built_lookups()
    with registry.page():
        paged, once = built_lookups()
    assert paged == alone and many == len(COMPLIANCE) and once == 1
