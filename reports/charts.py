"""The dashboard's numbers: key figure cards, chart series and compliance gaps, all read from the figures
registry (the same values as the figure pages), for one organisation subtree, one year and one as-of date.

Reports imports no work app: figures are named by their codes, and a figure whose module is absent is
left out. The cost is bounded: each card and each chart series is one figure evaluation, except
- meetings per month: one GROUP BY month over each series figure's records queryset (not twelve values);
- task completion by child organisation: one evaluation per child organisation (the rate's population
  depends on the child, so it cannot be grouped from the parent's records).
`Dashboard.evaluations` counts them, and the tests keep it bounded.
"""
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.figures import NOT_APPLICABLE, Period, registry
from rollups.specs import MONTHS

# Key figures shown as cards, in order (those registered).
CARDS = [
    "members.total",
    "members.status.probationary",
    "meetings.central_group",
    "meetings.first_topic.branches",
    "meetings.kind.theme_day",
    "meetings.attendance_rate",
    "ledgers.directive.tasks",
    "ledgers.task_list.items",
    "ledgers.tasks.completion_rate",
    "ledgers.tasks.overdue",
    "liaison.leader_coverage",
]

# Meetings held per month: each series is a counted figure and the date field its records are held on,
# so the months are one GROUP BY over the figure's own records.
MONTHLY = [
    ("meetings.kind.member_assembly", "held_on"),
    ("meetings.kind.branch_committee", "held_on"),
    ("meetings.kind.group_meeting", "held_on"),
    ("meetings.kind.party_lecture", "held_on"),
    ("meetings.kind.theme_day", "held_on"),
    ("meetings.kind.central_group_study", "held_on"),
]

COMPLETION = "ledgers.tasks.completion_rate"
COMPLIANCE_PREFIX = "meetings.compliance."
# The number of missing periods of a rule, when the meetings app registers it (see the report of issue 5):
# "meetings.compliance_gaps.<kind>", next to the rate "meetings.compliance.<kind>".
GAPS_PREFIX = "meetings.compliance_gaps."
STATUS = ["members.status.full", "members.status.probationary"]
CATEGORY_PREFIX = "members.category."


def get(code):
    try:
        return registry.get(code)
    except KeyError:
        return None


def _url(name, fallback):
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def jsonable(value):
    return float(value) if value is not None and not isinstance(value, int) else value


