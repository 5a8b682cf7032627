"""The decision figures (issue 6): matters submitted, pre-reviewed, returned and decided in a period, whether
major matters were decided only after an agreed pre-review (前置把关) and personnel matters only with every
branch's opinion (第一关), and how long a decision takes.

Every step is read from the matter's timeline (Event: one row per transition, dated by the meeting or the
submission day), up to the as-of date, so a past report shows what had happened by then; the subtree is the
deciding organisation's on the tree as it was that day (orgs.history)."""
import statistics

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from core.figures import registry, remembered
from orgs.history import subtree_q

from .choices import MAJOR, PERSONNEL, Action, ReviewOutcome
from .models import BranchOpinion, Event, Matter, PreReview

SECTION = "political"


def steps(action, period, as_of):
    """Timeline rows of `action` dated in the period and not after the as-of date."""
    return Event.objects.filter(action=action, on__gte=period.start, on__lte=min(period.end, as_of))


def took(qs, action, org, period, as_of):
    """The subtree's matters that went through `action` in the period (each matter once)."""
    return qs.filter(subtree_q(org, as_of, "organization"),
                     pk__in=steps(action, period, as_of).values("matter_id"))


def first_day(action, as_of):
    return Subquery(Event.objects.filter(matter=OuterRef("pk"), action=action, on__lte=as_of)
                    .order_by("on", "id").values("on")[:1])


def decided(qs, org, period, as_of):
    """Matters decided in the period, with `decided_then` (the decision's day) and `submitted_then` (the day
    of the first submission). Selected once per page (core.figures.remembered) for the figures that start
    from them; `qs` itself is in the key (not its id), so it cannot be another's."""
    return remembered(("decisions.decided", qs, org.pk, period, as_of), lambda: _decided(qs, org, period, as_of))


def _decided(qs, org, period, as_of):
    return took(qs, Action.DECIDE, org, period, as_of).annotate(
        decided_then=first_day(Action.DECIDE, as_of), submitted_then=first_day(Action.SUBMIT, as_of))


@registry.register("decisions.submitted", _("提交决策的事项"), _("项"), SECTION, Matter,
                   _("期内提交（含退回后重新提交）到本组织及下级党委决策的事项，每项计一次"))
def submitted(qs, org, period, as_of):
    return took(qs, Action.SUBMIT, org, period, as_of)


@registry.register("decisions.pre_reviewed", _("经党委前置把关同意的事项"), _("项"), SECTION, Matter,
                   _("期内在党委会上前置把关，意见为同意或修改后同意的事项"))
def pre_reviewed(qs, org, period, as_of):
    return took(qs, Action.PRE_REVIEW_AGREE, org, period, as_of)


@registry.register("decisions.returned", _("前置把关退回的事项"), _("项"), SECTION, Matter,
                   _("期内在党委会前置把关时被退回提出人修改的事项"))
def returned(qs, org, period, as_of):
    return took(qs, Action.PRE_REVIEW_RETURN, org, period, as_of)


@registry.register("decisions.decided", _("党政联席会议决定的事项"), _("项"), SECTION, Matter,
                   _("期内经党政联席会议作出决定（通过或不通过）的事项；暂缓决定的不计"))
def decided_matters(qs, org, period, as_of):
    return decided(qs, org, period, as_of)


def share_reviewed(qs):
    counts = qs.aggregate(total=Count("pk"), reviewed=Count("pk", filter=Q(reviewed_first=True)))
    return round(100 * counts["reviewed"] / counts["total"], 1) if counts["total"] else None


@registry.register("decisions.major.pre_review_rate", _("重大事项前置把关率"), "%", SECTION, Matter,
                   _("期内决定的重大事项中，决定前已在党委会前置把关并同意的比例（应为 100%；"
                     "明细中未经前置把关的事项排在最前）"), aggregate=share_reviewed)
def major_reviewed_first(qs, org, period, as_of):
    agreed_before = PreReview.objects.filter(matter=OuterRef("pk"), meeting__held_on__lte=OuterRef("decided_then")
                                             ).exclude(outcome=ReviewOutcome.RETURNED)
    return (decided(qs, org, period, as_of).filter(category__in=MAJOR)
            .annotate(reviewed_first=Exists(agreed_before))
            .order_by("reviewed_first", "decided_then", "pk"))


@registry.register("decisions.personnel.with_opinions", _("听取支部意见后决定的人事事项"), _("项"), SECTION, Matter,
                   _("期内决定的干部考察、职称评聘、绩效考核、评奖评优、人才引进事项中，决定前每位涉及人员所在党支部都已"
                     "提出意见的事项"))
def personnel_with_opinions(qs, org, period, as_of):
    asked = BranchOpinion.objects.filter(matter=OuterRef("pk"))
    missing = asked.filter(Q(opinion="") | Q(meeting__isnull=True) | Q(meeting__held_on__gt=OuterRef("decided_then")))
    return (decided(qs, org, period, as_of).filter(category__in=PERSONNEL)
            .filter(Exists(asked)).exclude(Exists(missing)))


def median_days(qs):
    days = [(d - s).days for s, d in qs.values_list("submitted_then", "decided_then") if s and d]
    return round(statistics.median(days), 1) if days else None


@registry.register("decisions.median_days", _("从提交到决定的天数（中位数）"), _("天"), SECTION, Matter,
                   _("期内决定的事项从首次提交到党政联席会议决定的天数的中位数（含退回修改的时间）"),
                   aggregate=median_days)
def days_to_decision(qs, org, period, as_of):
    return decided(qs, org, period, as_of)
