"""Abstract bases every domain model uses. Core has no domain models and imports no domain app."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .scoping import ScopedQuerySet


class VersionedModel(models.Model):
    """A record with an edit version, so a stale edit cannot overwrite a newer one (see core.services)."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    # How the record hangs on the organisation tree, for restrict(): a path field for subtree roles,
    # an organisation-id field for single-organisation roles, and a person field for self-service.
    scope_path_field = None
    scope_org_field = None
    scope_person_field = None
    # Fields shown in the history tab and audit trail are the concrete fields minus these.
    audit_exclude = ("created_at", "updated_at")

    class Meta:
        abstract = True

    def scope_organization(self):
        """The organisation this record belongs to (None for installation-wide records)."""
        name = (self.scope_org_field or "").removesuffix("_id")
        return getattr(self, name, None) if name else None


class StoredFile(models.Model):
    """An uploaded file kept outside the web root by core.uploads: the bytes at `stored_path` (a name that
    says nothing about the file), served only by views that check the owning record's scope."""

    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_path = models.CharField(_("存储位置"), max_length=100, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class RuleVersion(models.Model):
    """A rule value in force from a date, everywhere or for one subtree. See core.rules."""

    key = models.CharField(_("规则"), max_length=100)
    effective_from = models.DateField(_("生效日期"))
    scope_path = models.CharField(_("适用组织范围(路径)"), max_length=255, blank=True, default="")
    value = models.JSONField(_("取值"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("规则版本")
        verbose_name_plural = pgettext_lazy("plural", "规则版本")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "scope_path", "effective_from"], name="rule_version_unique")
        ]

    def __str__(self):
        return f"{self.key}@{self.effective_from}"

    def get_absolute_url(self):
        return f"?key={self.key}"


def snapshot(obj):
    """The record's concrete field values as JSON-ready data, for before/after in the audit trail."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in getattr(obj, "audit_exclude", ()) or f.name == "password":
            continue
        value = getattr(obj, f.attname)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (int, float, str, bool, list, dict)):
            value = str(value)
        data[f.name] = value
    return data


class ImportBatchQuerySet(ScopedQuerySet):
    def restrict(self, user, action="view"):
        """A batch belongs to the user who uploaded it and to nobody else: it holds their uploaded file,
        which may name people outside anyone else's scope. Whether the user may import the target model
        at all is checked by the import views (ImportSpec.allowed)."""
        if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
            return self.none()
        return self.filter(user_id=user.pk)


class ImportBatch(models.Model):
    """One uploaded Excel file for one import kind: previewed, then committed in one transaction, and
    (the latest one per user and kind) rolled back. See core.imports."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        COMMITTED = "committed", _("已导入")
        ROLLED_BACK = "rolled_back", pgettext_lazy("import batch", "已撤销")

    kind = models.CharField(_("导入类型"), max_length=30, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    rolled_back_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PREVIEW)
    filename = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("文件内容"), editable=False)
    created_objects = models.JSONField(_("导入创建的记录"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    error_summary = models.TextField(_("错误摘要"), blank=True)
    preview = models.JSONField(_("预览"), default=dict, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = pgettext_lazy("plural", "导入批次")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "status"])]

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("imports:preview", args=[self.kind, self.pk])
