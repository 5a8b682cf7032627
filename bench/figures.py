"""The figure benchmark: every registered figure at the root, level 1, level 3 and a branch for a year, as the
dashboard computes it (`figure.value` as the root's organisation admin), the first page of its drill-down
(core.figure_views.FigureDetailView, the view itself), and for the counting figures over the big record
tables the same count three other ways, in the same run on the same data:

- floor: a hand-written `count(*)` on a bench table with path, kind and day denormalised onto each record
  and a covering index (the best raw SQL can do without roll-ups);
- ancestors: the comma-separated `ancestors` column most admin systems keep (`LIKE '%,<id>,%'`), joined
  to the records;
- cte: a recursive CTE over `parent_id`, joined to the records.

Each of those must count exactly what the figure counts (`tests/test_bench.py` checks it), or the ratios
mean nothing. Bench tables are named `bench_*`, rebuilt at the start of each run and dropped at the end;
product tables are only read.

    DATABASE_URL=... .venv/bin/python bench/figures.py [--repeat 20] [--year 2025] [--json out.json]
        [--markdown out.md] [--only meetings.kind]
"""
import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __name__ == "__main__":
    # The repo root instead of bench/ first on the path: bench/http.py must not shadow the standard library's http.
    sys.path[:1] = [str(Path(__file__).resolve().parent.parent)]

from bench.common import latest_year, pick_nodes, root_user, setup, timed, write_results  # noqa: E402

# --- side by side ------------------------------------------------------------------------------------

@dataclass
class SideBySide:
    """One counting figure and its three hand-written equivalents. `records` is the SQL after the `sub(id)`
    CTE (the subtree's organisation ids), `floor` counts the bench table with the node's path range."""
    code: str
    table: str  # bench_floor_<table>
    build: str  # SELECT for CREATE TABLE bench_floor_<table> AS
    index: str  # columns of its covering index
    floor: str  # WHERE clause on it, params: lo, hi, then floor_params
    records: str  # FROM ... WHERE ..., joined to sub; params: record_params
    floor_params: list = field(default_factory=list)
    record_params: list = field(default_factory=list)


def _q(day):
    """A date as an SQL literal: CREATE TABLE AS takes no bind parameters on PostgreSQL."""
    return f"'{day.isoformat()}'"


