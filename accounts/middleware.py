from django.shortcuts import redirect
from django.urls import reverse

from .roles import ADMIN_ROLES_NEEDING_TOTP

# Paths a user with a pending password change or second factor may still reach.
OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/")


class AccountSecurityMiddleware:
    """Forces the initial password change, and the TOTP second factor for the administrators."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES) \
                and not request.path.startswith("/api/"):
            if user.must_change_password:
                return redirect(f"{reverse('accounts:password_change')}?next={request.path}")
            if user.has_role(*ADMIN_ROLES_NEEDING_TOTP) and not user.is_verified():
                return redirect(f"{reverse('accounts:totp')}?next={request.path}")
        return self.get_response(request)
