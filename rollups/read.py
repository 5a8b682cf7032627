"""A figure's value from the Rollup table, or NOT_APPLICABLE when the table cannot give the builder's answer.

The table sums the current tree; a figure asks about the tree on its as-of day. The two differ only by the
organisations whose history changed after that day (moved, or set up, since): their own counts are taken
out of the sum where they have joined the subtree since, and put back where they have left it. Few
organisations change place, so this is one small query; when the node itself moved, or too many changed,
the builder runs instead.
"""


from django.db import connection

from core.figures import NOT_APPLICABLE, on_page, recall, remember, remembered
from core.sql import prepared
from orgs.history import MAX_CHANGED, changed_key, changed_sql, rows_on, settled_path, subtree_q
from orgs.models import Organization

from . import maintain
from .models import Rollup, StockYear
from .specs import BELOW, OWN, SUBTREE
from .stocks import StockSource
from .stocks import specs as stock_specs

UNREACHED = 2 ** 62  # more records than any subtree has


def _sees(user, model, org):
    if user is None:
        return True
    check = getattr(user, "sees_whole_subtree", None)
    return bool(check and check(model, org))


def _is_year(period):
    return (period.start.month, period.start.day, period.end.month, period.end.day) == (1, 1, 12, 31) \
        and period.start.year == period.end.year


def value(spec, user, org, period, as_of):
    counts = measures(spec, user, org, period, as_of)
    return NOT_APPLICABLE if counts is NOT_APPLICABLE else spec.combine(counts)


def measures(spec, user, org, period, as_of):
    """{measure: count} behind the value (a chart may show them one by one), or NOT_APPLICABLE."""
    if not _is_year(period):
        return NOT_APPLICABLE
    table = getattr(spec.source, "table", Rollup)
    # Stocks and verdicts are kept as of each year's last day, for the years rebuilt (rollups.stocks,
    # rollups.computed); a verdict, once every period has closed, holds on any later day too.
    stocked = table is not Rollup
    if stocked and (as_of < period.end or (
            as_of > period.end and not getattr(spec.source, "final_at_year_end", False))):
        return _on_day(spec, user, org, period, as_of)
    if not _sees(user, spec.source.model, org):
        return NOT_APPLICABLE
    keys = [spec.key(name) for name in spec.measures]
    year = period.start.year
    rows, changed, built = _snapshot(spec.source, table, org, year, keys, as_of)
    if not built:
        return _on_day(spec, user, org, period, as_of)
    own = {key: rows.get(key, (0, 0))[0] for key in keys}
    if spec.reach == OWN:  # the builder asks for organisation=org, whatever the tree
        return _by_measure(spec, own)
    total = {key: rows.get(key, (0, 0))[1] for key in keys}
    if changed:
        if org.pk in changed or len(changed) > MAX_CHANGED or not getattr(spec.source, "exact_after_moves", True):
            return NOT_APPLICABLE
        correction = _correction(spec, user, org, period.start.year, as_of, changed, keys, table)
        if correction is NOT_APPLICABLE:
            return NOT_APPLICABLE
        total = {key: total[key] + correction.get(key, 0) for key in keys}
    if spec.reach == BELOW:
        total = {key: total[key] - own[key] for key in keys}
    return _by_measure(spec, total)


_UNKNOWN = object()


