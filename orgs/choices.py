from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


# Which kinds may hang under which (a party group only inside a branch).
ALLOWED_CHILDREN = {
    Kind.COMMITTEE: {Kind.COMMITTEE, Kind.GENERAL_BRANCH, Kind.BRANCH},
    Kind.GENERAL_BRANCH: {Kind.BRANCH},
    Kind.BRANCH: {Kind.GROUP},
    Kind.GROUP: set(),
}


class Composition(models.TextChoices):
    TEACHER = "teacher", _("教工")
    STUDENT = "student", _("学生")
    STAFF = "staff", _("职工")
    RETIREE = "retiree", _("离退休")
    MASTER_PHD_JOINT = "master_phd_joint", _("硕博联合")
    TEACHER_STUDENT_JOINT = "teacher_student_joint", _("师生联合")
    MIXED = "mixed", _("混合")


# Branches whose secretary is expected to be a dual leader (双带头人): teacher branches and the joint
# teacher-student branches, whose secretary is a teacher.
TEACHER_LED = {Composition.TEACHER, Composition.TEACHER_STUDENT_JOINT}


class UnitKind(models.TextChoices):
    COLLEGE = "college", _("学院")
    DEPARTMENT = "department", _("部门")
    OTHER = "other", _("其他")
