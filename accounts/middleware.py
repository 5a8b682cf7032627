from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .roles import ADMIN_ROLES_NEEDING_TOTP

# Paths a user with a pending password change or second factor may still reach. Only the pages that
# finish (or abandon) the login: the rest of /accounts/ holds the administrators' pages, which the second
# factor must guard like any other. The API cannot redirect: it makes the same checks itself and answers
# 403 (core.api.api_gates, registered by accounts.api).
OPEN_PREFIXES = ("/static/", "/i18n/", "/api/", "/accounts/login/", "/accounts/logout/", "/accounts/password/",
                 "/accounts/totp/")


def pending_step(user):
    """The URL name of the login step this user must still finish, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.must_change_password:
        return "accounts:password_change"
    if user.has_role(*ADMIN_ROLES_NEEDING_TOTP) and not getattr(user, "is_verified", lambda: False)():
        return "accounts:totp"
    return None


class AccountSecurityMiddleware:
    """Forces the initial password change, and the TOTP second factor for the administrators."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(OPEN_PREFIXES):
            step = pending_step(request.user)
            if step:
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
