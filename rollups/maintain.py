"""Keeping the Rollup table equal to a recount.

Writes call touch(group, cells) inside their transaction, with the (organisation id, day) of every record
they created, changed (before and after) or deleted. Each touched cell (organisation, year) is recounted
from the records, and the difference is added to the `total` of the organisation and of each ancestor on
its current path, in one statement (the recount of every source is part of it). A recount, not an
increment, so a cell cannot drift; writers of one group and year take turns (lock()), so the second
recounts what the first committed. The hot path is plain SQL: it runs on every meeting saved.

Saving or deleting one record through the ORM touches its cells by itself (rollups.receivers); a
service that also writes in bulk (a meeting's attendance) touches the cell itself and wraps the whole
write in batch(), so the cell is recounted once, at the end. Bulk loaders (demo, synth) write records
directly and then call rebuild().
"""
import threading
import zlib
from collections import defaultdict
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import ExtractYear

from core.bulkload import indexes_deferred
from core.figures import registry
from core.sql import prepared
from orgs.models import PATH_WIDTH, Organization

from .models import Rollup
from .specs import Source


def specs(group=None):
    """The flow roll-ups (counts over a period); the stock ones (counts on a day) are rollups.stocks'."""
    return [f.rollup for f in registry.all() if f.rollup is not None and isinstance(f.rollup.source, Source)
            and (group is None or f.rollup.source.group == group)]


def _by_source(group=None):
    sources = defaultdict(list)
    for spec in specs(group):
        sources[spec.source].append(spec)
    return sources


def _measures(spec_list):
    """{key: Count(filter)} over one source's records, for one aggregate query."""
    return {spec.key(name): Count("pk", filter=q) for spec in spec_list for name, q in spec.measures.items()}


def ancestors(path):
    """The ids on a path, root first (the organisation itself last)."""
    step = PATH_WIDTH + 1
    return [int(path[i:i + PATH_WIDTH]) for i in range(0, len(path), step)]


_SENTINEL_ORG, _SENTINEL_YEAR = -7_654_321, 1904
_recount_sql = {}


def _recount_statement(source, spec_list):
    """The recount's SQL for one source, compiled once: the ORM builds it for a sentinel organisation and
    year, whose parameters are then swapped for the real ones (compiling twenty filtered counts on every
    save cost more than running them)."""
    if source not in _recount_sql:
        records = source.model.objects.filter(source.base, **{f"{source.org_field}_id": _SENTINEL_ORG,
                                                             f"{source.date_field}__year": _SENTINEL_YEAR})
        measures = _measures(spec_list)
        # Grouped by the organisation (one group: the filter names one), so the ORM emits a plain query.
        grouped = records.order_by().values(f"{source.org_field}_id").annotate(**measures)
        sql, params = grouped.query.sql_with_params()
        _recount_sql[source] = (sql, list(params), list(measures))
    return _recount_sql[source]


def _bind(params, org_id, year):
    bound = []
    for p in params:
        if p == _SENTINEL_ORG:
            p = org_id
        elif isinstance(p, date) and p.year == _SENTINEL_YEAR:
            p = p.replace(year=year)
        elif isinstance(p, str) and p.startswith(str(_SENTINEL_YEAR)):  # SQLite passes dates as text
            p = str(year) + p[4:]
        bound.append(p)
    return bound


def _recounted(sources, org_id, year):
    """{key: count} of every measure of `sources` for one organisation's own records of one year: the
    sources' compiled recounts side by side in one statement (one round trip for a meeting and its
    attendance)."""
    parts, columns, keys, params = [], [], [], []
    qn = connection.ops.quote_name
    for i, (source, spec_list) in enumerate(sources.items()):
        sql, source_params, source_keys = _recount_statement(source, spec_list)
        # One row at most (LIMIT 1 tells PostgreSQL so: estimated at 15 rows each, the join's cost passed
        # the JIT threshold, and compiling the statement took a second); none without records.
        parts.append(f"LEFT JOIN ({sql} LIMIT 1) r{i} ON 1 = 1")
        params += _bind(source_params, org_id, year)
        columns += [f"r{i}.{qn(key)}" for key in source_keys]
        keys += source_keys
    row = prepared(f"SELECT {', '.join(columns)} FROM (SELECT 1 AS one) one {' '.join(parts)}", params,
                   fetch=True)[0]
    return {key: n or 0 for key, n in zip(keys, row, strict=True)}


_pending = threading.local()


@contextmanager
def batch():
    """Collect the cells touched inside the block and recount each once when it ends (in the caller's
    transaction; nothing is recounted if the block raises, as its writes roll back)."""
    if getattr(_pending, "cells", None) is not None:  # already inside a batch: the outer one recounts
        yield
        return
    _pending.cells = defaultdict(set)
    try:
        yield
        cells = _pending.cells
    finally:
        _pending.cells = None
    for group, group_cells in cells.items():
        touch(group, group_cells)


