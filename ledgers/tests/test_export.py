"""The 台账 layout export (/ledgers/<pk>/export/): the produced file opened with openpyxl: merged title,
headers, values, real dates, sub-tasks after their parent, sections, formula neutralising, only the tasks the
user may see, an audit row, and a query count that does not grow with the rows."""
import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from core.scoping import SYSTEM
from ledgers import services
from ledgers.choices import LedgerKind

pytestmark = pytest.mark.django_db

TASK_HEADERS = ["序号", "任务", "责任单位", "责任领导", "完成时限", "进展情况", "完成情况"]
DIRECTIVE_HEADERS = [TASK_HEADERS[0], "落实的指示批示/决策部署", *TASK_HEADERS[1:]]


def url(ledger):
    return reverse("ledgers:ledger_export", args=[ledger.pk])


def sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def values(ws, first=3):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=first)]


@pytest.fixture
def book(ledger):
    """The directive ledger: task 1 (甲学院) split into 1.1 and 1.2 for its branches, task 2 (乙学院) done."""
    t = ledger
    day = date(2019, 3, 1)
    services.add_progress(t.sec_a, t.task, "已起草规则", written_on=day, today=day)
    services.add_progress(t.sec_a, t.task, "规则已征求意见", written_on=date(2019, 3, 5), today=date(2019, 3, 5))
    t.b1 = services.create_task(t.sec_a, ledger=t.ledger, parent=t.task, owner=t.ca_b1, title="支部落实",
                                deadline=date(2019, 6, 1), assigned_on=date(2019, 2, 1), leaders=[t.zhang, t.li])
    t.b2 = services.create_task(t.sec_a, ledger=t.ledger, parent=t.task, owner=t.ca_b2, title="=HYPERLINK(\"x\")",
                                deadline=date(2019, 6, 1), assigned_on=date(2019, 2, 1))
    t.other = services.create_task(SYSTEM, ledger=t.ledger, owner=t.cb, co_owners=[t.cb_b1], title="乙学院任务",
                                   deadline=date(2019, 5, 31), assigned_on=date(2019, 1, 15),
                                   directive=t.directive, leaders=[t.wang])
    services.add_progress(t.sec_b, t.other, "已完成", written_on=day, today=day)
    services.submit_task(t.sec_b, t.other, "制度已印发", today=date(2019, 4, 1))
    services.verify_task(t.org_admin, t.other, today=date(2019, 4, 2))
    return t


def test_directive_ledger_in_the_ledger_layout(login, book):
    t = book
    ws = sheet(login(t.org_admin).get(url(t.ledger)))
    assert ws["A1"].value == "2019年落实指示批示台账" and "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].font.bold
    assert [c.value for c in ws[2]] == DIRECTIVE_HEADERS
    rows = values(ws)
    directive = "关于加强高校党的建设的部署（教党〔2019〕1号，2019年1月10日，中央）"
    assert rows == [
        ["1", directive, "完善学院党委会议事规则", "甲学院党委", "张嘉恒", datetime(2019, 6, 30), "规则已征求意见",
         "推进中（已逾期）"],
        ["1.1", None, "支部落实", "甲学院教工第一党支部", "张嘉恒、李明", datetime(2019, 6, 1), None,
         "未开始（已逾期）"],
        ["1.2", None, "'=HYPERLINK(\"x\")", "甲学院学生党支部", None, datetime(2019, 6, 1), None, "未开始（已逾期）"],
        ["2", directive, "乙学院任务", "乙学院党委、乙学院教工党支部", "王芳", datetime(2019, 5, 31), "已完成",
         "已完成：制度已印发"],
    ]
    assert ws["F3"].is_date and "yyyy" in ws["F3"].number_format
    entry = AuditEntry.objects.get(action="export", model="ledgers.ledger")
    assert entry.object_id == str(t.ledger.pk) and entry.actor == t.org_admin and "4 条" in entry.note


