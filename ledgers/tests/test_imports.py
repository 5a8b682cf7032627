"""The ledger import (kind "ledger"): sheets in the 台账 layout built with openpyxl (title row, merged cells,
blank rows, dates in every form people write them). A good file creates tasks, sections and directives with
the right owners, leaders and deadlines; 序号 updates existing tasks; every bad input names row, column and
reason and writes nothing; the last import rolls back; an exported file imports back as a no-op."""
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook

from audit.models import AuditEntry
from conftest import make_person
from core import imports
from core.scoping import SYSTEM
from ledgers import imports as ledger_imports
from ledgers import services
from ledgers.choices import LedgerKind, TaskStatus
from ledgers.models import Directive, Ledger, ProgressUpdate, Section, Task
from orgs.models import Organization

pytestmark = pytest.mark.django_db

SPEC = imports.registry.get("ledger")
TITLE = "2019年落实指示批示台账"
HEADER = ["序号", "落实的指示批示/决策部署", "任务", "责任单位", "责任领导", "完成时限", "进展情况", "完成情况"]
LIST_HEADER = ["序号", "任务", "责任单位", "责任领导", "完成时限", "进展情况", "完成情况"]
OLD = "关于加强高校党的建设的部署（教党〔2019〕1号）"
NEW = "关于开展专项整治的通知（校党〔2019〕5号，2019年3月1日，本级党委）"


def xlsx(rows, title=TITLE, header=HEADER, merges=()):
    """A sheet as people keep it: the title merged across row 1, the header in row 2, then `rows` (an empty
    list is a blank row); `merges` are ranges such as "D3:D5"."""
    wb = Workbook()
    ws = wb.active
    if title is not None:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run(user, content):
    return imports.run_import(SPEC, user, content, "台账.xlsx")


def commit(user, content):
    batch = imports.preview(SPEC, user, content, "台账.xlsx")
    result = imports.commit(SPEC, user, batch)
    assert result.committed, result.summary()
    batch.refresh_from_db()
    return batch, result


def state():
    return (list(Task.objects.order_by("pk").values_list("pk", "number", "title", "owner", "deadline", "version",
                                                         "status")),
            Section.objects.count(), Directive.objects.count(), ProgressUpdate.objects.count(),
            AuditEntry.objects.count())


def errors(result):
    return {(e.row, e.column, e.message) for e in result.errors}


def test_is_registered_with_its_columns():
    assert SPEC is ledger_imports.SPEC and SPEC.kind == "ledger"
    assert [c.header for c in SPEC.columns][:3] == ["台账", "章节", "序号"]


def test_good_file_creates_tasks_directive_and_subtask_with_merged_cells_and_every_date_form(ledger):
    t = ledger
    content = xlsx([
        ["2", OLD, "建立支部工作台账", "甲学院教工第一党支部", "张嘉恒、李明", "2019.6.30", "已召开推进会", "推进中"],
        ["3", NEW, "开展专项整治", None, None, 43646, None, None],
        [],
        [None, None, "乙学院自查", "CB、CB-B1", "王芳", "2019年6月30日", None, None],
        ["2.1", None, "党小组落实", "第一党小组", None, "2019/6/1", None, None],
        ["5", None, "年度总结", "甲学院党委", None, date(2019, 12, 31), None, None],
        ["6", None, "整改", "甲学院党委", None, "2019-06-30", None, None],
    ], merges=["D3:D4"])
    batch, result = commit(t.org_admin, content)
    assert [r.number for r in result.rows] == [3, 4, 6, 7, 8, 9]  # the blank row 5 is skipped
    two = Task.objects.get(number="2")
    assert (two.owner, two.deadline, two.directive, two.status) == (t.ca_b1, date(2019, 6, 30), t.directive,
                                                                     TaskStatus.IN_PROGRESS)
    assert set(two.leaders.all()) == {t.zhang, t.li}
    assert list(two.updates.values_list("text", flat=True)) == ["已召开推进会"]
    assert two.assigned_on == date(2019, 1, 1)  # past its deadline: the ledger year's first day
    three = Task.objects.get(number="3")
    assert three.owner == t.ca_b1 and three.deadline == date(2019, 6, 30)  # merged-down owner, serial date
    made = Directive.objects.get(document_number="校党〔2019〕5号")
    assert (three.directive, made.title, made.issued_on, made.issuing_level) == (
        made, "关于开展专项整治的通知", date(2019, 3, 1), "own")
    auto = Task.objects.get(title="乙学院自查")
    assert auto.number == "4" and auto.owner == t.cb and list(auto.co_owners.all()) == [t.cb_b1]
    sub = Task.objects.get(number="2.1")
    assert sub.parent == two and sub.owner == t.ca_g1 and sub.deadline == date(2019, 6, 1)
    assert Task.objects.get(number="5").deadline == date(2019, 12, 31)
    assert len(batch.created_objects) == 7  # six tasks and one directive


