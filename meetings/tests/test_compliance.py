"""The compliance calendar against hand-built calendars: exact period states per rule, rule changes
mid-year, subtree overrides, organisations set up or dissolved within the year, the subtree's
organisations behind, the compliance figure against an independent count, and the pages' scoping."""
import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.figures import Period, registry
from core.models import RuleVersion
from core.rules import rule_value
from meetings import compliance as c
from meetings.models import Meeting
from orgs.models import Organization

S, M, OP, F, NA = c.SATISFIED, c.MISSING, c.OPEN, c.FUTURE, c.NOT_APPLICABLE


def hold(org, kind, *days, status="held"):
    for day in days:
        Meeting.objects.create(organization=org, kind=kind, title=f"{kind} {day}", held_on=day, status=status)


def states(org, year, as_of, kind):
    row = next(r for r in c.calendar(org, year, as_of) if r.kind == kind)
    return [(cell.period.label, cell.state) for cell in row.cells]


def rows(org, year, as_of):
    return {r.kind: r for r in c.calendar(org, year, as_of)}


def branch(parent, code, committee=True, **extra):
    """A branch; by default with a committee of three (so committee meetings are owed)."""
    from conftest import make_person
    from members.models import CommitteeSeat

    org = Organization.objects.create(code=code, name=f"{code}党支部", kind="branch", parent=parent,
                                      established_on=extra.pop("established_on", date(2010, 1, 1)), **extra)
    org.refresh_from_db()
    if committee:
        for post in ("secretary", "organization", "publicity"):
            person = make_person(org, f"{code}{post}", joined_on=org.established_on)
            CommitteeSeat.objects.create(organization=org, post=post, person=person, started_on=date(2010, 1, 1))
    return org


MONTHS = [f"{m}月" for m in range(1, 13)]


@pytest.fixture(autouse=True)
def committees(request):
    """The shared tree's branches get a committee of three, so they owe committee meetings."""
    if "tree" not in request.fixturenames:
        return
    from conftest import make_person
    from members.models import CommitteeSeat

    t = request.getfixturevalue("tree")
    for org in (t.ca_b1, t.ca_b2, t.cb_b1):
        for post in ("secretary", "organization", "publicity"):
            person = make_person(org, f"{org.code}{post}", joined_on=org.established_on)
            CommitteeSeat.objects.create(organization=org, post=post, person=person, started_on=date(2010, 1, 1))


