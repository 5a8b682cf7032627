"""Account lockout from the failed logins the audit log already records."""
from django.conf import settings
from django.utils import timezone

from audit.models import Action, AuditEntry


def locked_until(username, now=None):
    """When the account unlocks, or None. Locked when `QIANGJI_LOCKOUT_FAILURES` failures fall within
    `QIANGJI_LOCKOUT_WINDOW` (after the last successful login); the lock lasts `QIANGJI_LOCKOUT_DURATION`
    from the failure that completed the count."""
    now = now or timezone.now()
    limit, window, duration = (settings.QIANGJI_LOCKOUT_FAILURES, settings.QIANGJI_LOCKOUT_WINDOW,
                               settings.QIANGJI_LOCKOUT_DURATION)
    since = now - duration - window
    entries = AuditEntry.objects.filter(model="accounts.user", object_repr=username, at__gte=since,
                                        action__in=[Action.LOGIN, Action.LOGIN_FAILED]).order_by("at", "id")
    failures = []
    for action, at in entries.values_list("action", "at"):
        if action == Action.LOGIN:
            failures = []
            continue
        failures.append(at)
        if len(failures) >= limit and failures[-1] - failures[-limit] <= window:
            unlock = failures[-1] + duration
            if unlock > now:
                return unlock
    return None
