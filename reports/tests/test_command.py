"""`manage.py report annual`: json prints {code: value} equal to build(); xlsx and pdf write files that open;
--user restricts to that user's scope (another college's code is unknown); bad codes, dates and users are
Chinese errors with a non-zero exit; and on the demo, the root's 2019 report is the article's."""
import io
import json
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEntry
from core.figures import SYSTEM_USER, registry
from orgs.models import Organization
from reports import annual
from reports.expected import EXPECTED
from reports.tests.test_annual import records_fixture  # noqa: F401  (the `records` fixture)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("report", "annual", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_prints_every_figure(records):
    t = records
    out, _err = run("--org", "ROOT", "--year", "2024")
    values = json.loads(out)
    assert values == json.loads(json.dumps(annual.build(SYSTEM_USER, t.root, 2024).values()))
    assert values["meetings.first_topic.branches"] == 7 and values["ledgers.directive.tasks"] == 3
    assert values["volunteering.volunteers"] is None


def test_as_of(records):
    out, _err = run("--org", "ROOT", "--year", "2024", "--as-of", "2024-03-04")
    assert json.loads(out)["ledgers.directive.done"] == 0


def test_user_scope(records):
    out, _err = run("--org", "CA", "--year", "2024", "--user", "sec_a")
    assert json.loads(out)["meetings.first_topic.branches"] == 4
    with pytest.raises(CommandError, match="未找到组织代码“CB”"):
        run("--org", "CB", "--year", "2024", "--user", "sec_a")
    with pytest.raises(CommandError, match="未找到用户“ghost”"):
        run("--org", "CA", "--year", "2024", "--user", "ghost")


def test_errors_are_chinese(records):
    with pytest.raises(CommandError, match="未找到组织代码“NOPE”"):
        run("--org", "NOPE", "--year", "2024")
    with pytest.raises(CommandError, match="日期“2024-02-30”无效"):
        run("--org", "ROOT", "--year", "2024", "--as-of", "2024-02-30")
    with pytest.raises(CommandError, match="年度“20x4”无效"):
        run("--org", "ROOT", "--year", "20x4")


def test_xlsx_and_pdf_files(records, tmp_path):
    t = records
    xlsx, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    _out, err = run("--org", "CA", "--year", "2024", "--format", "xlsx", "--output", str(xlsx), "--user", "sec_a")
    assert str(xlsx) in err
    wb = load_workbook(xlsx)
    assert wb["概况"]["B2"].value == "甲学院党委"
    political = {}
    for row in wb["政治引领"].iter_rows(min_row=2, values_only=True):
        if row[0]:
            political.setdefault(row[0], row[2])  # the figures table comes before the records' headings
    assert political["meetings.first_topic.branches"] == 4
    run("--org", "ROOT", "--year", "2024", "--format", "pdf", "--output", str(pdf))
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "校党委2024年度工作报告" in text and "第 1 页" in text
    notes = list(AuditEntry.objects.filter(action="export", object_id__in=[str(t.ca.pk), str(t.root.pk)])
                 .values_list("note", flat=True))
    assert any("（xlsx）（命令行）" in n for n in notes) and any("（pdf）（命令行）" in n for n in notes)


def test_a_user_without_the_export_right_gets_no_file(records, tmp_path):
    from accounts.roles import Role
    from conftest import make_user

    t = records
    make_user("member_li", Role.MEMBER, t.ca_b2, person=t.li, include_subtree=False)
    with pytest.raises(CommandError, match="没有导出"):
        run("--org", "CA-B2", "--year", "2024", "--format", "xlsx", "--output", str(tmp_path / "x.xlsx"),
            "--user", "member_li")
    assert not (tmp_path / "x.xlsx").exists()


def test_exit_code_is_non_zero_from_the_shell(tmp_path):
    """Through manage.py itself: a bad date fails before any database access, with the Chinese message."""
    result = subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "report", "annual", "--org", "X",
                             "--year", "2024", "--as-of", "2024-13-01"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode != 0
    assert "日期“2024-13-01”无效" in result.stderr


# --- the demo: the root committee's 2019 report is the article's ------------------------------------------

@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        call_command("demo", stdout=StringIO())
        yield time.monotonic() - started
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestDemoReport:
    def test_root_2019_report_shows_the_articles_figures(self, demo):
        out, _err = run("--org", "ROOT", "--year", "2019")
        values = json.loads(out)
        registered = {f.code for f in registry.all()}
        for expected in EXPECTED:
            if expected.code not in registered:
                assert values[expected.code] is None, expected.code  # not available, never invented
            elif expected.article is not None:
                assert values[expected.code] == expected.article, expected.code
        assert values["meetings.first_topic.branches"] == 506

    def test_the_pdf_of_the_demo(self, demo):
        root = Organization.objects.get(code="ROOT")
        report = annual.build(SYSTEM_USER, root, 2019)
        from reports import export_pdf, narrative

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
            export_pdf.pdf_bytes(report, narrative.text(report)))).pages).replace("\n", "")
        assert root.name in text and "506" in text and "第 1 页 / 共" in text