@pytest.mark.parametrize("cells, column, reason", [
    ({5: "6/7"}, "完成时限", "“6/7”不是可识别的日期"),
    ({5: "2019.13.1"}, "完成时限", "“2019.13.1”不是有效日期"),
    ({5: "年底"}, "完成时限", "“年底”不是可识别的日期"),
    ({5: None}, "完成时限", "必填，不能为空"),
    ({2: None}, "任务", "必填，不能为空"),
    ({3: "NOPE"}, "责任单位", "未找到组织“NOPE”，或不在台账主管组织的范围内"),
    ({3: "第一党小组"}, "责任单位", "有多个组织名为“第一党小组”，请改填组织代码"),
    ({4: "赵六"}, "责任领导", "未找到人员“赵六”，或您无权查看"),
    ({4: "李明"}, "责任领导", "有多名人员叫“李明”，无法确定是哪一位，请在系统中选择"),
    ({0: "9.1"}, "序号", "未找到序号为“9”的上级任务"),
    ({1: "关于新部署（校党〔2019〕6号）"}, "落实的指示批示/决策部署", "新的指示批示请在括号中写明文号、日期和发文层级"),
])
def test_each_bad_cell_is_named_by_row_and_column_and_nothing_is_written(ledger, cells, column, reason):
    t = ledger
    make_person(t.cb_b1, "李明")
    Organization.objects.create(code="CA-B2-G1", name="第一党小组", kind="group", parent=t.ca_b2)
    good = ["2", OLD, "建立支部工作台账", "甲学院教工第一党支部", "张嘉恒", "2019-06-30", "进展", None]
    bad = list(good)
    bad[0] = "3"
    for index, value in cells.items():
        bad[index] = value
    before = state()
    result = run(t.org_admin, xlsx([good, [], bad]))
    found = [e for e in result.errors if e.row == 5]
    assert found and found[0].column == column and reason in found[0].message, result.summary()
    assert all(e.row == 5 for e in result.errors)
    assert state() == before


def test_service_refusals_are_row_errors_and_the_whole_file_is_refused(ledger):
    t = ledger
    before = state()
    result = run(t.org_admin, xlsx([
        ["2", None, "好的一行", "甲学院党委", None, "2019-06-30", None, None],
        ["1.1", None, "晚于上级任务", "甲学院学生党支部", None, "2019-07-30", None, None],
        ["1.2", None, "越界的子任务", "乙学院教工党支部", None, "2019-06-01", None, None],
        ["2", None, "重复的序号", "甲学院党委", None, "2019-06-30", None, None],
    ]))
    assert errors(result) == {
        (4, "完成时限", "子任务的完成时限不能晚于上级任务的完成时限（2019-06-30）"),
        (5, "", "子任务的责任单位须在上级任务责任单位（甲学院党委）的范围内，乙学院教工党支部 不在其中"),
        (6, "序号", "与第 3 行的序号相同"),
    }
    assert state() == before
    batch = imports.preview(SPEC, t.org_admin, xlsx([["1.2", None, "x", "乙学院教工党支部", None, "2019-06-01"]]),
                            "台账.xlsx")
    assert batch.error_count == 1 and not imports.commit(SPEC, t.org_admin, batch).committed
    assert not Task.objects.filter(title="x").exists()


