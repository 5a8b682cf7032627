"""Stock roll-ups: counts taken on a day (members on 31 December), not over a period.

A cell (organisation, year) holds the organisation's own count as of 31 December of that year, and the
total of its current subtree, for the last STOCK_YEARS years (StockYear marks the years built). A write
that changes a count from a day on (a membership opened or closed, a status change, a person's category)
recounts the cells of every built year from that day's year on, for the organisations involved; the
differences go up the tree as for the flow roll-ups (rollups.maintain), and a rebuild or a check sums
every year in one statement as theirs does. A year not built, or a figure asked as of another day than its
period's end, is answered from the records.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from core.figures import registry
from core.sql import prepared

from . import maintain
from .models import StockRollup, StockYear

STOCK_YEARS = 5  # this year and the four before it


@dataclass(frozen=True)
class StockSource:
    """`records(day)`: the records in force on `day`, annotated for the measures; each belongs to the
    organisation at `org_field`. `follows`: (model, cells(instance) -> [(organisation id, day)]) for every
    write that changes a count from that day on."""

    group: str
    model: type
    org_field: str
    records: object
    follows: tuple = field(default=(), hash=False, compare=False)
    table = StockRollup

    def built(self, year):
        return StockYear.objects.filter(group=self.group, year=year).exists()


def specs(group=None):
    return [f.rollup for f in registry.all() if f.rollup is not None and isinstance(f.rollup.source, StockSource)
            and (group is None or f.rollup.source.group == group)]


def _by_source(group=None):
    sources = {}
    for spec in specs(group):
        sources.setdefault(spec.source, []).append(spec)
    return sources


def _grouped(source, measures, year, org_ids=None):
    """One row per organisation (of those given, or of all): its id as `org` and its own count of each measure
    as of 31 December of `year`. One grouped query, however many organisations."""
    records = source.records(date(year, 12, 31)).order_by()
    if org_ids is not None:
        records = records.filter(**{f"{source.org_field}_id__in": sorted(org_ids)})
    return records.values(org=F(f"{source.org_field}_id")).annotate(**measures)


def _count(source, spec_list, year, org_ids=None):
    """{(org id, key): own count} as of 31 December of `year`."""
    rows = _grouped(source, maintain._measures(spec_list), year, org_ids)
    return {(row["org"], key): n for row in rows for key, n in row.items() if key != "org"}


def touch(group, cells):
    """Recount, for every built year from each day's year on, the cells of the (organisation id, day) pairs."""
    built = built_years(group)
    years = {(org_id, year) for org_id, day in cells if org_id and day for year in built if year >= day.year}
    if not years:
        return
    sources = _by_source(group)
    by_year = defaultdict(set)
    for org_id, year in years:
        by_year[year].add(org_id)
    keys = [spec.key(m) for spec_list in sources.values() for spec in spec_list for m in spec.measures]
    with transaction.atomic(savepoint=False):  # as maintain.touch
        for year in sorted(by_year):
            maintain.lock(group, year)
        for year, org_ids in sorted(by_year.items()):
            counted = {}
            for source, spec_list in sources.items():
                counted.update(_count(source, spec_list, year, org_ids))
            for org_id in sorted(org_ids):
                fresh = {key: counted.get((org_id, key), 0) for key in keys}
                maintain._apply(org_id, year, fresh, model=StockRollup)


def _own_sql(years=None):
    """(SQL, params) of the rows (org, year, key, n) as maintain._own_sql, for the built years (or `years`):
    one grouped query per source and year, the year a constant."""
    parts = []
    for source, spec_list in _by_source().items():
        measures = maintain._measures(spec_list)
        for year in years or built_years(source.group):
            grouped = _grouped(source, measures, year).annotate(year=Value(year))
            parts.append(maintain._unpivot(grouped, list(measures)))
    return maintain._union(parts)


def built_years(group):
    """The years of `group` rebuilt (StockYear). Prepared (core.sql): every meeting save asks."""
    qn = connection.ops.quote_name
    return [year for year, in prepared(f"SELECT year FROM {StockYear._meta.db_table} WHERE {qn('group')} = %s "
                                       "ORDER BY year", [group], fetch=True)]


def rebuild(today=None):
    """Rewrite the stock table for the last STOCK_YEARS years and mark them built; returns the number of rows."""
    this_year = (today or date.today()).year
    years = list(range(this_year - STOCK_YEARS + 1, this_year + 1))
    with transaction.atomic():
        rows = maintain._rewrite(StockRollup, *_own_sql(years))
        groups = {s.group for s in _by_source()}
        # Only the stocks' marks: the computed roll-ups keep theirs in the same table, and
        # rebuild_rollups may be rebuilding them at the same time.
        StockYear.objects.filter(group__in=groups).delete()
        StockYear.objects.bulk_create([StockYear(group=g, year=y) for g in groups for y in years])
    return rows


def differences():
    """As maintain.differences, for the built years of the stock table."""
    return maintain._compare(StockRollup, *_own_sql())


def connect():
    """Every write a stock follows recounts the cells it touched, before and after."""
    for source in _by_source():
        for model, cells in source.follows:
            def before(sender, instance, source=source, cells=cells, **kwargs):
                if instance.pk is not None:
                    old = type(instance).objects.filter(pk=instance.pk).first()
                    instance._stock_cells = cells(old) if old else []

            def after(sender, instance, source=source, cells=cells, **kwargs):
                touch(source.group, [*getattr(instance, "_stock_cells", []), *cells(instance)])

            uid = f"rollups.stocks:{source.group}:{model._meta.label_lower}"
            pre_save.connect(before, sender=model, weak=False, dispatch_uid=uid + ":pre_save")
            pre_delete.connect(before, sender=model, weak=False, dispatch_uid=uid + ":pre_delete")
            post_save.connect(after, sender=model, weak=False, dispatch_uid=uid + ":post_save")
            post_delete.connect(after, sender=model, weak=False, dispatch_uid=uid + ":post_delete")