@dataclass
class Dashboard:
    user: object
    organization: object
    year: int
    as_of: date = None
    evaluations: int = 0
    cards: list = field(default_factory=list)
    charts: dict = field(default_factory=dict)
    gaps: list = field(default_factory=list)

    def __post_init__(self):
        self.period = Period.year(self.year)
        # An as-of date given explicitly is carried into every link (the figure pages take ?as_of=).
        self.extra = {"as_of": self.as_of.isoformat()} if self.as_of else {}
        self.as_of = self.as_of or self.period.end
        self.query = urlencode({"org": self.organization.pk, "year": self.year, **self.extra})

    # --- one figure -------------------------------------------------------------------------------------
    def value(self, figure, organization=None, period=None):
        self.evaluations += 1
        return figure.value(self.user, organization or self.organization, period or self.period, self.as_of)

    def figure_url(self, code, organization=None):
        query = self.query if organization is None else urlencode({"org": organization.pk, "year": self.year,
                                                                    **self.extra})
        return f"{reverse('figure_detail', args=[code])}?{query}"

    def item(self, figure, value=None, organization=None):
        return {"code": figure.code, "title": str(figure.title), "unit": str(figure.unit),
                "description": str(figure.description),
                "value": jsonable(self.value(figure, organization) if value is None else value),
                "url": self.figure_url(figure.code, organization)}

    # --- the parts --------------------------------------------------------------------------------------
    def build(self, children):
        self.cards = [self.item(f) for f in map(get, CARDS) if f is not None]
        self.charts = {}
        for name, chart in (("meetings-month", self.monthly()), ("completion", self.completion(children)),
                            ("compliance", self.compliance()), ("membership-category", self.membership_category()),
                            ("membership-status", self.membership_status())):
            if chart is not None:
                self.charts[name] = chart
        self.gaps = self.compliance_gaps()
        return self

    def monthly(self):
        """{"labels": ["1月"...], "series": [{code, title, data: [12 counts], total, url}]}."""
        series = []
        for code, date_field in MONTHLY:
            figure = get(code)
            if figure is None:
                continue
            months = self.months(figure)
            if months is not None:
                data = [months[m] for m in MONTHS]
            elif figure.counts_records:
                self.evaluations += 1
                rows = (figure.records(self.user, self.organization, self.period, self.as_of).order_by()
                        .annotate(month=ExtractMonth(date_field)).values("month").annotate(n=Count("pk")))
                by_month = {r["month"]: r["n"] for r in rows}
                data = [by_month.get(m, 0) for m in range(1, 13)]
            else:  # not a count: value each month (twelve evaluations)
                data = [jsonable(self.value(figure, period=Period.month(self.year, m))) for m in range(1, 13)]
            series.append({"code": code, "title": str(figure.title), "data": data,
                           "total": sum(d or 0 for d in data), "url": self.figure_url(code)})
        if not series:
            return None
        labels = [_("%(month)d月") % {"month": m} for m in range(1, 13)]
        return {"title": _("每月召开会议次数"), "unit": _("次"), "wide": True, "labels": labels, "series": series,
                "rows": [[label, [s["data"][i] for s in series]] for i, label in enumerate(labels)]}

    def months(self, figure):
        """The figure's twelve monthly counts from its roll-up, when it keeps them and can answer."""
        rollup = figure.rollup
        if rollup is None or set(rollup.measures) != set(MONTHS):
            return None
        counts = rollup.measures_of(self.user, self.organization, self.period, self.as_of or self.period.end)
        return None if counts is NOT_APPLICABLE else counts

    def completion(self, children):
        figure = get(COMPLETION)
        if figure is None or not children:
            return None
        rows = [{"organization": getattr(child, "short_name", "") or str(child), "org": child.pk,
                 **self.item(figure, organization=child)} for child in children]
        return {"title": _("下级组织任务完成率"), "unit": "%", "code": figure.code, "wide": True, "rows": rows}

    def compliance(self):
        rows = [self.item(f) for f in registry.all() if f.code.startswith(COMPLIANCE_PREFIX)]
        if not rows:
            return None
        return {"title": _("组织生活按期召开率"), "unit": "%", "rows": rows}

    def membership_category(self):
        rows = [self.item(f) for f in registry.all() if f.code.startswith(CATEGORY_PREFIX)]
        return {"title": _("党员人员类别构成"), "unit": _("名"), "rows": rows} if rows else None

    def membership_status(self):
        rows = [self.item(f) for f in map(get, STATUS) if f is not None]
        return {"title": _("正式党员与预备党员"), "unit": _("名"), "rows": rows} if rows else None

    def compliance_gaps(self):
        """Missing periods per rule, each linked to the compliance calendar."""
        gaps = [self.item(f) for f in registry.all() if f.code.startswith(GAPS_PREFIX)]
        for gap in gaps:
            gap["calendar_url"] = self.calendar_url
        return gaps

    @property
    def calendar_url(self):
        """The compliance calendar of the organisation and year, when the meetings pages are mounted."""
        calendar = _url("meetings:compliance", None)
        return f"{calendar}?{urlencode({'org': self.organization.pk, 'year': self.year})}" if calendar else None

    def as_json(self):
        return {"organization": {"id": self.organization.pk, "name": str(self.organization)}, "year": self.year,
                "as_of": self.as_of.isoformat(), "cards": self.cards, "charts": self.charts, "gaps": self.gaps,
                "calendar_url": self.calendar_url}


def children_of(organizations, org, period):
    """The child organisations of `org` among `organizations` (already restricted to the user) that existed
    at some time in the period, in tree order."""
    qs = organizations.filter(parent=org).order_by("path")
    fields = {f.name for f in qs.model._meta.get_fields()}
    if "established_on" in fields:
        qs = qs.exclude(established_on__gt=period.end)
    if "dissolved_on" in fields:
        qs = qs.exclude(dissolved_on__lte=period.start)
    return list(qs)


def build(user, organization, year, organizations, as_of=None):
    period = Period.year(year)
    return Dashboard(user, organization, year, as_of).build(children_of(organizations, organization, period))