def test_a_ledger_the_system_lacks_needs_a_year_and_an_existing_one_must_be_managed(ledger):
    t = ledger
    rows = [["2", None, "任务", "甲学院党委", None, "2019-06-30", None, None]]
    result = run(t.org_admin, xlsx(rows, title="不存在的台账"))
    assert errors(result) == {(3, "台账", "系统中没有名为“不存在的台账”的台账；新建台账须在名称中写明年度"
                                          "（如“2019年……”），或先在系统中建立台账")}
    # The college works in the university's ledger but does not manage it: the same words, nothing revealed.
    result = run(t.sec_a, xlsx(rows))
    assert [e.column for e in result.errors] == ["台账"] and "无权管理" in result.errors[0].message
    with pytest.raises(imports.FileRejected, match="未找到台账名称"):
        run(t.org_admin, xlsx(rows, title=None))


def test_update_by_number_changes_only_what_differs_and_appends_new_progress(ledger):
    t = ledger
    services.add_progress(t.sec_a, t.task, "已起草", written_on=date(2019, 3, 1), today=date(2019, 3, 1))
    task = Task.objects.get(pk=t.task.pk)
    version = task.version
    same = ["1", OLD, task.title, "甲学院党委", "张嘉恒", "2019-06-30", "已起草", "推进中"]
    before = state()
    batch, result = commit(t.org_admin, xlsx([same]))
    assert batch.created_objects == [] and state()[:4] == before[:4]
    changed = ["1", OLD, "完善并执行议事规则", "甲学院教工第一党支部、甲学院学生党支部", "李明", "2019年9月30日",
               "规则已印发", None]
    commit(t.org_admin, xlsx([changed]))
    task = Task.objects.get(pk=t.task.pk)
    assert (task.title, task.owner, task.deadline) == ("完善并执行议事规则", t.ca_b1, date(2019, 9, 30))
    assert list(task.co_owners.all()) == [t.ca_b2] and list(task.leaders.all()) == [t.li]
    assert task.version == version + 1
    assert list(task.updates.values_list("text", flat=True)) == ["规则已印发", "已起草"]


def test_a_done_task_is_refused_unless_unchanged(ledger):
    t = ledger
    services.add_progress(t.sec_a, t.task, "完成", written_on=date(2019, 3, 1), today=date(2019, 3, 1))
    services.submit_task(t.sec_a, t.task, "已印发", today=date(2019, 4, 1))
    services.verify_task(t.org_admin, t.task, today=date(2019, 4, 2))
    row = ["1", OLD, t.task.title, "甲学院党委", "张嘉恒", "2019-06-30", "完成", "已完成：已印发"]
    assert not run(t.org_admin, xlsx([row])).errors
    row[5] = "2019-07-31"
    result = run(t.org_admin, xlsx([row]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "")] and "重新打开" in result.errors[0].message


def test_task_list_with_section_rows_merged_across_and_an_owner_merged_down(ledger):
    t = ledger
    book = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="基层党建任务清单", organization=t.root,
                                  year=2030)
    rows = [
        ["一、党的政治建设"],
        ["1", "落实第一议题制度", "甲学院党委", "张嘉恒", "2030-06-30"],
        ["（一）理论学习"],
        ["2", "中心组学习", "甲学院党委", None, "2030-09-30"],
        ["3", "专题研讨", None, None, "2030-10-31"],
        [],
        ["二、基层组织建设"],
        ["4", "支部标准化建设", "乙学院党委", None, "2030-12-31"],
    ]
    content = xlsx(rows, title="基层党建任务清单", header=LIST_HEADER,
                   merges=["A3:G3", "A5:G5", "A9:G9", "C6:C7"])
    commit(t.org_admin, content)
    one, sub, two = Section.objects.filter(ledger=book).order_by("order")
    assert [(s.number, s.title, s.parent) for s in (one, sub, two)] == [
        ("一", "党的政治建设", None), ("（一）", "理论学习", one), ("二", "基层组织建设", None)]
    tasks = {x.number: x for x in Task.objects.filter(ledger=book)}
    assert [(n, tasks[n].section, tasks[n].owner) for n in "1234"] == [
        ("1", one, t.ca), ("2", sub, t.ca), ("3", sub, t.ca), ("4", two, t.cb)]
    assert all(x.assigned_on == date.today() for x in tasks.values())


