"""Masked display of ID numbers and phones (RULES.md): unmasked only where the viewer's role allows it,
and every unmasked view goes into the audit log."""
from audit.models import Action
from audit.services import record

from .identity import mask_id_number, mask_mobile

MASKERS = {"id_number": mask_id_number, "mobile": mask_mobile}


def can_see(user, person, field):
    return user.can(person.sensitive_fields[field], person)


def shown(user, person, field, *, log=True, where="详情页"):
    """The value to show `user`: the real one (logged) if allowed, else masked."""
    value = getattr(person, field)
    if value and can_see(user, person, field):
        if log:
            record(user, Action.REVEAL, person, note=f"{where}查看{person._meta.get_field(field).verbose_name}")
        return value
    return MASKERS[field](value)


def masked(person, field):
    return MASKERS[field](getattr(person, field))
