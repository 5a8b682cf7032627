"""Imports of people and of membership history from Excel (core.imports does the file, preview,
commit and rollback). The people import reads the columns of the people export (members.views), so a
file exported, edited and re-imported works; the export's extra columns are ignored."""
from collections import defaultdict
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from audit import services as audit
from core.imports import CellError, Choice, Column, Date, ImportSpec, Text, registry
from orgs.models import Organization

from . import bulk, services
from .choices import CadreLevel, Category, Education, PartyStatus
from .identity import InvalidIdentity, normalise_mobile, parse_id_number
from .models import Membership, Person

ID_AS_NUMBER = gettext_lazy("身份证号请以文本格式填写（Excel 把它存成了数字，末位 X 和后几位数字会丢失）")
MEMBERSHIP_KINDS = ("committee", "general_branch", "branch")
ID_CHUNK = 5000  # ID numbers per query: SQLite refuses more than 32,766 parameters


class IdNumber(Text):
    def __init__(self):
        super().__init__(numbers_message=ID_AS_NUMBER)

    def __call__(self, value):
        text = super().__call__(value)
        if "*" in text:
            raise CellError(_("身份证号已脱敏（含 * 号），请填写完整的身份证号"))
        try:
            return parse_id_number(text)[0]
        except InvalidIdentity as exc:
            raise CellError(str(exc)) from None

    def describe(self):
        return _("18 位身份证号，请以文本格式填写（模板中该列已设为文本）")


class Mobile(Text):
    def __call__(self, value):
        text = super().__call__(value)
        if "*" in text:
            raise CellError(_("手机号码已脱敏（含 * 号），请填写完整号码或留空"))
        try:
            return normalise_mobile(text)
        except InvalidIdentity as exc:
            raise CellError(str(exc)) from None

    def describe(self):
        return _("11 位中国大陆手机号码")


def duplicates(rows, field, header):
    """Name both rows of every value that appears twice in the file."""
    first = {}
    for row in rows:
        value = row.values.get(field)
        if not value:
            continue
        if value in first:
            row.error(header, _("%(column)s与第 %(n)s 行重复") % {"column": header, "n": first[value].number})
            first[value].error(header, _("%(column)s与第 %(n)s 行重复") % {"column": header, "n": row.number})
        else:
            first[value] = row


def check_org_dates(row, org, org_header, start, end=None):
    """The period [start, end) must lie within the organisation's life."""
    if org.established_on and start < org.established_on:
        row.error("转入日期",
                  _("转入日期早于该组织的成立日期（%(date)s）") % {"date": f"{org.established_on:%Y-%m-%d}"})
    if org.dissolved_on and (end is None or end > org.dissolved_on):
        row.error(org_header, _("该组织已于 %(date)s 撤销") % {"date": f"{org.dissolved_on:%Y-%m-%d}"})


