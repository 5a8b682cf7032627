"""Filling a table in bulk on PostgreSQL: its indexes and constraints are dropped for the load and built again
after it, from their saved definitions.

Maintaining every index and queueing a foreign-key check per row costs more than the rows themselves: one
index build sorts once, and a foreign key added to a full table is checked by one join. Building them again
also checks what they guard (a unique index refuses a duplicate, a foreign key a dangling id), so the load
is as safe as with everything in place. The primary key and the check constraints stay. Elsewhere (SQLite,
tests) nothing is dropped.

`indexes_deferred` drops and rebuilds inside the caller's transaction: if anything fails, PostgreSQL rolls
the drops back with the rows. A loader that builds one table's indexes while it loads the next (synth) calls
`drop_indexes` and `restore_indexes` itself, on two connections.
"""
from contextlib import contextmanager

from django.db import connections

# A constraint is recreated with ALTER TABLE ... ADD CONSTRAINT, an index without one with its CREATE INDEX
# statement. Unique constraints first (a foreign key of another table may need their index), foreign keys last.
_CONSTRAINTS = """
    SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint
    WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname"""
_INDEXES = """
    SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
      AND i.indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)
    ORDER BY c.relname"""


def drop_indexes(table, using="default"):
    """Drop `table`'s secondary indexes and unique and foreign-key constraints (PostgreSQL); returns what
    restore_indexes needs to build them again (None elsewhere)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    qn = connection.ops.quote_name
    # Deferred checks still queued for the table (earlier writes in this transaction) forbid ALTER and
    # TRUNCATE: run them now; the constraints stay deferred for the rest of the transaction.
    connection.check_constraints()
    with connection.cursor() as cursor:
        cursor.execute(_CONSTRAINTS, [table])
        constraints = cursor.fetchall()
        cursor.execute(_INDEXES, [table, table])
        indexes = cursor.fetchall()
        for name, _definition, _kind in reversed(constraints):
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    return constraints, indexes


def restore_indexes(table, saved, using="default", memory="1GB"):
    """Build again what drop_indexes dropped (with `memory` for the sorts; call inside a transaction)."""
    if saved is None:
        return
    connection = connections[using]
    qn = connection.ops.quote_name
    constraints, indexes = saved
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [memory])
        for name, definition, _kind in constraints:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        for _name, definition in indexes:
            cursor.execute(definition)


@contextmanager
def indexes_deferred(table, using="default"):
    """Inside a transaction on `using`: drop `table`'s indexes and constraints, yield, build them again."""
    saved = drop_indexes(table, using)
    yield
    restore_indexes(table, saved, using)


def write_rows(table, columns, rows, using="default", batch=5000):
    """Append `rows` (tuples of plain values in `columns` order) to `table`: COPY on PostgreSQL, batched
    executemany elsewhere. For derived tables rewritten whole (rollups), where the ORM's bulk_create spends
    more time preparing values than the database spends storing them."""
    connection = connections[using]
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