def test_template_layout_with_a_ledger_column_imports_too(ledger):
    t = ledger
    header = [c.header for c in SPEC.columns]
    row = dict.fromkeys(header)
    row.update({"台账": TITLE, "任务": "按模板导入", "责任单位": "CA", "完成时限": "2030-01-31",
                "下达日期": "2024-05-01"})
    commit(t.org_admin, xlsx([[row[h] for h in header]], title=None, header=header))
    task = Task.objects.get(title="按模板导入")
    assert (task.owner, task.assigned_on, task.number) == (t.ca, date(2024, 5, 1), "2")


def test_rollback_removes_what_the_import_created(ledger):
    t = ledger
    before = state()[:4]
    batch, _ = commit(t.org_admin, xlsx([
        ["2", NEW, "新任务", "甲学院党委", "张嘉恒", "2019-06-30", "已部署", None],
        ["2.1", None, "子任务", "甲学院教工第一党支部", None, "2019-06-01", None, None],
    ]))
    assert Task.objects.get(number="2").version == 2  # moved to 推进中 by its progress text
    imports.rollback(SPEC, t.org_admin, batch)
    assert state()[:4] == before[:4]
    batch, _ = commit(t.org_admin, xlsx([["2", None, "新任务", "甲学院党委", None, "2030-06-30", None, None]]))
    services.add_progress(t.sec_a, Task.objects.get(number="2"), "导入后的进展")
    with pytest.raises(imports.BusinessRuleError, match="在导入后已被修改"):
        imports.rollback(SPEC, t.org_admin, batch)
    assert Task.objects.filter(number="2").exists()


@pytest.fixture
def exported(login, ledger):
    """The directive ledger with sub-tasks, progress and a done task, and a task list with nested sections,
    each exported through the export view."""
    t = ledger
    services.add_progress(t.sec_a, t.task, "已起草", written_on=date(2019, 3, 1), today=date(2019, 3, 1))
    services.create_task(t.sec_a, ledger=t.ledger, parent=t.task, owner=t.ca_b1, title="支部落实",
                         deadline=date(2019, 6, 1), assigned_on=date(2019, 2, 1), leaders=[t.zhang, t.li])
    done = services.create_task(SYSTEM, ledger=t.ledger, owner=t.cb, co_owners=[t.cb_b1], title="=1+1",
                                deadline=date(2019, 5, 31), assigned_on=date(2019, 1, 15), directive=t.directive)
    services.add_progress(t.sec_b, done, "已完成", written_on=date(2019, 3, 1), today=date(2019, 3, 1))
    services.submit_task(t.sec_b, done, "制度已印发", today=date(2019, 4, 1))
    services.verify_task(t.org_admin, done, today=date(2019, 4, 2))
    t.book = services.create_ledger(SYSTEM, kind=LedgerKind.TASK_LIST, name="基层党建任务清单", organization=t.root,
                                    year=2030)
    one = services.add_section(SYSTEM, ledger=t.book, number="一", title="党的政治建设")
    sub = services.add_section(SYSTEM, ledger=t.book, number="（一）", title="理论学习", parent=one)
    services.create_task(SYSTEM, ledger=t.book, owner=t.ca, title="中心组学习", deadline=date(2030, 1, 1), section=sub)
    services.create_task(SYSTEM, ledger=t.book, owner=t.cb, title="总任务", deadline=date(2030, 1, 1), section=one)
    c = login(t.org_admin)
    t.files = [c.get(reverse("ledgers:ledger_export", args=[b.pk])).content for b in (t.ledger, t.book)]
    return t


