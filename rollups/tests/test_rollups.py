"""The roll-ups equal a recount after every kind of write, and the figures read them only where they may."""
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.figures import NOT_APPLICABLE, Period, registry
from core.scoping import SYSTEM
from meetings import services as meetings
from meetings.models import Meeting
from orgs import services as orgs
from rollups.maintain import differences, rebuild
from rollups.models import Rollup
from rollups.specs import Source

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1
DAY = date(YEAR, 5, 10)
ROLLED = [f for f in registry.all() if f.rollup is not None and isinstance(f.rollup.source, Source)]  # flows


def assert_figures_match(orgs_, period, as_of=None, user=None, answered=None):
    """Every rolled-up figure's value equals its builder's; the roll-up itself answers for `answered`
    (default: every organisation given; one that moved after as_of is left to the builder)."""
    answered = orgs_ if answered is None else answered
    for figure in ROLLED:
        for org in orgs_:
            via_rollup = figure.rollup.value(user, org, period, as_of or period.end)
            assert via_rollup is not NOT_APPLICABLE or org not in answered, (figure.code, org.code)
            assert figure.value(user, org, period, as_of) == figure.recount(user, org, period, as_of), \
                (figure.code, org.code)


def held(org, kind="member_assembly", day=DAY, attendance=None, **extra):
    return meetings.create_meeting(SYSTEM, organization=org, kind=kind, title="会议", held_on=day,
                                   status="held", attendance=attendance, confirm_duplicate=True, **extra)


def test_the_big_count_figures_are_rolled_up():
    codes = {f.code for f in ROLLED}
    assert "meetings.attendance_rate" in codes and "meetings.kind.member_assembly" in codes
    assert "meetings.first_topic.committee" in codes and "meetings.seminars.units" in codes
    assert {"liaison.visits", "liaison.problems"} <= codes


def test_create_update_delete_keep_totals_up_the_tree(people):
    t = people
    a = held(t.ca_b1, attendance={t.zhang.pk: ("present", "")})
    held(t.cb_b1)
    period = Period.year(YEAR)
    figure = registry.get("meetings.kind.member_assembly")
    assert [figure.value(None, o, period) for o in (t.root, t.ca, t.ca_b1, t.cb)] == [2, 1, 1, 1]
    # Kept month by month (the dashboard's monthly chart reads them): both were held in May.
    assert Rollup.objects.get(organization=t.root, year=YEAR, key="meetings.kind.member_assembly:m05").total == 2
    assert registry.get("meetings.attendance_rate").value(None, t.root, period) == 100.0

    meetings.update_meeting(SYSTEM, a, {"held_on": date(YEAR - 1, 3, 1)}, attendance={t.zhang.pk: ("absent", "")})
    assert figure.value(None, t.root, period) == 1
    assert figure.value(None, t.root, Period.year(YEAR - 1)) == 1
    assert registry.get("meetings.attendance_rate").value(None, t.ca, Period.year(YEAR - 1)) == 0.0
    assert differences() == []

    meetings.delete_meeting(SYSTEM, Meeting.objects.get(pk=a.pk))
    assert figure.value(None, t.root, Period.year(YEAR - 1)) == 0
    assert differences() == []
    assert_figures_match([t.root, t.ca, t.cb, t.ca_b1], period)


def test_plain_orm_writes_are_followed_too(people):
    t = people
    m = Meeting.objects.create(organization=t.ca_b2, kind="branch_committee", title="x", held_on=DAY, status="held")
    assert registry.get("meetings.kind.branch_committee").value(None, t.root, Period.year(YEAR)) == 1
    m.status = "planned"
    m.save()
    assert registry.get("meetings.kind.branch_committee").value(None, t.root, Period.year(YEAR)) == 0
    assert differences() == []


def test_move_carries_totals_and_past_days_still_see_the_old_tree(people):
    t = people
    held(t.ca_b1)
    held(t.ca_b1, day=date(YEAR, 6, 1))
    held(t.cb_b1)
    orgs.move_organization(SYSTEM, t.ca_b1, t.cb, on_date=date.today())
    t.ca.refresh_from_db()
    t.cb.refresh_from_db()
    t.ca_b1.refresh_from_db()
    assert differences() == []
    figure = registry.get("meetings.kind.member_assembly")
    period = Period.year(YEAR)
    # Today the branch is under CB; on the year's last day it was under CA (the roll-up corrects for the move).
    assert figure.value(None, t.cb, period, as_of=date.today()) == 3
    assert figure.value(None, t.ca, period) == 2
    assert figure.value(None, t.cb, period) == 1
    assert_figures_match([t.root, t.ca, t.cb], period)
    assert_figures_match([t.root, t.ca, t.cb], period, as_of=date.today())


