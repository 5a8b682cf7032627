from django.dispatch import receiver

from core.errors import BusinessRuleError
from orgs.signals import before_dissolve

from .models import Membership


@receiver(before_dissolve)
def refuse_dissolving_with_members(sender, organization, on_date, **kwargs):
    count = Membership.objects.on(on_date).filter(organization=organization).count()
    if count:
        raise BusinessRuleError(f"该组织在 {on_date} 仍有 {count} 名人员的组织关系，请先办理转出")
