"""/figures/ and /figures/<code>/: every registered figure for an organisation and a year, and its
drill-down, which is exactly the records behind the value (the meetings figures, with meetings created
through meetings.services)."""
import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from audit.models import AuditEntry
from conftest import make_person
from core.figure_views import FigureDetailView
from core.figures import Period, registry
from core.scoping import SYSTEM
from meetings import services
from members.services import appoint

pytestmark = pytest.mark.django_db

CODE = "meetings.first_topic.branches"
FIRST = [{"title": "第一议题学习", "is_first_topic": True}]


def held(org, day, kind="branch_committee", agenda=FIRST, **extra):
    return services.create_meeting(SYSTEM, kind=kind, organization=org, title="会议", held_on=day, agenda=agenda,
                                   **extra)


@pytest.fixture
def meetings(users):
    t = users
    t.full2 = make_person(t.ca_b1, "刘洋", joined_on=date(2020, 1, 1))
    appoint(SYSTEM, t.ca_b1, t.zhang, "secretary", date(2020, 1, 1))
    t.a_meetings = [held(t.ca_b1, date(2024, 1, 1) + timedelta(days=7 * i)) for i in range(3)]
    t.a_meetings.append(held(t.ca_b2, date(2024, 5, 6), kind="member_assembly"))
    held(t.ca_b1, date(2024, 6, 1), agenda=[{"title": "普通议题"}])  # no first topic: not counted
    held(t.ca_b1, date(2023, 6, 1))  # another year
    t.b_meeting = held(t.cb_b1, date(2024, 3, 3))
    return t


def shown_value(html, code):
    row = re.search(rf'data-code="{re.escape(code)}".*?figure-value"><a href="([^"]+)">([^<]+)</a>', html, re.S)
    return row.group(2).strip(), row.group(1).replace("&amp;", "&")


def drill_rows(html):
    return re.findall(r'<td><a href="(/meetings/\d+/)">', html)


def test_value_on_the_page_equals_the_registry_and_the_drill_down(login, meetings):
    t = meetings
    c = login(t.sec_a)
    html = c.get("/figures/", {"org": t.ca.pk, "year": 2024}).content.decode()
    value, url = shown_value(html, CODE)
    expected = registry.get(CODE).value(t.sec_a, t.ca, Period.year(2024))
    assert int(value) == expected == 4
    detail = c.get(url)
    assert detail.status_code == 200
    page = detail.content.decode()
    assert re.search(r'id="figure-value">4<', page)
    links = drill_rows(page)
    assert sorted(links) == sorted(m.get_absolute_url() for m in t.a_meetings)
    assert str(t.a_meetings[0]) in page
    assert "共 4 条" in page


def test_every_registered_figure_is_listed_and_defaults_apply(login, meetings):
    t = meetings
    html = login(t.sec_a).get("/figures/").content.decode()
    for figure in registry.all():
        assert f'data-code="{figure.code}"' in html
    # Default: the user's top visible organisation (甲学院党委 for its secretary) and the current year.
    assert f'<option value="{t.ca.pk}" selected>' in html
    assert f'value="{date.today().year}"' in html
    assert f'value="{t.cb.pk}"' not in html  # the selector offers only what the user can see


def test_other_college_sees_nothing_of_college_a(login, meetings):
    t = meetings
    c = login(t.sec_b)
    assert c.get("/figures/", {"org": t.ca.pk, "year": 2024}).status_code == 404
    assert c.get(f"/figures/{CODE}/", {"org": t.ca.pk, "year": 2024}).status_code == 404
    assert c.get(f"/figures/{CODE}/", {"org": t.ca.pk, "year": 2024, "export": "xlsx"}).status_code == 404
    # From the root's point of view college B's secretary counts only college B's meeting.
    assert registry.get(CODE).value(t.sec_b, t.root, Period.year(2024)) == 1
    html = c.get("/figures/", {"year": 2024}).content.decode()
    assert shown_value(html, CODE)[0] == "1"
    page = c.get(f"/figures/{CODE}/", {"org": t.cb.pk, "year": 2024}).content.decode()
    assert drill_rows(page) == [t.b_meeting.get_absolute_url()]


def test_unknown_figure_and_bad_parameters(login, meetings):
    c = login(meetings.sec_a)
    assert c.get("/figures/no.such.figure/").status_code == 404
    assert c.get("/figures/", {"org": "abc"}).status_code == 404
    assert c.get("/figures/", {"org": "99999999999999999999999"}).status_code == 404
    assert c.get("/figures/", {"org": meetings.ca.pk, "year": "x"}).status_code == 200  # current year


