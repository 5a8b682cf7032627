"""The membership figures (issue 5: "membership by category and status"). Each counts Party members of a
subtree on the as-of date, from the histories, so a past report shows who was a member where then:

- where: the membership in force on the as-of date (`Membership.objects.on(day)`), whose organisation was
  in the subtree on that date (`orgs.history.subtree_q`);
- status: the person's latest status change on or before the as-of date (`StatusChange`); a member is
  probationary or full (`MEMBER_STATUSES`);
- category: the person's category (teacher, student, staff, retiree) as recorded; it has no history.

The records behind each figure are the memberships counted (one a person: memberships never overlap).
The period does not select anything: a membership count is a stock, taken on the as-of date (by default
the period's last day).
"""
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.figures import registry
from orgs.history import subtree_q
from rollups.specs import count
from rollups.stocks import StockSource

from .choices import MEMBER_STATUSES, Category, PartyStatus
from .models import Membership, Person, StatusChange

SECTION = "grassroots"  # 基层组织建设


def _latest_change(as_of, person):
    """The person's latest status change by `as_of`, as a one-row subquery."""
    return (StatusChange.objects.filter(  # scope: only the restricted memberships' people (OuterRef)
        person=person, changed_on__lte=as_of).order_by("-changed_on", "-id")[:1])


def status_on(as_of):
    """The person's party status on `as_of`: their latest status change by then (None before the first)."""
    return Subquery(_latest_change(as_of, OuterRef("person_id")).values("status"))


def status_in(as_of, statuses):
    """Whether the person's status on `as_of` is one of `statuses`. An EXISTS rather than `status_on(...) IN
    (...)`: PostgreSQL guesses that such a comparison keeps 1 % of the memberships, plans a level-1 drill-down
    of thousands of members as if it held a few hundred, and materialises them all before the first page; it
    guesses an EXISTS keeps half."""
    latest = _latest_change(as_of, OuterRef(OuterRef("person_id"))).values("pk")
    return Exists(StatusChange.objects.filter(pk=Subquery(latest), status__in=sorted(statuses)))  # scope: as above


def members(qs, org, as_of, statuses=MEMBER_STATUSES):
    """Memberships in force on `as_of` in the subtree of `org` (as it was then) of people whose status on
    `as_of` is one of `statuses`."""
    return qs.on(as_of).filter(subtree_q(org, as_of, "organization")).filter(status_in(as_of, statuses))


# The stock roll-up behind the counts (rollups/stocks.py): members of each organisation on 31 December, kept
# for the last years. Opening or closing a membership, a status change and a person's category change the
# counts from their day on; the property tests compare the roll-up with the builders below.
def _membership_cells(m):
    return [(m.organization_id, m.valid_from)]


def _person_cells(person, since=None):
    rows = Membership.objects.filter(person_id=person.person_id if isinstance(person, StatusChange) else person.pk)
    if since is not None:
        rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since))
    return [(org_id, since or start) for org_id, start in rows.values_list("organization_id", "valid_from")]


MEMBERS = StockSource(
    "members", Membership, "organization",
    records=lambda day: Membership.objects.on(day).annotate(status_then=status_on(day)),
    follows=((Membership, _membership_cells), (Person, _person_cells),
             (StatusChange, lambda change: _person_cells(change, since=change.changed_on))))
COUNTED = Q(status_then__in=sorted(MEMBER_STATUSES))


@registry.register("members.total", _("党员总数"), _("名"), SECTION, Membership,
                   _("统计日组织关系在本组织及下级组织的正式党员和预备党员人数"), rollup=count(MEMBERS, COUNTED))
def members_total(qs, org, period, as_of):
    return members(qs, org, as_of)


def _by_status(status):
    def builder(qs, org, period, as_of):
        return members(qs, org, as_of, {status})
    return builder


# "members.status.full" (正式党员), "members.status.probationary" (预备党员).
for _status in (PartyStatus.FULL, PartyStatus.PROBATIONARY):
    registry.register(f"members.status.{_status.value}", _status.label, _("名"), SECTION, Membership,
                      _("统计日组织关系在本组织及下级组织、政治面貌为该类的党员人数"),
                      rollup=count(MEMBERS, Q(status_then=_status)))(_by_status(_status))


def _by_category(category):
    def builder(qs, org, period, as_of):
        return members(qs, org, as_of).filter(person__category=category)
    return builder


# "members.category.teacher" (教师党员), student, staff, retiree.
for _category in Category:
    registry.register(f"members.category.{_category.value}", format_lazy(_("{category}党员"), category=_category.label),
                      _("名"), SECTION, Membership,
                      _("统计日组织关系在本组织及下级组织的该类人员中的党员（正式党员和预备党员）人数"),
                      rollup=count(MEMBERS, COUNTED & Q(person__category=_category)))(_by_category(_category))