def test_an_exported_file_imports_back_with_no_changes(exported):
    t = exported
    before = state()
    for content in t.files:
        batch, result = commit(t.org_admin, content)
        assert batch.created_objects == [] and not result.errors
    after = state()
    assert after[:4] == before[:4]
    assert after[4] == before[4] + 2  # the two import rows in the audit trail, nothing else


def test_an_exported_file_edited_updates_the_ledger(exported):
    from openpyxl import load_workbook

    t = exported
    wb = load_workbook(io.BytesIO(t.files[0]))
    ws = wb.active
    assert ws["A3"].value == "1" and ws["G3"].value == "已起草"
    ws["G3"] = "已征求意见"
    ws["F4"] = "2019年5月31日"
    buffer = io.BytesIO()
    wb.save(buffer)
    commit(t.org_admin, buffer.getvalue())
    assert Task.objects.get(pk=t.task.pk).updates.first().text == "已征求意见"
    assert Task.objects.get(number="1.1", ledger=t.ledger).deadline == date(2019, 5, 31)


def test_through_the_pages_upload_preview_commit_and_the_template(login, ledger):
    from core.tests.xlsx_files import read_xlsx, upload_file

    t = ledger
    c = login(t.org_admin)
    template = c.get(reverse("imports:template", args=["ledger"]))
    assert [cell.value for cell in read_xlsx(template.content).active[1]][:3] == ["台账", "章节", "序号"]
    bad = c.post(reverse("imports:upload", args=["ledger"]),
                 {"file": upload_file(xlsx([["2", None, "任务", "甲学院党委", None, "年底"]]))})
    assert bad.status_code == 302
    page = c.get(bad["Location"])
    assert "“年底”不是可识别的日期" in page.content.decode() and not Task.objects.filter(title="任务").exists()
    good = c.post(reverse("imports:upload", args=["ledger"]),
                  {"file": upload_file(xlsx([["2", None, "任务", "甲学院党委", None, "2030-1-31"]]))})
    c.post(good["Location"] + "commit/")
    assert Task.objects.get(title="任务").deadline == date(2030, 1, 31)
    assert login(t.nobody).get(reverse("imports:upload", args=["ledger"])).status_code == 403


def test_a_new_ledger_is_created_from_the_file_and_rolled_back_with_it(ledger):
    """"Create a ledger from a spreadsheet": the title names a ledger the system lacks; it is created under
    the highest organisation the importer manages, as a task list (no 指示批示 column used)."""
    t = ledger
    title = "2020年甲学院专项任务清单"
    content = xlsx([["一、政治建设"], ["1", "修订学院议事规则", "甲学院党委", "张嘉恒", "2020年6月30日", None, None],
                    ["1.1", "支部落实", "甲学院教工第一党支部", None, "2020.6.1", None, None]],
                   title=title, header=LIST_HEADER, merges=("A3:G3",))
    batch, _result = commit(t.sec_a, content)
    created = Ledger.objects.get(name=title)
    assert (created.kind, created.organization, created.year) == (LedgerKind.TASK_LIST, t.ca, 2020)
    tasks = {task.number: task for task in created.tasks.all()}
    assert set(tasks) == {"1", "1.1"} and tasks["1.1"].parent == tasks["1"]
    assert tasks["1"].section.title == "政治建设" and tasks["1"].deadline == date(2020, 6, 30)
    assert AuditEntry.objects.filter(model="ledgers.ledger", object_id=str(created.pk), action="create").exists()
    imports.rollback(SPEC, t.sec_a, batch)
    assert not Ledger.objects.filter(name=title).exists() and not Task.objects.filter(ledger_id=created.pk).exists()


def test_a_new_ledger_with_a_bad_first_row_creates_nothing(ledger):
    t = ledger
    content = xlsx([["1", "任务", "甲学院党委", None, "年底", None, None],
                    ["2", "任务二", "甲学院党委", None, "2020-06-30", None, None]],
                   title="2020年甲学院专项任务清单", header=LIST_HEADER)
    result = run(t.sec_a, content)
    assert result.errors and not Ledger.objects.filter(name="2020年甲学院专项任务清单").exists()
