"""Recognition pages: who sees and does what, another college's records 404 by URL, each refusal shown in
Chinese with the database unchanged, the parent organisation reviews a branch's feature (the branch's own
secretary gets 403), acceptance names a model branch, stale edits, materials, exports, the organisation tab."""
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from audit.models import AuditEntry
from conftest import make_user
from core.scoping import SYSTEM
from core.testing import XLSX_TYPE
from recognition import services
from recognition.choices import BrandStatus, HonorKind, ModelBranchStage
from recognition.models import BrandMaterial, BrandProject, Honor, ModelBranch, ModelBranchBatch, RoleModel

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def url(name, *args):
    return reverse(f"recognition:{name}", args=args)


def text(response):
    return response.content.decode()


def results(response):
    """The list's table only (the filter form names every choice)."""
    page = text(response)
    return page[page.index('id="results"'):]


@pytest.fixture
def rec(users):
    t = users
    t.sec_b1 = make_user("sec_ca_b1", Role.SECRETARY, t.ca_b1)  # the branch's own secretary
    t.feature = services.propose_brand(SYSTEM, level="branch", organization=t.ca_b1, name="支部+课堂",
                                       started_on=date(2024, 3, 1))
    t.other = services.propose_brand(SYSTEM, level="branch", organization=t.cb_b1, name="乙院特色",
                                     started_on=date(2024, 3, 1))
    t.honor = services.record_honor(SYSTEM, kind="advanced_collective", level="university", title="先进集体",
                                    year=2024, issuer="校党委", organization=t.ca_b1)
    t.other_honor = services.record_honor(SYSTEM, kind="advanced_collective", level="university",
                                          title="先进集体", year=2024, issuer="校党委", organization=t.cb_b1)
    t.batch = services.create_batch(SYSTEM, organization=t.ca, name="第一批", year=2021)
    t.cycle = services.apply_model_branch(SYSTEM, batch=t.batch, branch=t.ca_b1, applied_on=date(2021, 3, 1))
    t.other_batch = services.create_batch(SYSTEM, organization=t.cb, name="第一批", year=2021)
    t.other_cycle = services.apply_model_branch(SYSTEM, batch=t.other_batch, branch=t.cb_b1,
                                                applied_on=date(2021, 3, 1))
    t.role_model = services.save_role_model(SYSTEM, person=t.zhang, year=2024, title="身边的榜样", deeds="扎根讲台")
    return t


def counts():
    return (BrandProject.objects.count(), Honor.objects.count(), ModelBranch.objects.count(),
            RoleModel.objects.count(), AuditEntry.objects.count())


# --- access --------------------------------------------------------------------------------------------

def test_lists_show_only_the_users_college(client, rec):
    t = rec
    client.force_login(t.sec_a)
    for name, mine, theirs in (("brand_list", "支部+课堂", "乙院特色"),
                               ("honor_list", "甲学院教工第一党支部", "乙学院教工党支部")):
        page = results(client.get(url(name)))
        assert mine in page and theirs not in page
    page = text(client.get(url("batch_detail", t.batch.pk)))
    assert "甲学院教工第一党支部" in page


@pytest.mark.parametrize("name, attr", [("brand_detail", "feature"), ("brand_edit", "feature"),
                                        ("brand_delete", "feature"), ("honor_detail", "honor"),
                                        ("honor_edit", "honor"), ("honor_delete", "honor"),
                                        ("batch_detail", "batch"), ("batch_edit", "batch"),
                                        ("model_branch_add", "batch"), ("model_branch_detail", "cycle"),
                                        ("role_model_detail", "role_model"), ("role_model_edit", "role_model")])
def test_another_colleges_records_are_not_found(client, rec, name, attr):
    client.force_login(rec.sec_b)
    response = client.get(url(name, getattr(rec, attr).pk))
    assert response.status_code == 404
    assert "甲学院" not in text(response)


def test_review_actions_of_another_college_are_not_found(client, rec):
    client.force_login(rec.sec_b)
    before = counts()
    assert client.post(url("brand_action", rec.feature.pk, "approve"),
                       {"on_date": "2024-04-01"}).status_code == 404
    assert client.post(url("model_branch_action", rec.cycle.pk, "approve"),
                       {"on_date": "2021-04-01", "passed": "yes"}).status_code == 404
    assert counts() == before


