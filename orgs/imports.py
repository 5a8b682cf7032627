"""Import of organisations from Excel (core.imports does the file, preview, commit and rollback)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.imports import Choice, Column, Date, ImportSpec, Text, YesNo, registry

from . import services
from .choices import ALLOWED_CHILDREN, Composition, Kind
from .models import Organization, Unit

KIND_LABELS = dict(Kind.choices)


class OrganizationImport(ImportSpec):
    kind = "orgs"
    title = pgettext_lazy("plural", "党组织")
    model = Organization
    scope_column = "上级组织代码"
    columns = (
        Column("组织代码", "code", Text(32), required=True, note=gettext_lazy("全系统唯一")),
        Column("名称", "name", Text(100), required=True),
        Column("简称", "short_name", Text(50), default=""),
        Column("类别", "kind", Choice(Kind.choices), required=True,
               note=gettext_lazy("党委下可设党委、党总支、党支部；党总支下设党支部；党支部下设党小组")),
        Column("上级组织代码", "parent", Text(32), required=True,
               note=gettext_lazy("须为您有权管理的组织，或本文件中写在前面的行的组织代码")),
        Column("所属单位代码", "unit", Text(32), note=gettext_lazy("行政单位（学院/部门）代码，可留空")),
        Column("构成", "composition", Choice(Composition.choices), default=""),
        Column("联合支部", "is_joint", YesNo(), default=False, note=gettext_lazy("只适用于党支部")),
        Column("临时支部", "is_temporary", YesNo(), default=False, note=gettext_lazy("只适用于党支部")),
        Column("成立日期", "established_on", Date()),
    )
    notes = (gettext_lazy("组织按行的顺序创建：下级组织的行须写在上级组织的行之后。"),)

    def prepare(self, run, rows):
        user = run.user
        first_row = {}  # code -> the first row that creates it
        for row in rows:
            code = row.values.get("code")
            if not code:
                continue
            if code in first_row:
                other = first_row[code]
                row.error("组织代码", _("组织代码与第 %(n)s 行重复") % {"n": other.number})
                other.error("组织代码", _("组织代码与第 %(n)s 行重复") % {"n": row.number})
            else:
                first_row[code] = row
        taken = set(Organization.objects  # scope: codes are unique everywhere; says "taken", never where
                    .filter(code__in=list(first_row)).values_list("code", flat=True))
        parent_codes = {r.values.get("parent") for r in rows if r.values.get("parent")}
        # A parent from the database must be one the user may add and import under.
        parents = {o.code: o for o in Organization.objects.restrict(user, "add")
                   .filter(code__in=list(parent_codes)).filter(
                       pk__in=Organization.objects.restrict(user, "import").values("pk"))}
        unit_codes = [r.values["unit"] for r in rows if r.values.get("unit")]
        units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}  # scope: installation-wide reference data
        run.state.update(parents=parents, units=units, created={})

        for row in rows:
            v = row.values
            if v.get("code") in taken:
                row.error("组织代码", _("组织代码已被使用"))
            if v.get("unit") and v["unit"] not in units:
                row.error("所属单位代码", _("单位代码不存在"))
            parent_code = v.get("parent")
            if not parent_code:
                continue
            earlier = first_row.get(parent_code)
            if earlier is row:
                row.error("上级组织代码", _("上级组织不能是本行的组织"))
                continue
            if earlier is not None:
                if earlier.number > row.number:
                    row.error("上级组织代码", _("上级组织（第 %(n)s 行）须写在本行之前") % {"n": earlier.number})
                elif earlier.errors:
                    row.error("上级组织代码", _("上级组织所在的第 %(n)s 行有错误") % {"n": earlier.number})
                parent_kind, dissolved = earlier.values.get("kind"), False
            elif parent_code in parents:
                parent_kind, dissolved = parents[parent_code].kind, bool(parents[parent_code].dissolved_on)
            else:
                row.error("上级组织代码", _("“%(code)s”：%(reason)s") % {"code": parent_code,
                                                                  "reason": self.scope_message})
                continue
            if dissolved:
                row.error("上级组织代码", _("上级组织已撤销"))
            if v.get("kind") and parent_kind and v["kind"] not in ALLOWED_CHILDREN.get(parent_kind, set()):
                row.error("类别", _("%(parent)s下不能设立%(kind)s") % {
                    "parent": KIND_LABELS[parent_kind], "kind": KIND_LABELS[v["kind"]]})

    def create(self, run, row):
        v = dict(row.values)
        created = run.state["created"]
        parent = created.get(v["parent"]) or run.state["parents"].get(v["parent"])
        if parent is None:
            row.error("上级组织代码", _("上级组织未能导入，本行无法导入"))
            return []
        v["parent"] = parent
        v["unit"] = run.state["units"].get(v["unit"]) if v.get("unit") else None
        org = services.create_organization(run.user, **v)
        created[org.code] = org
        return [org]


registry.register(OrganizationImport())