def test_figures_fall_back_to_the_records_when_the_roll_up_cannot_answer(users):
    t = users
    held(t.ca_b1)
    held(t.cb_b1)
    figure = registry.get("meetings.kind.member_assembly")
    # A branch-only secretary does not see the college's whole subtree: the builder counts what they see.
    assert figure.rollup.value(t.branch_only, t.ca, Period.year(YEAR), date(YEAR, 12, 31)) is NOT_APPLICABLE
    assert figure.value(t.sec_a, t.root, Period.year(YEAR)) == 1  # CA's secretary sees only CA's meeting
    assert figure.rollup.value(t.org_admin, t.root, Period.year(YEAR), date(YEAR, 12, 31)) == 2
    # Not a calendar year: the records.
    quarter = Period.quarter(YEAR, 2)
    assert figure.rollup.value(None, t.root, quarter, quarter.end) is NOT_APPLICABLE
    assert figure.value(None, t.root, quarter) == 2


def test_rebuild_and_check_commands(people, capsys):
    t = people
    held(t.ca_b1)
    Rollup.objects.filter(organization=t.root).update(total=99)
    with pytest.raises(CommandError, match="1 处不一致"):
        call_command("check_rollups")
    assert "99" in capsys.readouterr().out
    call_command("rebuild_rollups")
    call_command("check_rollups")
    assert "一致" in capsys.readouterr().out
    assert Rollup.objects.get(organization=t.root, key__startswith="meetings.kind.member_assembly:").total == 1


def test_bulk_loaded_records_are_summed_by_rebuild(people):
    t = people
    Meeting.objects.bulk_create([Meeting(organization=t.ca_b1, kind="party_lecture", title=str(i), status="held",
                                         held_on=date(YEAR, 1 + i, 1)) for i in range(5)])
    assert differences() != []
    rebuild()
    assert differences() == []
    assert registry.get("meetings.kind.party_lecture").value(None, t.root, Period.year(YEAR)) == 5


ops = st.lists(st.tuples(st.sampled_from(["create", "move_day", "unhold", "delete", "move_org"]),
                         st.integers(0, 3), st.integers(0, 40)), min_size=1, max_size=12)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_property_rollups_equal_a_recount(people, steps):
    """Any sequence of meeting writes and organisation moves leaves the table equal to a recount, and every
    rolled-up figure equal to its builder at every organisation, for today and for the past year-end."""
    from django.db import transaction

    t = people
    branches = [t.ca_b1, t.ca_b2, t.cb_b1, t.ca]
    kinds = {"branch": ["member_assembly", "branch_committee", "party_lecture", "study_seminar"],
             "committee": ["committee_meeting", "central_group_study", "party_lecture", "study_seminar"]}
    try:
        with transaction.atomic():
            made = []
            for op, i, n in steps:
                org = type(t.ca).objects.get(pk=branches[i].pk)
                if op == "create" or not made:
                    day = date(YEAR - n % 2, 1 + n % 12, 1 + n % 28)
                    made.append(held(org, kind=kinds[org.kind][n % 4], day=day))
                elif op == "move_day":
                    m = Meeting.objects.get(pk=made[n % len(made)].pk)
                    meetings.update_meeting(SYSTEM, m, {"held_on": date(YEAR, 1 + n % 12, 2)})
                elif op == "unhold":
                    Meeting.objects.filter(pk=made[n % len(made)].pk).first() and Meeting.objects.get(
                        pk=made[n % len(made)].pk).save()
                elif op == "delete":
                    m = Meeting.objects.filter(pk=made.pop(n % len(made)).pk).first()
                    if m:
                        meetings.delete_meeting(SYSTEM, m)
                elif op == "move_org" and org.kind == "branch":
                    target = t.cb if org.path.startswith(t.ca.path) else t.ca
                    try:
                        orgs.move_organization(SYSTEM, org, type(t.ca).objects.get(pk=target.pk), on_date=date.today())
                    except Exception:  # a second move the same day is refused: not the point here
                        pass
            assert differences() == []
            fresh = list(type(t.ca).objects.filter(pk__in=[t.root.pk, t.ca.pk, t.cb.pk, t.ca_b1.pk]))
            root = [o for o in fresh if o.pk == t.root.pk]
            for year in (YEAR - 1, YEAR):
                assert_figures_match(fresh, Period.year(year), answered=root)
                assert_figures_match(fresh, Period.year(year), as_of=date.today(), answered=root)
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def test_visits_and_their_problems_follow_the_visit(people):
    """The liaison group: a visit moved to another year or branch takes its problems' counts along."""
    from conftest import make_person
    from liaison import services as liaison

    t = people
    dean = make_person(t.ca, "周院长", cadre_level="middle")
    visit = liaison.record_visit(SYSTEM, branch=t.ca_b1, visited_on=DAY, leaders=[dean],
                                 problems=["台账不全", "学习不够"])
    liaison.record_visit(SYSTEM, branch=t.cb_b1, visited_on=DAY, leaders=[dean])
    visits, problems = registry.get("liaison.visits"), registry.get("liaison.problems")
    period = Period.year(YEAR)
    assert [visits.value(None, o, period) for o in (t.root, t.ca, t.cb)] == [2, 1, 1]
    assert [problems.value(None, o, period) for o in (t.root, t.ca, t.cb)] == [2, 2, 0]
    liaison.update_visit(SYSTEM, visit, {"visited_on": date(YEAR - 1, 6, 1)})
    assert problems.value(None, t.root, period) == 0
    assert problems.value(None, t.ca, Period.year(YEAR - 1)) == 2
    liaison.add_problem(SYSTEM, visit, "制度不全")
    assert problems.value(None, t.ca, Period.year(YEAR - 1)) == 3
    assert differences() == []
    liaison.delete_visit(SYSTEM, visit)
    assert differences() == []
    assert_figures_match([t.root, t.ca, t.cb, t.ca_b1], period)
    assert_figures_match([t.root, t.ca, t.cb, t.ca_b1], Period.year(YEAR - 1))


