"""The membership counts (stocks on 31 December) from their roll-up equal the builders after every kind of
write, and the builders answer whatever the roll-up cannot."""
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_person
from core.figures import NOT_APPLICABLE, Period, registry
from core.scoping import SYSTEM
from members import services as members
from orgs import services as orgs
from orgs.models import Organization
from rollups import stocks
from rollups.models import StockRollup

pytestmark = pytest.mark.django_db

THIS_YEAR = date.today().year
STOCKS = [f for f in registry.all() if f.rollup is not None and isinstance(f.rollup.source, stocks.StockSource)]


def assert_match(orgs, years=(THIS_YEAR - 1, THIS_YEAR)):
    for figure in STOCKS:
        for org in orgs:
            for year in years:
                period = Period.year(year)
                assert figure.rollup.value(None, org, period, period.end) is not NOT_APPLICABLE, (figure.code, year)
                assert figure.value(None, org, period) == figure.recount(None, org, period), (figure.code, org.code)


def test_membership_figures_are_stocks():
    assert {"members.total", "members.status.full", "members.category.student"} <= {f.code for f in STOCKS}


def test_writes_keep_the_stock_equal_to_a_recount(people):
    t = people
    stocks.rebuild()
    total = registry.get("members.total")
    year = Period.year(THIS_YEAR)
    assert [total.value(None, o, year) for o in (t.root, t.ca, t.cb)] == [3, 2, 1]
    newcomer = make_person(t.cb_b1, "新党员", joined_on=date(THIS_YEAR, 1, 5))
    members.transfer(SYSTEM, t.zhang, t.cb_b1, date(THIS_YEAR, 2, 1))
    members.change_status(SYSTEM, t.li, "left", date(THIS_YEAR, 3, 1))
    members.update_person(SYSTEM, newcomer, {"category": "student"})
    assert [total.value(None, o, year) for o in (t.root, t.ca, t.cb)] == [3, 0, 3]
    assert total.value(None, t.root, Period.year(THIS_YEAR - 1)) == 3  # last year's stock is untouched
    assert registry.get("members.category.student").value(None, t.cb, year) == 1
    assert stocks.differences() == []
    assert_match([t.root, t.ca, t.cb, t.ca_b1, t.cb_b1])
    # A move takes the branch's totals along; last year's stock still sees the branch where it was then.
    orgs.move_organization(SYSTEM, t.ca_b2, t.cb, on_date=date.today())
    assert stocks.differences() == []
    assert_match([type(t.root).objects.get(pk=o.pk) for o in (t.root, t.ca, t.cb)])


def test_the_builder_answers_what_the_stock_does_not_hold(people):
    t = people
    total = registry.get("members.total")
    year = Period.year(THIS_YEAR)
    assert total.rollup.value(None, t.root, year, year.end) is NOT_APPLICABLE  # not built yet
    stocks.rebuild()
    assert total.rollup.value(None, t.root, year, date(THIS_YEAR, 6, 30)) is NOT_APPLICABLE  # another day
    assert total.value(None, t.root, year, date(THIS_YEAR, 6, 30)) == 3
    old = Period.year(THIS_YEAR - stocks.STOCK_YEARS)  # outside the years kept
    assert total.rollup.value(None, t.root, old, old.end) is NOT_APPLICABLE
    assert total.value(None, t.root, old) == 3  # joined 2020-01-01 in the fixture


def test_on_a_page_another_day_is_counted_once_for_every_figure_of_the_stock(people):
    """The stock is kept for 31 December. On a page (the annual report of a year still running) another day is
    counted from the records for every figure of the source in one query (rollups.read), equal to each
    builder; off a page the one figure asked for runs its builder."""
    t = people
    members.transfer(SYSTEM, t.zhang, t.cb_b1, date(THIS_YEAR - 1, 3, 1))
    members.change_status(SYSTEM, t.li, "left", date(THIS_YEAR - 1, 9, 1))
    stocks.rebuild()
    last = Period.year(THIS_YEAR - 1)
    total = registry.get("members.total")
    for day in (date(THIS_YEAR - 1, 2, 1), date(THIS_YEAR - 1, 6, 30), date(THIS_YEAR - 1, 10, 1)):
        for org in (t.root, t.ca, t.cb, t.ca_b1, t.cb_b1):
            assert total.rollup.value(None, org, last, day) is NOT_APPLICABLE
            with CaptureQueriesContext(connection) as ctx, registry.page():
                values = {f.code: f.value(None, org, last, day) for f in STOCKS}
            assert values == {f.code: f.recount(None, org, last, day) for f in STOCKS}, (org.code, day)
            sources = {f.rollup.source for f in STOCKS}
            assert sum('FROM "members_membership"' in q["sql"] for q in ctx.captured_queries) == len(sources)
    with registry.page():
        assert [total.value(None, o, last, date(THIS_YEAR - 1, 6, 30)) for o in (t.ca, t.cb)] == [1, 2]


