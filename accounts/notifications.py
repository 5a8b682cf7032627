"""In-app notifications: any app may tell a user something (a meeting period closing, a task due).

Notifications are messages derived from records, not records anyone edits, so they are written here
without an audit row (a reminder job would otherwise fill the audit trail with its own output); what a
user does about them is audited where it happens.
"""
import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import NotInScope

from .models import Notification, User

log = logging.getLogger(__name__)


def notify(user, title, *, body="", link="", dedupe_key=None):
    """Send `user` a notification; with a `dedupe_key`, a second call with the same key sends nothing.
    Returns the new notification, or None when the key was already used."""
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            sent = Notification.objects.create(user=user, title=title[:200], body=body, link=link[:500],
                                               dedupe_key=dedupe_key or None)
    except IntegrityError:
        # A concurrent run won the race for this key.
        return None
    mail([sent])
    return sent


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
    mail(new)
    return len(new)


def mail(notifications):
    """Mail each notification to its recipient when they have an address and mail is on
    (QIANGJI_NOTIFY_BY_EMAIL; the default backend prints to the console). A mail server that is down
    loses the mail, never the in-app notification."""
    if not settings.QIANGJI_NOTIFY_BY_EMAIL or not notifications:
        return 0
    addresses = dict(User.objects.filter(pk__in={n.user_id for n in notifications}, is_active=True)
                     .exclude(email="").values_list("pk", "email"))
    base = settings.QIANGJI_BASE_URL.rstrip("/")
    messages = [EmailMessage(subject=n.title, body=f"{n.body}\n\n{base}{n.link}" if n.link else n.body,
                             to=[addresses[n.user_id]]) for n in notifications if n.user_id in addresses]
    if not messages:
        return 0
    try:
        return get_connection(fail_silently=False).send_messages(messages) or 0
    except OSError:
        log.exception("notification mail not sent")
        return 0


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