@pytest.mark.django_db
class TestCalendar:
    def test_exact_states_for_each_rule(self, tree):
        b = tree.ca_b1
        hold(b, "member_assembly", date(2019, 2, 10), date(2019, 3, 5))
        hold(b, "branch_committee", date(2019, 1, 8), date(2019, 2, 12), date(2019, 4, 30), date(2019, 8, 1))
        # After the as_of date: not counted yet. A planned meeting never counts.
        hold(b, "theme_day", date(2019, 8, 20))
        hold(b, "theme_day", date(2019, 1, 20), status="planned")
        # Another branch's meeting does not count for this one.
        hold(tree.ca_b2, "party_lecture", date(2019, 2, 1))
        as_of = date(2019, 8, 15)
        assert states(b, 2019, as_of, "member_assembly") == [
            ("第1季度", S), ("第2季度", M), ("第3季度", OP), ("第4季度", F)]
        assert states(b, 2019, as_of, "branch_committee") == list(zip(
            MONTHS, [S, S, M, S, M, M, M, S, F, F, F, F], strict=True))
        assert states(b, 2019, as_of, "party_lecture") == [
            ("第1季度", M), ("第2季度", M), ("第3季度", OP), ("第4季度", F)]
        assert states(b, 2019, as_of, "theme_day") == list(zip(
            MONTHS, [M, M, M, M, M, M, M, OP, F, F, F, F], strict=True))
        assert states(b, 2019, as_of, "life_meeting") == [("全年", OP)]
        by_kind = rows(b, 2019, as_of)
        assert list(by_kind) == ["member_assembly", "branch_committee", "party_lecture", "theme_day", "life_meeting"]
        assert by_kind["member_assembly"].cells[0].count == 2
        assert (by_kind["member_assembly"].satisfied, by_kind["member_assembly"].missing) == (1, 1)
        assert (by_kind["branch_committee"].satisfied, by_kind["branch_committee"].missing) == (4, 4)
        # Due next: the open period's end; when the current one is done, the next period's end.
        assert by_kind["member_assembly"].due_next.period.end == date(2019, 9, 30)
        assert by_kind["branch_committee"].due_next.period.end == date(2019, 9, 30)
        assert by_kind["theme_day"].due_next.period.end == date(2019, 8, 31)
        assert by_kind["life_meeting"].due_next.period.end == date(2019, 12, 31)

    def test_groups_have_the_group_meeting_rule_and_committees_none(self, tree):
        hold(tree.ca_g1, "group_meeting", date(2019, 3, 3))
        assert [r.kind for r in c.calendar(tree.ca_g1, 2019, date(2019, 4, 10))] == ["group_meeting"]
        assert states(tree.ca_g1, 2019, date(2019, 4, 10), "group_meeting")[:5] == [
            ("1月", M), ("2月", M), ("3月", S), ("4月", OP), ("5月", F)]
        assert c.calendar(tree.ca, 2019, date(2019, 4, 10)) == []

    def test_as_of_inside_a_period_is_open_and_after_it_missing(self, tree):
        b = tree.ca_b1
        assert states(b, 2019, date(2019, 3, 31), "member_assembly")[0] == ("第1季度", OP)
        assert states(b, 2019, date(2019, 4, 1), "member_assembly")[0] == ("第1季度", M)
        assert states(b, 2019, date(2019, 1, 1), "member_assembly")[0] == ("第1季度", OP)
        assert states(b, 2019, date(2018, 12, 31), "member_assembly")[0] == ("第1季度", F)
        # A past year seen today: everything unsatisfied is missing.
        assert {s for _l, s in states(b, 2019, date(2020, 6, 1), "theme_day")} == {M}
        # The meeting on the last day of the period counts on that day.
        hold(b, "member_assembly", date(2019, 3, 31))
        assert states(b, 2019, date(2019, 3, 31), "member_assembly")[0] == ("第1季度", S)


