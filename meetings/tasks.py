"""Background work of the meetings app (Django tasks API; `manage.py db_worker` runs the queue).

`send_meeting_reminders` tells each organisation's secretaries, shortly before a rule period closes,
that its meeting is still missing. Run daily (cron: `manage.py meeting_reminders`); running it again
the same day, or the next day within the same window, sends nothing twice (one notification per user,
organisation, rule and period).
"""
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.notifications import notify_many
from accounts.recipients import org_contacts
from orgs.models import Organization

from .compliance import OPEN, REMINDER_KEY, RuleBook, report


def secretaries(org_ids, today):
    """{organization_id: {user_id}}: each organisation's secretary and its secretary-role users."""
    return org_contacts(org_ids, today)


def due_reminders(today, orgs=None):
    """(organization, rule row, cell) for every open period closing within the reminder window with no
    meeting held yet."""
    orgs = Organization.objects.filter(dissolved_on__isnull=True) if orgs is None else orgs
    rules = RuleBook.for_meetings()
    for entry in report(orgs, today.year, today, rules=rules):
        org = entry.organization
        window = timedelta(days=rules.value(REMINDER_KEY, today, org.path))
        for row in entry.rows:
            for cell in row.cells:
                if cell.state == OPEN and cell.period.end - today <= window:
                    yield org, row, cell


def send_reminders(today=None, orgs=None):
    """Create the reminder notifications due on `today`; returns how many were created."""
    today = today or timezone.localdate()
    due = list(due_reminders(today, orgs))
    if not due:
        return 0
    recipients = secretaries({org.pk for org, _row, _cell in due}, today)
    items = []
    # Stored text is in the installation's language, whichever language the caller's request had.
    with translation.override(settings.LANGUAGE_CODE):
        for org, row, cell in due:
            items.extend(_reminder_items(org, row, cell, recipients.get(org.pk, ())))
    return notify_many(items)


def _reminder_items(org, row, cell, user_ids):
    link = f"{reverse('meetings:compliance')}?org={org.pk}&year={cell.period.start.year}"
    names = {"org": org.name, "period": cell.period.label, "kind": row.label,
             "start": cell.period.start.isoformat(), "end": cell.period.end.isoformat()}
    title = _("%(org)s：%(period)s%(kind)s尚未召开") % names
    body = _("%(org)s%(period)s（%(start)s至%(end)s）尚无已召开的%(kind)s记录，本期将于%(end)s结束，"
             "请按期召开并登记。") % names
    return [(user_id, title, body, link, f"meeting-reminder:{user_id}:{org.pk}:{row.kind}:{cell.period.start:%Y-%m}")
            for user_id in sorted(user_ids)]


@task()
def send_meeting_reminders(today=None):
    """The queued form of send_reminders; `today` is an ISO date (task arguments travel as JSON)."""
    return send_reminders(date.fromisoformat(today) if today else None)

