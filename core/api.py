"""API basics the settings name: pagination, errors in Chinese, and who may use the API at all.

The scoped viewset every app's API uses is in core.viewsets: DRF imports DEFAULT_PAGINATION_CLASS from
here while rest_framework.generics is still loading, so this module must not import DRF's views."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import BusinessRuleError, StaleEdit


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    if isinstance(exc, StaleEdit):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, BusinessRuleError):
        return Response({"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到该记录"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("您没有执行此操作的权限"))
    return drf_exception_handler(exc, context)


# --- who may use the API at all --------------------------------------------------------------------

# Checks an upper app adds (accounts: initial password changed, administrators' second factor done).
# Each takes the request and returns a Chinese reason to refuse, or None. The web middleware does the
# same for pages; the API cannot redirect, so it answers 403 with the reason.
api_gates = []


class AccountReady(permissions.IsAuthenticated):
    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        for gate in api_gates:
            reason = gate(request)
            if reason:
                self.message = reason
                return False
        return True
