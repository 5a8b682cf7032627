"""Import of meeting records from Excel, one row per meeting, in the layout branches keep their sheets in
(core.imports does the file, preview, commit and rollback); `export_rows` writes the same layout, so a
file exported, edited and imported again works. Attendance per person is not imported here: a count in
a sheet cannot be checked against the records of the day, while attendance entered on the meeting can."""
import re
from collections import Counter
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.imports import CellError, Choice, Column, Date, ImportSpec, Text, YesNo, display, registry
from core.scoping import path_range
from members.identity import InvalidIdentity, parse_id_number
from members.models import Membership, Person
from orgs.models import Organization

from . import services
from .choices import HELD_BY, Kind, Status
from .models import Campaign, Meeting

TOPIC_SEPARATORS = re.compile(r"[；;\n]+")
TIME_TEXT = re.compile(r"^(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?(?:[:：](\d{1,2}))?$")
DUPLICATE_HINT = gettext_lazy("如确非重复，请在“确认重复”列填“是”")


class Time:
    """A time cell, or text as 14:30 or 14时30分."""

    def __call__(self, value):
        if isinstance(value, time):
            return value.replace(microsecond=0)
        if isinstance(value, datetime):
            return value.time().replace(microsecond=0)
        if isinstance(value, float) and 0 <= value < 1:  # Excel keeps a time as a fraction of a day
            seconds = round(value * 86400)
            return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
        match = TIME_TEXT.match(display(value).strip())
        if match:
            hour, minute, second = (int(g or 0) for g in match.groups())
            if hour < 24 and minute < 60 and second < 60:
                return time(hour, minute, second)
        raise CellError(_("“%(text)s”不是有效时间，请写成如 14:30") % {"text": display(value)})

    def describe(self):
        return _("时间，如 14:30（也可用时间单元格）")


def topics(text):
    return [t.strip() for t in TOPIC_SEPARATORS.split(text or "") if t.strip()]


