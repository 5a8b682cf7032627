from django.template.loader import render_to_string

from core.registry import home_panels

from .models import Organization
from .reminders import term_warnings


def overview_panel(request):
    visible = Organization.objects.restrict(request.user).filter(dissolved_on__isnull=True)
    counts = {kind: n for kind, n in _count_by_kind(visible)}
    if not counts:
        return None
    return render_to_string("orgs/_home_overview.html",
                            {"org_counts": counts, "warnings": term_warnings(request.user)}, request)


def _count_by_kind(qs):
    from django.db.models import Count

    return qs.values_list("kind").annotate(n=Count("pk")).order_by()


home_panels.register(overview_panel)
