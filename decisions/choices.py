from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    DIRECTION = "direction", _("办学方向")
    FACULTY = "faculty", _("教师队伍建设")
    INTERESTS = "interests", _("师生员工切身利益")
    CADRE_VETTING = "cadre_vetting", _("干部考察")
    TITLE_REVIEW = "title_review", _("职称评聘")
    APPRAISAL = "appraisal", _("绩效考核")
    AWARDS = "awards", _("评奖评优")
    RECRUITMENT = "recruitment", _("人才引进")
    OTHER = "other", _("其他事项")


# 前置把关: decided by the joint meeting only after the party committee agreed in a pre-review.
MAJOR = {Category.DIRECTION, Category.FACULTY, Category.INTERESTS}
# 第一关: decided only after the branch of each person concerned gave its opinion.
PERSONNEL = {Category.CADRE_VETTING, Category.TITLE_REVIEW, Category.APPRAISAL, Category.AWARDS,
             Category.RECRUITMENT}


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", pgettext_lazy("matter status", "已退回")
    PRE_REVIEWED = "pre_reviewed", _("已前置把关")
    DEFERRED = "deferred", _("暂缓决定")
    DECIDED = "decided", _("已决定")


class ReviewOutcome(models.TextChoices):
    AGREED = "agreed", _("同意")
    AGREED_WITH_CHANGES = "agreed_with_changes", _("修改后同意")
    RETURNED = "returned", _("退回")


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("通过")
    REJECTED = "rejected", _("不通过")
    DEFERRED = "deferred", _("暂缓")


class Opinion(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    PRE_REVIEW_AGREE = "pre_review_agree", _("前置把关同意")
    PRE_REVIEW_RETURN = "pre_review_return", _("前置把关退回")
    BRANCH_OPINION = "branch_opinion", _("支部意见")
    DECIDE = "decide", _("联席会议决定")
    DEFER = "defer", _("暂缓决定")