class PersonImport(ImportSpec):
    kind = "people"
    title = pgettext_lazy("plural", "人员")
    model = Person
    scope_column = "所在组织代码"
    columns = (
        Column("姓名", "name", Text(50), required=True),
        Column("身份证号", "id_number", IdNumber(), required=True, sensitive=True,
               note=gettext_lazy("性别、出生日期取自身份证号")),
        Column("手机号码", "mobile", Mobile(), default=""),
        Column("民族", "ethnicity", Text(20), default="汉族", note=gettext_lazy("留空为汉族")),
        Column("学历", "education", Choice(Education.choices), default=""),
        Column("人员类别", "category", Choice(Category.choices), required=True),
        Column("职称/职务", "title", Text(50), default=""),
        Column("干部层级", "cadre_level", Choice(CadreLevel.choices), default=CadreLevel.NONE,
               note=gettext_lazy("留空为“无”")),
        Column("政治面貌", "party_status", Choice(PartyStatus.choices), required=True),
        Column("当前面貌起始日期", "status_since", Date()),
        Column("所在组织代码", "organization", Text(32), required=True,
               note=gettext_lazy("须为您有权管理的党支部、党总支或党委")),
        Column("转入日期", "joined_on", Date(), note=gettext_lazy("组织关系生效日期，留空为导入当天")),
    )
    notes = (gettext_lazy("可直接导入“人员”列表导出的 Excel：多出的列（性别、出生日期、所在组织名称）会被忽略；"
             "导出文件中已脱敏的身份证号（含 * 号）须改为完整号码。"),
             gettext_lazy("身份证号已在系统中登记的人员不能重复导入。"))

    def prepare(self, run, rows):
        user = run.user
        duplicates(rows, "id_number", "身份证号")
        ids = [r.values["id_number"] for r in rows if r.values.get("id_number")]
        registered = set()
        for start in range(0, len(ids), ID_CHUNK):
            registered.update(Person.objects  # scope: ID numbers are unique everywhere; says only "registered"
                              .filter(id_number__in=ids[start:start + ID_CHUNK]).values_list("id_number", flat=True))
        codes = {r.values["organization"] for r in rows if r.values.get("organization")}
        orgs = {o.code: o for o in Organization.objects.restrict(user, "view").filter(code__in=codes)}
        run.state["orgs"] = orgs
        for row in rows:
            v = row.values
            if v.get("id_number") in registered:
                row.error("身份证号", _("该身份证号已登记"))
            code = v.get("organization")
            if not code:
                continue
            org = orgs.get(code)
            probe = Person(organization=org) if org else None
            if org is None or not (user.can("add", probe) and user.can("import", probe)):
                row.error("所在组织代码", _("“%(code)s”：%(reason)s") % {"code": code, "reason": self.scope_message})
                continue
            if org.kind not in MEMBERSHIP_KINDS:
                row.error("所在组织代码", _("人员只能登记在党支部、党总支或党委，不能登记在党小组"))
            check_org_dates(row, org, "所在组织代码", v.get("joined_on") or date.today())

    def fields(self, run, row):
        v = dict(row.values, gender="", birth_date=None)
        v["organization"] = run.state["orgs"][v["organization"]]
        return v

    def create(self, run, row):
        person = services.create_person(run.user, **self.fields(run, row))
        return [person, *person.memberships.order_by("pk")]

    def check(self, run, row):
        run.state.setdefault("plans", {})[row.number] = bulk.plan_person(run.user, **self.fields(run, row))

    def create_many(self, run, rows):
        plans = run.state["plans"]
        created = bulk.create_people(run.user, (plans.pop(row.number) for row in rows))
        for row, (person, membership) in zip(rows, created, strict=True):
            row.created = [("members.person", person), ("members.membership", membership)]

    def rollback_blocker(self, obj):
        if isinstance(obj, Person):
            counts = Person.objects.filter(pk=obj.pk).aggregate(  # scope: rollback checked the right on obj
                m=Count("memberships", distinct=True), s=Count("status_changes", distinct=True))
            if counts["m"] > 1:
                return _("人员“%(person)s”在导入后已有新的组织关系（如组织关系转接），无法撤销本次导入") % {
                    "person": obj}
            if counts["s"] > 1:
                return _("人员“%(person)s”在导入后已有政治面貌变动，无法撤销本次导入") % {"person": obj}
        return None


