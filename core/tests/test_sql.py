"""core.sql.prepared: the hot statements run as prepared statements on PostgreSQL, survive the rollbacks that
make psycopg drop them, and are logged like any other query."""
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.sql import prepared

pytestmark = pytest.mark.django_db

QUERY = "SELECT COUNT(*) + %s FROM orgs_organization WHERE id > %s"


def _prepared_here():
    """How many statements the server holds prepared for this connection (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%orgs_organization%"])
        return cursor.fetchone()[0]


def test_prepared_statements_answer_and_are_logged():
    with CaptureQueriesContext(connection) as ctx:
        assert prepared(QUERY, [41, -1], fetch=True) == [(41,)]
        assert prepared(QUERY, [1, -1]) is None
    assert [q["sql"].startswith("SELECT COUNT(*) + ") for q in ctx.captured_queries] == [True, True]
    if connection.vendor == "postgresql":
        assert _prepared_here() == 1  # prepared once, then reused


def test_prepared_statements_survive_rollbacks():
    """psycopg forgets its prepared statements on a rollback (and on a rollback to a savepoint): the next
    call prepares again instead of naming a statement the server no longer has."""
    assert prepared(QUERY, [0, -1], fetch=True) == [(0,)]
    try:
        with transaction.atomic():
            assert prepared(QUERY, [1, -1], fetch=True) == [(1,)]
            raise RuntimeError("roll back to the savepoint")
    except RuntimeError:
        pass
    assert prepared(QUERY, [2, -1], fetch=True) == [(2,)]
    assert prepared(QUERY, [3, -1], fetch=True) == [(3,)]
    if connection.vendor == "postgresql":
        assert _prepared_here() == 1
