"""Leader–branch liaison (一对一联系) and branch visits (问诊把脉 / 调研走访).

A liaison is a leader's link to one branch from a day until a day (exclusive; open = still). A visit is a
dated record of leaders hearing a branch; the problems it found are followed up here or as ledger tasks.
Both hang on the tree by the branch, so a branch's secretary sees who liaises with and who visited it."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import VersionedModel
from core.scoping import ScopedQuerySet
from ledgers.models import Task
from members.models import Person
from orgs.models import Organization

from .choices import ProblemStatus


class LiaisonQuerySet(ScopedQuerySet):
    def on(self, day):
        """Liaisons in force on `day`."""
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))

    def overlapping(self, start, end):
        """Liaisons whose period [valid_from, valid_to) meets [start, end) (end None = open)."""
        qs = self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        return qs if end is None else qs.filter(valid_from__lt=end)


class Liaison(VersionedModel):
    leader = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="liaisons",
                               verbose_name=_("联系领导"))
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="liaisons",
                               verbose_name=_("联系党支部"))
    valid_from = models.DateField(_("联系开始日期"))
    valid_to = models.DateField(_("联系结束日期"), null=True, blank=True,
                                help_text=_("不含当日；空表示仍在联系"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = LiaisonQuerySet.as_manager()
    scope_path_field = "branch__path"
    scope_org_field = "branch_id"
    scope_person_field = "leader_id"

    class Meta:
        verbose_name = _("联系支部")
        verbose_name_plural = pgettext_lazy("plural", "联系支部")
        ordering = ["branch__path", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                                   name="liaison_valid_range"),
        ]
        indexes = [models.Index(fields=["leader", "valid_from"]), models.Index(fields=["branch", "valid_from"])]

    def __str__(self):
        return f"{self.leader} → {self.branch}"

    def get_absolute_url(self):
        return reverse("liaison:liaison_detail", args=[self.pk])

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("联系结束日期须晚于开始日期")})


class BranchVisit(VersionedModel):
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="visits",
                               verbose_name=_("走访党支部"))
    visited_on = models.DateField(_("走访日期"), db_index=True)
    leaders = models.ManyToManyField(Person, related_name="branch_visits", verbose_name=_("走访领导"))
    heard = models.TextField(_("听取情况"), blank=True)
    findings = models.TextField(_("发现问题（概述）"), blank=True)
    # The top-level organisation (the sharding key; kept by orgs.top): an integer, not a key across shards.
    top_id = models.IntegerField(_("顶层组织"), null=True, editable=False, db_index=True)

    scope_path_field = "branch__path"
    scope_org_field = "branch_id"
    audit_exclude = (*VersionedModel.audit_exclude, "top_id")  # derived, like the path

    class Meta:
        verbose_name = _("调研走访")
        verbose_name_plural = pgettext_lazy("plural", "调研走访")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["branch", "visited_on"])]

    def __str__(self):
        return f"{self.branch} {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("liaison:visit_detail", args=[self.pk])


class ProblemQuerySet(ScopedQuerySet):
    """A problem is seen by whoever sees its visit."""

    def restrict(self, user, action="view"):
        return self.filter(visit__in=BranchVisit.objects.restrict(user, action))


class Problem(VersionedModel):
    """One problem a visit found: followed up here (resolved with a note) or handed to a ledger task."""

    visit = models.ForeignKey(BranchVisit, on_delete=models.CASCADE, related_name="problems",
                              verbose_name=_("调研走访"))
    description = models.TextField(_("问题"))
    status = models.CharField(_("整改状态"), max_length=20, choices=ProblemStatus.choices,
                              default=ProblemStatus.OPEN, db_index=True)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, null=True, blank=True, related_name="visit_problems",
                             verbose_name=_("对应任务"))
    resolved_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    resolution = models.TextField(_("整改情况"), blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访发现问题")
        verbose_name_plural = pgettext_lazy("plural", "走访发现问题")
        ordering = ["visit", "id"]

    def __str__(self):
        return self.description[:60]

    def get_absolute_url(self):
        return self.visit.get_absolute_url() + f"#problem-{self.pk}"

    def scope_organization(self):
        return self.visit.branch
