"""Who is told about an organisation's business: the accounts of its current secretary (committee seat)
and the users holding one of the given roles on that very organisation (not its ancestors: the
university's administrators are not paged for every branch)."""
from django.db.models import Q

from members.models import CommitteeSeat

from .models import RoleAssignment
from .roles import Role


def org_contacts(org_ids, today, roles=(Role.SECRETARY,)):
    """{organization_id: {user_id}} for the organisations in `org_ids`. Two queries."""
    found = {}
    seats = (CommitteeSeat.objects.filter(organization_id__in=org_ids, post="secretary", started_on__lte=today)
             .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
             .filter(person__account__isnull=False, person__account__is_active=True)
             .values_list("organization_id", "person__account__id"))
    for org_id, user_id in seats:
        found.setdefault(org_id, set()).add(user_id)
    assigned = (RoleAssignment.objects.filter(organization_id__in=org_ids, role__in=list(roles), user__is_active=True)
                .values_list("organization_id", "user_id"))
    for org_id, user_id in assigned:
        found.setdefault(org_id, set()).add(user_id)
    return found
