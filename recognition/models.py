"""Brands (一学院一品牌 / 一支部一特色), model branches (样板支部, built over a two-year cycle: application,
mid-term review, acceptance, in batches), honours (先进集体 / 先进个人 / 样板支部 …) and role models (榜样).

Every record hangs on the tree by one organisation: a brand by the college or branch that builds it, a
model-branch cycle by its branch, an honour by its recipient organisation (for a person, the organisation
holding their membership when it was awarded), a role model likewise."""
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import StoredFile, VersionedModel
from core.scoping import ScopedQuerySet
from members.models import Person
from orgs.models import Organization

from .choices import BrandLevel, BrandStatus, Evaluation, HonorKind, HonorLevel, ModelBranchStage


class BrandProject(VersionedModel):
    level = models.CharField(_("层级"), max_length=20, choices=BrandLevel.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="brand_projects",
                                     verbose_name=_("建设组织"))
    name = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("项目内容"), blank=True)
    started_on = models.DateField(_("建设开始日期"))
    ends_on = models.DateField(_("建设结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=BrandStatus.choices, default=BrandStatus.PROPOSED,
                              db_index=True)
    approved_on = models.DateField(_("立项日期"), null=True, blank=True)
    evaluated_on = models.DateField(_("评估日期"), null=True, blank=True)
    evaluation = models.CharField(_("评估结果"), max_length=20, choices=Evaluation.choices, blank=True)
    evaluation_note = models.TextField(_("评估意见"), blank=True)

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"

    class Meta:
        verbose_name = _("党建品牌项目")
        verbose_name_plural = pgettext_lazy("plural", "党建品牌项目")
        ordering = ["-started_on", "organization__path", "id"]
        indexes = [models.Index(fields=["level", "status", "approved_on"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recognition:brand_detail", args=[self.pk])


class ChildQuerySet(ScopedQuerySet):
    """Materials are seen by whoever sees the record they belong to (`parent_field`)."""

    def restrict(self, user, action="view"):
        field = self.model.parent_field
        parent = self.model._meta.get_field(field).related_model
        return self.filter(**{f"{field}__in": parent.objects.restrict(user, action)})


class BrandMaterial(StoredFile):
    project = models.ForeignKey(BrandProject, on_delete=models.CASCADE, related_name="materials",
                                verbose_name=_("党建品牌项目"))
    parent_field = "project"
    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("品牌项目材料")
        verbose_name_plural = pgettext_lazy("plural", "品牌项目材料")
        ordering = ["uploaded_at", "id"]


class ModelBranchBatch(VersionedModel):
    """A batch (批次) of model-branch cultivation, run by one committee."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="model_branch_batches",
                                      verbose_name=_("组织单位"))
    name = models.CharField(_("批次名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("启动年度"))
    note = models.TextField(_("说明"), blank=True)

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"

    class Meta:
        verbose_name = _("样板支部创建批次")
        verbose_name_plural = pgettext_lazy("plural", "样板支部创建批次")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="model_branch_batch_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recognition:batch_detail", args=[self.pk])


class ModelBranch(VersionedModel):
    """One branch's two-year cycle in a batch: applied → cultivating (approved) → mid-term review passed →
    accepted (which names it a model branch: an Honor of kind model_branch) or failed."""

    batch = models.ForeignKey(ModelBranchBatch, on_delete=models.PROTECT, related_name="branches",
                              verbose_name=_("批次"))
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="model_branch_cycles",
                               verbose_name=_("党支部"))
    stage = models.CharField(_("阶段"), max_length=20, choices=ModelBranchStage.choices,
                             default=ModelBranchStage.APPLIED, db_index=True)
    plan = models.TextField(_("创建方案"), blank=True)
    applied_on = models.DateField(_("申报日期"))
    approved_on = models.DateField(_("立项日期"), null=True, blank=True)
    midterm_on = models.DateField(_("中期检查日期"), null=True, blank=True)
    midterm_note = models.TextField(_("中期检查意见"), blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    acceptance_note = models.TextField(_("验收意见"), blank=True)

    scope_path_field = "branch__path"
    scope_org_field = "branch_id"

    class Meta:
        verbose_name = _("样板支部创建")
        verbose_name_plural = pgettext_lazy("plural", "样板支部创建")
        ordering = ["batch", "branch__path"]
        constraints = [models.UniqueConstraint(fields=["batch", "branch"], name="model_branch_once_per_batch")]

    def __str__(self):
        return f"{self.batch} {self.branch}"

    def get_absolute_url(self):
        return reverse("recognition:model_branch_detail", args=[self.pk])


class ModelBranchMaterial(StoredFile):
    cycle = models.ForeignKey(ModelBranch, on_delete=models.CASCADE, related_name="materials",
                              verbose_name=_("样板支部创建"))
    stage = models.CharField(_("阶段"), max_length=20, choices=ModelBranchStage.choices)
    parent_field = "cycle"
    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("样板支部创建材料")
        verbose_name_plural = pgettext_lazy("plural", "样板支部创建材料")
        ordering = ["uploaded_at", "id"]


class Honor(VersionedModel):
    kind = models.CharField(_("荣誉类别"), max_length=30, choices=HonorKind.choices)
    level = models.CharField(_("荣誉级别"), max_length=20, choices=HonorLevel.choices)
    title = models.CharField(_("荣誉名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    awarded_on = models.DateField(_("授予日期"), null=True, blank=True)
    issuer = models.CharField(_("授予单位"), max_length=100)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="honors",
                                     verbose_name=_("获奖组织"),
                                     help_text=_("集体荣誉为获奖组织；个人荣誉为获奖时所在党组织"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="honors",
                               verbose_name=_("获奖个人"))
    model_branch = models.OneToOneField(ModelBranch, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="honor", verbose_name=_("样板支部创建"))
    note = models.TextField(_("备注"), blank=True)

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"
    scope_person_field = "person_id"

    class Meta:
        verbose_name = _("荣誉表彰")
        verbose_name_plural = pgettext_lazy("plural", "荣誉表彰")
        ordering = ["-year", "kind", "organization__path", "id"]
        indexes = [models.Index(fields=["kind", "year"])]

    def __str__(self):
        return f"{self.year} {self.title}（{self.person or self.organization}）"

    def get_absolute_url(self):
        return reverse("recognition:honor_detail", args=[self.pk])

    @property
    def recipient(self):
        return self.person or self.organization


class RoleModel(VersionedModel):
    """榜样: a member chosen as an example, with their deeds (典型事迹)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="role_models",
                               verbose_name=_("党员"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="role_models",
                                     verbose_name=_("所在党组织"))
    year = models.PositiveSmallIntegerField(_("选树年度"))
    title = models.CharField(_("榜样称号"), max_length=100)
    deeds = models.TextField(_("典型事迹"))
    honor = models.ForeignKey(Honor, on_delete=models.SET_NULL, null=True, blank=True, related_name="role_models",
                              verbose_name=_("相关荣誉"))

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"
    scope_person_field = "person_id"

    class Meta:
        verbose_name = _("榜样")
        verbose_name_plural = pgettext_lazy("plural", "榜样")
        ordering = ["-year", "organization__path", "id"]

    def __str__(self):
        return f"{self.person}（{self.title}）"

    def get_absolute_url(self):
        return reverse("recognition:role_model_detail", args=[self.pk])