@pytest.mark.django_db
class TestRuleChanges:
    def test_quarterly_until_june_then_monthly_for_a_subtree(self, tree):
        RuleVersion.objects.create(key="meeting.per_year.member_assembly", effective_from=date(2019, 7, 1),
                                   scope_path=tree.ca.path, value=12)
        hold(tree.ca_b1, "member_assembly", date(2019, 5, 5), date(2019, 7, 9), date(2019, 9, 30))
        hold(tree.cb_b1, "member_assembly", date(2019, 7, 9))
        as_of = date(2019, 10, 20)
        assert states(tree.ca_b1, 2019, as_of, "member_assembly") == [
            ("第1季度", M), ("第2季度", S), ("7月", S), ("8月", M), ("9月", S), ("10月", OP), ("11月", F), ("12月", F)]
        # Outside the subtree the default (quarterly) stands.
        assert states(tree.cb_b1, 2019, as_of, "member_assembly") == [
            ("第1季度", M), ("第2季度", M), ("第3季度", S), ("第4季度", OP)]

    def test_global_change_mid_quarter_cuts_the_period(self, tree):
        RuleVersion.objects.create(key="meeting.per_year.branch_committee", effective_from=date(2019, 5, 1),
                                   value=4)
        hold(tree.ca_b1, "branch_committee", date(2019, 6, 2))
        labels = states(tree.ca_b1, 2019, date(2020, 1, 1), "branch_committee")
        assert labels == [("1月", M), ("2月", M), ("3月", M), ("4月", M), ("5–6月", S), ("第3季度", M),
                          ("第4季度", M)]

    def test_a_change_effective_mid_month_applies_from_the_next_month(self, tree):
        RuleVersion.objects.create(key="meeting.per_year.member_assembly", effective_from=date(2019, 7, 15),
                                   value=12)
        row = rows(tree.ca_b1, 2019, date(2019, 12, 31))["member_assembly"]
        # Rules are read at month starts: July is still quarterly, so Q3 is cut to July alone.
        assert [(cell.period.label, cell.period.per_year) for cell in row.cells] == [
            ("第1季度", 4), ("第2季度", 4), ("7月", 4)] + [(f"{m}月", 12) for m in range(8, 13)]

    def test_yearly_to_quarterly_and_not_required(self, tree):
        RuleVersion.objects.create(key="meeting.per_year.life_meeting", effective_from=date(2019, 7, 1), value=4)
        RuleVersion.objects.create(key="meeting.per_year.theme_day", effective_from=date(2019, 10, 1), value=0)
        assert [label for label, _s in states(tree.ca_b1, 2019, date(2019, 12, 31), "life_meeting")] == [
            "1–6月", "第3季度", "第4季度"]
        assert [label for label, _s in states(tree.ca_b1, 2019, date(2019, 12, 31), "theme_day")] == MONTHS[:9]

    def test_per_organisation_override_wins_over_a_newer_global_version(self, tree):
        RuleVersion.objects.create(key="meeting.per_year.party_lecture", effective_from=date(2018, 12, 1),
                                   scope_path=tree.ca_b1.path, value=12)
        RuleVersion.objects.create(key="meeting.per_year.party_lecture", effective_from=date(2019, 4, 1), value=1)
        assert len(states(tree.ca_b1, 2019, date(2019, 12, 31), "party_lecture")) == 12
        assert [label for label, _s in states(tree.ca_b2, 2019, date(2019, 12, 31), "party_lecture")] == [
            "第1季度", "4–12月"]

    def test_rulebook_answers_as_rule_value(self, tree):
        RuleVersion.objects.create(key="meeting.per_year.party_lecture", effective_from=date(2018, 12, 1),
                                   scope_path=tree.ca_b1.path, value=12)
        RuleVersion.objects.create(key="meeting.per_year.party_lecture", effective_from=date(2019, 4, 1), value=1)
        RuleVersion.objects.create(key="meeting.per_year.party_lecture", effective_from=date(2019, 9, 1),
                                   scope_path=tree.ca.path, value=4)
        RuleVersion.objects.create(key="meeting.reminder_days", effective_from=date(2019, 6, 1), value=3)
        book = c.RuleBook.for_meetings()
        for org in (tree.root, tree.ca, tree.ca_b1, tree.ca_b2, tree.cb_b1):
            for day in (date(2018, 11, 1), date(2019, 1, 1), date(2019, 4, 1), date(2019, 8, 31), date(2019, 9, 1)):
                for key in ("meeting.per_year.party_lecture", "meeting.per_year.theme_day", "meeting.reminder_days"):
                    assert book.value(key, day, org.path) == rule_value(key, day, org.path), (org, day, key)


@pytest.mark.django_db
class TestLifetime:
    def test_established_mid_year(self, tree):
        new = branch(tree.ca, "NEW", established_on=date(2019, 5, 10))
        hold(new, "branch_committee", date(2019, 5, 20))
        as_of = date(2020, 1, 1)
        # May is partly before the branch existed: not owed, but a meeting held in it still counts.
        assert states(new, 2019, as_of, "branch_committee") == list(zip(
            MONTHS, [NA, NA, NA, NA, S, M, M, M, M, M, M, M], strict=True))
        assert states(new, 2019, as_of, "member_assembly") == [
            ("第1季度", NA), ("第2季度", NA), ("第3季度", M), ("第4季度", M)]
        assert states(new, 2019, as_of, "life_meeting") == [("全年", NA)]

    def test_dissolved_mid_year(self, tree):
        gone = branch(tree.ca, "GONE", dissolved_on=date(2019, 9, 15))
        hold(gone, "member_assembly", date(2019, 2, 1))
        as_of = date(2019, 12, 31)
        assert states(gone, 2019, as_of, "member_assembly") == [
            ("第1季度", S), ("第2季度", M), ("第3季度", NA), ("第4季度", NA)]
        assert [s for _l, s in states(gone, 2019, as_of, "theme_day")] == [M] * 8 + [NA] * 4

    def test_subtree_lists_organisations_active_in_the_year(self, tree):
        branch(tree.ca, "OLD", dissolved_on=date(2018, 6, 1))
        later = branch(tree.ca, "LATER", established_on=date(2020, 3, 1))
        gone = branch(tree.ca, "GONE", dissolved_on=date(2019, 9, 15))
        listed = {e.organization.code for e in c.report(c.subtree_orgs(Organization.objects.all(), tree.ca),
                                                         2019, date(2019, 12, 31))}
        assert listed == {"CA-B1", "CA-B2", "CA-B1-G1", "GONE"}
        assert later.code not in listed and gone.code in listed


