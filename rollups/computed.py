"""Computed roll-ups: values a rule judges per organisation and year (meeting periods satisfied or missed),
computed in Python by the app that owns the rule, not counted in SQL.

A cell (organisation, year) holds the organisation's own values judged as on 31 December of that year, when
every period of the year has closed, and the total of its current subtree, for the last STOCK_YEARS years
(StockYear marks the years built). A figure asked as of that day or later reads them; earlier in the year,
or for a year not built, its builder runs. A write that changes a verdict recomputes the organisation's cells
for the years it spans (`follows`); the differences go up the tree as for the flow roll-ups. A change that
can reach any number of organisations at once (a rule version) marks the years it affects not built: they
are answered from the records until `rebuild_rollups` runs (a nightly job, README).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from core.bulkload import indexes_deferred, write_rows
from core.figures import registry
from orgs.models import Organization
from orgs.signals import after_move

from . import maintain
from .models import ComputedRollup, StockYear
from .stocks import STOCK_YEARS, StockSource, built_years

CHUNK = 2000  # organisations judged per call on a rebuild (SQLite's parameter limit; memory)


@dataclass(frozen=True)
class ComputedSource:
    """`count(org_ids, year, keys)`: {(organisation id, key): value} of the organisations given, judged as on
    31 December of `year`, for `keys` at least (it may give more); `keys` every key it may give (a key it
    leaves out is 0); `orgs` the organisations it may give values for (a rebuild judges these).
    `follows`: (model, facts(instance) -> {(organisation id, first year or None, last year or None, *facts)}
    [, keys_of(fact) -> keys or None]): a write whose facts changed recomputes those organisations' cells in
    those years, for the keys the changed facts may change (all without keys_of: a meeting changes only its
    kind's verdicts, and saving one is on every user's path). `invalidated_by`: (model, facts(instance) ->
    (first year, *facts) or None): a write that changes them may change any number of cells from the first
    year on (old or new). `moved(old_prefix, new_prefix)`: the ids of the organisations a move may change the
    values of (beyond carrying the totals). `exact_after_moves`: whether the own values, added up on the tree
    of an earlier day, give that day's figure (rollups.read corrects the current totals for later moves that
    way)."""

    group: str
    model: type
    count: object = field(hash=False, compare=False)
    keys: tuple = field(hash=False, compare=False)
    orgs: object = field(hash=False, compare=False)
    follows: tuple = field(default=(), hash=False, compare=False)
    invalidated_by: tuple = field(default=(), hash=False, compare=False)
    moved: object = field(default=None, hash=False, compare=False)
    # Whether the value judged on 31 December holds on any later day too (a verdict on the year's periods,
    # the year's visits), or only on that day (who liaises with a branch then): rollups.read.
    final_at_year_end: bool = field(default=True, hash=False, compare=False)
    exact_after_moves: bool = field(default=True, hash=False, compare=False)
    table = ComputedRollup

    built = StockSource.built  # the same StockYear marks


def sources():
    return list({f.rollup.source for f in registry.all()
                 if f.rollup is not None and isinstance(f.rollup.source, ComputedSource)})


def _window(today=None):
    this_year = (today or date.today()).year
    return list(range(this_year - STOCK_YEARS + 1, this_year + 1))


def touch(source, spans, keys=None):
    """Recompute the cells of the (organisation id, first year or None, last year or None) spans, in the
    built years, and carry the differences up the tree: the cells of `keys`, or of all the source's keys."""
    keys = source.keys if keys is None else tuple(k for k in source.keys if k in keys)
    built = set(built_years(source.group))
    by_year = defaultdict(set)
    for org_id, first, last in spans:
        for year in built:
            if org_id and (first is None or year >= first) and (last is None or year <= last):
                by_year[year].add(org_id)
    if not by_year or not keys:
        return
    with transaction.atomic(savepoint=False):  # as maintain.touch
        for year in sorted(by_year):
            maintain.lock(source.group, year)
        for year, org_ids in sorted(by_year.items()):
            counted = source.count(sorted(org_ids), year, keys)
            for org_id in sorted(org_ids):
                maintain._apply(org_id, year, {key: counted.get((org_id, key), 0) for key in keys},
                                model=ComputedRollup)


def expected(years):
    """{(org id, year, key): [own, total]} computed afresh for `years`."""
    paths = dict(Organization.objects.values_list("id", "path"))
    cells = defaultdict(lambda: [0, 0])
    for source in sources():
        ids = list(source.orgs().order_by("pk").values_list("pk", flat=True))
        for year in years:
            for start in range(0, len(ids), CHUNK):
                for (org_id, key), n in source.count(ids[start:start + CHUNK], year, source.keys).items():
                    if not n:
                        continue
                    cells[org_id, year, key][0] = n
                    for pk in maintain.ancestors(paths[org_id]):
                        cells[pk, year, key][1] += n
    return cells


