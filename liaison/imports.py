"""The liaison Excel imports (core.imports registry): liaisons and visits, every row through
liaison.services, all or nothing. People are named by name (unique among those the user sees, leaders
first) or by ID number; branches by name or code."""
import re

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.imports import CellError, Column, Date, ImportSpec, Text, registry
from members.imports import IdNumber
from members.models import Person
from orgs.models import Organization

from . import services
from .models import BranchVisit, Liaison
from .services import LEADER_LEVELS

SEPARATORS = re.compile(r"[、,，;；\s]+")


class Names(Text):
    """Several names in one cell, separated by 、 or a comma."""

    def __call__(self, value):
        names = [n for n in SEPARATORS.split(super().__call__(value)) if n]
        if not names:
            raise CellError(_("必填，不能为空"))
        return names

    def describe(self):
        return _("姓名，多人用“、”或逗号分隔")


def find_branches(user, keys):
    """{name or code: [organisations]} among those the user sees."""
    found = {}
    if not keys:
        return found
    for org in Organization.objects.restrict(user, "view").filter(Q(code__in=keys) | Q(name__in=keys)):
        for key in {org.code, org.name} & set(keys):
            found.setdefault(key, []).append(org)
    return found


def pick_branch(row, header, key, found):
    orgs = found.get(key, [])
    if not orgs:
        row.error(header, _("“%(k)s”：党支部名称或代码不存在或无权操作") % {"k": key})
        return None
    if len(orgs) > 1:
        row.error(header, _("“%(k)s”对应多个党组织，请填写党组织代码") % {"k": key})
        return None
    return orgs[0]


def find_people(user, names):
    """{name: [people]} among those the user sees, leaders first."""
    found = {}
    if not names:
        return found
    for p in Person.objects.restrict(user, "view").filter(name__in=names).order_by("pk"):
        found.setdefault(p.name, []).append(p)
    return found


def pick_person(row, header, name, found):
    people = found.get(name, [])
    leaders = [p for p in people if p.cadre_level in LEADER_LEVELS]
    candidates = leaders or people
    if not candidates:
        row.error(header, _("“%(n)s”：没有找到该人员（须在您的管理范围内）") % {"n": name})
        return None
    if len(candidates) > 1:
        row.error(header, _("“%(n)s”有 %(c)s 位同名人员，请填写身份证号") % {"n": name, "c": len(candidates)})
        return None
    return candidates[0]


class LiaisonImport(ImportSpec):
    kind = "liaisons"
    title = pgettext_lazy("plural", "联系支部")
    model = Liaison
    scope_column = "联系党支部"
    scope_message = gettext_lazy("党支部名称或代码不存在或无权操作")
    columns = (
        Column("联系领导", "leader", Text(50), required=True, note=gettext_lazy("姓名；同名时须填写身份证号")),
        Column("身份证号", "id_number", IdNumber(), sensitive=True),
        Column("联系党支部", "branch", Text(200), required=True, note=gettext_lazy("党支部名称或代码")),
        Column("开始日期", "valid_from", Date(), required=True),
        Column("结束日期", "valid_to", Date(allow_future=True), note=gettext_lazy("不含当日；留空表示仍在联系")),
        Column("备注", "note", Text(200), default=""),
    )
    notes = (gettext_lazy("每行一条联系记录，逐行按“一对一联系”的规则检查；任何一行有误，整个文件都不导入。"),)

    def prepare(self, run, rows):
        user = run.user
        ids = [r.values["id_number"] for r in rows if r.values.get("id_number")]
        by_id = {p.id_number: p for p in Person.objects.restrict(user, "view").filter(id_number__in=ids)}
        people = find_people(user, {r.values["leader"] for r in rows if r.values.get("leader")})
        branches = find_branches(user, {r.values["branch"] for r in rows if r.values.get("branch")})
        for row in rows:
            v = row.values
            if v.get("id_number"):
                person = by_id.get(v["id_number"])
                if person is None:
                    row.error("身份证号", _("没有找到该身份证号的人员（须在您的管理范围内）"))
                elif v.get("leader") and person.name != v["leader"]:
                    row.error("身份证号", _("身份证号对应的人员是“%(p)s”，与联系领导“%(n)s”不符")
                              % {"p": person.name, "n": v["leader"]})
                v["leader"] = person
            elif v.get("leader"):
                v["leader"] = pick_person(row, "联系领导", v["leader"], people)
            if v.get("branch"):
                v["branch"] = pick_branch(row, "联系党支部", v["branch"], branches)

    def create(self, run, row):
        v = row.values
        return [services.assign(run.user, leader=v["leader"], branch=v["branch"], valid_from=v["valid_from"],
                                valid_to=v["valid_to"], note=v["note"])]


class VisitImport(ImportSpec):
    kind = "visits"
    title = pgettext_lazy("plural", "调研走访")
    model = BranchVisit
    scope_column = "党支部"
    scope_message = gettext_lazy("党支部名称或代码不存在或无权操作")
    columns = (
        Column("党支部", "branch", Text(200), required=True, note=gettext_lazy("党支部名称或代码")),
        Column("走访日期", "visited_on", Date(), required=True),
        Column("走访领导", "leaders", Names(), required=True),
        Column("听取情况", "heard", Text(), default=""),
        Column("发现问题", "problems", Text(), default="", note=gettext_lazy("每行一条问题（单元格内换行）")),
    )
    notes = (gettext_lazy("走访领导按姓名查找（须在您的管理范围内）；任何一行有误，整个文件都不导入。"),)

    def prepare(self, run, rows):
        user = run.user
        people = find_people(user, {n for r in rows for n in (r.values.get("leaders") or [])})
        branches = find_branches(user, {r.values["branch"] for r in rows if r.values.get("branch")})
        for row in rows:
            v = row.values
            if v.get("branch"):
                v["branch"] = pick_branch(row, "党支部", v["branch"], branches)
            if v.get("leaders"):
                v["leaders"] = [pick_person(row, "走访领导", n, people) for n in v["leaders"]]

    def create(self, run, row):
        v = row.values
        problems = [line.strip() for line in (v["problems"] or "").splitlines() if line.strip()]
        visit = services.record_visit(run.user, branch=v["branch"], visited_on=v["visited_on"], leaders=v["leaders"],
                                      heard=v["heard"], problems=problems)
        return [visit, *visit.problems.order_by("pk")]


registry.register(LiaisonImport())
registry.register(VisitImport())
