from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.errors import BusinessRuleError
from orgs.signals import before_dissolve

from .models import Membership


@receiver(before_dissolve)
def refuse_dissolving_with_members(sender, organization, on_date, **kwargs):
    count = Membership.objects.on(on_date).filter(organization=organization).count()
    if count:
        raise BusinessRuleError(_("该组织在 %(date)s 仍有 %(count)s 名人员的组织关系，请先办理转出") % {
            "date": on_date, "count": count})
