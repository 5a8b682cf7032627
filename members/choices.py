from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class PartyStatus(models.TextChoices):
    NONE = "none", _("群众")
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    RETAINED = "retained", _("保留党籍")
    SUSPENDED = "suspended", _("停止党籍")
    LEFT = "left", _("已出党")


# Statuses that count as Party members in the organisation (for "members of X on date D").
MEMBER_STATUSES = {PartyStatus.PROBATIONARY, PartyStatus.FULL}


class Category(models.TextChoices):
    TEACHER = "teacher", _("教师")
    STUDENT = "student", _("学生")
    STAFF = "staff", _("职工")
    RETIREE = "retiree", _("离退休")


class Education(models.TextChoices):
    DOCTORATE = "doctorate", _("博士研究生")
    MASTER = "master", _("硕士研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专及以下")


class CadreLevel(models.TextChoices):
    NONE = "none", _("无")
    MIDDLE = "middle", _("中层")
    SENIOR = "senior", _("校级")


class Post(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")


class DualLeaderBasis(models.TextChoices):
    """What makes a teacher-branch secretary a dual leader (双带头人): a party leader who is also an
    academic leader."""
    ACADEMIC_LEADER = "academic_leader", _("学术带头人")
    DISCIPLINE_LEADER = "discipline_leader", _("学科（专业）带头人")
    TEACHING_LEADER = "teaching_leader", _("教学名师或教学骨干")
    SENIOR_TITLE = "senior_title", _("高级专业技术职称")
    OTHER = "other", _("其他业务骨干")
