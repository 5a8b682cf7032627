from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import VersionedModel

from .choices import ALLOWED_CHILDREN, Composition, Kind, UnitKind

PATH_WIDTH = 8  # digits per id in `path`; 8 digits cover 99,999,999 organisations


def path_segment(pk):
    return f"{pk:0{PATH_WIDTH}d}/"


class Unit(VersionedModel):
    """The administrative unit (学院/部门) an organisation belongs to."""

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=UnitKind.choices, default=UnitKind.COLLEGE)
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行政单位")
        verbose_name_plural = pgettext_lazy("plural", "行政单位")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orgs:unit_edit", args=[self.pk])


class Organization(VersionedModel):
    """A node of the one organisation tree. `parent` is the truth; `path` and `depth` are derived
    (see orgs.services.move and the check_tree / rebuild_tree commands)."""

    code = models.CharField(_("组织代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级组织"))
    # C collation on PostgreSQL (migration 0002) so that range comparisons on the path use the index.
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations",
                             verbose_name=_("所属单位"))
    composition = models.CharField(_("构成"), max_length=30, choices=Composition.choices, blank=True)
    is_joint = models.BooleanField(_("联合支部"), default=False)
    is_temporary = models.BooleanField(_("临时支部"), default=False)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    note = models.TextField(_("备注"), blank=True)

    scope_path_field = "path"
    scope_org_field = "id"

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = pgettext_lazy("plural", "党组织")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orgs:organization_detail", args=[self.pk])

    def scope_organization(self):
        if self.pk is None:
            # A new organisation sits where its parent puts it: inside a subtree role's range if the parent
            # is, and never equal to any single organisation a role is held on.
            from types import SimpleNamespace

            return SimpleNamespace(pk=None, path=(self.parent.path if self.parent_id else "") + "new/")
        return self

    @property
    def is_active(self):
        return self.dissolved_on is None

    def clean(self):
        if self.parent_id:
            parent = self.parent
            if self.kind not in ALLOWED_CHILDREN.get(parent.kind, set()):
                raise ValidationError({"parent": _("%(parent)s下不能设立%(kind)s") % {
                    "parent": parent.get_kind_display(), "kind": self.get_kind_display()}})
            if parent.dissolved_on and not self.dissolved_on:
                raise ValidationError({"parent": _("上级组织已撤销")})
        elif self.kind != Kind.COMMITTEE:
            raise ValidationError({"parent": _("只有党委可以作为根组织，请选择上级组织")})
        if self.established_on and self.dissolved_on and self.dissolved_on < self.established_on:
            raise ValidationError({"dissolved_on": _("撤销日期不能早于成立日期")})
        if self.kind != Kind.BRANCH and (self.is_joint or self.is_temporary):
            raise ValidationError({"is_joint": _("联合支部、临时支部标记只适用于党支部")})

    def save(self, *args, **kwargs):
        if self.pk is not None:
            return super().save(*args, **kwargs)
        from django.db import transaction

        from .history import record_created

        with transaction.atomic():  # the organisation, its derived path and its path history together
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent_id else ""
            self.path = parent_path + path_segment(self.pk)
            self.depth = self.path.count("/") - 1
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            record_created(self)

    def subtree(self, include_self=True):
        from core.scoping import path_range

        lo, hi = path_range(self.path)
        qs = Organization.objects.filter(path__gte=lo, path__lt=hi)
        return qs if include_self else qs.exclude(pk=self.pk)


class PathHistory(models.Model):
    """Where an organisation hung in the tree over time: its `path` from `valid_from` (inclusive) until
    `valid_to` (exclusive; null = still). Written with the organisation by Organization.save() and by
    orgs.services.move_organization, read by orgs.history (figures and reports "as of" a past date).

    Not scoped and never shown on its own: it only tells which organisations a subtree held on a day."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="path_history",
                                     verbose_name=_("党组织"))
    # C collation on PostgreSQL (migration 0003), as Organization.path: range filters on it use the index.
    path = models.CharField(_("路径"), max_length=255)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("组织隶属历史")
        verbose_name_plural = pgettext_lazy("plural", "组织隶属历史")
        ordering = ["organization", "valid_from"]
        indexes = [
            # A subtree on a day: a range on path, the dates read from the same index.
            models.Index(fields=["path", "valid_from", "valid_to"], name="orgs_pathhist_path_dates"),
            models.Index(fields=["organization", "valid_from"], name="orgs_pathhist_org_from"),
            # What changed after a day (rollups.read: the few organisations a past day's tree differs by).
            models.Index(fields=["valid_from"], name="orgs_pathhist_from"),
            models.Index(fields=["valid_to"], name="orgs_pathhist_to"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.path} {self.valid_from}～{self.valid_to or ''}"


class Term(VersionedModel):
    """换届: one term of an organisation's committee. The due date follows the configured term length."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="terms",
                                     verbose_name=_("党组织"))
    number = models.PositiveSmallIntegerField(_("届次"), default=1)
    started_on = models.DateField(_("本届开始日期"))
    due_on = models.DateField(_("应换届日期"), editable=False)
    elected_on = models.DateField(_("实际换届日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = pgettext_lazy("plural", "届次")
        ordering = ["organization", "-started_on"]
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="term_number_unique")]

    def __str__(self):
        return f"{self.organization} 第{self.number}届"

    def get_absolute_url(self):
        return self.organization.get_absolute_url() + "?tab=committee"

    def save(self, *args, **kwargs):
        from .services import term_due_on

        self.due_on = term_due_on(self.organization, self.started_on)
        super().save(*args, **kwargs)

    def clean(self):
        if self.elected_on and self.started_on and self.elected_on < self.started_on:
            raise ValidationError({"elected_on": _("换届日期不能早于本届开始日期")})

    def status(self, today=None):
        """'done', 'overdue', 'due_soon' or 'current' (warning window from the term.warn_days rule)."""
        from datetime import date, timedelta

        from core.rules import rule_value

        today = today or date.today()
        if self.elected_on:
            return "done"
        if today > self.due_on:
            return "overdue"
        warn = rule_value("term.warn_days", today, self.organization.path)
        return "due_soon" if today >= self.due_on - timedelta(days=warn) else "current"