def side_by_side_specs(year, as_of):
    from ledgers.choices import LedgerKind, TaskStatus
    from meetings.choices import Status
    from meetings.models import Meeting
    from members.choices import MEMBER_STATUSES

    start, end = f"{year}-01-01", f"{year}-12-31"
    held = Status.HELD.value
    # The kind most meetings of the year are (the biggest `meetings.kind.*` figure), and the central group.
    kinds = (Meeting.objects.filter(status=held, held_on__year=year).order_by().values_list("kind")
             .distinct())
    top = max(kinds, key=lambda k: (Meeting.objects.filter(status=held, held_on__year=year, kind=k[0]).count(),
                                    k[0]), default=("theme_day",))[0]
    statuses = sorted(MEMBER_STATUSES)
    in_statuses = ", ".join(f"'{s}'" for s in statuses)
    status_then = ("(SELECT sc.status FROM members_statuschange sc WHERE sc.person_id = ms.person_id "
                   f"AND sc.changed_on <= {_q(as_of)} ORDER BY sc.changed_on DESC, sc.id DESC LIMIT 1)")
    task_status = ("(SELECT tr.status FROM ledgers_transition tr WHERE tr.task_id = t.id "
                   f'AND tr."on" <= {_q(as_of)} ORDER BY tr."on" DESC, tr.id DESC LIMIT 1)')
    member_on = f"ms.valid_from <= {_q(as_of)} AND (ms.valid_to IS NULL OR ms.valid_to > {_q(as_of)})"

    meeting = dict(
        table="meeting", index="kind, path, day",
        build=("SELECT o.path AS path, m.kind AS kind, m.held_on AS day FROM meetings_meeting m "
               f"JOIN orgs_organization o ON o.id = m.organization_id WHERE m.status = '{held}'"),
        floor="kind = %s AND day >= %s AND day <= %s",
        records=("FROM meetings_meeting m JOIN sub ON sub.id = m.organization_id "
                 "WHERE m.status = %s AND m.kind = %s AND m.held_on >= %s AND m.held_on <= %s"))
    specs = [SideBySide(f"meetings.kind.{top}", floor_params=[top, start, end],
                        record_params=[held, top, start, end], **meeting)]
    if top != "central_group_study":
        specs.append(SideBySide("meetings.central_group", floor_params=["central_group_study", start, end],
                                record_params=[held, "central_group_study", start, end], **meeting))
    specs += [
        # The records of the attendance rate: every attendance row of the held meetings of the year.
        SideBySide("meetings.attendance_rate", table="attendance", index="path, day",
                   build=("SELECT o.path AS path, m.held_on AS day FROM meetings_attendance a "
                          "JOIN meetings_meeting m ON m.id = a.meeting_id "
                          f"JOIN orgs_organization o ON o.id = m.organization_id WHERE m.status = '{held}'"),
                   floor="day >= %s AND day <= %s", floor_params=[start, end],
                   records=("FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id "
                            "JOIN sub ON sub.id = m.organization_id "
                            "WHERE m.status = %s AND m.held_on >= %s AND m.held_on <= %s"),
                   record_params=[held, start, end]),
        # Members are a stock on the as-of day: the floor table is that day's memberships with the status then.
        SideBySide("members.total", table="member", index="kind, path",
                   build=(f"SELECT o.path AS path, {status_then} AS kind FROM members_membership ms "
                          f"JOIN orgs_organization o ON o.id = ms.organization_id WHERE {member_on}"),
                   floor=f"kind IN ({in_statuses})",
                   records=(f"FROM members_membership ms JOIN sub ON sub.id = ms.organization_id "
                            f"WHERE {member_on} AND {status_then} IN ({in_statuses})")),
        # Task-list items the subtree answers for: owner inside, parent's owner (if any) outside; not
        # cancelled as of the day (ledgers.figures.counted).
        SideBySide("ledgers.task_list.items", table="task", index="kind, path, day, status, parent_path",
                   build=(f"SELECT o.path AS path, l.kind AS kind, l.year AS day, po.path AS parent_path, "
                          f"{task_status} AS status FROM ledgers_task t JOIN ledgers_ledger l ON l.id = t.ledger_id "
                          "JOIN orgs_organization o ON o.id = t.owner_id "
                          "LEFT JOIN ledgers_task p ON p.id = t.parent_id "
                          "LEFT JOIN orgs_organization po ON po.id = p.owner_id"),
                   floor=("kind = %s AND day >= %s AND day <= %s AND status <> %s "
                          "AND (parent_path IS NULL OR parent_path < %s OR parent_path >= %s)"),
                   floor_params=[LedgerKind.TASK_LIST.value, year, year, TaskStatus.CANCELLED.value],
                   records=("FROM ledgers_task t JOIN ledgers_ledger l ON l.id = t.ledger_id "
                            "JOIN sub ON sub.id = t.owner_id LEFT JOIN ledgers_task p ON p.id = t.parent_id "
                            "WHERE l.kind = %s AND l.year >= %s AND l.year <= %s "
                            "AND (p.id IS NULL OR p.owner_id NOT IN (SELECT id FROM sub)) "
                            f"AND {task_status} <> %s"),
                   record_params=[LedgerKind.TASK_LIST.value, year, year, TaskStatus.CANCELLED.value]),
        SideBySide("liaison.visits", table="visit", index="path, day",
                   build=("SELECT o.path AS path, v.visited_on AS day FROM liaison_branchvisit v "
                          "JOIN orgs_organization o ON o.id = v.branch_id"),
                   floor="day >= %s AND day <= %s", floor_params=[start, end],
                   records="FROM liaison_branchvisit v JOIN sub ON sub.id = v.branch_id "
                           "WHERE v.visited_on >= %s AND v.visited_on <= %s",
                   record_params=[start, end]),
    ]
    return specs