@pytest.mark.django_db
class TestSubtree:
    def test_behind_list_worst_first_with_exact_counts(self, tree):
        as_of = date(2019, 6, 15)  # Q1 and Jan..May are closed; Q2 and June are open
        # CA-B1 held everything on time; CA-B2 missed Q1's member assembly and two committee meetings.
        for m in range(1, 7):
            hold(tree.ca_b1, "branch_committee", date(2019, m, 3))
            hold(tree.ca_b1, "theme_day", date(2019, m, 4))
            hold(tree.ca_g1, "group_meeting", date(2019, m, 5))
        hold(tree.ca_b1, "member_assembly", date(2019, 2, 1))
        hold(tree.ca_b1, "party_lecture", date(2019, 3, 1))
        for m in (1, 2, 5):
            hold(tree.ca_b2, "branch_committee", date(2019, m, 3))
        for m in range(1, 6):
            hold(tree.ca_b2, "theme_day", date(2019, m, 4))
        hold(tree.ca_b2, "party_lecture", date(2019, 1, 9))
        entries = c.report(c.subtree_orgs(Organization.objects.all(), tree.root), 2019, as_of)
        summary = [(e.organization.code, e.missing, {r.kind: r.missing for r in e.rows}) for e in entries]
        assert summary == [
            ("CB-B1", 12, {"member_assembly": 1, "branch_committee": 5, "party_lecture": 1,
                                      "theme_day": 5, "life_meeting": 0}),
            ("CA-B2", 3, {"member_assembly": 1, "branch_committee": 2, "party_lecture": 0, "theme_day": 0,
                          "life_meeting": 0}),
            ("CA-B1", 0, {"member_assembly": 0, "branch_committee": 0, "party_lecture": 0, "theme_day": 0,
                          "life_meeting": 0}),
            ("CA-B1-G1", 0, {"group_meeting": 0}),
        ]
        # Rates count the periods closed by as_of: June (held by CA-B1) is not due yet.
        assert c.rate(entries, "member_assembly", as_of) == round(100 * 1 / 3, 1)
        assert c.rate(entries, "branch_committee", as_of) == round(100 * (5 + 3) / 15, 1)
        assert c.rate(entries, "life_meeting", as_of) is None
        assert c.rate(entries, "branch_committee", date(2019, 6, 30)) == round(100 * (6 + 3) / 18, 1)

    def test_four_queries_whatever_the_size(self, tree, django_assert_num_queries):
        for i in range(12):
            b = branch(tree.cb, f"X{i}")
            hold(b, "member_assembly", date(2019, 1 + i % 12, 2))
        with django_assert_num_queries(4):
            entries = c.report(c.subtree_orgs(Organization.objects.all(), tree.root), 2019, date(2019, 12, 31))
        assert len(entries) == 4 + 12


def independent_rate(kind, orgs, year, as_of):
    """Counted the slow, obvious way: per organisation and quarter/month, one query each."""
    satisfied = due = 0
    for org in orgs:
        for month in range(1, 13):
            start = date(year, month, 1)
            per_year = rule_value(f"meeting.per_year.{kind}", start, org.path)
            size = {12: 1, 4: 3, 1: 12}[per_year]
            if (month - 1) % size:
                continue  # not the first month of its period (the rules here do not change mid-year)
            end = (date(year + (month + size > 12), (month + size - 1) % 12 + 1, 1)) - timedelta(days=1)
            if end > as_of:
                continue
            if (org.established_on and org.established_on > start) or (org.dissolved_on and org.dissolved_on <= end):
                continue
            held = Meeting.objects.filter(organization=org, kind=kind, status="held", held_on__gte=start,
                                          held_on__lte=end).exists()
            satisfied += held
            due += 1
    return round(100 * satisfied / due, 1) if due else None


