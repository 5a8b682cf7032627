"""The meetings import: a good file commits through the services; each bad input names row, column and
reason and writes nothing; duplicates across the file and against the database; export -> import round
trip through /meetings/export/; rollback of the last import."""
import io
from datetime import date, time, timedelta

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from core import imports
from core.models import ImportBatch
from core.scoping import SYSTEM
from core.tests.xlsx_files import error_triples, xlsx_bytes
from meetings import services
from meetings.models import AgendaItem, Campaign, Meeting

pytestmark = pytest.mark.django_db

SPEC = imports.registry.get("meetings")
HEADER = ["组织代码", "会议类别", "扩大会议", "日期", "开始时间", "地点", "主题", "状态", "主持人", "第一议题",
          "其他议题", "主题教育", "确认重复"]


def row(**over):
    values = dict(zip(HEADER, ["CA-B1", "支部党员大会", "否", "2024-03-12", "14:30", "会议室", "三月党员大会",
                               "", "张嘉恒", "学习重要讲话精神", "讨论发展对象；通报党费收缴", "", ""], strict=True))
    values.update(over)
    return [values[h] for h in HEADER]


def state():
    return Meeting.objects.count(), AgendaItem.objects.count(), AuditEntry.objects.count()


def check(user, rows):
    return imports.run_import(SPEC, user, xlsx_bytes([HEADER, *rows]), "会议.xlsx")


def commit(user, content):
    batch = imports.preview(SPEC, user, content, "会议.xlsx")
    result = imports.commit(SPEC, user, batch)
    assert result.committed, result.summary()
    batch.refresh_from_db()
    return batch


def test_good_file_commits_with_agenda_host_and_campaign(branch):
    t = branch
    campaign = services.audit.create(SYSTEM, Campaign(name="主题教育", organization=t.ca, starts_on=date(2024, 1, 1),
                                                      ends_on=date(2024, 6, 30)))
    content = xlsx_bytes([HEADER, row(),
                          row(组织代码="CA", 会议类别="党委会", 扩大会议="是", 日期="2024/4/2", 开始时间=time(9, 0),
                              主题="党委扩大会", 主持人="", 第一议题="", 其他议题="研究年度工作"),
                          row(组织代码="CA", 会议类别="集中学习研讨", 日期=date(2024, 5, 6), 主题="研讨", 主持人="",
                              主题教育="主题教育"),
                          row(日期="2099年1月5日", 状态="计划", 主题="明年的党员大会")])
    batch = commit(t.sec_a, content)
    assert batch.status == "committed" and len(batch.created_objects) == 4
    assembly = Meeting.objects.get(title="三月党员大会")
    assert (assembly.organization, assembly.kind, assembly.held_on, assembly.starts_at, assembly.host) == (
        t.ca_b1, "member_assembly", date(2024, 3, 12), time(14, 30), t.zhang)
    assert assembly.has_first_topic
    assert list(assembly.agenda.values_list("order", "title", "is_first_topic")) == [
        (1, "学习重要讲话精神", True), (2, "讨论发展对象", False), (3, "通报党费收缴", False)]
    committee = Meeting.objects.get(kind="committee_meeting")
    assert committee.enlarged and not committee.has_first_topic and committee.held_on == date(2024, 4, 2)
    assert Meeting.objects.get(kind="study_seminar").campaign == campaign
    assert Meeting.objects.get(title="明年的党员大会").status == "planned"
    assert AuditEntry.objects.filter(model="meetings.meeting", action="create").count() == 4


