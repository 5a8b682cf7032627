"""`manage.py report annual --org CODE --year YYYY [--as-of DATE] --format json|xlsx|pdf [--output FILE]
[--user NAME]`: the annual report for automation.

json prints {figure code: value} (null for a figure without data or whose module is not built); xlsx and
pdf write the file (to --output, or annual-CODE-YEAR.xlsx/.pdf) with the generated narrative, audited as an
export. Unrestricted (the system) unless --user names an account: then only what that user may see, and
an organisation outside their scope is reported as unknown. Errors are in Chinese, with a non-zero exit.
"""
import argparse
import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.figures import SYSTEM_USER
from orgs.models import Organization

from ... import annual, export_pdf, export_xlsx, narrative


def year_type(raw):
    if raw.isascii() and raw.isdigit() and 1900 <= int(raw) <= 9999:
        return int(raw)
    raise argparse.ArgumentTypeError(_("年度“%(value)s”无效，请填写四位数年份") % {"value": raw[:20]})


class Command(BaseCommand):
    help = gettext_lazy("生成年度工作报告：json 输出各统计项的数值，xlsx / pdf 生成文件")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["annual"], help=gettext_lazy("报告类型（目前只有 annual：年度工作报告）"))
        parser.add_argument("--org", required=True, help=gettext_lazy("组织代码"))
        parser.add_argument("--year", required=True, type=year_type, help=gettext_lazy("年度，如 2019"))
        parser.add_argument("--as-of", dest="as_of", default="",
                            help=gettext_lazy("统计截至日期 YYYY-MM-DD（默认年末，当年为今天）"))
        parser.add_argument("--format", dest="fmt", choices=["json", "xlsx", "pdf"], default="json",
                            help=gettext_lazy("输出格式"))
        parser.add_argument("--output", default="", help=gettext_lazy("输出文件（json 默认输出到屏幕）"))
        parser.add_argument("--user", default="", help=gettext_lazy("以该用户的权限范围统计（默认不限范围）"))

    def handle(self, *args, kind, org, year, as_of, fmt, output, user, **options):
        try:
            as_of = annual.parse_as_of(as_of)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        account = self.account(user) if user else SYSTEM_USER
        organizations = Organization.objects.all() if account is None else \
            Organization.objects.restrict(account, "view")
        organization = organizations.filter(code=org.strip()).first()
        if organization is None:
            raise CommandError(_("未找到组织代码“%(code)s”") % {"code": org.strip()[:40]})
        report = annual.build(account, organization, year, as_of)
        if fmt == "json":
            text = json.dumps(report.values(), ensure_ascii=False, indent=2)
            if output:
                Path(output).write_text(text + "\n", encoding="utf-8")
                self.stderr.write(_("已写入 %(path)s") % {"path": output})
            else:
                self.stdout.write(text)
            return
        if account is not None and not Organization.objects.restrict(account, "export").filter(
                pk=organization.pk).exists():
            raise CommandError(_("该用户没有导出此组织报告的权限"))
        draft = narrative.text(report)
        if fmt == "pdf":
            data = export_pdf.pdf_bytes(report, draft)
        else:
            data = export_xlsx.xlsx_bytes(report, draft, settings.QIANGJI_BASE_URL.rstrip("/"))
        path = Path(output or f"annual-{organization.code}-{year}.{fmt}")
        if str(path) == "-":
            sys.stdout.buffer.write(data)
        else:
            path.write_bytes(data)
            self.stderr.write(_("已写入 %(path)s") % {"path": path})
        annual.record_export(account, report, fmt, "（命令行）")

    def account(self, username):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("未找到用户“%(name)s”") % {"name": username[:40]})
        return user
