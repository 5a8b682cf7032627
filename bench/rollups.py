"""What roll-up maintenance adds to saving a meeting with its attendance (target: ≤ 5 ms at the median).

Usage: DATABASE_URL=... .venv/bin/python -m bench.rollups [--repeat 50] [--json out.json]

Saves a member meeting of the branch with the most members, with every member's attendance, through
meetings.services.create_meeting, `--repeat` times with the roll-ups maintained and as many times with
their maintenance switched off in this process only; every save is rolled back, so the database is
unchanged. Reports p50/p95 of both and the difference of the medians.
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
def maintenance_off():
    """Every roll-up's upkeep skipped: flows, stocks and computed (the compliance verdicts a meeting
    changes)."""
    from rollups import computed, maintain, receivers, stocks

    saved = maintain.touch, receivers.touch, stocks.touch, computed.touch
    maintain.touch = receivers.touch = stocks.touch = computed.touch = lambda *args: None
    try:
        yield
    finally:
        maintain.touch, receivers.touch, stocks.touch, computed.touch = saved


def _saves(branch, people, repeat):
    from django.db import transaction

    from core.scoping import SYSTEM
    from meetings import services

    times = []
    for i in range(repeat + 1):  # the first is a warm-up
        start = time.perf_counter()
        with transaction.atomic():
            services.create_meeting(SYSTEM, organization=branch, kind="member_assembly", title=f"基准 {i}",
                                    held_on=date(date.today().year, 1, 1 + i % 28), status="held",
                                    attendance={pk: ("present", "") for pk in people}, confirm_duplicate=True)
            transaction.set_rollback(True)
        times.append((time.perf_counter() - start) * 1000)
    times = times[1:]
    return {"p50": statistics.median(times), "p95": sorted(times)[int(0.95 * (len(times) - 1))]}


def run(repeat=50):
    from django.db.models import Count

    from meetings.services import expected_attendees
    from orgs.models import Organization

    branch = (Organization.objects.filter(kind="branch", dissolved_on__isnull=True)
              .annotate(n=Count("memberships")).order_by("-n", "pk").first())
    people = list(expected_attendees(branch, "member_assembly", date(date.today().year, 1, 1))
                  .values_list("pk", flat=True))
    on = _saves(branch, people, repeat)
    with maintenance_off():
        off = _saves(branch, people, repeat)
    return {"branch": branch.code, "attendees": len(people), "with_rollups": on, "without": off,
            "overhead_p50_ms": on["p50"] - off["p50"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()
    setup()
    result = run(args.repeat)
    print(f"{result['branch']}: {result['attendees']} attendees; save p50 {result['with_rollups']['p50']:.1f} ms "
          f"(p95 {result['with_rollups']['p95']:.1f}) with roll-ups, {result['without']['p50']:.1f} ms without; "
          f"overhead p50 {result['overhead_p50_ms']:.1f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
