"""In-app notifications: any app may tell a user something (a meeting period closing, a task due).

Notifications are messages derived from records, not records anyone edits, so they are written here
without an audit row (a reminder job would otherwise fill the audit trail with its own output); what a
user does about them is audited where it happens.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import NotInScope

from .models import Notification


def notify(user, title, *, body="", link="", dedupe_key=None):
    """Send `user` a notification; with a `dedupe_key`, a second call with the same key sends nothing.
    Returns the new notification, or None when the key was already used."""
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(user=user, title=title[:200], body=body, link=link[:500],
                                               dedupe_key=dedupe_key or None)
    except IntegrityError:
        # A concurrent run won the race for this key.
        return None


def notify_many(items):
    """Send several at once: items are (user_id, title, body, link, dedupe_key). Keys already used are
    skipped. Returns how many were sent."""
    items = list({i[4]: i for i in items}.values())
    keys = [i[4] for i in items if i[4]]
    used = set()
    for start in range(0, len(keys), 500):  # SQLite's limit on query parameters
        used |= set(Notification.objects.filter(dedupe_key__in=keys[start:start + 500])
                    .values_list("dedupe_key", flat=True))
    new = [Notification(user_id=u, title=t[:200], body=b, link=lk[:500], dedupe_key=k or None)
           for u, t, b, lk, k in items if not k or k not in used]
    Notification.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def unread_count(user):
    return Notification.objects.restrict(user).unread().count()


def mark_read(user, notification_id=None):
    """Mark one of the user's notifications read (or all of them); another user's is not found."""
    qs = Notification.objects.restrict(user).unread()
    if notification_id is not None:
        if not Notification.objects.restrict(user).filter(pk=notification_id).exists():
            raise NotInScope()
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
