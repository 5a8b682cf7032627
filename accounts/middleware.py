from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .roles import ADMIN_ROLES_NEEDING_TOTP

# Paths a user with a pending password change or second factor may still reach. Only the pages that
# finish (or abandon) the login: the rest of /accounts/ holds the administrators' pages, which the second
# factor must guard like any other.
OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/login/", "/accounts/logout/", "/accounts/password/",
                 "/accounts/totp/")


def pending_step(user):
    """(url name, reason) of the login step this user must still finish, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.must_change_password:
        return "accounts:password_change", "请先修改初始密码"
    if user.has_role(*ADMIN_ROLES_NEEDING_TOTP) and not getattr(user, "is_verified", lambda: False)():
        return "accounts:totp", "管理员账号请先在网页上完成二次验证"
    return None


def api_gate(request):
    """For core.api.api_gates: the API refuses (403, with the reason) an account that has not finished
    logging in, token or session alike."""
    step = pending_step(request.user)
    return step[1] if step else None


class AccountSecurityMiddleware:
    """Forces the initial password change, and the TOTP second factor for the administrators."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(OPEN_PREFIXES):
            step = pending_step(request.user)
            if step:
                if request.path.startswith("/api/"):
                    # A browser session that has not finished logging in gets no data from the API either.
                    return JsonResponse({"detail": step[1]}, status=403)
                return redirect(f"{reverse(step[0])}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
