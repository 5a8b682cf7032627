from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MEMBER_ASSEMBLY = "member_assembly", _("支部党员大会")
    BRANCH_COMMITTEE = "branch_committee", _("支部委员会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    COMMITTEE_MEETING = "committee_meeting", _("党委会")
    CENTRAL_GROUP_STUDY = "central_group_study", _("理论学习中心组学习")
    STUDY_SEMINAR = "study_seminar", _("集中学习研讨")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    JOINT_MEETING = "joint_meeting", _("党政联席会议")


# Which organisation kinds hold which meetings (a party lecture or theme day may also be held by a
# committee for its members; a seminar by any level).
HELD_BY = {
    Kind.MEMBER_ASSEMBLY: {"branch", "general_branch"},
    Kind.BRANCH_COMMITTEE: {"branch", "general_branch"},
    Kind.GROUP_MEETING: {"group"},
    Kind.PARTY_LECTURE: {"branch", "general_branch", "committee"},
    Kind.COMMITTEE_MEETING: {"committee"},
    Kind.CENTRAL_GROUP_STUDY: {"committee"},
    Kind.STUDY_SEMINAR: {"committee", "general_branch", "branch"},
    Kind.THEME_DAY: {"branch", "general_branch", "committee"},
    Kind.LIFE_MEETING: {"branch", "general_branch", "committee"},
    Kind.JOINT_MEETING: {"committee"},
}

# Who is expected: the organisation's members, its committee seats, or its central group's roster.
ATTENDEES_FROM = {
    Kind.MEMBER_ASSEMBLY: "members",
    Kind.GROUP_MEETING: "members",
    Kind.PARTY_LECTURE: "members",
    Kind.THEME_DAY: "members",
    Kind.LIFE_MEETING: "members",
    Kind.BRANCH_COMMITTEE: "seats",
    Kind.COMMITTEE_MEETING: "seats",
    Kind.JOINT_MEETING: "seats",
    Kind.CENTRAL_GROUP_STUDY: "roster",
    Kind.STUDY_SEMINAR: "seats",
}


class Status(models.TextChoices):
    PLANNED = "planned", _("计划")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")