@pytest.mark.parametrize("over, column, reason", [
    ({"日期": (date.today() + timedelta(days=5)).isoformat()}, "日期", "会议日期在今天之后，不能标记为已召开"),
    ({"日期": "2009-12-31"}, "日期", "会议日期早于甲学院教工第一党支部的成立日期（2010-01-01）"),
    ({"组织代码": "NOPE"}, "组织代码", "“NOPE”：组织代码不存在或无权操作"),
    ({"组织代码": "CB-B1"}, "组织代码", "“CB-B1”：组织代码不存在或无权操作"),  # out of scope: same words
    ({"日期": "2024-02-30"}, "日期", "“2024-02-30”不是有效日期"),
    ({"日期": "三月十二日"}, "日期", "不是可识别的日期"),
    ({"会议类别": "支部大会"}, "会议类别", "“支部大会”不是可选值"),
    ({"会议类别": "党委会"}, "会议类别", "甲学院教工第一党支部 不召开党委会"),
    ({"扩大会议": "是"}, "扩大会议", "只有党委会可以标记为扩大会议"),
    ({"开始时间": "25:00"}, "开始时间", "“25:00”不是有效时间"),
    ({"主持人": "王芳"}, "主持人", "未找到人员“王芳”，或您无权查看"),
    ({"主题教育": "不存在的教育"}, "主题教育", "未找到适用于该组织的主题教育“不存在的教育”"),
    ({"主题": ""}, "主题", "必填，不能为空"),
])
def test_each_bad_input_names_row_column_and_reason_and_writes_nothing(branch, over, column, reason):
    t = branch
    before = state()
    result = check(t.sec_a, [row(日期="2024-03-01"), row(**over)])
    errors = [e for e in result.errors]
    assert len(errors) == 1, result.summary()
    assert (errors[0].row, errors[0].column) == (3, column)
    assert reason in errors[0].message
    assert str(errors[0]).startswith(f"第 3 行“{column}”列：")
    assert state() == before
    # The commit of the same file writes nothing either.
    batch = imports.preview(SPEC, t.sec_a, xlsx_bytes([HEADER, row(日期="2024-03-01"), row(**over)]), "会议.xlsx")
    assert not imports.commit(SPEC, t.sec_a, batch).committed
    assert Meeting.objects.count() == before[0]


def test_duplicates_in_the_file_and_against_the_database(branch):
    t = branch
    services.create_meeting(t.sec_a, kind="member_assembly", organization=t.ca_b1, title="已登记",
                            held_on=date(2024, 3, 12))
    before = state()
    result = check(t.sec_a, [row(), row(日期="2024-04-09"), row(日期="2024-04-09", 主题="同日第二次")])
    assert error_triples(result) == {
        (2, "日期", "甲学院教工第一党支部 在 2024-03-12 已有一次支部党员大会，疑似重复登记；"
                    "如确非重复，请在“确认重复”列填“是”"),
        (4, "日期", "与第 3 行是同一组织同一天的同类会议，疑似重复；如确非重复，请在“确认重复”列填“是”"),
    }
    assert state() == before
    # Confirmed, both go in.
    commit(t.sec_a, xlsx_bytes([HEADER, row(确认重复="是"), row(日期="2024-04-09"),
                                row(日期="2024-04-09", 主题="同日第二次", 确认重复="是")]))
    assert Meeting.objects.filter(held_on=date(2024, 3, 12)).count() == 2
    assert Meeting.objects.filter(held_on=date(2024, 4, 9)).count() == 2


def test_a_file_with_one_bad_row_writes_nothing_at_commit(branch):
    t = branch
    before = state()
    batch = imports.preview(SPEC, t.sec_a, xlsx_bytes([HEADER, row(), row(组织代码="CB-B1")]), "会议.xlsx")
    assert batch.error_count == 1
    result = imports.commit(SPEC, t.sec_a, batch)
    assert not result.committed and state()[:2] == before[:2]


def exported(client, query=""):
    response = client.get(f"/meetings/export/{query}")
    assert response.status_code == 200
    return response.content


def meetings_as_data():
    return sorted([(m.organization.code, m.kind, m.enlarged, m.held_on, m.starts_at, m.place, m.title, m.status,
                   m.host_id, m.campaign_id, m.has_first_topic,
                   tuple(m.agenda.values_list("order", "title", "is_first_topic")))
                   for m in Meeting.objects.select_related("organization")], key=str)