class MembershipImport(ImportSpec):
    kind = "memberships"
    title = pgettext_lazy("plural", "组织关系")
    model = Membership
    scope_column = "组织代码"
    columns = (
        Column("身份证号", "person", IdNumber(), required=True, sensitive=True,
               note=gettext_lazy("须为您有权查看的已登记人员")),
        Column("组织代码", "organization", Text(32), required=True),
        Column("转入日期", "valid_from", Date(), required=True),
        Column("转出日期", "valid_to", Date(),
               note=gettext_lazy("留空表示当前组织关系（每人只能有一条，且须为其当前所在组织）")),
        Column("说明", "note", Text(200), default=""),
    )
    notes = (gettext_lazy("用于补录人员的历史组织关系；同一人员的各段组织关系时间不能重叠。"),
             gettext_lazy("调整人员当前所在组织请使用“组织关系转接”，不要用导入。"))

    def prepare(self, run, rows):
        user = run.user
        ids = {r.values["person"] for r in rows if r.values.get("person")}
        people = {p.id_number: p for p in Person.objects.restrict(user, "view").filter(id_number__in=ids)}
        codes = {r.values["organization"] for r in rows if r.values.get("organization")}
        orgs = {o.code: o for o in Organization.objects.restrict(user, "view").filter(code__in=codes)}
        # The whole history of each person, wherever it was, decides overlaps; only its dates are shown.
        existing = defaultdict(list)
        visible = list(people.values())
        for m in Membership.objects.filter(person__in=visible).order_by("valid_from"):  # scope: see above
            existing[m.person_id].append(m)
        run.state.update(people=people, orgs=orgs)
        in_file = defaultdict(list)
        for row in rows:
            v = row.values
            person = people.get(v.get("person"))
            if v.get("person") and person is None:
                row.error("身份证号", _("身份证号对应的人员不存在或无权操作"))
            org = orgs.get(v.get("organization"))
            if v.get("organization"):
                probe = Membership(organization=org) if org else None
                if org is None or not (user.can("add", probe) and user.can("import", probe)):
                    row.error("组织代码", _("“%(code)s”：%(reason)s") % {"code": v["organization"],
                                                                    "reason": self.scope_message})
                    org = None
                elif org.kind not in MEMBERSHIP_KINDS:
                    row.error("组织代码", _("组织关系只能在党支部、党总支或党委，不能在党小组"))
            start, end = v.get("valid_from"), v.get("valid_to")
            if start and end and end <= start:
                row.error("转出日期", _("转出日期须晚于转入日期"))
                continue
            if org and start:
                check_org_dates(row, org, "组织代码", start, end)
            if person is None or not start:
                continue
            if end is None:
                if any(m.valid_to is None for m in existing[person.pk]):
                    row.error("转出日期", _("该人员已有当前组织关系，本行转出日期不能为空；"
                                          "调整当前组织请使用“组织关系转接”"))
                    continue
                if org and org.pk != person.organization_id:
                    row.error("组织代码", _("转出日期为空表示当前组织关系，组织须为该人员当前所在组织；"
                                          "调整请使用“组织关系转接”"))
            for m in existing[person.pk]:
                if overlaps(start, end, m.valid_from, m.valid_to):
                    row.error("转入日期",
                              _("与该人员已有的组织关系（%(period)s）时间重叠") % {"period": period(m.valid_from,
                                                                                   m.valid_to)})
            for other in in_file[person.pk]:
                if overlaps(start, end, other.values["valid_from"], other.values["valid_to"]):
                    row.error("转入日期", _("与第 %(n)s 行的组织关系时间重叠") % {"n": other.number})
            in_file[person.pk].append(row)

    def create(self, run, row):
        v = row.values
        # Locks the person, so that a transfer cannot open a membership between the check and the write.
        pk = run.state["people"][v["person"]].pk  # found through restrict() in prepare()
        person = Person.objects.select_for_update().get(pk=pk)  # scope: a visible person, locked
        membership = Membership(person=person, organization=run.state["orgs"][v["organization"]],
                                valid_from=v["valid_from"], valid_to=v["valid_to"], note=v["note"])
        return [audit.create(run.user, membership, note="导入")]


def overlaps(a_from, a_to, b_from, b_to):
    """[from, to) periods, an empty `to` meaning still open."""
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def period(start, end):
    if end:
        return _("%(start)s 至 %(end)s") % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}
    return _("%(start)s 至今") % {"start": f"{start:%Y-%m-%d}"}


registry.register(PersonImport())
registry.register(MembershipImport())