def test_member_reads_own_honours_but_adds_nothing(client, rec):
    t = rec
    mine = services.record_honor(SYSTEM, kind="excellent_member", level="college", title="优秀共产党员", year=2024,
                                 issuer="甲学院党委", person=t.zhang)
    client.force_login(t.member)
    assert client.get(url("honor_detail", mine.pk)).status_code == 200
    assert client.get(url("honor_add")).status_code == 403
    assert client.get(url("brand_add")).status_code == 403
    assert client.get(url("brand_detail", t.feature.pk)).status_code == 404
    assert "支部+课堂" not in text(client.get(url("brand_list")))


# --- brands: the parent reviews ----------------------------------------------------------------------

def test_parent_organisation_approves_a_branch_feature(client, rec):
    t = rec
    client.force_login(t.sec_a)
    page = text(client.get(url("brand_detail", t.feature.pk)))
    assert 'id="brand-approve"' in page and 'id="brand-reject"' in page
    response = client.post(url("brand_action", t.feature.pk, "approve"),
                           {"on_date": "2024-04-01", "note": "同意立项", "expected_version": t.feature.version})
    assert response.status_code == 302
    t.feature.refresh_from_db()
    assert (t.feature.status, t.feature.approved_on) == (BrandStatus.APPROVED, date(2024, 4, 1))


def test_the_branchs_own_secretary_cannot_approve(client, rec):
    t = rec
    client.force_login(t.sec_b1)
    page = text(client.get(url("brand_detail", t.feature.pk)))
    assert "支部+课堂" in page and 'id="brand-approve"' not in page
    before = counts()
    assert client.get(url("brand_action", t.feature.pk, "approve")).status_code == 403
    assert client.post(url("brand_action", t.feature.pk, "approve"), {"on_date": "2024-04-01"}).status_code == 403
    t.feature.refresh_from_db()
    assert t.feature.status == BrandStatus.PROPOSED and counts() == before


def test_evaluation_needs_a_result_and_records_it(client, rec):
    t = rec
    for action, day in (("approve", date(2024, 4, 1)), ("start", date(2024, 4, 2))):
        services.act_on_brand(SYSTEM, t.feature, action, on_date=day)
    client.force_login(t.sec_a)
    response = client.post(url("brand_action", t.feature.pk, "evaluate"), {"on_date": "2025-03-01"})
    assert response.status_code == 200 and "该字段是必填项" in text(response)
    t.feature.refresh_from_db()
    assert t.feature.status == BrandStatus.BUILDING
    client.post(url("brand_action", t.feature.pk, "evaluate"),
                {"on_date": "2025-03-01", "evaluation": "excellent", "note": "成效显著"})
    t.feature.refresh_from_db()
    assert (t.feature.status, t.feature.evaluation, t.feature.evaluation_note) == (
        BrandStatus.EVALUATED, "excellent", "成效显著")


def test_a_branch_feature_on_a_committee_is_refused(client, rec):
    t = rec
    client.force_login(t.sec_a)
    before = counts()
    response = client.post(url("brand_add"), {"level": "branch", "organization": t.ca.pk, "name": "错的特色",
                                              "started_on": "2024-03-01"})
    assert response.status_code == 200
    assert "“一支部一特色”项目的建设组织须为党支部，“甲学院党委”是党委" in text(response)
    assert 'value="错的特色"' in text(response)  # the user's input stays
    assert counts() == before


def test_propose_edit_and_delete_a_brand(client, rec):
    t = rec
    client.force_login(t.sec_a)
    response = client.post(url("brand_add"), {"level": "college", "organization": t.ca.pk, "name": "红色引擎",
                                              "started_on": "2024-01-01", "ends_on": "2025-12-31"})
    project = BrandProject.objects.get(name="红色引擎")
    assert response.status_code == 302 and project.status == BrandStatus.PROPOSED
    client.post(url("brand_edit", project.pk), {"level": "college", "organization": t.ca.pk, "name": "红色引擎工程",
                                                "started_on": "2024-01-01", "ends_on": "2025-12-31",
                                                "expected_version": project.version})
    project.refresh_from_db()
    assert project.name == "红色引擎工程"
    assert client.post(url("brand_delete", project.pk)).status_code == 302
    assert not BrandProject.objects.filter(pk=project.pk).exists()