def test_a_figure_alone_reads_its_cells_and_the_moves_since_in_one_statement(people):
    """Off a page a figure's roll-up row and the organisations changed since its as-of day come back in one
    statement (rollups.read._snapshot); on a page the parts already known are not read again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = people
    held(t.ca_b1)
    figure = registry.get("meetings.kind.member_assembly")
    period = Period.year(YEAR)  # last year: its as-of day is past, so moves since then are read
    with CaptureQueriesContext(connection) as alone:
        value = figure.value(None, t.ca, period)
    assert value == figure.recount(None, t.ca, period) == 1
    assert len(alone.captured_queries) == 1 and "UNION ALL" in alone.captured_queries[0]["sql"]
    with registry.page(), CaptureQueriesContext(connection) as paged:
        values = [figure.value(None, t.ca, period), registry.get("meetings.kind.branch_committee").value(
            None, t.ca, period), figure.value(None, t.cb, period)]
    assert values == [1, 0, 0]
    # ca's cells and the moves once, then cb's cells alone (the moves are known by then).
    assert len(paged.captured_queries) == 2
    assert "UNION ALL" in paged.captured_queries[0]["sql"] and "UNION ALL" not in paged.captured_queries[1]["sql"]


@pytest.mark.django_db(transaction=True)
def test_rebuild_command_outside_a_transaction(people):
    """rebuild_rollups as synth and the nightly job run it, with no transaction around it: on PostgreSQL the
    stocks are rebuilt on a connection of their own beside the counts and the verdicts. Every table equals a
    recount afterwards, and each kind keeps its own built years (the stocks' rebuild leaves the verdicts'
    marks alone)."""
    import io

    from django.db.models import F

    from rollups import computed, stocks
    from rollups.models import ComputedRollup, StockRollup, StockYear

    t = people
    held(t.ca_b1)
    call_command("rebuild_rollups", stdout=io.StringIO())
    Rollup.objects.filter(organization=t.root).update(total=99)
    StockRollup.objects.update(total=F("total") + 5)
    ComputedRollup.objects.update(own=F("own") + 1)
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert out.getvalue().count("已重建") == 3
    assert differences() == [] and stocks.differences() == [] and computed.differences() == []
    marked = set(StockYear.objects.values_list("group", flat=True))
    assert {s.group for s in computed.sources()} <= marked and {s.source.group for s in stocks.specs()} <= marked
