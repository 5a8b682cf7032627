from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import ScopedQuerySet


class Action(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    MOVE = "move", _("移动")
    DISSOLVE = "dissolve", pgettext_lazy("dissolve an organisation", "撤销")
    TRANSFER = "transfer", _("组织关系变动")
    STATUS = "status", _("政治面貌变动")
    IMPORT = "import", _("导入")
    ROLLBACK = "rollback", _("撤销导入")
    EXPORT = "export", _("导出")
    REVEAL = "reveal", _("查看敏感信息")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    PASSWORD = "password", _("修改密码")
    GRANT = "grant", _("授予角色")
    REVOKE = "revoke", _("撤销角色")


class AuditQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise TypeError("审计记录不可修改")

    def delete(self):
        raise TypeError("审计记录不可删除")


class AuditEntry(models.Model):
    """One write (or sensitive read). Append-only: no code path edits or deletes an entry."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True, db_index=True)
    ip = models.CharField("IP", max_length=45, blank=True)
    action = models.CharField(_("动作"), max_length=20, choices=Action.choices, db_index=True)
    model = models.CharField(_("对象类型"), max_length=60, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = pgettext_lazy("plural", "审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("审计记录不可修改")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"/audit/?request_id={self.request_id}"

    def delete(self, *args, **kwargs):
        raise TypeError("审计记录不可删除")

    def changes(self):
        """(field, before, after) for each field that differs, for the history tab."""
        before, after = self.before or {}, self.after or {}
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        return [(k, before.get(k), after.get(k)) for k in keys]
