"""Term warnings for the home page: terms overdue or falling due within the warning window."""
from datetime import timedelta

from django.utils import timezone

from core.rules import rule_value

from .models import Term


def term_warnings(user, today=None, limit=20):
    today = today or timezone.localdate()
    # The widest warning window in force decides what to fetch; each term's own status decides the rest.
    window = rule_value("term.warn_days", today)
    open_terms = (Term.objects.restrict(user).filter(elected_on__isnull=True, organization__dissolved_on__isnull=True,
                                                     due_on__lte=today + timedelta(days=max(window, 365)))
                  .select_related("organization").order_by("due_on"))
    rows = [(t, t.status(today)) for t in open_terms[: limit * 3]]
    return [(t, s) for t, s in rows if s in ("overdue", "due_soon")][:limit]
