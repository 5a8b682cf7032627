"""The Excel exports of liaisons and visits. Their first columns are the import's (liaison/imports.py),
so an exported file can be edited and imported again; the extra columns are ignored on import."""
from django.utils.translation import gettext_lazy as _

from core.views import Column

from .choices import ProblemStatus

ENUM = "、"


def _leaders(visit):
    return ENUM.join(p.name for p in visit.leaders.all())


def _problems(visit):
    return "\n".join(p.description for p in visit.problems.all())


def _open_count(visit):
    return sum(1 for p in visit.problems.all() if p.status == ProblemStatus.OPEN)


LIAISON_COLUMNS = (
    Column("leader.name", _("联系领导")),
    Column("branch.name", _("联系党支部")),
    Column("valid_from", _("开始日期")),
    Column("valid_to", _("结束日期")),
    Column("note", _("备注")),
    Column("branch.code", _("党支部代码")),
    Column("leader.cadre_level", _("干部层级")),
)

VISIT_COLUMNS = (
    Column("branch.name", _("党支部")),
    Column("visited_on", _("走访日期")),
    Column(_leaders, _("走访领导")),
    Column("heard", _("听取情况")),
    Column(_problems, _("发现问题")),
    Column("findings", _("问题概述")),
    Column(_open_count, _("待整改问题数")),
    Column("branch.code", _("党支部代码")),
)


def liaison_export_qs(qs):
    return qs.select_related("leader", "branch")


def visit_export_qs(qs):
    return qs.select_related("branch").prefetch_related("leaders", "problems")
