"""The benchmarks still run (bench/figures.py, bench/pages.py, bench/rollups.py), once, on the smallest data
set: every figure at every level, and the side-by-side counts (floor, ancestors string, recursive CTE) equal
to the figure's own, which is what makes the benchmark's ratios mean anything. No timing is asserted: timing
is bench/'s business.

One test, in one transaction: the data set is built once and rolled back (the bench tables with it).
"""
import numbers

from django.core.management import call_command, get_commands
from django.db import connection

from bench import figures as bench_figures
from bench import pages as bench_pages
from bench import rollups as bench_rollups
from core.figures import registry


def small_data(tmp_path, settings):
    """The synth app's college preset when it is installed, else the demo."""
    settings.MEDIA_ROOT = str(tmp_path)
    if "synth" in get_commands():
        call_command("synth", preset="college", seed=1)
    else:
        call_command("demo")


def check_figures(result):
    levels = [n["level"] for n in result["nodes"]]
    assert levels == ["root", "level-1", "level-3", "branch"]
    assert len({n["id"] for n in result["nodes"]}) == 4
    got = {(r["figure"], r["level"]): r for r in result["rows"]}
    for figure in registry.all():
        for level in levels:
            row = got[(figure.code, level)]
            # A rate over an empty population has no value (None); anything else is a number.
            assert row["value"] is None or isinstance(row["value"], numbers.Number), (figure.code, level)
            assert row["drill_rows"] >= 0
    assert len(result["rows"]) == len(registry.all()) * 4
    assert bench_figures.markdown(result).count("\n| `") == len(result["rows"])


def check_side_by_side(result):
    compared = [r for r in result["rows"] if "floor_count" in r]
    assert {r["figure"] for r in compared} >= {"meetings.attendance_rate", "members.total",
                                               "ledgers.task_list.items", "liaison.visits"}
    assert any(r["figure"].startswith("meetings.kind.") for r in compared)
    for r in compared:
        counts = (r["ours_count"], r["floor_count"], r["ancestors_count"], r["cte_count"])
        assert len(set(counts)) == 1, (r["figure"], r["level"], counts)
        if r["figure"] != "meetings.attendance_rate":  # a rate: its records are counted, its value is a %
            assert r["value"] == r["ours_count"], (r["figure"], r["level"])
    # Something was counted at the root for each comparison, or equality would prove little.
    assert all(r["ours_count"] > 0 for r in compared if r["level"] == "root"), compared
    assert not [t for t in connection.introspection.table_names() if t.startswith("bench_")]


def check_pages(result):
    status = {r["page"]: r["status"] for r in result["rows"]}
    for page in ("reports:dashboard", "reports:annual", "liaison:coverage", "meetings:meeting_list",
                 "orgs:organization_detail", "meetings:meeting_detail", "figures"):
        assert status[page] == 200, page
    # The administrators' own pages answer 403 to an organisation admin; nothing else fails.
    assert set(status.values()) <= {200, 403}, status
    assert bench_pages.markdown(result).count("\n| ") == len(result["rows"]) + 1


def check_save_bench():
    """bench/rollups.py saves and deletes its meetings: nothing is left behind, and every roll-up still
    equals a recount (its saves with the upkeep switched off are deleted with it switched off too)."""
    from meetings.models import Meeting
    from rollups import computed, maintain

    before = Meeting.objects.count()
    result = bench_rollups.run(repeat=2)
    assert result["attendees"] > 0
    assert all(isinstance(result[k], float) for k in ("overhead_p50_ms", "upkeep_p50_ms", "upkeep_p95_ms"))
    assert Meeting.objects.count() == before
    assert maintain.differences() == [] and computed.differences() == []


def test_benchmarks_run_and_agree(db, tmp_path, settings):
    small_data(tmp_path, settings)
    figures = bench_figures.run(repeat=1, out=lambda line: None)
    check_figures(figures)
    check_side_by_side(figures)
    check_pages(bench_pages.run(repeat=1, out=lambda line: None))
    check_save_bench()
