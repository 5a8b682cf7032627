from django.conf import settings


def navigation(request):
    """What the base template needs on every page: the user's roles, for showing the menus they can use."""
    user = getattr(request, "user", None)
    roles = user.roles() if user is not None and user.is_authenticated and hasattr(user, "roles") else set()
    return {"user_roles": roles, "LANGUAGES": settings.LANGUAGES}