def test_export_then_import_into_an_empty_database_is_equivalent(branch, login):
    t = branch
    campaign = services.audit.create(SYSTEM, Campaign(name="学习教育", organization=t.ca, starts_on=date(2024, 1, 1),
                                                      ends_on=date(2024, 6, 30)))
    mk = services.create_meeting
    mk(t.sec_a, kind="member_assembly", organization=t.ca_b1, title="=1+1 公式样的主题", held_on=date(2024, 3, 12),
       starts_at=time(14, 30), place="会议室", host=t.zhang,
       agenda=[{"title": "第一议题学习", "is_first_topic": True}, {"title": "议题二"}])
    mk(t.sec_a, kind="member_assembly", organization=t.ca_b1, title="同日第二次", held_on=date(2024, 3, 12),
       confirm_duplicate=True, agenda=[{"title": "只有普通议题"}, {"title": "第二项"}])
    mk(t.sec_a, kind="committee_meeting", enlarged=True, organization=t.ca, title="党委扩大会",
       held_on=date(2024, 4, 1))
    mk(t.sec_a, kind="study_seminar", organization=t.ca, title="研讨", held_on=date(2024, 5, 1), campaign=campaign)
    mk(t.sec_a, kind="theme_day", organization=t.ca_b2, title="计划中", held_on=date.today() + timedelta(days=9),
       status="planned")
    mk(SYSTEM, kind="theme_day", organization=t.cb_b1, title="乙学院的", held_on=date(2024, 3, 1))
    before = meetings_as_data()
    content = exported(login(t.sec_a))
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 6  # college B's meeting is not exported to college A's secretary
    assert AuditEntry.objects.filter(action="export", model="meetings.meeting", actor=t.sec_a).exists()

    mine = [m for m in before if m[0] != "CB-B1"]
    for m in Meeting.objects.exclude(organization=t.cb_b1):
        services.delete_meeting(t.sec_a, m)
    commit(t.sec_a, content)
    after = [m for m in meetings_as_data() if m[0] != "CB-B1"]
    assert after == mine


def test_export_filters_and_refusals(branch, login):
    t = branch
    services.create_meeting(t.sec_a, kind="member_assembly", organization=t.ca_b1, title="a", held_on=date(2023, 3, 1))
    services.create_meeting(t.sec_a, kind="member_assembly", organization=t.ca_b1, title="b", held_on=date(2024, 3, 1))
    c = login(t.sec_a)
    assert load_workbook(io.BytesIO(exported(c, "?year=2024"))).worksheets[0].max_row == 2
    assert c.get("/meetings/export/?org=CB").status_code == 404
    assert c.get("/meetings/export/", {"org": "C\x00"}).status_code == 404
    assert c.get("/meetings/export/?year=abc").status_code == 404
    assert login(t.member).get("/meetings/export/").status_code == 403


def test_rollback_of_the_last_import(branch):
    t = branch
    before = state()
    batch = commit(t.sec_a, xlsx_bytes([HEADER, row(), row(日期="2024-04-09")]))
    assert Meeting.objects.count() == before[0] + 2 and AgendaItem.objects.count() == before[1] + 6
    imports.rollback(SPEC, t.sec_a, batch)
    assert Meeting.objects.count() == before[0] and AgendaItem.objects.count() == before[1]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ROLLED_BACK
    assert AuditEntry.objects.filter(action="rollback", model="meetings.meeting").count() == 2


def test_rollback_refused_once_a_meeting_was_edited(branch):
    t = branch
    batch = commit(t.sec_a, xlsx_bytes([HEADER, row()]))
    m = Meeting.objects.get()
    services.update_meeting(t.sec_a, m, {"place": "新会议室"}, expected_version=1)
    with pytest.raises(imports.BusinessRuleError, match="已被修改"):
        imports.rollback(SPEC, t.sec_a, batch)
    assert Meeting.objects.filter(pk=m.pk).exists()


def test_template_download_names_every_column(branch, login):
    response = login(branch.sec_a).get("/imports/meetings/template/")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADER
    notes = " ".join(str(c.value) for r in wb.worksheets[1].iter_rows() for c in r if c.value)
    assert "出席情况不在此导入" in notes
