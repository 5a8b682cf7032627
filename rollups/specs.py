"""What a roll-up counts (declared next to the figure it serves, in the app's figures.py).

A figure registered with `rollup=Rollup(...)` is read from the Rollup table when the period is a calendar
year and the user sees the node's whole subtree; otherwise, and always in check_rollups, its builder
runs. The spec must describe the same population as the builder: the property tests compare the two.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

SUBTREE, OWN, BELOW = "subtree", "own", "below"


@dataclass(frozen=True)
class Source:
    """The records a group of roll-ups counts: each belongs to the organisation at `org_field` and to the
    year of `date_field`. Services writing these records in bulk call rollups.maintain.touch(group, ...);
    with `signals`, a single record saved or deleted through the ORM touches its cells by itself. A source
    written only by a service that touches (attendance, by meetings.services) goes without: a delete
    receiver would cost every rewrite of the rows a fetch of them (Django deletes fast only unobserved)."""

    group: str
    model: type
    org_field: str
    date_field: str
    base: Q = field(default_factory=Q)
    signals: bool = True


def _single(values):
    return values["n"]


@dataclass(frozen=True)
class Rollup:
    source: Source
    measures: dict  # measure name -> Q over the source's records
    reach: str = SUBTREE  # subtree (the builder's subtree on the as-of day), own (organisation=org), below
    combine: Callable = _single  # {measure: count} -> the figure's value
    code: str = ""  # set by the figures registry
    cells: str = ""  # where figures share cells (a rate and its gaps), their common key prefix; else the code
    records: str = ""  # the measure that counts the figure's records (a rate's population), if one does

    def key(self, measure):
        return f"{self.cells or self.code}:{measure}"

    def value(self, user, org, period, as_of):
        from .read import value

        return value(self, user, org, period, as_of)

    def measures_of(self, user, org, period, as_of):
        from .read import measures

        return measures(self, user, org, period, as_of)


def _total(values):
    return sum(values.values())


MONTHS = tuple(f"m{month:02d}" for month in range(1, 13))


def by_month(source, date_field, q=None, reach=SUBTREE):
    """A count kept month by month (measures m01..m12: a chart of the year reads them without the records);
    the value is their sum."""
    q = q or Q()
    return Rollup(source, {m: q & Q(**{f"{date_field}__month": i}) for i, m in enumerate(MONTHS, start=1)},
                  reach, combine=_total)


def count(source, q=None, reach=SUBTREE):
    """The common case: one count of the source's records matching q (a Source, or a
    rollups.stocks.StockSource for a count taken on the period's last day)."""
    return Rollup(source, {"n": q or Q()}, reach)
