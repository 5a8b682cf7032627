"""The annual report: build() reads every figure through the registry with the user's scope, equal to the
registry's values and to an independent count over the raw tables; figures whose module is not built are
unavailable (None), never invented; the narrative leaves out sentences with missing figures; the pages
scope organisations (another's is 404); the figure pages take ?as_of=."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.figure_views import SECTIONS
from core.figures import SYSTEM_USER, Period, registry
from core.scoping import SYSTEM
from ledgers import services as ledger_services
from meetings.models import Meeting
from meetings.services import create_meeting
from reports import annual, narrative
from reports.expected import EXPECTED

# (organisation attribute on the tree fixture, kind, number held in 2024, of which with a first topic)
MEETINGS = [
    ("ca_b1", "branch_committee", 3, 2),
    ("ca_b2", "member_assembly", 2, 2),
    ("cb_b1", "branch_committee", 4, 3),
    ("root", "central_group_study", 2, 0),
    ("ca", "central_group_study", 1, 0),
    ("cb", "central_group_study", 3, 0),
    ("root", "committee_meeting", 2, 1),
]


@pytest.fixture(name="records")
def records_fixture(users):
    """Imported by the other reports tests (as `records_fixture`, so that their `records` arguments do not
    shadow it)."""
    t = users
    for attr, kind, n, first in MEETINGS:
        for i in range(n):
            agenda = [{"title": "学习重要讲话" if i < first else "工作部署", "is_first_topic": i < first}]
            create_meeting(SYSTEM, kind=kind, organization=getattr(t, attr), title=f"{kind}{i}",
                           held_on=date(2024, i + 1, 10), agenda=agenda, today=date(2024, 12, 31))
    # A meeting of another year, never counted in 2024.
    create_meeting(SYSTEM, kind="branch_committee", organization=t.ca_b1, title="上年", held_on=date(2023, 5, 10),
                   agenda=[{"title": "学习", "is_first_topic": True}], today=date(2024, 12, 31))
    book = ledger_services.create_ledger(SYSTEM, kind="directive_ledger", name="2024年落实台账",
                                         organization=t.root, year=2024)
    t.tasks = []
    for owner in (t.ca, t.ca, t.cb):
        task = ledger_services.create_task(SYSTEM, ledger=book, owner=owner, title=f"任务{len(t.tasks)}",
                                           deadline=date(2024, 6, 30), assigned_on=date(2024, 1, 10),
                                           today=date(2024, 1, 10))
        t.tasks.append(task)
    ledger_services.submit_task(SYSTEM, t.tasks[0], "已完成", today=date(2024, 3, 1))
    ledger_services.verify_task(SYSTEM, t.tasks[0], today=date(2024, 3, 5))
    return t

BRANCHES = {"ca_b1", "ca_b2", "cb_b1"}
IN_CA = {"ca", "ca_b1", "ca_b2"}


def expected_count(kind=None, first=False, within=None, branches=False):
    """An independent count from the MEETINGS table above (not from the database)."""
    total = 0
    for attr, k, n, n_first in MEETINGS:
        if (kind and k != kind) or (within and attr not in within) or (branches and attr not in BRANCHES):
            continue
        total += n_first if first else n
    return total


def test_values_equal_the_registrys(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    assert report.as_of == date(2024, 12, 31)
    checked = 0
    for item in report.items():
        if item.available:
            assert item.value == registry.get(item.code).value(SYSTEM_USER, t.root, Period.year(2024), report.as_of)
            checked += 1
    assert checked == len(registry.all())
    assert report.values() == {item.code: item.value for item in report.items()}


def test_values_equal_an_independent_count(records):
    t = records
    values = annual.build(SYSTEM_USER, t.root, 2024).values()
    assert values["meetings.first_topic.branches"] == expected_count(first=True, branches=True) == 7
    assert values["meetings.central_group"] == expected_count("central_group_study") == 6
    assert values["meetings.first_topic.committee"] == 1
    assert values["ledgers.directive.tasks"] == 3
    assert values["ledgers.directive.done"] == 1
    # And over the raw table, without the registry's builders.
    held_2024 = Meeting.objects.filter(held_on__year=2024, status="held")
    assert values["meetings.central_group"] == held_2024.filter(kind="central_group_study").count()


def test_a_college_secretarys_report_counts_only_their_college(records):
    t = records
    mine = annual.build(t.sec_a, t.ca, 2024).values()
    assert mine["meetings.first_topic.branches"] == expected_count(first=True, branches=True, within=IN_CA) == 4
    assert mine["meetings.central_group"] == 1
    assert mine["ledgers.directive.tasks"] == 2
    # Even asked for the root, the secretary's queryset holds nothing outside college A.
    root_seen = annual.build(t.sec_a, t.root, 2024).values()
    assert root_seen["meetings.first_topic.branches"] == 4
    assert root_seen["meetings.central_group"] == 1


def test_a_report_of_a_year_still_running_reads_what_its_figures_share_once(records):
    """The roll-ups keep closed years; so far into a year the builders run. On the report's page
    (registry.page) its figures share what they all ask: the subtree on the as-of day, the user's scope, the
    rule versions, the roll-up cells, and one count for all the membership figures and one for all the
    ledger figures. The same values, in a fraction of the queries."""
    t = records
    as_of = date(2024, 6, 30)
    with CaptureQueriesContext(connection) as alone:
        values = annual.build(t.org_admin, t.root, 2024, as_of).values()
    with CaptureQueriesContext(connection) as paged, registry.page():
        assert annual.build(t.org_admin, t.root, 2024, as_of).values() == values
    assert len(paged) <= 80 < len(alone) // 2  # 65 and 206 when written


def test_unavailable_figures_are_none_and_not_invented(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    missing = [e for e in EXPECTED if e.code not in {f.code for f in registry.all()}]
    assert missing, "the expected list names figures of modules not built yet"
    for expected in missing:
        item = report.item(expected.code)
        assert item.available is False and item.value is None and item.url is None
        assert item.display == "暂无数据（模块未上线）"
    assert report.item("volunteering.volunteers").value is None


def test_expected_figures_first_then_every_other_registered_figure(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    codes = [item.code for item in report.items()]
    assert len(codes) == len(set(codes))
    assert set(codes) == {f.code for f in registry.all()} | {e.code for e in EXPECTED}
    order = list(SECTIONS)
    shown = [s.code for s in report.sections]
    assert shown == sorted(shown, key=lambda c: order.index(c) if c in order else len(order))
    political = [i.code for i in report.sections[0].items]
    assert political[:3] == ["ledgers.directive.tasks", "ledgers.directive.done", "meetings.first_topic.committee"]


@pytest.fixture
def extra_figure():
    """A figure registered after the report was written: it must appear by itself."""
    code = "test.extra"
    registry.register(code, "测试统计项", "次", "service", Meeting, "测试")(lambda qs, org, period, as_of: qs)
    yield code
    registry._figures.pop(code)


def test_a_new_figure_appears_by_itself(records, extra_figure):
    report = annual.build(SYSTEM_USER, records.root, 2024)
    item = report.item(extra_figure)
    assert item.available and item.value == Meeting.objects.count()
    assert item.section == "service" and item in next(s for s in report.sections if s.code == "service").items


def test_as_of_defaults_and_past_dates(records):
    t = records
    assert annual.default_as_of(2024, today=date(2026, 5, 1)) == date(2024, 12, 31)
    assert annual.default_as_of(2026, today=date(2026, 5, 1)) == date(2026, 5, 1)
    this_year = timezone.localdate().year
    assert annual.build(SYSTEM_USER, t.root, this_year).as_of == timezone.localdate()
    # The first task was verified on 2024-03-05: not done as of the 4th, done as of the 5th.
    assert annual.build(SYSTEM_USER, t.root, 2024, date(2024, 3, 4)).values()["ledgers.directive.done"] == 0
    assert annual.build(SYSTEM_USER, t.root, 2024, date(2024, 3, 5)).values()["ledgers.directive.done"] == 1
    assert "as_of=2024-03-04" in annual.build(SYSTEM_USER, t.root, 2024, date(2024, 3, 4)).item(
        "ledgers.directive.done").url
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        annual.parse_as_of("2024-13-01")
    assert annual.parse_as_of("") is None


# --- narrative --------------------------------------------------------------------------------------

def test_narrative_uses_only_figures_with_values(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    text = narrative.text(report)
    assert "明确具体任务3项，已落实1项" in text
    assert "各党支部开展“第一议题”学习7次" in text
    # Figures of modules not built: their sentences are left out, no number guessed (the article's 943
    # volunteers, 63 branches visited); the built grassroots figures say what the records say.
    assert "志愿服务" not in text and "943" not in text and "63" not in text
    assert "深入0个党支部调研走访" in text
    assert [p.section for p in narrative.draft(report)] == ["political", "grassroots"]


def test_narrative_leaves_out_a_sentence_whose_figure_is_none(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2023)  # no tasks in 2023: the completion rate is None
    assert report.values()["ledgers.tasks.completion_rate"] is None
    text = narrative.text(report)
    assert "完成率" not in text
    assert "各党支部开展“第一议题”学习1次" in text


def test_narrative_html_links_every_number_to_its_figure(records):
    t = records
    report = annual.build(SYSTEM_USER, t.root, 2024)
    html = "".join(p.html() for p in narrative.draft(report))
    url = report.item("meetings.first_topic.branches").url.replace("&", "&amp;")
    assert f'<a href="{url}" class="narrative-figure" data-code="meetings.first_topic.branches">7</a>' in html


def test_narrative_escapes_the_organisation_name(records):
    t = records
    t.root.name = "<b>校党委</b>"
    report = annual.build(SYSTEM_USER, t.root, 2024)
    html = "".join(p.html() for p in narrative.draft(report))
    assert "<b>" not in html and "&lt;b&gt;校党委&lt;/b&gt;" in html


# --- pages ------------------------------------------------------------------------------------------

def test_page_shows_sections_values_and_links(records, login):
    t = records
    client = login(t.sec_a)
    response = client.get(reverse("reports:annual"), {"org": t.ca.pk, "year": 2024})
    assert response.status_code == 200
    body = response.content.decode()
    report = response.context["report"]
    assert report.organization == t.ca and report.values()["meetings.first_topic.branches"] == 4
    assert report.item("meetings.first_topic.branches").url.replace("&", "&amp;") in body
    assert "暂无数据（模块未上线）" in body
    assert 'name="narrative"' in body and "各党支部开展“第一议题”学习4次" in body
    # The organisation choices are those the user may view.
    assert {o.pk for o in response.context["organizations"]} == {t.ca.pk, t.ca_b1.pk, t.ca_b2.pk, t.ca_g1.pk}


def test_page_for_another_colleges_organisation_is_404(records, login):
    t = records
    client = login(t.sec_b)
    for params in ({"org": t.ca.pk, "year": 2024}, {"org": "x"}, {"org": t.root.pk}):
        response = client.get(reverse("reports:annual"), params)
        assert response.status_code == 404
        assert "甲学院" not in response.content.decode()
    for name in ("reports:annual_print",):
        assert client.get(reverse(name), {"org": t.ca.pk}).status_code == 404
    assert client.post(reverse("reports:annual_export"), {"org": t.ca.pk, "format": "xlsx"}).status_code == 404


def test_page_defaults_to_the_top_visible_organisation_and_reports_a_bad_date(records, login):
    t = records
    response = login(t.sec_b).get(reverse("reports:annual"), {"year": 2024, "as_of": "2024-02-30"})
    assert response.status_code == 200
    assert response.context["organization"] == t.cb
    assert response.context["as_of"] == date(2024, 12, 31)
    assert "YYYY-MM-DD" in response.content.decode()


def test_print_view(records, login):
    t = records
    response = login(t.org_admin).get(reverse("reports:annual_print"), {"org": t.root.pk, "year": 2024})
    assert response.status_code == 200
    body = response.content.decode()
    assert "校党委2024年度工作报告" in body and "window.print()" in body
    assert "各党支部开展“第一议题”学习" in body


def test_anonymous_is_sent_to_login(records, client):
    response = client.get(reverse("reports:annual"))
    assert response.status_code == 302


# --- the figure pages take ?as_of= -------------------------------------------------------------------

def test_figure_page_as_of(records, login):
    t = records
    client = login(t.org_admin)
    url = reverse("figure_detail", args=["ledgers.directive.done"])
    before = client.get(url, {"org": t.root.pk, "year": 2024, "as_of": "2024-03-04"})
    after = client.get(url, {"org": t.root.pk, "year": 2024, "as_of": "2024-03-05"})
    assert before.context["value"] == 0 and before.context["page"].paginator.count == 0
    assert after.context["value"] == 1 and after.context["page"].paginator.count == 1
    assert "as_of=2024-03-04" in before.context["query"]
    # Not a date: the period's end.
    bad = client.get(url, {"org": t.root.pk, "year": 2024, "as_of": "2024-99-01"})
    assert bad.status_code == 200 and bad.context["as_of"] == date(2024, 12, 31) and bad.context["value"] == 1
    index = client.get(reverse("figures"), {"org": t.root.pk, "year": 2024, "as_of": "2024-03-04"})
    values = {item["figure"].code: item["value"] for _s, items in index.context["sections"] for item in items}
    assert values["ledgers.directive.done"] == 0
