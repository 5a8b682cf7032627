"""The figures registry (DESIGN, "Figures registry"): every number a report shows is a named query.

An app's `figures.py` registers each figure with a code, title, unit and section, the model it counts,
and a builder `(queryset, organization, period, as_of) -> queryset`. The queryset handed to the builder is
already restricted to what the user may see, so a figure never counts records outside the user's scope;
the figure's value and its drill-down list are the same queryset, so they cannot disagree.
"""
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def year(cls, year):
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year, q):
        start = date(year, 3 * (q - 1) + 1, 1)
        return cls(start, cls._month_end(year, 3 * q))

    @classmethod
    def month(cls, year, month):
        return cls(date(year, month, 1), cls._month_end(year, month))

    @staticmethod
    def _month_end(year, month):
        first_next = date(year + (month == 12), month % 12 + 1, 1)
        return first_next - timedelta(days=1)

    def __contains__(self, day):
        return self.start <= day <= self.end

    def __str__(self):
        return f"{self.start:%Y-%m-%d}～{self.end:%Y-%m-%d}"


def count_records(qs):
    """The default aggregate (see Figure.counts_records)."""
    return qs.count()


@dataclass
class Figure:
    code: str
    title: str
    unit: str
    section: str
    model: type
    builder: Callable
    description: str = ""
    # How the value is computed from the queryset: a count unless the figure says otherwise.
    aggregate: Callable = count_records
    # A maintained roll-up (rollups.specs.Rollup) answering the same question without scanning the records,
    # when it can (a calendar year, a user who sees the whole subtree); None = always the builder.
    rollup: object = None

    @property
    def counts_records(self):
        """Whether the value is the number of records behind it (the default aggregate)."""
        return self.aggregate is count_records

    def known_count(self, user, organization, period, as_of, value):
        """How many records are behind the value without counting them, or None: a count's value, or the
        measure of a rolled-up rate that counts its records (`Rollup.records`, e.g. the attendance rows)."""
        if self.counts_records and isinstance(value, int):
            return value
        measure = getattr(self.rollup, "records", "")
        if not measure:
            return None
        counts = self.rollup.measures_of(user, organization, period, as_of or period.end)
        return None if counts is NOT_APPLICABLE else counts[measure]

    def records(self, user, organization, period, as_of=None):
        if user is None:
            base = self.model.objects.all()
        else:  # the user's scope, worked out once per page and model (builders filter clones of it)
            base = remembered(("figures.restricted", self.model, user.pk), lambda: self.model.objects.restrict(user))
        return self.builder(base, organization, period, as_of or period.end)

    def value(self, user, organization, period, as_of=None):
        if self.rollup is not None:
            result = self.rollup.value(user, organization, period, as_of or period.end)
            if result is not NOT_APPLICABLE:
                return result
        return self.recount(user, organization, period, as_of)

    def recount(self, user, organization, period, as_of=None):
        """The value from the records themselves (what check_rollups and the tests compare the roll-up with)."""
        return self.aggregate(self.records(user, organization, period, as_of))


NOT_APPLICABLE = object()  # a roll-up's answer when it cannot answer; the builder runs instead


_page_memo = ContextVar("figures_page_memo", default=None)


def remembered(key, compute):
    """`compute()`, worked out once per `key` within `registry.page()` (every time outside one): what the
    figures of a page all ask and what does not change while it is drawn, such as the years built
    (rollups.read), an organisation's path on the as-of day (orgs.history) or the rule versions
    (core.rules). A page only reads, so nothing remembered can go stale before the page ends."""
    memo = _page_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def recall(key, default=None):
    """What `remembered` holds for `key` on this page, or `default` (nothing is held outside a page): for a
    caller that reads several remembered things in one query and skips the ones already known."""
    memo = _page_memo.get()
    return default if memo is None else memo.get(key, default)


def remember(key, value):
    """Hold `value` for `key` on this page (as `remembered` would have); nothing outside a page."""
    memo = _page_memo.get()
    if memo is not None:
        memo[key] = value


def on_page():
    """Whether `remembered` keeps its answers (within `registry.page()`): a caller may then read more at
    once, for the page's other figures."""
    return _page_memo.get() is not None


class Registry:
    def __init__(self):
        self._figures = {}

    @contextmanager
    def page(self):
        """Around a page that computes many figures (dashboard, annual report, figures index): `remembered`
        keeps its answers until the page is drawn; a page inside another shares the outer one's."""
        if _page_memo.get() is not None:
            yield
            return
        token = _page_memo.set({})
        try:
            yield
        finally:
            _page_memo.reset(token)

    def register(self, code, title, unit, section, model, description="", aggregate=None, rollup=None):
        def decorator(builder):
            if code in self._figures:
                raise ValueError(f"figure {code} registered twice")
            figure = Figure(code, title, unit, section, model, builder, description)
            if aggregate is not None:
                figure.aggregate = aggregate
            if rollup is not None:
                figure.rollup = replace(rollup, code=code)
            self._figures[code] = figure
            return builder
        return decorator

    def get(self, code):
        return self._figures[code]

    def all(self, section=None):
        return [f for f in self._figures.values() if section is None or f.section == section]


registry = Registry()
SYSTEM_USER = None  # pass as `user` for an unrestricted value (management commands, demo checks)