def test_export_of_the_drill_down(login, meetings):
    t = meetings
    response = login(t.sec_a).get(f"/figures/{CODE}/", {"org": t.ca.pk, "year": 2024, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    assert {r[1] for r in rows} == {str(m) for m in t.a_meetings}
    assert all(r[2].endswith(m) for r, m in zip(sorted(rows, key=lambda r: r[2]),
                                                   sorted(m.get_absolute_url() for m in t.a_meetings), strict=True))
    assert AuditEntry.objects.filter(action="export", actor=t.sec_a, model="meetings.meeting").exists()


def test_attendance_drill_down_and_rate(login, meetings):
    t = meetings
    held(t.ca_b1, date(2024, 9, 3), kind="member_assembly", agenda=[],
         attendance={t.zhang.pk: ("present", ""), t.full2.pk: ("absent", "")})
    c = login(t.sec_a)
    page = c.get("/figures/meetings.attendance_rate/", {"org": t.ca.pk, "year": 2024}).content.decode()
    assert re.search(r'id="figure-value">50.0<', page)
    assert "共 2 条" in page and "张嘉恒" in page


def test_query_count_is_flat(login, meetings, django_assert_max_num_queries):
    t = meetings
    c = login(t.sec_a)
    params = {"org": t.ca.pk, "year": 2024}
    c.get(f"/figures/{CODE}/", params)
    with CaptureQueriesContext(connection) as detail:
        c.get(f"/figures/{CODE}/", params)
    with CaptureQueriesContext(connection) as index:
        c.get("/figures/", params)
    for i in range(12):
        held(t.ca_b2, date(2024, 7, 1) + timedelta(days=i), kind="theme_day")
        held(t.ca_b1, date(2024, 8, 1) + timedelta(days=i))
    with django_assert_max_num_queries(len(detail)):
        assert c.get(f"/figures/{CODE}/", params).status_code == 200
    with django_assert_max_num_queries(len(index)):
        assert c.get("/figures/", params).status_code == 200
    page = c.get("/figures/meetings.attendance_rate/", params)
    assert page.status_code == 200


def test_figure_pages_say_which_day_they_count_as_of(login, users):
    c = login(users.org_admin)
    url = f"/figures/meetings.kind.member_assembly/?org={users.root.pk}&year=2019"
    assert "统计截至 2019-12-31" in c.get(url).content.decode()
    assert "统计截至 2019-06-30" in c.get(url + "&as_of=2019-06-30").content.decode()
    assert "统计截至 2019-06-30" in c.get(f"/figures/?org={users.root.pk}&year=2019&as_of=2019-06-30").content.decode()


# --- paging: a count figure's drill-down is told its length by the value ------------------------------------

THEME_DAY = "meetings.kind.theme_day"  # a count, rolled up


@pytest.fixture
def pages_of_three(monkeypatch):
    monkeypatch.setattr(FigureDetailView, "paginate_by", 3)


def listed(html):
    """The drill-down's rows: (number shown, text)."""
    return [(int(n), re.sub(r"<[^>]+>", "", text).strip())
            for n, text in re.findall(r"<tr><td>(\d+)</td>\s*<td>(.*?)</td></tr>", html, re.S)]


def pages(client, code, params, numbers):
    """{page asked: (html, the queries the request ran)}."""
    seen = {}
    for n in numbers:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/figures/{code}/", {**params, "page": n})
        assert response.status_code == 200
        seen[n] = response.content.decode(), [q["sql"] for q in queries.captured_queries]
    return seen


def test_count_figure_pages_by_its_value_without_counting_the_records(login, meetings, pages_of_three):
    t = meetings
    made = ([held(t.ca_b2, date(2024, 7, 1) + timedelta(days=i), kind="theme_day", agenda=[]) for i in range(4)]
            + [held(t.ca_b1, date(2024, 8, 1) + timedelta(days=i), kind="theme_day", agenda=[]) for i in range(3)])
    held(t.cb_b1, date(2024, 7, 1), kind="theme_day", agenda=[])  # another college: not counted
    params = {"org": t.ca.pk, "year": 2024}
    seen = pages(login(t.sec_a), THEME_DAY, params, [1, 2, 3, 9])
    for html, queries in seen.values():
        assert re.search(r'id="figure-value">7<', html) and "共 7 条" in html
        assert not [sql for sql in queries if "COUNT(" in sql and '"meetings_meeting"' in sql], queries
    assert "1 / 3" in seen[1][0] and "3 / 3" in seen[3][0]
    rows = [listed(seen[n][0]) for n in (1, 2, 3)]
    assert [len(r) for r in rows] == [3, 3, 1]
    assert [n for r in rows for n, _ in r] == list(range(1, 8))
    # Pages neither overlap nor miss a record: by the organisation's path, then the meetings' own order (newest first).
    expected = sorted(made, key=lambda m: (m.organization.path, -m.held_on.toordinal(), -m.pk))
    assert [text for r in rows for _, text in r] == [str(m) for m in expected]
    assert listed(seen[9][0]) == rows[2]  # past the end: the last page


def test_a_rolled_up_rate_pages_by_the_measure_that_counts_its_records(login, meetings, pages_of_three):
    t = meetings
    people = [make_person(t.ca_b1, f"党员{i}", joined_on=date(2020, 1, 1)) for i in range(5)]
    held(t.ca_b1, date(2024, 9, 3), kind="member_assembly", agenda=[],
         attendance={p.pk: ("present" if i % 2 else "absent", "") for i, p in enumerate(people + [t.full2])})
    code = "meetings.attendance_rate"
    assert not registry.get(code).counts_records
    seen = pages(login(t.sec_a), code, {"org": t.ca.pk, "year": 2024}, [1, 2, 5])
    for _html, queries in seen.values():  # the attendance rows are the roll-up's "total", not counted again
        assert not [sql for sql in queries if "COUNT(" in sql and '"meetings_attendance"' in sql], queries
    rows = [listed(seen[n][0]) for n in (1, 2)]
    assert [len(r) for r in rows] == [3, 3] and "共 6 条" in seen[1][0] and "2 / 2" in seen[2][0]
    assert re.search(r'id="figure-value">50.0<', seen[1][0])
    assert {text.split()[0] for r in rows for _, text in r} == {p.name for p in people + [t.full2]}
    assert listed(seen[5][0]) == rows[1]


def test_a_whole_number_that_is_not_a_count_does_not_size_the_pages(login, users, pages_of_three):
    """Compliance gaps are a whole number of periods, over a list of organisations: the list is counted."""
    t = users
    code = "meetings.compliance_gaps.member_assembly"
    figure = registry.get(code)
    value = figure.value(t.org_admin, t.root, Period.year(2024))
    organisations = figure.records(t.org_admin, t.root, Period.year(2024)).count()
    assert isinstance(value, int) and value != organisations and not figure.counts_records
    html = login(t.org_admin).get(f"/figures/{code}/", {"org": t.root.pk, "year": 2024}).content.decode()
    assert f"共 {organisations} 条" in html
    assert len(listed(html)) == min(3, organisations)


@pytest.mark.parametrize("rolled_up", [False, True])
def test_a_rate_lists_its_gaps_then_the_rest_page_by_page(login, users, pages_of_three, rolled_up):
    """A coverage rate's drill-down is listed in two parts (liaison.figures.mark, InParts): the branches not
    visited, then the visited ones, each by path; pages cross the boundary without overlap or loss. With the
    roll-up built, the parts' sizes come from it and nothing is counted."""
    from liaison import services as liaison
    from orgs.models import Organization

    t = users
    extra = [Organization.objects.create(code=f"CA-X{i}", name=f"甲学院第{i}党支部", kind="branch", parent=t.ca,
                                         established_on=date(2010, 1, 1)) for i in range(5)]
    for branch in (extra[1], extra[3], t.ca_b2):
        liaison.record_visit(SYSTEM, branch=branch, visited_on=date(2024, 4, 1), leaders=[t.zhang])
    if rolled_up:
        from rollups import computed

        computed.rebuild()
    code = "liaison.visit_coverage"
    figure = registry.get(code)
    marked = list(figure.records(t.org_admin, t.root, Period.year(2024)))
    expected = [str(o) for o in sorted(marked, key=lambda o: (o.covered, o.path, o.pk))]
    assert 3 < sum(not o.covered for o in marked) < len(marked) - 2  # the boundary falls inside a page
    client = login(t.org_admin)
    last = -(-len(marked) // 3)
    seen = pages(client, code, {"org": t.root.pk, "year": 2024}, [*range(1, last + 1), 99])
    rows = [text for n in range(1, last + 1) for _, text in listed(seen[n][0])]
    assert rows == expected
    assert listed(seen[99][0]) == listed(seen[last][0])
    # No page sorts the whole population by the flag: each part is its own query (the value still reads it).
    assert not [sql for n in seen for sql in seen[n][1] if 'AS "covered"' in sql and "LIMIT" in sql]
    counted = [sql for n in seen for sql in seen[n][1] if "COUNT(" in sql and '"orgs_organization"' in sql]
    assert bool(counted) != rolled_up, counted
    response = client.get(f"/figures/{code}/", {"org": t.root.pk, "year": 2024, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = [row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert exported == expected


def test_a_drill_down_lists_by_the_organisations_path_not_their_id(login, users, pages_of_three):
    """A subtree's ids are scattered and its paths are one range: the drill-down goes by path
    (drill_down_order), so a branch set up later under the first college comes before the second college's."""
    from orgs.models import Organization

    t = users
    late = Organization.objects.create(code="CA-X", name="甲学院新党支部", kind="branch", parent=t.ca,
                                       established_on=date(2010, 1, 1))
    theirs = held(t.cb_b1, date(2024, 7, 1), kind="theme_day", agenda=[])
    ours = held(late, date(2024, 7, 2), kind="theme_day", agenda=[])
    assert late.pk > t.cb_b1.pk and late.path < t.cb_b1.path
    seen = pages(login(t.org_admin), THEME_DAY, {"org": t.root.pk, "year": 2024}, [1])
    assert [text for _, text in listed(seen[1][0])] == [str(ours), str(theirs)]
