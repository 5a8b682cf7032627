"""Statements on the hot paths (a figure's read, a meeting save's roll-up upkeep) run as prepared statements.

Django's PostgreSQL cursors bind parameters on the client, so PostgreSQL parses and plans every statement
afresh. For the few statements every figure or every save runs, planning took as long as running them or
longer (the recount of a meeting's 83 measures: 2.5 ms to plan, 1.6 ms to run), so they go through a
server-binding psycopg cursor that prepares them: planned once per connection, then reused. SQLite keeps
its compiled statements per connection anyway.
"""
import psycopg
from django.db import connection


class _Preparing(psycopg.Cursor):
    """A server-binding cursor that prepares what it runs (psycopg keeps the prepared statements per
    connection and reuses them for the same SQL)."""

    def execute(self, query, params=None, **kwargs):
        super().execute(query, params, prepare=True)
        if self._query is None:  # psycopg records none for a prepared statement; Django's query log reads it
            self._query = _Sent(query)
        return self


class _Sent:
    """The `_query` Django's query log reads (`_query.query`, the SQL as bytes)."""

    def __init__(self, sql):
        self.query = sql.encode()


def prepared(sql, params, fetch=False):
    """Run `sql` (with %s placeholders) in the current transaction; its rows if `fetch`. Dates as
    `connection.ops.adapt_datefield_value` gives them (the same call works on both databases)."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        # Wrapped as Django wraps its own cursors, so the statement is logged, counted by the tests'
        # query capture and seen by execute_wrapper() like any other.
        cursor = connection._prepare_cursor(_Preparing(connection.connection))
    else:
        cursor = connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else None