def test_only_the_tasks_the_user_may_see(login, book):
    t = book
    # A branch secretary sees its own sub-task, not its college's task nor the other college's.
    rows = values(sheet(login(t.sec_b1).get(url(t.ledger))))
    assert [r[0] for r in rows] == ["1.1"]
    rows = values(sheet(login(t.sec_b).get(url(t.ledger))))
    assert [r[0] for r in rows] == ["2"]
    assert [r[0] for r in values(sheet(login(t.sec_a).get(url(t.ledger))))] == ["1", "1.1", "1.2"]


def test_out_of_scope_and_anonymous(client, login, ledger):
    t = ledger
    mine = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="甲学院清单", organization=t.ca, year=2024)
    response = login(t.sec_b).get(url(mine))
    assert response.status_code == 404
    assert login(t.sec_a).get(reverse("ledgers:ledger_export", args=[999999])).status_code == 404
    client.logout()
    assert client.get(url(mine)).status_code == 302
    assert not AuditEntry.objects.filter(action="export").exists()


def test_task_list_sections_are_bold_rows_merged_across_in_order(login, ledger):
    t = ledger
    book = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="基层党建任务清单", organization=t.root,
                                  year=2024)
    one = services.add_section(SYSTEM, ledger=book, number="一", title="党的政治建设")
    sub = services.add_section(SYSTEM, ledger=book, number="（一）", title="理论学习", parent=one)
    two = services.add_section(SYSTEM, ledger=book, number="二", title="基层组织建设")
    services.create_task(SYSTEM, ledger=book, owner=t.cb, title="乙学院任务", deadline=date(2030, 1, 1), section=two)
    services.create_task(SYSTEM, ledger=book, owner=t.ca, title="中心组学习", deadline=date(2030, 1, 1), section=sub)
    services.create_task(SYSTEM, ledger=book, owner=t.ca, title="政治建设总任务", deadline=date(2030, 1, 1),
                         section=one)
    ws = sheet(login(t.org_admin).get(url(book)))
    assert [c.value for c in ws[2]] == TASK_HEADERS
    rows = [(r[0], r[1]) for r in values(ws)]
    assert rows == [("一 党的政治建设", None), ("3", "政治建设总任务"), ("（一） 理论学习", None), ("2", "中心组学习"),
                    ("二 基层组织建设", None), ("1", "乙学院任务")]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:G3", "A5:G5", "A7:G7"} <= merged and ws["A3"].font.bold
    # 乙学院 sees only the section around its own task.
    rows = [(r[0], r[1]) for r in values(sheet(login(t.sec_b).get(url(book))))]
    assert rows == [("二 基层组织建设", None), ("1", "乙学院任务")]


def test_responsibility_list(login, ledger):
    t = ledger
    book = services.create_ledger(SYSTEM, kind=LedgerKind.RESPONSIBILITY_LIST, name="领导班子责任清单",
                                  organization=t.root, year=2024)
    services.save_duty(SYSTEM, ledger=book, leader=t.zhang, post="党委书记", content="全面领导",
                       organizations=[t.ca, t.cb])
    services.save_duty(SYSTEM, ledger=book, leader=t.wang, post="党委副书记", content="@分管组织工作",
                       organizations=[t.cb])
    ws = sheet(login(t.org_admin).get(url(book)))
    assert ws["A1"].value == "领导班子责任清单"
    assert [c.value for c in ws[2]] == ["序号", "领导班子成员", "职务", "责任内容", "分管联系单位"]
    assert values(ws) == [["1", "张嘉恒", "党委书记", "全面领导", "甲学院党委、乙学院党委"],
                          ["2", "王芳", "党委副书记", "'@分管组织工作", "乙学院党委"]]


def test_query_count_does_not_grow_with_the_rows(login, book):
    t = book
    c = login(t.org_admin)
    with CaptureQueriesContext(connection) as few:
        sheet(c.get(url(t.ledger)))
    for i in range(6):
        task = services.create_task(SYSTEM, ledger=t.ledger, owner=t.ca_b1, title=f"任务{i}", deadline=date(2030, 1, 1),
                                    co_owners=[t.ca_b2], leaders=[t.zhang], directive=t.directive)
        services.add_progress(SYSTEM, task, "进展")
    with CaptureQueriesContext(connection) as many:
        assert len(values(sheet(c.get(url(t.ledger))))) == 10
    assert len(many) <= len(few)