@pytest.mark.django_db
class TestFigure:
    @pytest.fixture
    def generated(self, tree):
        rnd = random.Random(20190)
        RuleVersion.objects.create(key="meeting.per_year.theme_day", effective_from=date(2018, 1, 1),
                                   scope_path=tree.cb.path, value=4)
        branches = [tree.ca_b1, tree.ca_b2, tree.cb_b1] + [branch(rnd.choice([tree.ca, tree.cb]), f"G{i}")
                                                           for i in range(8)]
        for b in branches:
            for kind in ("member_assembly", "theme_day", "party_lecture"):
                for _n in range(rnd.randint(0, 14)):
                    hold(b, kind, date(2019, 1, 1) + timedelta(days=rnd.randint(0, 364)),
                         status=rnd.choice(["held", "held", "held", "planned"]))
        return tree

    @pytest.mark.parametrize("kind", ["member_assembly", "theme_day", "party_lecture"])
    def test_value_equals_an_independent_count(self, generated, kind):
        t = generated
        figure = registry.get(f"meetings.compliance.{kind}")
        for org in (t.root, t.ca, t.cb):
            for as_of in (date(2019, 12, 31), date(2019, 7, 15)):
                orgs = list(Organization.objects.filter(path__startswith=org.path, kind="branch"))
                assert figure.value(None, org, Period.year(2019), as_of) == independent_rate(kind, orgs, 2019, as_of)
                assert set(figure.records(None, org, Period.year(2019), as_of)) == set(orgs)

    def test_restricted_to_the_users_scope(self, generated, users):
        t = generated
        figure = registry.get("meetings.compliance.member_assembly")
        ca_orgs = list(Organization.objects.filter(path__startswith=t.ca.path, kind="branch"))
        assert set(figure.records(t.sec_a, t.root, Period.year(2019))) == set(ca_orgs)
        assert figure.value(t.sec_a, t.root, Period.year(2019)) == independent_rate(
            "member_assembly", ca_orgs, 2019, date(2019, 12, 31))

    def test_only_periods_closing_within_the_figure_period(self, tree):
        hold(tree.ca_b1, "member_assembly", date(2019, 2, 1))
        figure = registry.get("meetings.compliance.member_assembly")
        # Q1 of both branches under CA: one of two held.
        assert figure.value(None, tree.ca, Period.quarter(2019, 1)) == 50.0
        # The yearly life meeting does not close within a quarter.
        assert registry.get("meetings.compliance.life_meeting").value(None, tree.ca, Period.quarter(2019, 1)) is None


