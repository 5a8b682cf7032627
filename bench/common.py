"""What the benchmarks share: Django set up from the repo root, the root user the dashboard is timed as,
the nodes timed at each level, the year, and p50/p95 over repeated runs.

Not part of the test suite; `tests/test_bench.py` runs the benchmarks once on small data to keep them working.
"""
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_USER = "bench_root"


def setup():
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def timed(fn, repeat):
    """(p50 ms, p95 ms, last result): one warm-up run, then `repeat` timed runs."""
    result = fn()
    times = []
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    if len(times) < 2:
        return times[0], times[0], result
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18], result


def root_org():
    from orgs.models import Organization

    return Organization.objects.filter(parent__isnull=True).order_by("path").first()


def root_user():
    """A user holding the organisation-admin role at the root (what the dashboard is used as); created on
    the first run through the accounts services, as any account is."""
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import create_user, grant
    from core.scoping import SYSTEM

    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = create_user(SYSTEM, BENCH_USER, "Bench-Root-2026-not-a-login", must_change_password=False)
    if not user.role_assignments.filter(role=Role.ORG_ADMIN, organization=root_org()).exists():
        grant(SYSTEM, user, Role.ORG_ADMIN, root_org(), include_subtree=True)
    return user


def latest_year():
    """The latest year with a held meeting (the busiest data the figures can be asked about)."""
    from meetings.choices import Status
    from meetings.models import Meeting

    day = Meeting.objects.filter(status=Status.HELD).order_by("-held_on").values_list("held_on", flat=True).first()
    return day.year if day else None


def pick_nodes(year):
    """[(level label, organisation, note)]: the root, a level-1 organisation, a level-3 one (committee or
    general branch; the deepest such level when there is none at depth 3) and a branch. At each level the
    organisation whose subtree held the most meetings in the year, ties by id: deterministic for the data."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from meetings.choices import Status
    from meetings.models import Meeting
    from orgs.choices import Kind
    from orgs.models import PATH_WIDTH, Organization

    seg = PATH_WIDTH + 1
    held = Meeting.objects.filter(status=Status.HELD, held_on__year=year).order_by()

    def busiest(depth, kinds):
        candidates = Organization.objects.filter(depth=depth, kind__in=kinds).order_by("id")
        if not candidates.exists():
            return None
        counts = dict(held.filter(organization__depth__gte=depth)
                      .annotate(prefix=Substr("organization__path", 1, seg * (depth + 1)))
                      .values_list("prefix").annotate(n=Count("id")).values_list("prefix", "n"))
        return max(candidates, key=lambda o: (counts.get(o.path, 0), -o.id))

    upper = [Kind.COMMITTEE, Kind.GENERAL_BRANCH]
    nodes = [("root", root_org(), "depth 0")]
    level1 = busiest(1, upper + [Kind.BRANCH])
    if level1:
        nodes.append(("level-1", level1, "depth 1"))
    deepest = Organization.objects.filter(kind__in=upper, depth__gte=2).order_by("depth")
    depth3 = 3 if deepest.filter(depth=3).exists() else (deepest.filter(depth__lt=3).values_list("depth", flat=True)
                                                        .last())
    if depth3:
        nodes.append(("level-3", busiest(depth3, upper), f"depth {depth3}" + ("" if depth3 == 3 else
                                                                               " (deepest non-branch level)")))
    branch_depths = Organization.objects.filter(kind=Kind.BRANCH).values_list("depth", flat=True).distinct()
    branches = [b for b in (busiest(d, [Kind.BRANCH]) for d in sorted(set(branch_depths))) if b]
    if branches:
        branch = max(branches, key=lambda o: (held.filter(organization=o).count(), -o.id))
        nodes.append(("branch", branch, f"depth {branch.depth}"))
    return nodes


def write_results(result, text, json_path=None, markdown_path=None):
    """The benchmarks' two outputs: the JSON record and the markdown table docs/performance.md quotes."""
    import json

    if json_path:
        Path(json_path).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if markdown_path:
        Path(markdown_path).write_text(text)
