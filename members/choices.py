from django.db import models


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class PartyStatus(models.TextChoices):
    NONE = "none", "群众"
    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"
    RETAINED = "retained", "保留党籍"
    SUSPENDED = "suspended", "停止党籍"
    LEFT = "left", "已出党"


# Statuses that count as Party members in the organisation (for "members of X on date D").
MEMBER_STATUSES = {PartyStatus.PROBATIONARY, PartyStatus.FULL}


class Category(models.TextChoices):
    TEACHER = "teacher", "教师"
    STUDENT = "student", "学生"
    STAFF = "staff", "职工"
    RETIREE = "retiree", "离退休"


class Education(models.TextChoices):
    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专及以下"


class CadreLevel(models.TextChoices):
    NONE = "none", "无"
    MIDDLE = "middle", "中层"
    SENIOR = "senior", "校级"


class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
