from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BrandLevel(models.TextChoices):
    COLLEGE = "college", _("一学院一品牌")
    BRANCH = "branch", _("一支部一特色")


class BrandStatus(models.TextChoices):
    PROPOSED = "proposed", _("申报中")
    APPROVED = "approved", pgettext_lazy("brand status", "已立项")
    BUILDING = "building", _("建设中")
    EVALUATED = "evaluated", _("已评估")
    REJECTED = "rejected", _("未立项")


class BrandAction(models.TextChoices):
    APPROVE = "approve", _("立项")
    REJECT = "reject", _("不予立项")
    START = "start", _("开始建设")
    EVALUATE = "evaluate", _("评估")


class Evaluation(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")


class ModelBranchStage(models.TextChoices):
    APPLIED = "applied", _("已申报")
    CULTIVATING = "cultivating", _("培育创建中")
    MIDTERM_PASSED = "midterm_passed", _("中期检查通过")
    ACCEPTED = "accepted", _("验收通过")
    FAILED = "failed", _("未通过")


class ModelBranchAction(models.TextChoices):
    APPROVE = "approve", _("确定为培育创建单位")
    MIDTERM = "midterm", _("中期检查")
    ACCEPT = "accept", _("验收")


class HonorKind(models.TextChoices):
    ADVANCED_COLLECTIVE = "advanced_collective", _("先进集体")
    ADVANCED_INDIVIDUAL = "advanced_individual", _("先进个人")
    MODEL_BRANCH = "model_branch", _("党建工作样板支部")
    ADVANCED_ORGANIZATION = "advanced_organization", _("先进基层党组织")
    EXCELLENT_MEMBER = "excellent_member", _("优秀共产党员")
    EXCELLENT_WORKER = "excellent_worker", _("优秀党务工作者")
    OTHER_COLLECTIVE = "other_collective", _("其他集体荣誉")
    OTHER_INDIVIDUAL = "other_individual", _("其他个人荣誉")


# Honours given to an organisation; the others go to a person.
COLLECTIVE = {HonorKind.ADVANCED_COLLECTIVE, HonorKind.MODEL_BRANCH, HonorKind.ADVANCED_ORGANIZATION,
              HonorKind.OTHER_COLLECTIVE}


class HonorLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省部级")
    MUNICIPAL = "municipal", _("市级")
    UNIVERSITY = "university", _("校级")
    COLLEGE = "college", _("院级")
