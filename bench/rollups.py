"""What roll-up maintenance adds to saving a meeting with its attendance (target: ≤ 5 ms at the median).

Usage: DATABASE_URL=... .venv/bin/python -m bench.rollups [--repeat 50] [--json out.json]

Saves a member meeting of the branch with the most members, with every member's attendance, through
meetings.services.create_meeting, `--repeat` times with the roll-ups maintained and as many times with
their maintenance switched off in this process only. Each save commits, as a user's does (a rollback would
also make psycopg drop the connection's prepared statements, core.sql, which a server keeps from one save
to the next); each meeting is deleted through the service right after its save is timed, so every save
finds the branch's year as it was, the records and roll-ups end as they began, and the audit log holds the
bench's saves and deletes. Reports p50/p95 of both and the difference
of the medians, and the time spent in the upkeep itself (rollups' touch functions, timed in process):
the difference of the medians includes each save's commit, whose disk flush varies by several ms.
"""
import argparse
import json
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import setup  # noqa: E402


@contextmanager
def _touches(wrap):
    """Every roll-up's touch function (flows, stocks, computed) replaced by wrap(the function) for the block."""
    from rollups import computed, maintain, receivers, stocks

    saved = maintain.touch, receivers.touch, stocks.touch, computed.touch
    maintain.touch = receivers.touch = wrap(saved[0])  # receivers imported maintain's
    stocks.touch, computed.touch = wrap(saved[2]), wrap(saved[3])
    try:
        yield
    finally:
        maintain.touch, receivers.touch, stocks.touch, computed.touch = saved


def maintenance_off():
    """Every roll-up's upkeep skipped: flows, stocks and computed (the compliance verdicts a meeting
    changes)."""
    return _touches(lambda fn: lambda *args, **kwargs: None)


def upkeep_timed(spent):
    """Every roll-up's upkeep runs as usual, and the time spent in it is added to spent[0]: what the upkeep
    adds to a save, without the noise of the save's own commit (the difference of two medians, each with a
    disk flush, varied by several ms between runs)."""
    depth = [0]

    def timed(fn):
        def run(*args, **kwargs):
            depth[0] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                if not depth[0]:  # the outermost call: a touch may call another
                    spent[0] += time.perf_counter() - start
        return run

    return _touches(timed)


def _save(branch, people, i, spent=None):
    """One save, timed (ms), and the upkeep `spent` (upkeep_timed's) gained in it. The meeting is then
    deleted (not timed) through the service with the same upkeep, so every save finds the branch's year as
    it was and the roll-ups end where they began; the audit log keeps the bench's saves and deletes."""
    from core.scoping import SYSTEM
    from meetings import services

    start = time.perf_counter()
    meeting = services.create_meeting(
        SYSTEM, organization=branch, kind="member_assembly", title=f"基准 {i}",
        held_on=date(date.today().year, 1, 1 + i % 28), status="held",
        attendance={pk: ("present", "") for pk in people}, confirm_duplicate=True)
    took, upkeep = (time.perf_counter() - start) * 1000, spent[0] * 1000 if spent else None
    services.delete_meeting(SYSTEM, meeting)
    return took, upkeep


def _saves(branch, people, repeat):
    """p50/p95 of `repeat` saves with the upkeep, of as many without and of the upkeep in each, after a
    warm-up of each. With and without alternate, so both meet the same disk: each commit waits for a
    flush whose time drifts by several ms over a run."""
    spent = [0.0]
    on, off, upkeep = [], [], []
    for i in range(repeat + 1):
        spent[0] = 0.0
        with upkeep_timed(spent):
            took, kept = _save(branch, people, 2 * i, spent)
        on.append(took)
        upkeep.append(kept)
        with maintenance_off():
            off.append(_save(branch, people, 2 * i + 1)[0])
    return {**_spread(on[1:]), "upkeep": _spread(upkeep[1:])}, _spread(off[1:])


def _spread(times):
    return {"p50": statistics.median(times), "p95": sorted(times)[int(0.95 * (len(times) - 1))]}


def run(repeat=50):
    from django.db.models import Count

    from meetings.services import expected_attendees
    from orgs.models import Organization

    branch = (Organization.objects.filter(kind="branch", dissolved_on__isnull=True)
              .annotate(n=Count("memberships")).order_by("-n", "pk").first())
    people = list(expected_attendees(branch, "member_assembly", date(date.today().year, 1, 1))
                  .values_list("pk", flat=True))
    on, off = _saves(branch, people, repeat)
    return {"branch": branch.code, "attendees": len(people), "with_rollups": on, "without": off,
            "overhead_p50_ms": on["p50"] - off["p50"], "upkeep_p50_ms": on["upkeep"]["p50"],
            "upkeep_p95_ms": on["upkeep"]["p95"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()
    setup()
    result = run(args.repeat)
    print(f"{result['branch']}: {result['attendees']} attendees; save p50 {result['with_rollups']['p50']:.1f} ms "
          f"(p95 {result['with_rollups']['p95']:.1f}) with roll-ups, {result['without']['p50']:.1f} ms without; "
          f"overhead p50 {result['overhead_p50_ms']:.1f} ms; upkeep itself p50 {result['upkeep_p50_ms']:.1f} ms "
          f"(p95 {result['upkeep_p95_ms']:.1f})")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
