from django.db import models


class Kind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    GROUP = "group", "党小组"


# Which kinds may hang under which (a party group only inside a branch).
ALLOWED_CHILDREN = {
    Kind.COMMITTEE: {Kind.COMMITTEE, Kind.GENERAL_BRANCH, Kind.BRANCH},
    Kind.GENERAL_BRANCH: {Kind.BRANCH},
    Kind.BRANCH: {Kind.GROUP},
    Kind.GROUP: set(),
}


class Composition(models.TextChoices):
    TEACHER = "teacher", "教工"
    STUDENT = "student", "学生"
    STAFF = "staff", "职工"
    RETIREE = "retiree", "离退休"
    MASTER_PHD_JOINT = "master_phd_joint", "硕博联合"
    TEACHER_STUDENT_JOINT = "teacher_student_joint", "师生联合"
    MIXED = "mixed", "混合"


class UnitKind(models.TextChoices):
    COLLEGE = "college", "学院"
    DEPARTMENT = "department", "部门"
    OTHER = "other", "其他"