def _snapshot(source, table, org, year, keys, as_of):
    """(cells, changed, built): `org`'s cells of `year` ({key: (own, total)}: those of `keys`, or on a page
    all of them, for the page's other figures), the organisations changed since `as_of`
    (orgs.history.changed_since) and whether `year` is built (always for the flow table), in one prepared
    statement (core.sql): three round trips cost a branch's figure five times what the database's own count
    of its records takes. On a page each part is remembered as if read on its own, and only the parts the
    page does not know yet are read."""
    cells_key, built_key = ("rollups.cells", table, org.pk, year), ("rollups.built", source.group, year)
    cells, changed = recall(cells_key, _UNKNOWN), recall(changed_key(as_of), _UNKNOWN)
    built = True if table is Rollup else recall(built_key, _UNKNOWN)
    parts, params = [], []
    if cells is _UNKNOWN:
        sql = f"SELECT 0 AS part, key, own, total FROM {table._meta.db_table} WHERE organization_id = %s AND year = %s"
        params += [org.pk, year]
        if not on_page():
            sql += f" AND key IN ({', '.join(['%s'] * len(keys))})"
            params += keys
        parts.append(sql)
    if changed is _UNKNOWN:
        read = changed_sql(as_of)
        if read is None:
            changed = set()
        else:
            parts.append(f"SELECT 1, NULL, organization_id, 0 FROM ({read[0]}) changed")
            params += read[1]
    if built is _UNKNOWN:
        parts.append(f"SELECT 2, NULL, year, 0 FROM {StockYear._meta.db_table} "
                     f"WHERE {connection.ops.quote_name('group')} = %s AND year = %s")
        params += [source.group, year]
    if parts:
        rows = prepared(" UNION ALL ".join(parts), params, fetch=True)
        if cells is _UNKNOWN:
            cells = {key: (own, total) for part, key, own, total in rows if part == 0}
            if on_page():
                remember(cells_key, cells)
        if changed is _UNKNOWN:
            changed = {pk for part, _key, pk, _total in rows if part == 1}
            remember(changed_key(as_of), changed)
        if built is _UNKNOWN:
            built = any(part == 2 for part, *_rest in rows)
            remember(built_key, built)
    return cells, changed, built


def _on_day(spec, user, org, period, as_of):
    """The measures on a day the table does not keep (this year, so far), on a page of figures: counted from
    the records for every figure of the source at once, once per page, where the source can (a stock from
    its records on that day, a computed source that has `on_day`). Elsewhere NOT_APPLICABLE: the builder
    of the one figure asked for is quicker than counting all of them."""
    source = spec.source
    if isinstance(source, StockSource):
        def count():
            return _stock_on(source, org, as_of)
    elif hasattr(source, "on_day"):
        def count():
            return source.on_day(org, period, as_of)
    else:
        return NOT_APPLICABLE
    # The user sees the whole current subtree, and it is the subtree of that day (nothing moved since): the
    # records counted are the ones the builder would count through the user's scope.
    if not on_page() or spec.reach != SUBTREE or not _sees(user, source.model, org) or \
            settled_path(org, as_of) is None:
        return NOT_APPLICABLE
    by_key = remembered(("rollups.on_day", source.group, org.pk, period, as_of), count)
    return {name: by_key.get(spec.key(name), 0) for name in spec.measures}


def _stock_on(source, org, as_of):
    """{key: count} of every figure counting the stock `source`, in `org`'s subtree on `as_of`, from the
    records in force that day."""
    spec_list = [spec for spec in stock_specs(source.group) if spec.source == source]
    records = source.records(as_of).order_by().filter(subtree_q(org, as_of, source.org_field))
    if len(spec_list) > 1:
        # A limit no subtree reaches keeps the records a subquery of their own: merged into the count,
        # SQLite works out each record's as-of annotations (a status) once per measure that reads them
        # (members: 27 ms rather than 8). One figure's few measures gain from the merge: they skip
        # the annotations of the records their other conditions leave out (leaders: 2 ms rather than 7).
        records = records[:UNREACHED]
    return records.aggregate(**maintain._measures(spec_list))


def _by_measure(spec, by_key):
    return {name: by_key[spec.key(name)] for name in spec.measures}


def _correction(spec, user, org, year, as_of, changed, keys, table):
    """What the changed organisations add (+) or take away (−) between the current subtree and the
    subtree on `as_of` (`org` itself did not change, so its path then is its path now)."""
    now = dict(Organization.objects.filter(pk__in=changed).values_list("id", "path"))
    then = dict(rows_on(as_of).filter(organization_id__in=changed).values_list("organization_id", "path"))
    joined = {pk for pk, path in now.items() if path.startswith(org.path) and not then.get(pk, "").startswith(org.path)}
    left = {pk for pk, path in then.items() if path.startswith(org.path) and not now.get(pk, "").startswith(org.path)}
    if not joined and not left:
        return {}
    if left:
        model = spec.source.model
        for pk in left:  # the builder counts a record only where the user sees it
            if not _sees(user, model, Organization(pk=pk, path=now[pk])):
                return NOT_APPLICABLE
    correction = {}
    for pk, key, own in table.objects.filter(organization_id__in=joined | left, year=year, key__in=keys) \
            .values_list("organization_id", "key", "own"):
        correction[key] = correction.get(key, 0) + (own if pk in left else -own)
    return correction