def touch(group, cells):
    """Recount the (organisation id, day) cells of `group` and carry the differences up the tree."""
    years = {(org_id, day.year) for org_id, day in cells if org_id and day}
    if not years:
        return
    pending = getattr(_pending, "cells", None)
    if pending is not None:
        pending[group].update((org_id, date(year, 1, 1)) for org_id, year in years)
        return
    sources = _by_source(group)
    with transaction.atomic(savepoint=False):  # the caller's write fails with it: no savepoint to pay for
        for year in sorted({y for _, y in years}):
            lock(group, year)
        for org_id, year in sorted(years):
            _apply(org_id, year, _recounted(sources, org_id, year))


def lock(group, year):
    """Writers of one group and year take turns (PostgreSQL; SQLite has one writer at a time anyway): every
    one of them adds to the root's total, so they would wait on that row regardless, and holding this lock
    first means two writers never hold ancestor rows in opposite orders."""
    if connection.vendor == "postgresql":
        prepared("SELECT pg_advisory_xact_lock(%s, %s)", [zlib.crc32(group.encode()) & 0x7FFFFFFF, year])


def _apply(org_id, year, fresh, model=Rollup):
    """Set the organisation's own values of `fresh` ({key: n}) and add each difference from the value held to
    the total of the organisation and of every ancestor on its path (read from the path in the statement
    itself). One statement: every meeting save runs this once per roll-up table, where a read, an insert
    of the missing cells and an update took three round trips."""
    table = model._meta.db_table
    keys = list(fresh)
    step = PATH_WIDTH + 1
    prepared(
        f"WITH RECURSIVE line(id, rest) AS ("
        f"SELECT CAST(SUBSTR(path, 1, {PATH_WIDTH}) AS integer), SUBSTR(path, {step + 1}) "
        f"FROM {Organization._meta.db_table} WHERE id = %s UNION ALL "
        f"SELECT CAST(SUBSTR(rest, 1, {PATH_WIDTH}) AS integer), SUBSTR(rest, {step + 1}) FROM line WHERE rest <> ''), "
        f"fresh(key, n) AS (VALUES {', '.join(['(%s, CAST(%s AS bigint))'] * len(keys))}), "
        f"held AS (SELECT key, own FROM {table} WHERE organization_id = %s AND year = %s "
        f"AND key IN ({', '.join(['%s'] * len(keys))})), "
        "delta AS (SELECT f.key AS key, f.n AS n, f.n - COALESCE(h.own, 0) AS d FROM fresh f "
        "LEFT JOIN held h ON h.key = f.key WHERE f.n <> COALESCE(h.own, 0)) "
        f"INSERT INTO {table} (organization_id, year, key, own, total) "
        "SELECT line.id, %s, delta.key, CASE WHEN line.id = %s THEN delta.n ELSE 0 END, delta.d "
        "FROM line CROSS JOIN delta WHERE 1 = 1 "  # WHERE: SQLite's upsert after a SELECT needs one
        f"ON CONFLICT (organization_id, year, key) DO UPDATE SET total = {table}.total + excluded.total, "
        f"own = CASE WHEN {table}.organization_id = %s THEN excluded.own ELSE {table}.own END",
        [org_id, *[v for key in keys for v in (key, fresh[key])], org_id, year, *keys, year, org_id, org_id])


# --- from scratch ---------------------------------------------------------------------------------------
# A rebuild and a check count every record: both run in the database as one statement (the expected table
# below), so nothing per record or per cell passes through Python (a province has millions of cells). The
# stocks (rollups.stocks) bring their own counts and share the rest.

def _unpivot(grouped, keys):
    """(SQL, params) of one row (org, year, key, n) per group of `grouped` and key in `keys`: `grouped` is a
    grouped query with the columns org, year and one per key."""
    qn = connection.ops.quote_name
    sql, params = grouped.query.sql_with_params()
    pick = " ".join(f"WHEN {i} THEN g.{qn(key)}" for i, key in enumerate(keys))
    names = " UNION ALL ".join(f"SELECT {i} AS i, %s AS key" for i in range(len(keys)))
    return (f"SELECT g.org AS org, CAST(g.year AS integer) AS year, k.key AS key, CASE k.i {pick} END AS n "
            f"FROM ({sql}) g CROSS JOIN ({names}) k", [*params, *keys])


