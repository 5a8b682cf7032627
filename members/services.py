"""Every write to people, memberships, status and committee seats."""
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Action
from core.errors import BusinessRuleError
from core.scoping import ensure
from orgs.models import Organization

from .models import CommitteeSeat, Membership, Person, StatusChange


def _check_org_open(organization, on_date):
    if organization.dissolved_on and on_date >= organization.dissolved_on:
        raise BusinessRuleError(_("%(org)s 已于 %(date)s 撤销") % {"org": organization.name,
                                                               "date": organization.dissolved_on})
    if organization.established_on and on_date < organization.established_on:
        raise BusinessRuleError(_("%(org)s 成立于 %(date)s，日期不能早于成立日期") % {
            "org": organization.name, "date": organization.established_on})


def create_person(user, *, joined_on=None, **fields):
    """A new person in `organization`, with an open membership from `joined_on` (default today)."""
    joined_on = joined_on or date.today()
    with transaction.atomic():
        person = audit.create(user, Person(**fields))
        _check_org_open(person.organization, joined_on)
        membership = Membership(person=person, organization=person.organization, valid_from=joined_on)
        membership.full_clean()
        membership.save()
        StatusChange.objects.create(person=person, status=person.party_status,
                                    changed_on=person.status_since or joined_on, note="建档")
    return person


def update_person(user, person, changes, expected_version=None):
    if "organization" in changes or "organization_id" in changes:
        raise BusinessRuleError(_("调整所在组织请使用“组织关系转接”"))
    if "party_status" in changes:
        raise BusinessRuleError(_("政治面貌变动请使用“面貌变动”"))
    return audit.update(user, person, changes, expected_version=expected_version)


def change_status(user, person, status, on_date, note="", expected_version=None):
    if on_date > date.today():
        raise BusinessRuleError(_("变动日期不能晚于今天"))
    with transaction.atomic():
        last = person.status_changes.order_by("-changed_on", "-id").first()
        if last and on_date < last.changed_on:
            raise BusinessRuleError(_("变动日期不能早于上一次变动（%(date)s）") % {"date": last.changed_on})
        person = audit.update(user, person, {"party_status": status, "status_since": on_date},
                              expected_version=expected_version, audit_action=Action.STATUS, note=note)
        StatusChange.objects.create(person=person, status=status, changed_on=on_date, note=note)
    return person


def transfer(user, person, to_organization, on_date, note="", expected_version=None):
    """Close the open membership on `on_date` and open one in `to_organization` from that date."""
    with transaction.atomic():
        fresh = Person.objects.select_for_update().get(pk=person.pk)
        # Re-read the target too: it may have been dissolved or moved since the caller loaded it.
        to_organization = Organization.objects.select_for_update().get(pk=to_organization.pk)
        ensure(user, "change", fresh)
        # The receiving organisation must be in scope too: nobody pushes people into another's tree.
        ensure(user, "add", Person(organization=to_organization))
        if to_organization.pk == fresh.organization_id:
            raise BusinessRuleError(_("转入组织与当前组织相同"))
        if to_organization.kind not in ("branch", "general_branch", "committee"):
            raise BusinessRuleError(_("组织关系只能转入党支部、党总支或党委，不能转入党小组"))
        _check_org_open(to_organization, on_date)
        current = fresh.memberships.filter(valid_to__isnull=True).select_for_update().first()
        if current and on_date <= current.valid_from:
            raise BusinessRuleError(_("转接日期必须晚于本次转入日期（%(date)s）") % {"date": current.valid_from})
        if current:
            current.valid_to = on_date
            current.version += 1
            current.save(update_fields=["valid_to", "version", "updated_at"])
        Membership.objects.create(person=fresh, organization=to_organization, valid_from=on_date, note=note)
        updated = audit.update(user, fresh, {"organization": to_organization}, expected_version=expected_version,
                               action="change", audit_action=Action.TRANSFER,
                               note=note or f"{on_date} 转入 {to_organization.name}")
    return updated


def appoint(user, organization, person, post, started_on, is_dual_leader=False, dual_leader_basis="",
            dual_leader_note=""):
    seat = CommitteeSeat(organization=organization, person=person, post=post, started_on=started_on,
                         is_dual_leader=is_dual_leader, dual_leader_basis=dual_leader_basis,
                         dual_leader_note=dual_leader_note)
    with transaction.atomic():
        if post == "secretary" and CommitteeSeat.objects.filter(organization=organization, post="secretary",
                                                                ended_on__isnull=True).exists():
            raise BusinessRuleError(_("该组织已有在任书记，请先办理原书记离任"))
        return audit.create(user, seat)


def set_dual_leader(user, seat, is_dual_leader, basis="", note="", expected_version=None):
    """Mark (or unmark) a serving secretary as a dual leader (双带头人), with the basis; CommitteeSeat.clean
    refuses the flag on any seat but a teacher branch's secretary."""
    with transaction.atomic():
        if CommitteeSeat.objects.select_for_update().get(pk=seat.pk).ended_on:
            raise BusinessRuleError(_("该委员已离任，不能再认定“双带头人”"))
        return audit.update(user, seat, {"is_dual_leader": is_dual_leader,
                                         "dual_leader_basis": basis if is_dual_leader else "",
                                         "dual_leader_note": note if is_dual_leader else ""},
                            expected_version=expected_version)


def end_seat(user, seat, ended_on, expected_version=None):
    with transaction.atomic():
        if CommitteeSeat.objects.select_for_update().get(pk=seat.pk).ended_on:
            raise BusinessRuleError(_("该委员已离任"))
        return audit.update(user, seat, {"ended_on": ended_on}, expected_version=expected_version)


def members_on(organization, day, subtree=False):
    """People whose membership in `organization` (or its subtree) is in force on `day`: one query."""
    from core.scoping import path_range

    qs = Membership.objects.on(day)
    if subtree:
        lo, hi = path_range(organization.path)
        qs = qs.filter(organization__path__gte=lo, organization__path__lt=hi)
    else:
        qs = qs.filter(organization=organization)
    return Person.objects.filter(pk__in=qs.values("person_id"))

