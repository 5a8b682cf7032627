"""The coverage rules (全覆盖) for a subtree on a day, one place for the coverage page and the figures:

- every branch has a liaison leader (rule `liaison.branch_needs_leader`);
- every middle-or-senior leader who is a member liaises with exactly one branch (`liaison.leader_needs_branch`);
- every teacher-led branch's secretary is a dual leader (`liaison.dual_leader_required`);
- every branch was visited in the period (问诊把脉; no rule switch: the figure the seed reports).

Branches are those in the subtree as it was on the day (orgs.history), set up by and not dissolved by it;
leaders are those whose membership on the day lies in the subtree with a member's status then. Each
function takes the caller's queryset (already restricted to the user's scope) and returns querysets, so a
figure's value and its drill-down are one population.
"""
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.rules import rule_value
from members.choices import CadreLevel, Post
from members.figures import members
from members.models import CommitteeSeat
from orgs.choices import TEACHER_LED, Kind
from orgs.history import subtree_q

from .models import BranchVisit, Liaison

LEADER_LEVELS = (CadreLevel.MIDDLE, CadreLevel.SENIOR)


def percent(covered, total):
    return round(100 * covered / total, 1) if total else None


# --- populations ---------------------------------------------------------------------------------------

def existing(qs, start, end):
    """The branches of `qs` (an Organization queryset) that existed on some day from `start` to `end`."""
    return qs.filter(kind=Kind.BRANCH).filter(Q(established_on__isnull=True) | Q(established_on__lte=end),
                                              Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=start))


def branches_on(qs, org, day):
    """Branches (an Organization queryset) in `org`'s subtree on `day`, existing that day."""
    return existing(qs.filter(subtree_q(org, day, "id")), day, day)


def branches_during(qs, org, period, as_of):
    """Branches in the subtree (as of `as_of`) that existed on some day of `period`."""
    return existing(qs.filter(subtree_q(org, as_of, "id")), period.start, period.end)


def teacher_led(branches):
    return branches.filter(teacher_led_q())


def teacher_led_q():
    return Q(composition__in=sorted(TEACHER_LED))


def teacher_branches_on(qs, org, day):
    return teacher_led(branches_on(qs, org, day))


def leaders_on(membership_qs, org, day):
    """Memberships in force on `day` in the subtree of members (status then) who are middle-or-senior
    leaders (cadre level as recorded: it has no history)."""
    return members(membership_qs, org, day).filter(person__cadre_level__in=LEADER_LEVELS)


# --- who is covered ------------------------------------------------------------------------------------

def liaisons_on(day):
    return Liaison.objects.on(day)


def with_liaison(branches, day):
    return branches.filter(liaised_q(day))


def liaised_q(day):
    """The condition on a branch of having a liaison leader on `day` (with_liaison, and the figures' counts)."""
    return Q(pk__in=liaisons_on(day).values("branch_id"))


def leader_branch_counts(leader_ids, day):
    """leader id -> number of branches they liaise with on `day`."""
    rows = liaisons_on(day).filter(leader_id__in=leader_ids).values("leader_id").annotate(n=Count("branch_id"))
    return {r["leader_id"]: r["n"] for r in rows}


def branches_led(day):
    """The number of branches the membership's person liaises with on `day`."""
    led = (liaisons_on(day).filter(leader_id=OuterRef("person_id")).order_by()
           .values("leader_id").annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(led, output_field=IntegerField()), 0)


def leaders_with_one_branch(leader_memberships, day):
    # Counted per leader through the liaison's leader index: a drill-down page then looks up its own rows'
    # leaders only, where grouping every liaison of the day first cost 0.1 s at a province's root.
    return leader_memberships.annotate(led=branches_led(day)).filter(led=1)