def build_bench_tables(specs):
    """The floor tables and `bench_org_ancestors`, rebuilt from the product tables (read only)."""
    from django.db import connection

    from orgs.models import Organization

    drop_bench_tables(specs)
    with connection.cursor() as cur:
        for spec in specs:
            name = f"bench_floor_{spec.table}"
            if _exists(name):
                continue  # two figures share the meetings table
            cur.execute(f"CREATE TABLE {name} AS {spec.build}")
            cur.execute(f"CREATE INDEX {name}_cover ON {name} ({spec.index})")
        parents = dict(Organization.objects.values_list("id", "parent_id"))
        ancestors = {}

        def chain(pk):
            if pk not in ancestors:
                parent = parents[pk]
                ancestors[pk] = "," if parent is None else chain(parent) + f"{parent},"
            return ancestors[pk]

        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
        cur.execute("CREATE TABLE bench_org_ancestors (id bigint PRIMARY KEY, ancestors varchar(2000) NOT NULL)")
        rows = [(pk, chain(pk)) for pk in sorted(parents)]
        for i in range(0, len(rows), 10_000):
            cur.executemany("INSERT INTO bench_org_ancestors (id, ancestors) VALUES (%s, %s)", rows[i:i + 10_000])
    analyze(specs)


def analyze(specs):
    """Statistics, and on PostgreSQL the visibility map too, so the floor is an index-only scan (VACUUM cannot
    run in a transaction: the test suite's run gets ANALYZE only)."""
    from django.db import connection

    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    names = sorted({f"bench_floor_{s.table}" for s in specs}) + ["bench_org_ancestors"]
    with connection.cursor() as cur:
        for name in names:
            cur.execute(f"VACUUM ANALYZE {name}" if vacuum else f"ANALYZE {name}")


def _exists(name):
    from django.db import connection

    return name in connection.introspection.table_names()


def drop_bench_tables(specs):
    from django.db import connection

    with connection.cursor() as cur:
        for name in sorted({f"bench_floor_{s.table}" for s in specs}) + ["bench_org_ancestors"]:
            if _exists(name):
                cur.execute(f"DROP TABLE {name}")


def _count(sql, params):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def side_by_side(spec, org, repeat):
    """{method: (p50, p95, count)} for floor, ancestors and cte on `org`'s subtree."""
    from core.scoping import path_range

    lo, hi = path_range(org.path)
    floor_sql = f"SELECT count(*) FROM bench_floor_{spec.table} WHERE path >= %s AND path < %s AND {spec.floor}"
    floor_params = [lo, hi] + spec.floor_params
    if "parent_path" in spec.floor:  # the parent's range repeats the node's
        floor_params += [lo, hi]
    ancestors = ("WITH sub(id) AS (SELECT id FROM bench_org_ancestors WHERE ancestors LIKE %s OR id = %s) "
                 f"SELECT count(*) {spec.records}")
    cte = ("WITH RECURSIVE sub(id) AS (SELECT id FROM orgs_organization WHERE id = %s UNION ALL "
           "SELECT o.id FROM orgs_organization o JOIN sub ON o.parent_id = sub.id) "
           f"SELECT count(*) {spec.records}")
    runs = {"floor": (floor_sql, floor_params),
            "ancestors": (ancestors, [f"%,{org.pk},%", org.pk] + spec.record_params),
            "cte": (cte, [org.pk] + spec.record_params)}
    return {name: timed(lambda sql=sql, params=params: _count(sql, params), repeat)
            for name, (sql, params) in runs.items()}


# --- the figures ---------------------------------------------------------------------------------------

def drill_down(user, figure, org, year):
    """The drill-down's first page as FigureDetailView builds it: its context (the value, the page of records in
    the view's order with select_related, the count it is told or takes) and each row's str() as the template
    shows it."""
    from django.test import RequestFactory

    from core.figure_views import FigureDetailView

    request = RequestFactory().get(f"/figures/{figure.code}/", {"org": org.pk, "year": year})
    request.user = user
    view = FigureDetailView()
    view.setup(request, code=figure.code)
    return [str(obj) for obj, _url in view.get_context_data()["rows"]]


def _num(value):
    return value if value is None or isinstance(value, (int, float)) else float(value)


