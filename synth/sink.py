"""Writing synthetic rows straight into tables: COPY on PostgreSQL, executemany in batches elsewhere.

A `Table` names the columns a generator varies; every other column gets a constant (its field default, ""
for a blank text field, NULL for a nullable one), so a column added later with a default needs no change
here, and one without a default stops the load with its name instead of a database error halfway.
"""
import time
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.models import NOT_PROVIDED

CHUNK = 500_000  # rows per transaction: bounds the queue of deferred foreign-key checks on PostgreSQL


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
    """Streams rows into the tables of one database; keeps the row count and seconds of each table."""

    def __init__(self, using="default"):
        self.connection = connections[using]
        self.using = using
        self.stats = {}  # table -> [rows, seconds]
        self.models = []
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:  # bulk synthetic data: no need to wait for each flush
                cursor.execute("SET synchronous_commit TO OFF")

    @contextmanager
    def table(self, table):
        writer = self._writer(table)
        started = time.perf_counter()
        try:
            yield writer
        finally:
            writer.close()
            stat = self.stats.setdefault(table.label, [0, 0.0])
            stat[0] += writer.count
            stat[1] += time.perf_counter() - started
        self.models.append(table.model)

    def _writer(self, table):
        if self.connection.vendor == "postgresql":
            return CopyWriter(self.connection, table)
        return BatchWriter(self.connection, table)

    def reset_sequences(self):
        """Ids were given explicitly: move each sequence past them (PostgreSQL; SQLite follows by itself)."""
        sql = self.connection.ops.sequence_reset_sql(no_style(), list(dict.fromkeys(self.models)))
        if sql:
            with self.connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)


class _Writer:
    def __init__(self, connection, table):
        self.connection, self.table, self.count = connection, table, 0
        self.tail = table.tail
        self._pending = 0
        self._atomic = None
        self._begin()

    def _begin(self):
        self._atomic = transaction.atomic(using=self.connection.alias)
        self._atomic.__enter__()
        self._open()

    def _end(self):
        self._close()
        self._atomic.__exit__(None, None, None)

    def write(self, *values):
        self._put(values + self.tail)
        self.count += 1
        self._pending += 1
        if self._pending >= CHUNK:
            self._end()
            self._pending = 0
            self._begin()

    def close(self):
        self._end()


class CopyWriter(_Writer):
    def _open(self):
        cols = ", ".join(self.connection.ops.quote_name(c) for c in self.table.columns)
        self._cursor = self.connection.cursor()
        self._copy_cm = self._cursor.cursor.copy(
            f"COPY {self.connection.ops.quote_name(self.table.label)} ({cols}) FROM STDIN")
        self._copy = self._copy_cm.__enter__()
        self._put = self._copy.write_row

    def _close(self):
        self._copy_cm.__exit__(None, None, None)
        self._cursor.close()


class BatchWriter(_Writer):
    BATCH = 5000

    def _open(self):
        ops = self.connection.ops
        cols = ", ".join(ops.quote_name(c) for c in self.table.columns)
        marks = ", ".join(["%s"] * len(self.table.columns))
        self._sql = f"INSERT INTO {ops.quote_name(self.table.label)} ({cols}) VALUES ({marks})"
        # The driver gets what Django would give it: dates and datetimes adapted by the backend.
        adapt = []
        for i, f in enumerate(self.table.fields):
            if isinstance(f, models.DateTimeField):
                adapt.append((i, ops.adapt_datetimefield_value))
            elif isinstance(f, models.DateField):
                adapt.append((i, ops.adapt_datefield_value))
            elif isinstance(f, models.TimeField):
                adapt.append((i, ops.adapt_timefield_value))
        self._adapt = adapt
        self._rows = []

    def _put(self, row):
        if self._adapt:
            row = list(row)
            for i, fn in self._adapt:
                row[i] = fn(row[i])
        self._rows.append(row)
        if len(self._rows) >= self.BATCH:
            self._flush()

    def _flush(self):
        if self._rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(self._sql, self._rows)
            self._rows = []

    def _close(self):
        self._flush()