def test_an_approved_brand_cannot_be_deleted(client, rec):
    t = rec
    services.act_on_brand(SYSTEM, t.feature, "approve", on_date=date(2024, 4, 1))
    client.force_login(t.sec_a)
    response = client.post(url("brand_delete", t.feature.pk), follow=True)
    assert "只能删除申报中的项目" in text(response)
    assert BrandProject.objects.filter(pk=t.feature.pk).exists()


# --- materials -----------------------------------------------------------------------------------------

def test_material_upload_download_and_delete(client, rec):
    t = rec
    client.force_login(t.sec_b1)
    response = client.post(url("brand_material_add", t.feature.pk),
                           {"file": SimpleUploadedFile("建设方案.pdf", b"%PDF-1.4\n%%EOF\n")}, follow=True)
    assert "已上传“建设方案.pdf”" in text(response)
    material = BrandMaterial.objects.get(project=t.feature)
    download = client.get(url("material_download", "brand", material.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    client.force_login(t.sec_b)
    assert client.get(url("material_download", "brand", material.pk)).status_code == 404
    assert client.post(url("material_delete", "brand", material.pk)).status_code == 404
    assert client.get(url("material_download", "nothing", material.pk)).status_code == 404
    client.force_login(t.sec_a)
    client.post(url("material_delete", "brand", material.pk))
    assert not BrandMaterial.objects.exists()


def test_a_disguised_file_is_refused(client, rec):
    client.force_login(rec.sec_a)
    response = client.post(url("brand_material_add", rec.feature.pk),
                           {"file": SimpleUploadedFile("脚本.pdf", b"<script>alert(1)</script>")}, follow=True)
    assert "未上传" in text(response) and not BrandMaterial.objects.exists()


def test_cycle_material_goes_under_its_stage(client, rec):
    t = rec
    client.force_login(t.sec_a)
    client.post(url("model_branch_material_add", t.cycle.pk),
                {"file": SimpleUploadedFile("申报书.pdf", b"%PDF-1.4\n%%EOF\n"), "stage": "applied"})
    material = t.cycle.materials.get()
    assert material.stage == ModelBranchStage.APPLIED
    page = text(client.get(url("model_branch_detail", t.cycle.pk)))
    assert url("material_download", "cycle", material.pk) in page
    client.force_login(t.sec_b)
    assert client.get(url("material_download", "cycle", material.pk)).status_code == 404


# --- model branches --------------------------------------------------------------------------------------

def approve_and_midterm(t):
    services.act_on_model_branch(SYSTEM, t.cycle, "approve", passed=True, on_date=date(2021, 4, 1))
    return services.act_on_model_branch(SYSTEM, t.cycle, "midterm", passed=True, on_date=date(2022, 4, 10))


def test_acceptance_before_the_two_year_cycle_is_refused(client, rec):
    t = rec
    approve_and_midterm(t)
    client.force_login(t.sec_a)
    before = counts()
    response = client.post(url("model_branch_action", t.cycle.pk, "accept"),
                           {"passed": "yes", "on_date": "2022-05-01", "note": "提前验收"})
    assert response.status_code == 200
    assert "样板支部创建周期为两年（2021-04-01 立项），最早于 2022-12-30 验收" in text(response)
    t.cycle.refresh_from_db()
    assert t.cycle.stage == ModelBranchStage.MIDTERM_PASSED and counts() == before


def test_acceptance_names_the_branch_a_model_branch(client, rec):
    t = rec
    approve_and_midterm(t)
    client.force_login(t.sec_a)
    response = client.post(url("model_branch_action", t.cycle.pk, "accept"),
                           {"passed": "yes", "on_date": "2023-04-05", "note": "验收通过"})
    assert response.status_code == 302
    t.cycle.refresh_from_db()
    assert t.cycle.stage == ModelBranchStage.ACCEPTED
    honor = Honor.objects.get(model_branch=t.cycle)
    assert (honor.kind, honor.organization, honor.year) == (HonorKind.MODEL_BRANCH, t.ca_b1, 2023)
    page = text(client.get(url("model_branch_detail", t.cycle.pk)))
    assert honor.get_absolute_url() in page and "验收通过" in page
    # The honour stands on its cycle: it is not deleted on its own.
    assert 'id="honor-delete"' not in text(client.get(url("honor_detail", honor.pk)))


def test_only_the_batch_committee_runs_the_stages(client, rec):
    t = rec
    client.force_login(t.sec_b1)
    assert 'id="cycle-approve"' not in text(client.get(url("model_branch_detail", t.cycle.pk)))
    response = client.post(url("model_branch_action", t.cycle.pk, "approve"),
                           {"passed": "yes", "on_date": "2021-04-01"})
    assert response.status_code == 403
    t.cycle.refresh_from_db()
    assert t.cycle.stage == ModelBranchStage.APPLIED


def test_batch_detail_shows_due_dates_and_overdue(client, rec):
    t = rec
    services.act_on_model_branch(SYSTEM, t.cycle, "approve", passed=True, on_date=date(2021, 4, 1))
    client.force_login(t.sec_a)
    page = text(client.get(url("batch_detail", t.batch.pk)))
    assert "2022-04-01" in page and "2023-04-01" in page and "已逾期" in page


def test_apply_offers_branches_under_the_batch_and_refuses_twice(client, rec):
    t = rec
    client.force_login(t.sec_a)
    page = text(client.get(url("model_branch_add", t.batch.pk)))
    assert "甲学院学生党支部" in page and "乙学院教工党支部" not in page
    response = client.post(url("model_branch_add", t.batch.pk), {"branch": t.ca_b2.pk, "applied_on": "2021-03-02"})
    assert response.status_code == 302 and ModelBranch.objects.filter(branch=t.ca_b2).exists()
    before = counts()
    response = client.post(url("model_branch_add", t.batch.pk), {"branch": t.ca_b1.pk, "applied_on": "2021-03-02"})
    assert "已申报" in text(response) and counts() == before


def test_batch_add_and_edit(client, rec):
    t = rec
    client.force_login(t.sec_a)
    client.post(url("batch_add"), {"organization": t.ca.pk, "name": "第二批", "year": 2023})
    batch = ModelBranchBatch.objects.get(name="第二批")
    client.post(url("batch_edit", batch.pk), {"name": "第二批（2023）", "year": 2023, "expected_version": 1})
    batch.refresh_from_db()
    assert batch.name == "第二批（2023）" and batch.organization == t.ca


# --- honours -------------------------------------------------------------------------------------------

def honor_post(t, **over):
    return {"kind": "advanced_collective", "level": "university", "title": "先进基层党组织", "year": 2024,
            "issuer": "校党委", "organization": t.ca_b1.pk, "person": "", "note": ""} | over


def test_honour_for_a_future_year_is_refused(client, rec):
    t = rec
    client.force_login(t.sec_a)
    before = counts()
    response = client.post(url("honor_add"), honor_post(t, year=THIS_YEAR + 1))
    assert f"荣誉年度 {THIS_YEAR + 1} 晚于今年（{THIS_YEAR}），请在授予后登记" in text(response)
    assert counts() == before


def test_collective_honour_given_to_a_person_is_refused(client, rec):
    t = rec
    client.force_login(t.sec_a)
    before = counts()
    response = client.post(url("honor_add"), honor_post(t, person=t.zhang.pk))
    assert "“先进集体”是集体荣誉，不能授予个人" in text(response)
    assert counts() == before


def test_individual_honour_goes_on_the_persons_organisation(client, rec):
    t = rec
    client.force_login(t.sec_a)
    response = client.post(url("honor_add"), honor_post(t, kind="excellent_member", title="优秀共产党员",
                                                        organization="", person=t.zhang.pk))
    assert response.status_code == 302
    honor = Honor.objects.get(title="优秀共产党员")
    assert (honor.person, honor.organization) == (t.zhang, t.ca_b1)
    page = text(client.get(honor.get_absolute_url()))
    assert "张嘉恒" in page and t.zhang.id_number not in page


def test_stale_edit_on_an_honour_keeps_the_input(client, rec):
    t = rec
    client.force_login(t.sec_a)
    old_version = t.honor.version
    services.update_honor(t.org_admin, t.honor, {"title": "先进集体（校级）"}, expected_version=old_version)
    before = counts()
    response = client.post(url("honor_edit", t.honor.pk), honor_post(t, title="我的标题", kind="advanced_collective",
                                                                     expected_version=old_version))
    page = text(response)
    assert response.status_code == 200 and "该记录已被他人修改" in page and "荣誉名称" in page
    assert 'value="我的标题"' in page
    t.honor.refresh_from_db()
    assert t.honor.title == "先进集体（校级）" and counts() == before


def test_honour_delete_and_print(client, rec):
    t = rec
    client.force_login(t.sec_a)
    page = text(client.get(url("honor_print") + "?year=2024"))
    assert "2024 年度荣誉表彰名录" in page and "甲学院教工第一党支部" in page and "乙学院教工党支部" not in page
    client.post(url("honor_delete", t.honor.pk))
    assert not Honor.objects.filter(pk=t.honor.pk).exists()


def test_honour_filters(client, rec):
    t = rec
    services.record_honor(SYSTEM, kind="excellent_member", level="college", title="优秀共产党员", year=2023,
                          issuer="甲学院党委", person=t.zhang)
    client.force_login(t.sec_a)
    page = results(client.get(url("honor_list"), {"recipient": "individual"}))
    assert "优秀共产党员" in page and "先进集体" not in page
    page = results(client.get(url("honor_list"), {"year": 2024}))
    assert "优秀共产党员" not in page and "先进集体" in page


# --- role models ---------------------------------------------------------------------------------------

def test_role_model_add_edit_delete(client, rec):
    t = rec
    client.force_login(t.sec_a)
    response = client.post(url("role_model_add"), {"person": t.li.pk, "year": 2024, "title": "学生榜样",
                                                   "deeds": "志愿服务 300 小时", "honor": ""})
    role_model = RoleModel.objects.get(title="学生榜样")
    assert response.status_code == 302 and role_model.organization == t.ca_b2
    response = client.post(url("role_model_add"), {"person": t.li.pk, "year": THIS_YEAR + 1, "title": "未来",
                                                   "deeds": "…", "honor": ""})
    assert f"选树年度 {THIS_YEAR + 1} 晚于今年" in text(response)
    client.post(url("role_model_edit", role_model.pk), {"person": t.li.pk, "year": 2024, "title": "青年榜样",
                                                        "deeds": "志愿服务", "honor": "",
                                                        "expected_version": role_model.version})
    role_model.refresh_from_db()
    assert role_model.title == "青年榜样"
    client.post(url("role_model_delete", role_model.pk))
    assert not RoleModel.objects.filter(pk=role_model.pk).exists()


# --- export, print, tab ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, header, mine, theirs", [
    ("brand_export", "项目名称", "支部+课堂", "乙院特色"),
    ("honor_export", "获奖组织", "甲学院教工第一党支部", "乙学院教工党支部")])