def run(repeat=20, year=None, only=None, out=print):
    """Benchmark every figure (whose code starts with `only`, if given); returns the result dict that --json
    writes. `out` receives progress lines."""
    setup()
    from core.figures import Period, registry

    year = year or latest_year()
    if year is None:
        raise SystemExit("no held meeting in the database: load data first (manage.py synth / demo)")
    user = root_user()
    nodes = pick_nodes(year)
    period = Period.year(year)
    figures = [f for f in registry.all() if not only or f.code.startswith(only)]
    specs = {s.code: s for s in side_by_side_specs(year, period.end) if s.code in {f.code for f in figures}}
    started = time.perf_counter()
    build_bench_tables(specs.values())
    out(f"bench tables built in {time.perf_counter() - started:.1f} s")
    rows = []
    try:
        for figure in figures:
            for level, org, note in nodes:
                p50, p95, value = timed(lambda f=figure, o=org: f.value(user, o, period), repeat)
                d50, d95, page = timed(lambda f=figure, o=org: drill_down(user, f, o, year), repeat)
                row = {"figure": figure.code, "level": level, "node": org.pk, "node_note": note,
                       "value": _num(value), "p50": p50, "p95": p95, "drill_p50": d50, "drill_p95": d95,
                       "drill_rows": len(page)}
                spec = specs.get(figure.code)
                if spec:
                    row["ours_count"] = figure.records(user, org, period).count()
                    for method, (m50, m95, count) in side_by_side(spec, org, repeat).items():
                        row[f"{method}_p50"], row[f"{method}_p95"], row[f"{method}_count"] = m50, m95, count
                    row["ours_over_floor"] = p50 / row["floor_p50"] if row["floor_p50"] else None
                    row["ancestors_over_ours"] = row["ancestors_p50"] / p50 if p50 else None
                    row["cte_over_ours"] = row["cte_p50"] / p50 if p50 else None
                rows.append(row)
                out(console_line(row))
    finally:
        drop_bench_tables(specs.values())
    from django.db import connection

    return {"database": connection.vendor, "year": year, "repeat": repeat, "user": user.username,
            "nodes": [{"level": lv, "id": o.pk, "name": o.name, "depth": o.depth, "kind": o.kind, "note": n}
                      for lv, o, n in nodes],
            "side_by_side": sorted(specs), "rows": rows}


# --- output ----------------------------------------------------------------------------------------------

def _ms(v):
    return "" if v is None else f"{v:.2f}"


def _x(v):
    return "" if v is None else f"{v:.1f}×"


def console_line(r):
    line = (f"{r['figure']:<48} {r['level']:<8} value={r['value']!s:<8} p50={_ms(r['p50']):>8} "
            f"p95={_ms(r['p95']):>8} drill={_ms(r['drill_p50']):>8}")
    if "floor_p50" in r:
        line += (f" floor={_ms(r['floor_p50'])} anc={_ms(r['ancestors_p50'])} cte={_ms(r['cte_p50'])}"
                 f" ours/floor={_x(r['ours_over_floor'])} anc/ours={_x(r['ancestors_over_ours'])}")
    return line


def markdown(result):
    lines = [f"Database: {result['database']}; year {result['year']}; {result['repeat']} runs after one warm-up; "
             f"as `{result['user']}` (organisation admin at the root). Times in ms.", "",
             "Nodes: " + "; ".join(f"{n['level']} = #{n['id']} {n['name']} ({n['note']}, {n['kind']})"
                                   for n in result["nodes"]), "",
             "| figure | level | value | p50 | p95 | drill-down p50 | floor p50 | ours ÷ floor | ancestors p50 | "
             "ancestors ÷ ours | CTE p50 | CTE ÷ ours |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in result["rows"]:
        lines.append(f"| `{r['figure']}` | {r['level']} | {'' if r['value'] is None else r['value']} | "
                     f"{_ms(r['p50'])} | {_ms(r['p95'])} | {_ms(r['drill_p50'])} | {_ms(r.get('floor_p50'))} | "
                     f"{_x(r.get('ours_over_floor'))} | {_ms(r.get('ancestors_p50'))} | "
                     f"{_x(r.get('ancestors_over_ours'))} | {_ms(r.get('cte_p50'))} | {_x(r.get('cte_over_ours'))} |")
    return "\n".join(lines) + "\n"


def main(argv=None, out=print):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--year", type=int)
    parser.add_argument("--only", help="only the figures whose code starts with this")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    result = run(args.repeat, args.year, args.only, out=out)
    write_results(result, markdown(result), args.json, args.markdown)
    return result


if __name__ == "__main__":
    main()
