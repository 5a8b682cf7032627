"""The dashboard: who may open it, cards and chart data equal to the registry's values (the months add up
to the year), a college secretary sees only their college, and the cost stays bounded."""
import json
import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_person
from core.figures import Period, registry
from core.scoping import SYSTEM
from ledgers import services as ledgers
from ledgers.choices import LedgerKind
from meetings import services as meetings
from orgs.models import Organization
from reports import charts

pytestmark = pytest.mark.django_db

YEAR = 2020
END = date(YEAR, 12, 31)
URL, DATA = "/reports/dashboard/", "/reports/dashboard/data/"


def held(org, day, kind="branch_committee"):
    return meetings.create_meeting(SYSTEM, kind=kind, organization=org, title="会议", held_on=day,
                                   agenda=[{"title": "第一议题学习", "is_first_topic": True}], confirm_duplicate=True)


def finish(task, submitted, verifier=SYSTEM):
    ledgers.add_progress(SYSTEM, task, "推进中", written_on=task.assigned_on, today=task.assigned_on)
    ledgers.submit_task(SYSTEM, task, "已完成", today=submitted)
    ledgers.verify_task(verifier, task, today=submitted)


@pytest.fixture
def year(users):
    """2020 in both colleges: meetings in several months, a directive ledger with tasks done and open, and
    the shared members plus a probationary student."""
    t = users
    t.pro = make_person(t.ca_b2, "赵预备", status="probationary", category="student", joined_on=date(2020, 3, 1))
    for day in (date(2020, 1, 8), date(2020, 3, 5), date(2020, 3, 26)):
        held(t.ca_b1, day)
    held(t.ca_b2, date(2020, 5, 6), "member_assembly")
    held(t.ca_b1, date(2020, 7, 1), "theme_day")
    held(t.cb_b1, date(2020, 6, 12), "party_lecture")
    held(t.cb_b1, date(2020, 7, 1), "theme_day")
    held(t.cb_b1, date(2019, 7, 1), "theme_day")  # another year
    t.ledger = ledgers.create_ledger(SYSTEM, kind=LedgerKind.DIRECTIVE_LEDGER, name="2020年落实指示批示台账",
                                     organization=t.root, year=YEAR)
    new = dict(ledger=t.ledger, assigned_on=date(2020, 1, 15), deadline=date(2020, 6, 30))
    t.a1 = ledgers.create_task(SYSTEM, owner=t.ca, title="甲学院任务一", **new)
    t.a2 = ledgers.create_task(SYSTEM, owner=t.ca_b2, title="甲学院学生支部任务", **new)
    t.a3 = ledgers.create_task(SYSTEM, owner=t.ca, title="甲学院任务二", **new)
    t.b1 = ledgers.create_task(SYSTEM, owner=t.cb, title="乙学院任务", **new)
    finish(t.a1, date(2020, 5, 1))
    finish(t.a2, date(2020, 6, 1))
    finish(t.b1, date(2020, 6, 20))
    return t


def value(code, user, org, period=None):
    return registry.get(code).value(user, org, period or Period.year(YEAR), END)


def shown_cards(html):
    """{code: (value text, link)} of the cards on the page."""
    found = re.findall(r'data-code="([^"]+)">\s*<div class="card-body[^"]*">.*?<div class="figure-value">'
                       r'<a href="([^"]+)"[^>]*>([^<]+)</a>', html, re.S)
    return {code: (text.strip(), url.replace("&amp;", "&")) for code, url, text in found}


def number(text):
    return None if text == "—" else float(text)