# --- pages -------------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestPages:
    def test_branch_calendar_with_links(self, users, login):
        t = users
        hold(t.ca_b1, "member_assembly", date(2019, 2, 10))
        client = login(t.sec_a)
        r = client.get(f"/meetings/compliance/?org={t.ca_b1.pk}&year=2019")
        assert r.status_code == 200
        html = r.content.decode()
        assert 'id="compliance-calendar"' in html
        cal = {line["row"].kind: line for line in r.context["calendar"]}
        q1 = cal["member_assembly"]["cells"][0]
        assert q1["state"] == S and q1["span"] == 3
        assert f"organization={t.ca_b1.pk}" in q1["link"] and "held_from=2019-01-01" in q1["link"]
        q2 = cal["member_assembly"]["cells"][1]
        assert q2["state"] == M and q2["link"].startswith("/meetings/add/?")
        assert "kind=member_assembly" in q2["link"]
        assert sum(cell["span"] for cell in cal["theme_day"]["cells"]) == 12
        assert q1["link"].replace("&", "&amp;") in html

    def test_months_not_required_span_the_grid(self, users, login):
        t = users
        RuleVersion.objects.create(key="meeting.per_year.theme_day", effective_from=date(2019, 10, 1), value=0)
        r = login(t.sec_a).get(f"/meetings/compliance/?org={t.ca_b1.pk}&year=2019")
        cells = {line["row"].kind: line for line in r.context["calendar"]}["theme_day"]["cells"]
        assert [cell["span"] for cell in cells] == [1] * 9 + [3] and cells[-1]["state"] == "none"

    def test_committee_lists_organisations_behind(self, users, login):
        t = users
        for m in range(1, 13):
            hold(t.ca_b1, "branch_committee", date(2019, m, 3))
        client = login(t.sec_a)
        r = client.get(f"/meetings/compliance/?org={t.ca.pk}&year=2019")
        assert r.status_code == 200
        listed = [line["entry"].organization for line in r.context["subtree_rows"]]
        assert listed[0] == t.ca_b2 and set(listed) == {t.ca_b1, t.ca_b2, t.ca_g1}
        assert t.cb_b1 not in listed
        assert f'href="?org={t.ca_b2.pk}&amp;year=2019"' in r.content.decode()
        assert r.context["calendar"] is None

    def test_out_of_scope_is_not_found(self, users, login):
        t = users
        client = login(t.sec_a)
        assert client.get(f"/meetings/compliance/?org={t.cb_b1.pk}").status_code == 404
        assert client.get("/meetings/compliance/?org=999999").status_code == 404
        assert client.get("/meetings/compliance/?org=abc").status_code == 404
        # A secretary of the college committee alone does not see its branches.
        client = login(t.branch_only)
        assert client.get(f"/meetings/compliance/?org={t.ca_b1.pk}").status_code == 404
        r = client.get(f"/meetings/compliance/?org={t.ca.pk}")
        assert r.status_code == 200 and r.context["subtree_rows"] == []

    def test_defaults_to_the_top_of_the_users_scope_and_this_year(self, users, login):
        r = login(users.sec_b).get("/meetings/compliance/?year=nonsense")
        assert r.status_code == 200
        assert r.context["org"] == users.cb and r.context["year"] == r.context["years"][0]

    def test_users_without_meetings_are_refused(self, users, login):
        assert login(users.member).get(f"/meetings/compliance/?org={users.ca_b1.pk}").status_code == 403

    def test_tab_on_the_organisation_page(self, users, login):
        t = users
        r = login(t.sec_a).get(f"/orgs/{t.ca_b1.pk}/?tab=compliance")
        assert r.status_code == 200
        assert 'id="compliance-calendar"' in r.content.decode()
        assert ("compliance", "合规日历") in [(k, str(label)) for k, label in r.context["tabs"]]
        r = login(t.sec_a).get(f"/orgs/{t.ca.pk}/?tab=compliance")
        assert r.status_code == 200 and 'id="compliance-calendar"' not in r.content.decode()

    def test_subtree_page_queries_do_not_grow_with_branches(self, users, login, django_assert_max_num_queries):
        t = users
        client = login(t.org_admin)
        url = f"/meetings/compliance/?org={t.root.pk}&year=2019&all=1"

        def add_branches(start, stop):
            for i in range(start, stop):
                b = branch(t.cb, f"Q{i}")
                hold(b, "theme_day", date(2019, 3, 1))
                hold(b, "member_assembly", date(2019, 5, 1))

        def measure(expected_rows):
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(url)
            assert len(r.context["subtree_rows"]) == expected_rows
            return len(ctx.captured_queries)

        add_branches(0, 2)
        client.get(url)  # the first request of a session may do one-off work
        with_two = measure(2 + 4)
        add_branches(2, 10)
        with django_assert_max_num_queries(with_two):
            client.get(url)
        assert measure(10 + 4) == with_two


@pytest.mark.django_db
def test_committee_meetings_bind_only_a_branch_with_a_committee(tree):
    small = branch(tree.ca, "SMALL", committee=False)
    assert {s for _l, s in states(small, 2019, date(2020, 1, 1), "branch_committee")} == {NA}
    assert {s for _l, s in states(small, 2019, date(2020, 1, 1), "member_assembly")} == {M}
    elected = branch(tree.ca, "ELECTED", committee=False)
    from conftest import make_person
    from members.models import CommitteeSeat

    for post in ("secretary", "organization", "publicity"):  # a committee elected on 1 July
        CommitteeSeat.objects.create(organization=elected, post=post, started_on=date(2019, 7, 1),
                                     person=make_person(elected, post, joined_on=date(2015, 1, 1)))
    got = states(elected, 2019, date(2020, 1, 1), "branch_committee")
    assert [s for _l, s in got] == [NA] * 6 + [M] * 6
