"""Errors services raise; views and the API turn them into 404, 403, 409 and 400 with the Chinese message."""
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401  (re-exported)
from django.http import Http404
from django.utils.translation import gettext as _


class NotInScope(Http404):
    """The object is outside the user's organisations. Always shown as plain 'not found' so that
    nothing about other organisations leaks, not even that the record exists."""

    def __init__(self):
        super().__init__(_("未找到该记录"))


class StaleEdit(Exception):
    """Someone else saved the record after this form was opened."""

    def __init__(self, message=None):
        message = message or _("该记录已被他人修改，请刷新后重新编辑（您的修改未保存）")
        super().__init__(message)
        self.message = message


class BusinessRuleError(Exception):
    """A write that the rules forbid (delete an organisation with members, move into a descendant...)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
