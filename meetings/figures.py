"""The meeting figures (issue: organisational life and study). Each counts held meetings in a period.

Levels: "own" counts the organisation's own meetings (a committee's own committee meetings, its
leadership team's seminars); "subtree" counts the whole subtree; "below" the subtree without itself.
"""
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.figures import registry
from core.scoping import path_range

from .choices import Kind, Status
from .models import Attendance, Meeting

SECTION = "political"  # 政治引领: study and organisational life


def held(qs, period):
    return qs.filter(status=Status.HELD, held_on__gte=period.start, held_on__lte=period.end)


def subtree(qs, org, field="organization__path"):
    lo, hi = path_range(org.path)
    return qs.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})


def below(qs, org):
    return subtree(qs, org).exclude(organization=org)


@registry.register("meetings.first_topic.committee", _("党委（扩大）会“第一议题”学习"), _("次"), SECTION, Meeting,
                   _("本党委召开的党委会（含扩大会议）中第一个议题为“第一议题”学习的次数"))
def first_topic_committee(qs, org, period, as_of):
    return held(qs, period).filter(organization=org, kind=Kind.COMMITTEE_MEETING, has_first_topic=True)


@registry.register("meetings.central_group", _("各级党委理论学习中心组学习"), _("次"), SECTION, Meeting,
                   _("本组织及下级各党委召开的理论学习中心组学习次数"))
def central_group(qs, org, period, as_of):
    return subtree(held(qs, period), org).filter(kind=Kind.CENTRAL_GROUP_STUDY)


@registry.register("meetings.first_topic.branches", _("党支部“第一议题”学习"), _("次"), SECTION, Meeting,
                   _("下属各党支部召开的会议中第一个议题为“第一议题”学习的次数"))
def first_topic_branches(qs, org, period, as_of):
    return subtree(held(qs, period), org).filter(organization__kind="branch", has_first_topic=True)


@registry.register("meetings.seminars.leadership", _("领导班子集中学习研讨"), _("次"), SECTION, Meeting,
                   _("本党委领导班子在主题教育期间的集中学习研讨次数"))
def seminars_leadership(qs, org, period, as_of):
    return held(qs, period).filter(organization=org, kind=Kind.STUDY_SEMINAR, campaign__isnull=False)


@registry.register("meetings.seminars.units", _("各学院、各单位集中学习研讨"), _("次"), SECTION, Meeting,
                   _("下级各组织在主题教育期间的集中学习研讨次数"))
def seminars_units(qs, org, period, as_of):
    return below(held(qs, period), org).filter(kind=Kind.STUDY_SEMINAR, campaign__isnull=False)


@registry.register("meetings.theme_days", _("主题党日"), _("次"), SECTION, Meeting,
                   _("本组织及下级组织开展的主题党日次数"))
def theme_days(qs, org, period, as_of):
    return subtree(held(qs, period), org).filter(kind=Kind.THEME_DAY)


def _by_kind(kind):
    def builder(qs, org, period, as_of):
        return subtree(held(qs, period), org).filter(kind=kind)
    return builder


for _kind in Kind:
    registry.register(f"meetings.kind.{_kind.value}", _kind.label, _("次"), SECTION, Meeting,
                      _("本组织及下级组织召开的该类会议次数"))(_by_kind(_kind))


def attendance_rate(qs):
    counts = qs.aggregate(total=Count("pk"), present=Count("pk", filter=Q(status="present")))
    return round(100 * counts["present"] / counts["total"], 1) if counts["total"] else None


@registry.register("meetings.attendance_rate", _("会议出席率"), "%", SECTION, Attendance,
                   _("本组织及下级组织已召开会议的出席人次占应出席人次的比例"), aggregate=attendance_rate)
def attendance(qs, org, period, as_of):
    return subtree(qs.filter(meeting__status=Status.HELD, meeting__held_on__gte=period.start,
                             meeting__held_on__lte=period.end), org, "meeting__organization__path")
