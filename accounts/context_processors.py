def notifications(request):
    """`unread_notifications` for the bell in the page header: a lazy count, so pages that do not show
    it run no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    from django.utils.functional import SimpleLazyObject

    from .notifications import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
