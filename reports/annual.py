"""The annual report: every figure of an organisation's year, from the registry, in report sections.

`build(user, organization, year, as_of=None)` reads each figure through the registry with the user's scope
(`SYSTEM_USER` = unrestricted), so the report, its exports, the command line and the API show the same
numbers as the figure pages, and each links to the records behind it. The expected figures
(reports.expected) come first in each section, in the article's order; one whose module is not built is
listed as unavailable with no value. Every other registered figure follows in its own section, so a new
figure appears without touching this module.
"""
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.figure_views import SECTIONS
from core.figures import Period, registry
from core.registry import recorder

from .expected import EXPECTED


@dataclass
class Item:
    code: str
    title: str
    unit: str
    section: str
    description: str = ""
    value: object = None
    available: bool = False
    url: str | None = None
    figure: object = None

    @property
    def display(self):
        """The value as shown: a number, "—" for no data in the period, or "not available"."""
        if not self.available:
            return _("暂无数据（模块未上线）")
        return "—" if self.value is None else self.value


@dataclass
class Section:
    code: str
    title: str
    items: list = field(default_factory=list)


@dataclass
class AnnualReport:
    user: object
    organization: object
    year: int
    as_of: date
    sections: list

    @property
    def period(self):
        return Period.year(self.year)

    def items(self):
        return [item for section in self.sections for item in section.items]

    def item(self, code):
        return next((i for i in self.items() if i.code == code), None)

    def values(self):
        """{code: value}: None both for a figure without data and for one whose module is not built."""
        return {item.code: item.value for item in self.items()}

    def records(self, item, action="view"):
        """The records behind an item (its figure's own queryset), restricted for `action` (exports ask
        for "export"); None for an unavailable item or one the user may not `action`."""
        figure = item.figure
        if figure is None:
            return None
        if self.user is None:
            base = figure.model.objects.all()
        else:
            base = figure.model.objects.restrict(self.user, action)
        qs = figure.builder(base, self.organization, self.period, self.as_of)
        return qs if qs.ordered else qs.order_by("pk")


def default_as_of(year, today=None):
    """The end of the year, or today while the year is still running (or lies ahead)."""
    today = today or timezone.localdate()
    return min(Period.year(year).end, today)


def parse_as_of(raw):
    """A YYYY-MM-DD string to a date; ValueError with a Chinese message otherwise. Empty = None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        if not raw.isascii():
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(_("日期“%(value)s”无效，请使用 YYYY-MM-DD 格式") % {"value": raw[:20]}) from None


def drill_query(organization, year, as_of):
    """The query string of a figure's drill-down from the report (the same for all its figures)."""
    return urlencode({"org": organization.pk, "year": year, "as_of": as_of.isoformat()})


def drill_url(code, query):
    return f"{reverse('figure_detail', args=[code])}?{query}"


def section_order(code):
    order = list(SECTIONS)
    return (order.index(code) if code in order else len(order), code)


def build(user, organization, year, as_of=None):
    """The report of `organization` (with its subtree) for `year`, as of `as_of`, as `user` may see it."""
    as_of = as_of or default_as_of(year)
    period = Period.year(year)
    query = drill_query(organization, year, as_of)
    sections = {}

    def add(item):
        sections.setdefault(item.section, []).append(item)

    def from_figure(figure):
        return Item(code=figure.code, title=str(figure.title), unit=str(figure.unit), section=figure.section,
                    description=str(figure.description), value=figure.value(user, organization, period, as_of),
                    available=True, url=drill_url(figure.code, query), figure=figure)

    registered = {figure.code: figure for figure in registry.all()}
    for expected in EXPECTED:
        figure = registered.pop(expected.code, None)
        if figure is not None:
            add(from_figure(figure))
        else:
            add(Item(code=expected.code, title=str(expected.title), unit=str(expected.unit),
                     section=expected.section))
    for figure in registered.values():
        add(from_figure(figure))
    ordered = [Section(code, str(SECTIONS.get(code, code)), items)
               for code, items in sorted(sections.items(), key=lambda kv: section_order(kv[0]))]
    return AnnualReport(user=user, organization=organization, year=year, as_of=as_of, sections=ordered)


def record_export(user, report, fmt, channel=""):
    """The audit row of an exported report (who, which organisation, year, as-of date, format)."""
    org = report.organization
    recorder(user, "export", model=org._meta.label_lower, object_id=org.pk,
             object_repr=f"{org.name} {report.year} 年度工作报告"[:200],
             note=f"年度工作报告（{fmt}）{channel}；组织 {org.pk}；{report.year} 年；截至 {report.as_of.isoformat()}")