COUNTS = [f for f in STOCKS if list(f.rollup.measures) == ["n"]]  # the value is the cell (not a rate of two)


def _table():
    keys = [f.rollup.key("n") for f in COUNTS]
    return {(o, y, k): (own, total) for o, y, k, own, total in StockRollup.objects.filter(key__in=keys)
            .values_list("organization_id", "year", "key", "own", "total")}


def _counted_by_the_builders(years):
    """The cells a rebuild should write, from the builders: (own, total) of every organisation, year and
    count with a total (the tree has not moved, so the subtree on 31 December is today's)."""
    organisations = list(Organization.objects.all())
    cells = {}
    for figure in COUNTS:
        for year in years:
            total = {o.pk: figure.recount(None, o, Period.year(year)) for o in organisations}
            for o in organisations:
                if total[o.pk]:
                    own = total[o.pk] - sum(total[c.pk] for c in organisations if c.parent_id == o.pk)
                    cells[o.pk, year, figure.rollup.key("n")] = (own, total[o.pk])
    return cells


def test_rebuild_writes_what_the_builders_count(people):
    """The rebuild sums in SQL, and so does the check: compare the table with the builders instead."""
    t = people
    make_person(t.cb_b1, "新党员", status="probationary", category="student", joined_on=date(THIS_YEAR - 2, 6, 1))
    members.change_status(SYSTEM, t.li, "left", date(THIS_YEAR - 1, 3, 1))
    members.transfer(SYSTEM, t.wang, t.ca_b2, date.today())
    rows = stocks.rebuild()
    assert rows == StockRollup.objects.count() and sorted(stocks.built_years("members")) == list(
        range(THIS_YEAR - stocks.STOCK_YEARS + 1, THIS_YEAR + 1))
    assert _table() == _counted_by_the_builders(stocks.built_years("members"))


def test_the_check_names_every_cell_the_table_has_wrong(people):
    t = people
    assert stocks.differences() == []  # nothing built, nothing held
    stocks.rebuild()
    key = registry.get("members.total").rollup.key("n")
    StockRollup.objects.filter(organization=t.ca, year=THIS_YEAR, key=key).update(total=7)
    StockRollup.objects.filter(organization=t.cb_b1, year=THIS_YEAR - 1, key=key).delete()
    StockRollup.objects.create(organization=t.ca_g1, year=THIS_YEAR, key=key, own=1, total=1)
    StockRollup.objects.create(organization=t.root, year=THIS_YEAR - stocks.STOCK_YEARS, key=key, total=3)
    assert stocks.differences() == sorted([
        (t.ca.pk, THIS_YEAR, key, (0, 7), (0, 2)),
        (t.cb_b1.pk, THIS_YEAR - 1, key, (0, 0), (1, 1)),
        (t.ca_g1.pk, THIS_YEAR, key, (1, 1), (0, 0)),
        (t.root.pk, THIS_YEAR - stocks.STOCK_YEARS, key, (0, 3), (0, 0))])  # a year not built
    stocks.rebuild()
    assert stocks.differences() == []


class _Rollback(Exception):
    pass


steps = st.lists(st.tuples(st.sampled_from(["join", "transfer", "status", "category"]), st.integers(0, 20)),
                 min_size=1, max_size=8)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=steps)
def test_property_stocks_equal_a_recount(people, ops):
    t = people
    branches = [t.ca_b1, t.ca_b2, t.cb_b1]
    try:
        with transaction.atomic():
            stocks.rebuild()
            persons = [t.zhang, t.li, t.wang]
            for op, n in ops:
                day = date(THIS_YEAR - 1 + n % 2, 1 + n % 11, 1 + n % 27)
                day = min(day, date.today())
                person = type(t.zhang).objects.get(pk=persons[n % len(persons)].pk)
                try:
                    if op == "join":
                        persons.append(make_person(branches[n % 3], f"新{n}", joined_on=day))
                    elif op == "transfer":
                        members.transfer(SYSTEM, person, branches[(n + 1) % 3], day)
                    elif op == "status":
                        members.change_status(SYSTEM, person, ["full", "probationary", "left"][n % 3], day)
                    else:
                        members.update_person(SYSTEM, person, {"category": ["teacher", "student"][n % 2]})
                except Exception as exc:  # a date the service refuses: not the point here
                    if "BusinessRuleError" not in type(exc).__name__ and "ValidationError" not in type(exc).__name__:
                        raise
            assert stocks.differences() == []
            assert_match([t.root, t.ca, t.cb, t.ca_b1])
            raise _Rollback
    except _Rollback:
        pass