def secretaries_on(day):
    return CommitteeSeat.objects.filter(post=Post.SECRETARY, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def with_dual_leader(branches, day):
    return branches.filter(dual_leader_q(day))


def dual_leader_q(day):
    return Q(pk__in=secretaries_on(day).filter(is_dual_leader=True).values("organization_id"))


def visits_in(period):
    return BranchVisit.objects.filter(visited_on__gte=period.start, visited_on__lte=period.end)


def visited(branches, period):
    return branches.filter(visited_q(period))


def visited_q(period):
    return Q(pk__in=visits_in(period).values("branch_id"))


# --- the coverage page ---------------------------------------------------------------------------------

@dataclass
class Gap:
    subject: object  # the branch or person lacking coverage
    problem: str
    fix_url: str
    fix_label: str


@dataclass
class Rule:
    code: str
    title: str
    enabled: bool
    covered: int = 0
    total: int = 0
    gaps: list = field(default_factory=list)
    figure: str = ""  # the registered figure code

    @property
    def rate(self):
        return percent(self.covered, self.total)


RULE_TITLES = {
    "branch_liaison": gettext_lazy("每个党支部都有联系领导"),
    "leader_liaison": gettext_lazy("每名中层及以上党员领导联系一个党支部"),
    "dual_leader": gettext_lazy("教师党支部书记均为“双带头人”"),
    "visits": gettext_lazy("领导调研走访覆盖全部党支部"),
}


def _enabled(key, org, day):
    return bool(int(rule_value(key, day, org.path)))


def _branch_liaison(org_qs, org, day):
    rule = Rule("branch_liaison", RULE_TITLES["branch_liaison"], _enabled("liaison.branch_needs_leader", org, day),
                figure="liaison.branch_coverage")
    branches = branches_on(org_qs, org, day)
    covered = set(with_liaison(branches, day).values_list("pk", flat=True))
    for branch in branches.order_by("path"):
        rule.total += 1
        if branch.pk in covered:
            rule.covered += 1
        else:
            rule.gaps.append(Gap(branch, _("没有联系领导"), reverse("liaison:liaison_add") + f"?branch={branch.pk}",
                                 _("指定联系领导")))
    return rule


def _leader_liaison(membership_qs, org, day):
    rule = Rule("leader_liaison", RULE_TITLES["leader_liaison"], _enabled("liaison.leader_needs_branch", org, day),
                figure="liaison.leader_coverage")
    leaders = leaders_on(membership_qs, org, day).select_related("person", "organization").order_by(
        "organization__path", "person__name_pinyin")
    counts = leader_branch_counts([m.person_id for m in leaders], day)
    for m in leaders:
        rule.total += 1
        n = counts.get(m.person_id, 0)
        if n == 1:
            rule.covered += 1
        elif n == 0:
            rule.gaps.append(Gap(m.person, _("未联系党支部"), reverse("liaison:liaison_add") + f"?leader={m.person_id}",
                                 _("指定联系党支部")))
        else:
            rule.gaps.append(Gap(m.person, _("同时联系 %(n)s 个党支部") % {"n": n},
                                 reverse("liaison:liaison_list") + f"?leader={m.person_id}", _("结束多余的联系")))
    return rule


def _dual_leader(org_qs, org, day):
    rule = Rule("dual_leader", RULE_TITLES["dual_leader"], _enabled("liaison.dual_leader_required", org, day),
                figure="liaison.dual_leader_coverage")
    branches = teacher_branches_on(org_qs, org, day).order_by("path")
    seats = {s.organization_id: s
             for s in secretaries_on(day).filter(organization__in=branches).select_related("person")}
    for branch in branches:
        rule.total += 1
        seat = seats.get(branch.pk)
        if seat is None:
            rule.gaps.append(Gap(branch, _("没有在任书记"), branch.get_absolute_url() + "?tab=committee",
                                 _("任命书记")))
        elif seat.is_dual_leader:
            rule.covered += 1
        else:
            rule.gaps.append(Gap(branch, _("书记%(p)s未认定为“双带头人”") % {"p": seat.person},
                                 reverse("liaison:dual_leader", args=[seat.pk]), _("认定“双带头人”")))
    return rule


def _visits(org_qs, org, period, as_of):
    rule = Rule("visits", RULE_TITLES["visits"], True, figure="liaison.branches_visited")
    branches = branches_during(org_qs, org, period, as_of).order_by("path")
    done = set(visited(branches, period).values_list("pk", flat=True))
    for branch in branches:
        rule.total += 1
        if branch.pk in done:
            rule.covered += 1
        else:
            rule.gaps.append(Gap(branch, _("本期未调研走访"), reverse("liaison:visit_add") + f"?branch={branch.pk}",
                                 _("登记走访")))
    return rule


def rules(user, org, period, day):
    """Every coverage rule for `org`'s subtree: liaison and dual leaders on `day`, visits in `period`,
    within what `user` may see."""
    from members.models import Membership
    from orgs.models import Organization

    org_qs = Organization.objects.restrict(user)
    return [_branch_liaison(org_qs, org, day), _leader_liaison(Membership.objects.restrict(user), org, day),
            _dual_leader(org_qs, org, day), _visits(org_qs, org, period, day)]