class MeetingImport(ImportSpec):
    kind = "meetings"
    title = pgettext_lazy("plural", "会议记录")
    model = Meeting
    scope_column = "组织代码"
    columns = (
        Column("组织代码", "organization", Text(32), required=True,
               note=gettext_lazy("召开会议的组织，须为您有权管理的组织")),
        Column("会议类别", "kind", Choice(Kind.choices), required=True),
        Column("扩大会议", "enlarged", YesNo(), default=False, note=gettext_lazy("只适用于党委会")),
        Column("日期", "held_on", Date(allow_future=True), required=True,
               note=gettext_lazy("已召开的会议不能晚于今天，且须在组织成立之后、撤销之前")),
        Column("开始时间", "starts_at", Time()),
        Column("地点", "place", Text(100), default=""),
        Column("主题", "title", Text(200), required=True),
        Column("状态", "status", Choice(Status.choices), default=Status.HELD,
               note=gettext_lazy("留空为“已召开”；尚未召开的会议填“计划”")),
        Column("主持人", "host", Text(50),
               note=gettext_lazy("姓名，或重名时填写身份证号；须为您有权查看的人员")),
        Column("第一议题", "first_topic", Text(200),
               note=gettext_lazy("会议的第一个议题，即“第一议题”学习的内容；没有则留空")),
        Column("其他议题", "other_topics", Text(2000), default="",
               note=gettext_lazy("按顺序填写，用“；”分隔")),
        Column("主题教育", "campaign", Text(100), note=gettext_lazy("会议所属的主题教育名称，没有则留空")),
        Column("确认重复", "confirm_duplicate", YesNo(), default=False,
               note=gettext_lazy("同一组织同一天已有同类会议（系统中或本文件前面的行）时，须填“是”才导入")),
    )
    notes = (
        gettext_lazy("每行一次会议。出席情况不在此导入：请在会议页面逐人登记出席、请假（含事由）或缺席，"
                     "应到人员由会议当天的党员、委员或中心组名单得出。"),
        gettext_lazy("议题的学习材料、会议记录和决议事项也请在会议页面填写。"),
        gettext_lazy("可直接导入“会议”导出的 Excel：导出文件与本模板列相同。"),
    )

    # --- checks before any write: every reason pinned to its column ---

    def prepare(self, run, rows):
        user = run.user
        codes = {r.values["organization"] for r in rows if r.values.get("organization")}
        orgs = {o.code: o for o in Organization.objects.restrict(user, "view").filter(code__in=codes)}
        run.state.update(orgs=orgs, hosts={}, campaigns={})
        existing = self._existing(user, orgs.values(), rows)
        first_in_file = {}
        for row in rows:
            v = row.values
            org = self._organization(user, row, orgs)
            day, kind = v.get("held_on"), v.get("kind")
            if org is None or not kind or not day:
                continue
            self._check_meeting(row, org, kind, day)
            v["agenda"] = self._agenda(row)
            if v.get("host"):
                run.state["hosts"][row.number] = self._host(user, row, org, day)
            if v.get("campaign"):
                run.state["campaigns"][row.number] = self._campaign(user, row, org, day)
            key = (org.pk, kind, day)
            if not v.get("confirm_duplicate"):
                if key in existing:
                    row.error("日期", _("%(org)s 在 %(day)s 已有一次%(kind)s，疑似重复登记；%(hint)s") % {
                        "org": org.name, "day": f"{day:%Y-%m-%d}", "kind": Kind(kind).label, "hint": DUPLICATE_HINT})
                elif key in first_in_file:
                    row.error("日期", _("与第 %(n)s 行是同一组织同一天的同类会议，疑似重复；%(hint)s") % {
                        "n": first_in_file[key].number, "hint": DUPLICATE_HINT})
            first_in_file.setdefault(key, row)

    @staticmethod
    def _existing(user, orgs, rows):
        days = {r.values["held_on"] for r in rows if r.values.get("held_on")}
        return set(Meeting.objects.restrict(user, "view").filter(organization__in=list(orgs), held_on__in=days)
                   .values_list("organization_id", "kind", "held_on"))

    def _organization(self, user, row, orgs):
        code = row.values.get("organization")
        if not code:
            return None
        org = orgs.get(code)
        probe = Meeting(organization=org) if org else None
        if org is None or not (user.can("add", probe) and user.can("import", probe)):
            row.error("组织代码", _("“%(code)s”：%(reason)s") % {"code": code, "reason": self.scope_message})
            return None
        return org

    @staticmethod
    def _check_meeting(row, org, kind, day):
        v = row.values
        if org.kind not in HELD_BY[kind]:
            row.error("会议类别", _("%(org)s 不召开%(kind)s") % {"org": org.name, "kind": Kind(kind).label})
        if v.get("enlarged") and kind != Kind.COMMITTEE_MEETING:
            row.error("扩大会议", _("只有党委会可以标记为扩大会议"))
        if v.get("status") == Status.HELD and day > timezone.localdate():
            row.error("日期", _("会议日期在今天之后，不能标记为已召开（尚未召开的会议请将状态填为“计划”）"))
        if org.established_on and day < org.established_on:
            row.error("日期", _("会议日期早于%(org)s的成立日期（%(date)s）") % {
                "org": org.name, "date": f"{org.established_on:%Y-%m-%d}"})
        if org.dissolved_on and day >= org.dissolved_on:
            row.error("日期", _("%(org)s 已于 %(date)s 撤销") % {"org": org.name,
                                                            "date": f"{org.dissolved_on:%Y-%m-%d}"})

    @staticmethod
    def _agenda(row):
        agenda = []
        if row.values.get("first_topic"):
            agenda.append({"title": row.values["first_topic"], "is_first_topic": True})
        for title in topics(row.values.get("other_topics")):
            if len(title) > 200:
                row.error("其他议题", _("每个议题不能超过 200 个字（“%(start)s……”）") % {"start": title[:10]})
            agenda.append({"title": title[:200]})
        return agenda

    @staticmethod
    def _host(user, row, org, day):
        text = row.values["host"]
        people = Person.objects.restrict(user, "view")
        if len(text) == 18 and text[:17].isdigit():
            try:
                found = list(people.filter(id_number=parse_id_number(text)[0]))
            except InvalidIdentity as exc:
                row.error("主持人", str(exc))
                return None
        else:
            found = list(people.filter(name=text)[:20])
            if len(found) > 1:
                # Namesakes: the one in the meeting's organisation on the day.
                lo, hi = path_range((org.parent if org.kind == "group" else org).path)
                ids = set(Membership.objects.restrict(user, "view").on(day).filter(
                    person__in=found, organization__path__gte=lo, organization__path__lt=hi)
                    .values_list("person_id", flat=True))
                found = [p for p in found if p.pk in ids]
        if len(found) == 1:
            return found[0]
        if found:
            row.error("主持人", _("有多名人员叫“%(name)s”，请改填主持人的身份证号") % {"name": text})
        else:
            row.error("主持人", _("未找到人员“%(name)s”，或您无权查看") % {"name": text})
        return None

    @staticmethod
    def _campaign(user, row, org, day):
        name = row.values["campaign"]
        found = [c for c in Campaign.objects.restrict(user, "view").select_related("organization")
                 .filter(name=name) if org.path.startswith(c.organization.path)]
        if len(found) > 1:
            found = [c for c in found if c.starts_on <= day <= c.ends_on]
        if len(found) != 1:
            message = (_("有多个名为“%(name)s”的主题教育，无法确定") if found else
                       _("未找到适用于该组织的主题教育“%(name)s”")) % {"name": name}
            row.error("主题教育", message)
            return None
        campaign = found[0]
        if not (campaign.starts_on <= day <= campaign.ends_on):
            row.error("主题教育", _("会议日期不在“%(c)s”的起止日期（%(start)s 至 %(end)s）内") % {
                "c": campaign.name, "start": f"{campaign.starts_on:%Y-%m-%d}", "end": f"{campaign.ends_on:%Y-%m-%d}"})
        return campaign

    # --- the write: through the service, which checks everything again ---

    def create(self, run, row):
        v = row.values
        meeting = services.create_meeting(
            run.user, kind=v["kind"], enlarged=v["enlarged"], organization=run.state["orgs"][v["organization"]],
            held_on=v["held_on"], starts_at=v["starts_at"], place=v["place"], title=v["title"], status=v["status"],
            host=run.state["hosts"].get(row.number), campaign=run.state["campaigns"].get(row.number),
            agenda=v["agenda"], confirm_duplicate=v["confirm_duplicate"])
        return [meeting]


SPEC = registry.register(MeetingImport())


def export_rows(queryset):
    """(headers, rows) of `queryset` in the import layout. The caller restricts the queryset; the second
    and later meetings of one organisation, kind and day carry 是 under 确认重复, so the file imports back."""
    headers = [c.header for c in SPEC.columns]
    qs = queryset.select_related("organization", "host", "campaign").prefetch_related("agenda").order_by(
        "held_on", "pk")
    seen = Counter()

    def rows():
        for m in qs.iterator(chunk_size=1000):
            agenda = list(m.agenda.all())
            first = agenda[0].title if agenda and agenda[0].is_first_topic else ""
            others = agenda[1:] if first else agenda
            key = (m.organization_id, m.kind, m.held_on)
            seen[key] += 1
            yield [m.organization.code, m.get_kind_display(), m.enlarged, m.held_on,
                   m.starts_at.strftime("%H:%M") if m.starts_at else "", m.place, m.title, m.get_status_display(),
                   m.host.name if m.host else "", first, "；".join(a.title for a in others),
                   m.campaign.name if m.campaign else "", seen[key] > 1]

    return headers, rows()