def rebuild(today=None):
    """Rewrite the table for the last STOCK_YEARS years and mark them built."""
    years = _window(today)
    groups = {s.group for s in sources()}
    with transaction.atomic():
        # Writers wait (touch takes the same locks): one recomputing a cell between this count and the
        # write below would have its change overwritten.
        for group in sorted(groups):
            for year in years:
                maintain.lock(group, year)
        cells = expected(years)
        table = ComputedRollup._meta.db_table
        with indexes_deferred(table):
            ComputedRollup.objects.all().delete()
            write_rows(table, ("organization_id", "year", "key", "own", "total"),
                       ((o, y, k, own, total) for (o, y, k), (own, total) in cells.items()))
        StockYear.objects.filter(group__in=groups).delete()
        StockYear.objects.bulk_create([StockYear(group=g, year=y) for g in groups for y in years])
        if connection.vendor == "postgresql":  # the figures' plans need the new table's statistics
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")
    return len(cells)


def differences():
    """As maintain.differences, for the built years of the computed table."""
    years = sorted(set(StockYear.objects.filter(group__in={s.group for s in sources()})
                       .values_list("year", flat=True)))
    want = expected(years)
    have = {(o, y, k): (own, total) for o, y, k, own, total in ComputedRollup.objects.filter(year__in=years)
            .values_list("organization_id", "year", "key", "own", "total")}
    wrong = []
    for cell in want.keys() | have.keys():
        w, h = tuple(want.get(cell, (0, 0))), have.get(cell, (0, 0))
        if w != h:
            wrong.append((*cell, h, w))
    return sorted(wrong)


def _invalidate(source, first_year):
    StockYear.objects.filter(group=source.group, year__gte=first_year).delete()


def _watch(model, uid, facts, empty, changed):
    """Connect `model`'s saves and deletes: `changed(old, new)` runs when the facts of the row before (read
    back) and after the write differ. Each watcher keeps its own attribute on the instance: several sources
    watch one model (an organisation, a seat)."""
    attr = "_facts_" + uid.replace(".", "_").replace(":", "_")

    def before(sender, instance, **kwargs):
        old = type(instance).objects.filter(pk=instance.pk).first() if instance.pk is not None else None
        setattr(instance, attr, facts(old) if old is not None else empty)

    def after(sender, instance, deleted=False, **kwargs):
        old, new = getattr(instance, attr, empty), empty if deleted else facts(instance)
        if old != new:  # a write that leaves every input alone costs nothing more
            changed(old, new)

    def after_delete(sender, instance, **kwargs):
        after(sender, instance, deleted=True)

    pre_save.connect(before, sender=model, weak=False, dispatch_uid=uid + ":pre_save")
    pre_delete.connect(before, sender=model, weak=False, dispatch_uid=uid + ":pre_delete")
    post_save.connect(after, sender=model, weak=False, dispatch_uid=uid + ":post_save")
    post_delete.connect(after_delete, sender=model, weak=False, dispatch_uid=uid + ":post_delete")


def _keys_of(keys_of, facts):
    """The keys the changed facts may change, None for all."""
    if keys_of is None:
        return None
    keys = set()
    for fact in facts:
        some = keys_of(fact)
        if some is None:
            return None
        keys.update(some)
    return keys


def connect():
    """Every write a computed source follows recomputes the cells it touched, before and after; a write
    that invalidates it unmarks the years (an edit may move a rule's date later: the years it left change
    too); a move recomputes what the source says it may change."""
    for source in sources():
        for model, facts, *keys_of in source.follows:
            _watch(model, f"rollups.computed:{source.group}:{model._meta.label_lower}",
                   lambda instance, facts=facts: set(facts(instance)), set(),
                   lambda old, new, source=source, keys_of=(keys_of or [None])[0]:
                   touch(source, [fact[:3] for fact in old ^ new], _keys_of(keys_of, old ^ new)))
        for model, facts in source.invalidated_by:
            _watch(model, f"rollups.computed:{source.group}:{model._meta.label_lower}:invalidate", facts, None,
                   lambda old, new, source=source: _invalidate(source, min(f[0] for f in (old, new) if f)))

    def recompute_moved(sender, old_prefix, new_prefix, **kwargs):
        for source in sources():
            if source.moved is not None:
                touch(source, [(pk, None, None) for pk in source.moved(old_prefix, new_prefix)])

    after_move.connect(recompute_moved, weak=False, dispatch_uid="rollups.computed:after_move")