def _union(parts):
    """(SQL, params) of the rows of all `parts` ((SQL, params) pairs from _unpivot) with n > 0. No parts is
    no rows (a stock table before its first build), still a statement the comparison can join."""
    parts = parts or [("SELECT 0 AS org, 0 AS year, '' AS key, 0 AS n", [])]
    return (f"SELECT * FROM ({' UNION ALL '.join(sql for sql, _ in parts)}) own WHERE n > 0",
            [p for _, params in parts for p in params])


def _own_sql():
    """(SQL, params) of the rows (org, year, key, n): each organisation's own count of each measure in each
    year, n > 0, from one grouped query per source turned into one row per measure."""
    parts = []
    for source, spec_list in _by_source().items():
        measures = _measures(spec_list)
        grouped = (source.model.objects.filter(source.base).order_by()
                   .values(org=F(f"{source.org_field}_id"), year=ExtractYear(source.date_field))
                   .annotate(**measures))
        parts.append(_unpivot(grouped, list(measures)))
    return _union(parts)


def _expected_sql(own, params):
    """(SQL, params) of the rows (organization_id, year, key, own, total) a table should hold, from the own
    counts `own` (rows org, year, key, n): every own count added to the organisation and to each ancestor on
    its current path. Ancestor d's id is the d-th segment of the path, so the join is to the depths
    0..deepest, not to the organisations above."""
    step = PATH_WIDTH + 1
    org = Organization._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(LENGTH(path)) FROM {org}")
        longest = cursor.fetchone()[0] or 0
    depths = " UNION ALL ".join(f"SELECT {d} AS d" for d in range(max(1, -(-longest // step))))
    sql = (f"SELECT CAST(SUBSTR(o.path, lv.d * {step} + 1, {PATH_WIDTH}) AS integer) AS organization_id, "
           "own.year AS year, own.key AS key, "
           f"CAST(SUM(CASE WHEN (lv.d + 1) * {step} >= LENGTH(o.path) THEN own.n ELSE 0 END) AS bigint) AS own, "
           "CAST(SUM(own.n) AS bigint) AS total "
           f"FROM ({own}) own JOIN {org} o ON o.id = own.org JOIN ({depths}) lv ON lv.d * {step} < LENGTH(o.path) "
           "GROUP BY 1, 2, 3")
    return sql, params


def _roomy(cursor):
    """Sorts and hashes over every record: give them memory (PostgreSQL's default 4 MB spills to disk). No JIT:
    the stocks' correlated subqueries make the planner's cost estimate a thousand times the real one, and
    compiling the statement took 7 s of the city's 17 (it gains nothing on the flows')."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")


def rebuild():
    """Rewrite the whole table from the records (bulk loads, repairs). Returns the number of rows."""
    return _rewrite(Rollup, *_own_sql())


def differences():
    """[(org id, year, key, stored (own, total), recounted (own, total))] where the table and a recount differ
    (a missing row counts as (0, 0))."""
    return _compare(Rollup, *_own_sql())


def _rewrite(model, own, params):
    """Rewrite `model`'s table with the sums of the own counts `own`; returns the number of rows.

    On PostgreSQL the table is emptied by TRUNCATE and filled with its indexes dropped (core.bulkload):
    readers wait for the rebuild instead of reading the old rows meanwhile."""
    sql, params = _expected_sql(own, params)
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        _roomy(cursor)
        with indexes_deferred(table):
            cursor.execute(f"{'TRUNCATE' if connection.vendor == 'postgresql' else 'DELETE FROM'} {table}")
            cursor.execute(f"INSERT INTO {table} (organization_id, year, key, own, total) {sql}", params)
            rows = cursor.rowcount
        if connection.vendor == "postgresql":  # the figures' plans need the new table's statistics
            cursor.execute(f"ANALYZE {table}")
    return rows


def _compare(model, own, params):
    """differences() of `model`'s table against the sums of the own counts `own`."""
    sql, params = _expected_sql(own, params)
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        _roomy(cursor)
        cursor.execute(
            "SELECT COALESCE(e.organization_id, r.organization_id), COALESCE(e.year, r.year), COALESCE(e.key, r.key), "
            "COALESCE(r.own, 0), COALESCE(r.total, 0), COALESCE(e.own, 0), COALESCE(e.total, 0) "
            f"FROM ({sql}) e FULL OUTER JOIN {table} r "
            "ON r.organization_id = e.organization_id AND r.year = e.year AND r.key = e.key "
            "WHERE COALESCE(r.own, 0) <> COALESCE(e.own, 0) OR COALESCE(r.total, 0) <> COALESCE(e.total, 0)", params)
        rows = cursor.fetchall()
    return sorted((o, y, k, (have_own, have_total), (want_own, want_total))
                  for o, y, k, have_own, have_total, want_own, want_total in rows)
