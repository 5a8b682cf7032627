"""Writing synthetic rows straight into tables: COPY on PostgreSQL, executemany in batches elsewhere.

A `Table` names the columns a generator varies; every other column gets a constant (its field default, ""
for a blank text field, NULL for a nullable one), so a column added later with a default needs no change
here, and one without a default stops the load with its name instead of a database error halfway.
"""
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.models import NOT_PROVIDED

from core.bulkload import drop_indexes, restore_indexes


class Table:
    def __init__(self, model, varying, constants=None, stamp=None):
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        by_attname = {f.attname: f for f in fields}
        unknown = [name for name in varying if name not in by_attname]
        if unknown:
            raise ValueError(f"{model._meta.label}: no column {unknown}")
        constants = dict(constants or {})
        fixed = {}
        for f in fields:
            if f.attname in varying:
                continue
            if f.attname in constants:
                fixed[f.attname] = constants[f.attname]
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fixed[f.attname] = stamp  # a fixed time, so that a seed gives the same rows on any day
            elif f.default is not NOT_PROVIDED and not callable(f.default):
                fixed[f.attname] = f.default
            elif f.null:
                fixed[f.attname] = None
            elif f.blank and isinstance(f, models.CharField | models.TextField):
                fixed[f.attname] = ""
            else:
                raise ValueError(f"{model._meta.label}.{f.attname} is NOT NULL and the generator gives no value")
        self.fields = [by_attname[n] for n in varying] + [by_attname[n] for n in fixed]
        self.columns = [f.column for f in self.fields]
        self.tail = tuple(fixed.values())
        self.label = model._meta.db_table


class Sink:
    """Streams rows into the tables of one database; keeps the row count and seconds of each table.

    Each table is loaded in one transaction. Inside `deferring(models)` on PostgreSQL, the tables' indexes and
    unique and foreign-key constraints are dropped before the first row (core.bulkload), and each table's are
    built again, and the table analysed, on a second connection while the next table loads: Python makes
    rows on one core while the server sorts the previous table's indexes on the other."""

    def __init__(self, using="default"):
        self.connection = connections[using]
        self.using = using
        self.postgres = self.connection.vendor == "postgresql"
        self.stats = {}  # table -> [rows, seconds loading, seconds building its indexes and constraints]
        self.models = []
        self._saved = {}  # table -> its dropped indexes and constraints, until they are built again
        self._builder = None
        self._builds = []
        self._inline = False
        if self.postgres:
            with self.connection.cursor() as cursor:  # bulk synthetic data: no need to wait for each flush
                cursor.execute("SET synchronous_commit TO OFF")

    @contextmanager
    def deferring(self, models):
        """Drop the indexes and constraints of every table in `models` up front (they are empty: instant, and
        no drop waits on a build running for another table), build each one's again once it is loaded, and
        wait for the last build at the end (which raises what any build raised: a duplicate, a dangling id)."""
        if not self.postgres or self.connection.in_atomic_block:
            # Inside the caller's transaction (the tests) a second connection would wait on its locks: each
            # table's indexes are dropped and built again in that transaction instead.
            self._inline = self.postgres
            yield
            return
        with transaction.atomic(using=self.using):
            self._saved = {m._meta.db_table: drop_indexes(m._meta.db_table, self.using) for m in models}
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="synth-indexes")
        try:
            yield
        finally:
            for label in list(self._saved):  # tables not loaded (a failed run): give them their indexes back
                self._build_later(label)
            self._builder.submit(self._close_builder_connection)
            self._builder.shutdown(wait=True)
            self._builder = None
        self._raise_failed_build(wait=True)

    @contextmanager
    def table(self, table):
        self._raise_failed_build()
        started = time.perf_counter()
        writer = CopyWriter(self.connection, table) if self.postgres else BatchWriter(self.connection, table)
        with transaction.atomic(using=self.using):
            saved = drop_indexes(table.label, self.using) if self._inline else None
            with writer:
                yield writer
            if self._inline:
                self._restore(table.label, saved)
        stat = self.stats.setdefault(table.label, [0, 0.0, 0.0])
        stat[0] += writer.count
        stat[1] += time.perf_counter() - started
        self.models.append(table.model)
        if table.label in self._saved:
            self._build_later(table.label)

    def _build_later(self, label):
        self._builds.append(self._builder.submit(self._build, label, self._saved.pop(label)))

    def _build(self, label, saved):
        """On the builder thread, whose Django connection is its own."""
        with transaction.atomic(using=self.using):
            self._restore(label, saved)

    def _close_builder_connection(self):
        connections[self.using].close()  # looked up on the builder thread: its own connection

    def _restore(self, label, saved):
        started = time.perf_counter()
        connection = connections[self.using]
        restore_indexes(label, saved, self.using)
        with connection.cursor() as cursor:  # plans for the table's real size (rebuild_rollups, benchmarks)
            cursor.execute(f"ANALYZE {connection.ops.quote_name(label)}")
        self.stats.setdefault(label, [0, 0.0, 0.0])[2] += time.perf_counter() - started

    def _raise_failed_build(self, wait=False):
        for future in self._builds:
            if wait or future.done():
                future.result()

    def reset_sequences(self):
        """Ids were given explicitly: move each sequence past them (PostgreSQL; SQLite follows by itself)."""
        sql = self.connection.ops.sequence_reset_sql(no_style(), list(dict.fromkeys(self.models)))
        if sql:
            with self.connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)


class CopyWriter:
    def __init__(self, connection, table):
        self.connection, self.table, self.count = connection, table, 0

    def __enter__(self):
        ops = self.connection.ops
        cols = ", ".join(ops.quote_name(c) for c in self.table.columns)
        self._cursor = self.connection.cursor()
        self._copy_cm = self._cursor.cursor.copy(f"COPY {ops.quote_name(self.table.label)} ({cols}) FROM STDIN")
        copy, tail = self._copy_cm.__enter__(), self.table.tail
        put = copy.write_row

        def write(*values):
            put(values + tail)
            self.count += 1

        self.write = write
        return self

    def __exit__(self, *exc):
        try:
            return self._copy_cm.__exit__(*exc)  # an error ends the COPY with it, and the transaction rolls back
        finally:
            self._cursor.close()


class BatchWriter:
    BATCH = 5000

    def __init__(self, connection, table):
        self.connection, self.table, self.count = connection, table, 0
        ops = connection.ops
        cols = ", ".join(ops.quote_name(c) for c in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        self._sql = f"INSERT INTO {ops.quote_name(table.label)} ({cols}) VALUES ({marks})"
        # The driver gets what Django would give it: dates and datetimes adapted by the backend.
        adapt = []
        for i, f in enumerate(table.fields):
            if isinstance(f, models.DateTimeField):
                adapt.append((i, ops.adapt_datetimefield_value))
            elif isinstance(f, models.DateField):
                adapt.append((i, ops.adapt_datefield_value))
            elif isinstance(f, models.TimeField):
                adapt.append((i, ops.adapt_timefield_value))
        self._adapt = adapt
        self._rows = []

    def __enter__(self):
        return self

    def write(self, *values):
        row = values + self.table.tail
        if self._adapt:
            row = list(row)
            for i, fn in self._adapt:
                row[i] = fn(row[i])
        self._rows.append(row)
        self.count += 1
        if len(self._rows) >= self.BATCH:
            self._flush()

    def _flush(self):
        if self._rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(self._sql, self._rows)
            self._rows = []

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self._flush()