def test_cards_equal_the_registry_and_link_to_the_records(login, year):
    t = year
    c = login(t.org_admin)
    response = c.get(URL, {"org": t.root.pk, "year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dashboard"' in html
    cards = shown_cards(html)
    expected = [code for code in charts.CARDS if code in {f.code for f in registry.all()}]
    assert list(cards) == expected and "members.total" in cards and "ledgers.directive.tasks" in cards
    for code, (text, url) in cards.items():
        assert number(text) == value(code, t.org_admin, t.root), code
        assert url == f"/figures/{code}/?org={t.root.pk}&year={YEAR}"
    assert cards["members.total"][0] == "4" and cards["ledgers.directive.tasks"][0] == "4"
    assert cards["ledgers.tasks.completion_rate"][0] == "75.0"
    # The link opens the drill-down with the same count.
    detail = c.get(cards["meetings.kind.theme_day"][1])
    assert detail.status_code == 200 and detail.context["value"] == 2 == detail.context["page"].paginator.count


def test_chart_data_equals_the_registry(login, year):
    t = year
    c = login(t.org_admin)
    data = c.get(DATA, {"org": t.root.pk, "year": YEAR}).json()
    assert data["organization"]["id"] == t.root.pk and data["as_of"] == "2020-12-31"
    monthly = data["charts"]["meetings-month"]
    assert len(monthly["labels"]) == 12
    codes = [s["code"] for s in monthly["series"]]
    assert "meetings.kind.branch_committee" in codes and "meetings.kind.theme_day" in codes
    for series in monthly["series"]:
        code = series["code"]
        for month in range(1, 13):
            assert series["data"][month - 1] == value(code, t.org_admin, t.root, Period.month(YEAR, month)), \
                (code, month)
        assert sum(series["data"]) == series["total"] == value(code, t.org_admin, t.root)
    committee = next(s for s in monthly["series"] if s["code"] == "meetings.kind.branch_committee")
    assert committee["data"][:3] == [1, 0, 2]
    # Task completion by child organisation: college A 2 of 3 done, college B 1 of 1.
    rows = {r["org"]: r for r in data["charts"]["completion"]["rows"]}
    assert set(rows) == {t.ca.pk, t.cb.pk}
    for child in (t.ca, t.cb):
        assert rows[child.pk]["value"] == value("ledgers.tasks.completion_rate", t.org_admin, child)
        assert rows[child.pk]["url"] == f"/figures/ledgers.tasks.completion_rate/?org={child.pk}&year={YEAR}"
    assert rows[t.ca.pk]["value"] == round(100 * 2 / 3, 1) and rows[t.cb.pk]["value"] == 100.0
    compliance = data["charts"]["compliance"]["rows"]
    assert {r["code"] for r in compliance} == {f.code for f in registry.all()
                                               if f.code.startswith("meetings.compliance.")}
    for row in compliance:
        assert row["value"] == value(row["code"], t.org_admin, t.root)
    for name in ("membership-category", "membership-status"):
        for row in data["charts"][name]["rows"]:
            assert row["value"] == value(row["code"], t.org_admin, t.root)
    category = {r["code"]: r["value"] for r in data["charts"]["membership-category"]["rows"]}
    assert category["members.category.student"] == 2 and category["members.category.teacher"] == 2
    status = {r["code"]: r["value"] for r in data["charts"]["membership-status"]["rows"]}
    assert status == {"members.status.full": 3, "members.status.probationary": 1}


def test_the_page_embeds_the_same_data_with_a_table_for_each_chart(login, year):
    t = year
    c = login(t.org_admin)
    html = c.get(URL, {"org": t.root.pk, "year": YEAR}).content.decode()
    block = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    embedded = json.loads(block.group(1))
    assert embedded == c.get(DATA, {"org": t.root.pk, "year": YEAR}).json()
    for name in embedded["charts"]:
        assert f'id="chart-{name}"' in html and f'id="table-{name}"' in html
    assert set(embedded["charts"]) == {"meetings-month", "completion", "compliance", "membership-category",
                                       "membership-status"}
    # The month table's yearly totals link to the figure.
    assert f'href="/figures/meetings.kind.theme_day/?org={t.root.pk}&amp;year={YEAR}">2</a>' in html
    # ECharts from our own static files, no CDN; our script is a file, not inline.
    assert '/static/vendor/echarts/echarts.min.js"' in html and '/static/reports/dashboard.js"' in html
    assert not re.search(r'<script[^>]+src="(https?:)?//', html)
    assert finders.find("vendor/echarts/echarts.min.js") and finders.find("reports/dashboard.js")
    # The compliance calendar of the organisation and year.
    assert f'href="/meetings/compliance/?org={t.root.pk}&amp;year={YEAR}"' in html


def test_a_college_secretary_sees_only_their_college(login, year):
    t = year
    c = login(t.sec_a)
    for url in (URL, DATA):
        assert c.get(url, {"org": t.root.pk, "year": YEAR}).status_code == 404
        assert c.get(url, {"org": t.cb.pk, "year": YEAR}).status_code == 404
        assert c.get(url, {"org": "x1", "year": YEAR}).status_code == 404
    page = c.get(URL, {"year": YEAR})  # by default their highest organisation
    assert page.status_code == 200 and page.context["organization"] == t.ca
    assert "乙学院" not in page.content.decode()
    data = c.get(DATA, {"org": t.ca.pk, "year": YEAR}).json()
    cards = {card["code"]: card["value"] for card in data["cards"]}
    assert cards["members.total"] == 3 == value("members.total", t.sec_a, t.ca)
    assert cards["ledgers.directive.tasks"] == 3
    monthly = {s["code"]: s for s in data["charts"]["meetings-month"]["series"]}
    assert monthly["meetings.kind.theme_day"]["total"] == 1  # college B's theme day not counted
    assert "meetings.kind.party_lecture" in monthly and monthly["meetings.kind.party_lecture"]["total"] == 0
    rows = data["charts"]["completion"]["rows"]
    assert {r["org"] for r in rows} == {t.ca_b1.pk, t.ca_b2.pk}
    assert {r["org"]: r["value"] for r in rows} == {t.ca_b1.pk: None, t.ca_b2.pk: 100.0}
    assert c.get(URL, {"org": t.ca_b2.pk, "year": YEAR}).status_code == 200
    # College B's secretary: 404 for college A.
    c = login(t.sec_b)
    assert c.get(URL, {"org": t.ca.pk, "year": YEAR}).status_code == 404
    assert c.get(DATA, {"org": t.cb.pk, "year": YEAR}).json()["cards"][0]["value"] == 1


def test_without_an_organisation_or_a_login(client, login, year):
    t = year
    assert client.get(URL).status_code == 302
    assert client.get(DATA).status_code == 302
    c = login(t.nobody)
    page = c.get(URL)
    assert page.status_code == 200 and page.context["dashboard"] is None
    assert c.get(DATA).status_code == 404


def queries(c, org):
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(URL, {"org": org.pk, "year": YEAR}).status_code == 200
    return len(ctx.captured_queries)


def test_the_cost_is_bounded(login, year):
    t = year
    board = charts.build(t.org_admin, t.root, YEAR, Organization.objects.restrict(t.org_admin, "view"))
    per_child = 1
    fixed = (len(charts.CARDS) + len(charts.MONTHLY) + len(charts.STATUS)
             + sum(1 for f in registry.all() if f.code.startswith(("meetings.compliance", "members.category."))))
    assert board.evaluations <= fixed + per_child * 2
    c = login(t.org_admin)
    before = queries(c, t.root)
    # More meetings in more months and more organisations, another college: the page costs one more
    # evaluation (the new child), not one per month or per record.
    college = Organization.objects.create(code="CC", name="丙学院党委", kind="committee", parent=t.root,
                                          established_on=date(2005, 1, 1))
    branch = Organization.objects.create(code="CC-B1", name="丙学院党支部", kind="branch", parent=college,
                                         established_on=date(2010, 1, 1))
    for month in range(1, 13):
        held(branch, date(2020, month, 10))
        held(branch, date(2020, month, 12), "party_lecture")
    ledgers.create_task(SYSTEM, ledger=t.ledger, owner=college, title="丙学院任务", assigned_on=date(2020, 1, 15),
                        deadline=date(2020, 6, 30))
    after = queries(c, t.root)
    # A rolled-up figure reads its row and the organisations changed since the as-of day (and a stock or
    # verdict whether its year is built); a figure counted from its records first reads the organisation's
    # path on the as-of day (orgs.history.subtree_ids): indexed queries that do not grow with the data (a scan
    # of the records would be one query that does).
    assert before <= 120 and after <= before + 3
    board = charts.build(t.org_admin, t.root, YEAR, Organization.objects.restrict(t.org_admin, "view"))
    assert board.evaluations <= fixed + per_child * 3
    assert sum(board.charts["meetings-month"]["series"][1]["data"]) >= 12


def test_compliance_gaps_count_missing_periods_and_link_to_the_calendar(login, year):
    t = year
    c = login(t.sec_a)
    data = c.get(DATA, {"org": t.ca.pk, "year": YEAR}).json()
    gaps = {g["code"]: g for g in data["gaps"]}
    assembly = gaps["meetings.compliance_gaps.member_assembly"]
    # Two branches owe a member assembly each quarter of 2020; college A's student branch held one in Q2.
    assert assembly["value"] == value("meetings.compliance_gaps.member_assembly", t.sec_a, t.ca) == 7
    assert assembly["calendar_url"] == f"/meetings/compliance/?org={t.ca.pk}&year={YEAR}"
    html = c.get(URL, {"org": t.ca.pk, "year": YEAR}).content.decode()
    assert re.search(r'data-code="meetings.compliance_gaps.member_assembly">.*?gap-value"><a href="[^"]+">7</a>',
                     html, re.S)


def test_an_as_of_date_takes_the_figures_on_that_day_and_links_carry_it(login, year):
    t = year
    c = login(t.org_admin)
    # 赵预备 joined on 2020-03-01: the dashboard as of February counts three members, not four.
    data = c.get(DATA, {"org": t.root.pk, "year": YEAR, "as_of": "2020-02-29"}).json()
    assert data["as_of"] == "2020-02-29"
    cards = {card["code"]: card for card in data["cards"]}
    assert cards["members.total"]["value"] == 3 == registry.get("members.total").value(
        t.org_admin, t.root, Period.year(YEAR), date(2020, 2, 29))
    assert cards["members.total"]["url"] == f"/figures/members.total/?org={t.root.pk}&year={YEAR}&as_of=2020-02-29"
    for bad in ("2020-02-30", "yesterday", "2020-2-1"):
        assert c.get(URL, {"org": t.root.pk, "year": YEAR, "as_of": bad}).status_code == 404


@pytest.mark.parametrize("url", [URL, "/figures/", "/reports/annual/"])
def test_a_big_tree_offers_the_way_up_and_one_level_down(users, login, monkeypatch, url):
    """A province's 180,000 organisations do not fit in a <select>: past PICKER_SIZE the selector lists the
    chosen organisation's ancestors, itself and its children; a small tree is listed whole."""
    from core import figure_views

    t = users
    c = login(t.org_admin)

    def offered(org):
        html = c.get(url, {"org": org.pk, "year": YEAR}).content.decode()
        select = re.search(r'<select[^>]*name="org".*?</select>', html, re.S).group(0)
        return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}

    everyone = set(Organization.objects.values_list("pk", flat=True))
    assert offered(t.ca) == everyone
    monkeypatch.setattr(figure_views, "PICKER_SIZE", 3)
    assert offered(t.ca) == {t.root.pk, t.ca.pk, t.ca_b1.pk, t.ca_b2.pk}
    assert offered(t.root) == {t.root.pk, t.ca.pk, t.cb.pk}


def test_the_monthly_chart_reads_the_months_the_roll_up_keeps(login, year):
    """Each month's meetings come from the roll-up (no scan of the meetings) and equal a count of the records."""
    from django.db.models.functions import ExtractMonth

    from meetings.models import Meeting

    t = year
    with CaptureQueriesContext(connection) as ctx:
        board = charts.build(t.org_admin, t.root, YEAR, Organization.objects.restrict(t.org_admin, "view"))
    # The chart's own scan groups the subtree's meetings by month alone (the compliance builders, for a year not
    # kept, group by organisation and kind too).
    by_month = re.compile(r"SELECT (django_date_extract\('month'|EXTRACT\(MONTH)")
    scans = [q["sql"] for q in ctx.captured_queries if by_month.match(q["sql"]) and "meetings_meeting" in q["sql"]]
    assert not scans, scans[0][:400]
    for series in board.charts["meetings-month"]["series"]:
        kind = series["code"].rsplit(".", 1)[1]
        held = (Meeting.objects.filter(kind=kind, status="held", held_on__year=YEAR).annotate(m=ExtractMonth("held_on"))
                .values_list("m", flat=True))
        assert series["data"] == [sum(1 for m in held if m == month) for month in range(1, 13)], kind
