import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from orgs.choices import Kind
from orgs.models import Organization
from synth.generate import DatabaseNotEmpty, default_last_year, generate
from synth.presets import PRESETS
from synth.users import bench_users


class Command(BaseCommand):
    help = "Load synthetic data of a preset size into an empty database (benchmarks; bypasses services and audit)"

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), default="college")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--last-year", type=int, default=None,
                            help="the last full year of records (default: last year)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, preset, seed, last_year, database, **options):
        last_year = last_year or default_last_year()
        started = time.perf_counter()
        try:
            stats, gen = generate(PRESETS[preset], seed=seed, last_year=last_year, using=database)
        except DatabaseNotEmpty as exc:
            raise CommandError(str(exc)) from exc
        total = 0
        for table, (rows, seconds, indexing) in stats.items():
            total += rows
            rate = rows / max(seconds, 1e-9)
            self.stdout.write(f"{table:<32} {rows:>12,} rows {seconds:>9.1f} s {rate:>12,.0f} rows/s "
                              f"+ {indexing:.1f} s indexes, constraints, analyse")
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{'total':<32} {total:>12,} rows {elapsed:>9.1f} s {total / elapsed:>12,.0f} rows/s")
        orgs = Organization.objects.using(database)
        level1 = orgs.filter(depth=1).order_by("id").first()
        branch = orgs.filter(kind=Kind.BRANCH).order_by("id").first()
        if database == "default":  # the services write to the default database
            made = bench_users(orgs.get(pk=1), level1, branch)
            self.stdout.write(f"benchmark users: {', '.join(made) or 'already there'}")
        # The sink has analysed every table it loaded: without statistics PostgreSQL plans the figures for
        # empty tables (a count under the root of the city preset took 92 s before ANALYZE and 0.2 s after).
        if "rebuild_rollups" in get_commands():
            step = time.perf_counter()
            call_command("rebuild_rollups", stdout=self.stdout)
            self.stdout.write(f"rebuild_rollups {time.perf_counter() - step:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"synth {preset} seed {seed}, years to {last_year}: done"))