def test_export_reads_back(client, rec, name, header, mine, theirs):
    client.force_login(rec.sec_a)
    response = client.get(url(name))
    assert response["Content-Type"] == XLSX_TYPE
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert header in rows[0]
    cells = {c for r in rows[1:] for c in r}
    assert mine in cells and theirs not in cells


def test_member_cannot_export_brands(client, rec):
    client.force_login(rec.member)
    assert client.get(url("brand_export")).status_code == 403


def test_brand_print_lists_the_filtered_projects(client, rec):
    t = rec
    services.propose_brand(SYSTEM, level="college", organization=t.ca, name="一院一品", started_on=date(2024, 1, 1))
    client.force_login(t.sec_a)
    page = text(client.get(url("brand_print"), {"level": "college"}))
    assert "党建品牌项目一览表" in page and "一院一品" in page and "支部+课堂" not in page


def test_organisation_tab(client, rec):
    t = rec
    client.force_login(t.sec_a)
    page = text(client.get(reverse("orgs:organization_detail", args=[t.ca.pk]) + "?tab=recognition"))
    assert "支部+课堂" in page and "先进集体" in page and "第一批" in page and "乙院特色" not in page


def test_lists_do_not_grow_in_queries_with_rows(client, rec, django_assert_max_num_queries):
    t = rec
    for i in range(5):
        services.propose_brand(SYSTEM, level="branch", organization=t.ca_b2, name=f"特色{i}",
                               started_on=date(2024, 3, 1) + timedelta(days=i))
        services.record_honor(SYSTEM, kind="advanced_individual", level="college", title=f"先进个人{i}",
                              year=2024, issuer="甲学院党委", person=t.li)
    client.force_login(t.sec_a)
    for name in ("brand_list", "honor_list", "role_model_list", "batch_list"):
        with django_assert_max_num_queries(25):
            assert client.get(url(name)).status_code == 200
