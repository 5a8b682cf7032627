"""督办 (follow-up): a daily job tells each open task's owners and managers when its deadline (or a
milestone's) is near or past. Run daily (cron: `manage.py ledger_followup`, queued for
`manage.py db_worker`); a second run the same day, or the next day, sends nothing twice: one notification
per user, task (or milestone), kind (due soon / overdue) and deadline — a moved deadline is news again.

Who is told: the owner organisation's secretary (seat) and its secretary / organisation-admin role
holders, the task's responsible leaders who have accounts, and the same contacts of the manager
organisation (the ledger's; a sub-task's parent owner).
"""
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.notifications import notify_many
from accounts.recipients import org_contacts
from accounts.roles import Role
from core.models import RuleVersion
from core.rules import RULE_DEFAULTS, RuleBook

from .choices import OWNER_OPEN
from .models import Milestone, Task

KEY = "ledgers.followup_days"
ROLES = (Role.SECRETARY, Role.ORG_ADMIN)


def _widest_window():
    values = [v for _since, v in RULE_DEFAULTS[KEY]]
    values += [v for v in RuleVersion.objects.filter(key=KEY).values_list("value", flat=True) if isinstance(v, int)]
    return max(values)


def due(today):
    """(kind, task, milestone or None, due date) for each open task or open milestone that is overdue or
    due within its owner's follow-up window on `today`."""
    book = RuleBook([KEY])
    horizon = today + timedelta(days=_widest_window())
    tasks = (Task.objects.filter(status__in=OWNER_OPEN, deadline__lte=horizon)
             .select_related("owner", "ledger__organization", "parent__owner").order_by("deadline", "pk"))
    for t in tasks:
        kind = _kind(t.deadline, today, book.value(KEY, today, t.owner.path))
        if kind:
            yield kind, t, None, t.deadline
    milestones = (Milestone.objects.filter(task__status__in=OWNER_OPEN, done_on__isnull=True, due_on__lte=horizon)
                  .select_related("task__owner", "task__ledger__organization", "task__parent__owner")
                  .order_by("due_on", "pk"))
    for m in milestones:
        kind = _kind(m.due_on, today, book.value(KEY, today, m.task.owner.path))
        if kind:
            yield kind, m.task, m, m.due_on


def _kind(day, today, window):
    if day < today:
        return "overdue"
    if day - today <= timedelta(days=window):
        return "due"
    return None


def recipients(items, today):
    """{task id: {user id}} for the tasks of `items`: owner and manager contacts, leaders' accounts."""
    tasks = {t.pk: t for _k, t, _m, _d in items}
    managers = {pk: (t.parent.owner_id if t.parent_id else t.ledger.organization_id) for pk, t in tasks.items()}
    contacts = org_contacts({t.owner_id for t in tasks.values()} | set(managers.values()), today, ROLES)
    leaders = {}
    for task_id, user_id in (Task.leaders.through.objects.filter(task_id__in=list(tasks))
                             .filter(person__account__isnull=False, person__account__is_active=True)
                             .values_list("task_id", "person__account__id")):
        leaders.setdefault(task_id, set()).add(user_id)
    return {pk: contacts.get(t.owner_id, set()) | contacts.get(managers[pk], set()) | leaders.get(pk, set())
            for pk, t in tasks.items()}


def send_followups(today=None):
    """Create the follow-up notifications due on `today`; returns how many were created."""
    today = today or timezone.localdate()
    items = list(due(today))
    if not items:
        return 0
    people = recipients(items, today)
    notes = []
    # Stored text is in the installation's language, whichever language the caller's request had.
    with translation.override(settings.LANGUAGE_CODE):
        for kind, t, milestone, day in items:
            title, body = _text(kind, t, milestone, day, today)
            what = f"m{milestone.pk}" if milestone else f"t{t.pk}"
            notes.extend((user_id, title, body, t.get_absolute_url(), f"followup:{kind}:{what}:{day:%Y%m%d}:{user_id}")
                         for user_id in sorted(people.get(t.pk, ())))
    return notify_many(notes)


def _text(kind, t, milestone, day, today):
    names = {"task": t.title, "owner": t.owner.name, "day": day.isoformat(), "ledger": t.ledger.name,
             "n": abs((day - today).days), "milestone": milestone.title if milestone else ""}
    if milestone is None and kind == "overdue":
        return (_("任务逾期：%(task)s") % names,
                _("%(owner)s承担的“%(task)s”（%(ledger)s）完成时限为%(day)s，已逾期%(n)s天，尚未提交完成。") % names)
    if milestone is None:
        return (_("任务即将到期：%(task)s") % names,
                _("%(owner)s承担的“%(task)s”（%(ledger)s）将于%(day)s到期（还有%(n)s天），请及时推进并提交完成情况。")
                % names)
    if kind == "overdue":
        return (_("时间节点逾期：%(milestone)s") % names,
                _("“%(task)s”的时间节点“%(milestone)s”时限为%(day)s，已逾期%(n)s天，尚未完成。") % names)
    return (_("时间节点即将到期：%(milestone)s") % names,
            _("“%(task)s”的时间节点“%(milestone)s”将于%(day)s到期（还有%(n)s天）。") % names)


@task()
def send_task_followups(today=None):
    """The queued form of send_followups; `today` is an ISO date (task arguments travel as JSON)."""
    return send_followups(date.fromisoformat(today) if today else None)
