"""The recognition Excel imports (core.imports registry): brand projects and honours, one record a row,
through recognition.services; core.imports does the file checks, preview, all-or-nothing commit and
rollback. Organisations are named by code or full name, people by name (and ID number when two share a
name), both only among those the importing user sees."""
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.imports import CellError, Choice, Column, Date, ImportSpec, Text, display, registry
from members.imports import IdNumber
from members.models import Person
from orgs.models import Organization

from . import services
from .choices import COLLECTIVE, BrandLevel, HonorKind, HonorLevel
from .models import BrandProject, Honor

NOT_FOUND = gettext_lazy("组织代码或名称不存在或无权操作")


class Year:
    def __call__(self, value):
        text = display(value).removesuffix("年").strip()
        if not text.isdigit() or not 1900 <= int(text) <= 9999:
            raise CellError(_("“%(v)s”不是有效年度，请填写四位年份，如 2024") % {"v": display(value)})
        return int(text)

    def describe(self):
        return _("四位年份，如 2024")


def find_orgs(user, names):
    """{code or name: organisation} among those the user sees; a name shared by two is left out."""
    names = {n for n in names if n}
    found, by_name = {}, defaultdict(list)
    for org in Organization.objects.restrict(user, "view").filter(Q(code__in=names) | Q(name__in=names)):
        if org.code in names:
            found[org.code] = org
        by_name[org.name].append(org)
    for name, orgs in by_name.items():
        if name not in found and len(orgs) == 1:
            found[name] = orgs[0]
    return found


class BrandImport(ImportSpec):
    kind = "brands"
    title = pgettext_lazy("plural", "党建品牌项目")
    model = BrandProject
    scope_column = "建设组织"
    scope_message = NOT_FOUND
    columns = (
        Column("层级", "level", Choice(BrandLevel.choices), required=True),
        Column("建设组织", "organization", Text(100), required=True,
               note=gettext_lazy("组织代码或全称；一学院一品牌为学院党委或党总支，一支部一特色为党支部")),
        Column("项目名称", "name", Text(200), required=True),
        Column("项目内容", "description", Text(), default=""),
        Column("开始日期", "started_on", Date(allow_future=True), required=True),
        Column("结束日期", "ends_on", Date(allow_future=True)),
    )
    notes = (gettext_lazy("导入的项目均为“申报中”，由上级党组织在系统中立项。"),)

    def prepare(self, run, rows):
        orgs = run.state["orgs"] = find_orgs(run.user, [r.values.get("organization") for r in rows])
        for row in rows:
            name = row.values.get("organization")
            if name and name not in orgs:
                row.error("建设组织", _("“%(o)s”：%(r)s") % {"o": name, "r": NOT_FOUND})

    def create(self, run, row):
        v = dict(row.values)
        v["organization"] = run.state["orgs"][v["organization"]]
        return [services.propose_brand(run.user, **v)]


class HonorImport(ImportSpec):
    kind = "honors"
    title = pgettext_lazy("plural", "荣誉表彰")
    model = Honor
    scope_column = "获奖组织"
    scope_message = NOT_FOUND
    columns = (
        Column("荣誉类别", "kind", Choice(HonorKind.choices), required=True),
        Column("荣誉级别", "level", Choice(HonorLevel.choices), required=True),
        Column("荣誉名称", "title", Text(200), required=True),
        Column("年度", "year", Year(), required=True),
        Column("授予日期", "awarded_on", Date()),
        Column("授予单位", "issuer", Text(100), required=True),
        Column("获奖组织", "organization", Text(100),
               note=gettext_lazy("集体荣誉必填：组织代码或全称；个人荣誉留空（按获奖人授予时所在党组织登记）")),
        Column("获奖个人", "person", Text(50), note=gettext_lazy("个人荣誉必填：姓名")),
        Column("身份证号", "id_number", IdNumber(), sensitive=True,
               note=gettext_lazy("可选；同名人员有多位时必填")),
        Column("备注", "note", Text(), default=""),
    )
    notes = (gettext_lazy("集体荣誉（先进集体、党建工作样板支部、先进基层党组织、其他集体荣誉）填写获奖组织；"
                          "其余为个人荣誉，填写获奖个人。"),)

    def prepare(self, run, rows):
        user = run.user
        orgs = run.state["orgs"] = find_orgs(user, [r.values.get("organization") for r in rows])
        names = {r.values["person"] for r in rows if r.values.get("person")}
        people = defaultdict(list)
        for p in Person.objects.restrict(user, "view").filter(name__in=names):
            people[p.name].append(p)
        run.state["people"] = {}
        for row in rows:
            v = row.values
            collective = v.get("kind") in COLLECTIVE
            name = v.get("organization")
            if name and name not in orgs:
                row.error("获奖组织", _("“%(o)s”：%(r)s") % {"o": name, "r": NOT_FOUND})
            elif collective and v.get("kind") and not name:
                row.error("获奖组织", _("集体荣誉请填写获奖组织"))
            person_name = v.get("person")
            if not person_name:
                continue
            found = people.get(person_name, [])
            if v.get("id_number"):
                found = [p for p in found if p.id_number == v["id_number"]]
            if not found:
                row.error("获奖个人", _("“%(p)s”不存在或无权操作") % {"p": person_name})
            elif len(found) > 1:
                row.error("身份证号", _("有 %(n)s 位名为“%(p)s”的人员，请填写身份证号")
                          % {"n": len(found), "p": person_name})
            else:
                run.state["people"][row.number] = found[0]

    def create(self, run, row):
        v = dict(row.values)
        v.pop("id_number", None)
        v["person"] = run.state["people"].get(row.number)
        if v.get("organization"):
            v["organization"] = run.state["orgs"][v["organization"]]
        else:
            v.pop("organization", None)
        return [services.record_honor(run.user, **v)]


registry.register(BrandImport())
registry.register(HonorImport())
