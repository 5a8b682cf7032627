"""The sink's index handling on PostgreSQL: what it drops for a load it builds again, name for name, on the
builder thread (committed loads) as in the caller's transaction (tests), and a build that fails stops the
load with the database's reason."""
from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection

from core.bulkload import drop_indexes, indexes_deferred, restore_indexes
from orgs.models import Organization, PathHistory, path_segment
from synth.sink import Sink, Table

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are dropped on PostgreSQL only")

TABLES = ("orgs_organization", "orgs_pathhistory")
COLUMNS = ("id", "code", "name", "kind", "parent_id", "path", "depth", "established_on", "sort_order")


def schema():
    """Every index and unique or foreign-key constraint of the two tables, with its definition."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 2",
                       [list(TABLES)])
        indexes = cursor.fetchall()
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferred "
                       "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY 2", [list(TABLES)])
        return indexes, cursor.fetchall()


def organizations(sink, parent_of_second=1):
    with sink.table(Table(Organization, COLUMNS, stamp=datetime(2026, 1, 1, tzinfo=UTC))) as t:
        t.write(1, "S1", "第1党委", "committee", None, path_segment(1), 0, date(2000, 1, 1), 0)
        t.write(2, "S2", "第2党支部", "branch", parent_of_second, path_segment(1) + path_segment(2), 1,
                date(2000, 1, 1), 1)


@pytest.mark.django_db(transaction=True)
def test_a_committed_load_gets_every_index_and_constraint_back():
    before = schema()
    assert any("UNIQUE (code)" in c[2] for c in before[1]) and any("FOREIGN KEY" in c[2] for c in before[1])
    sink = Sink()
    with sink.deferring([Organization, PathHistory]):  # path history is not loaded: rebuilt all the same
        organizations(sink)
        assert schema() != before  # dropped while loading
    assert schema() == before
    assert Organization.objects.get(pk=2).parent_id == 1
    assert sink.stats["orgs_organization"][0] == 2


@pytest.mark.django_db(transaction=True)
def test_a_dangling_id_stops_the_committed_load():
    sink = Sink()
    with pytest.raises(IntegrityError, match="parent_id"), sink.deferring([Organization]):
        organizations(sink, parent_of_second=99)


@pytest.mark.django_db
def test_inside_a_transaction_each_table_is_rebuilt_in_it():
    before = schema()
    sink = Sink()
    with sink.deferring([Organization, PathHistory]):
        organizations(sink)
    assert schema() == before
    with pytest.raises(IntegrityError, match="code"), indexes_deferred("orgs_organization"):
        Organization.objects.filter(pk=2).update(code="S1")  # a duplicate the unique constraint refuses


@pytest.mark.django_db
def test_drop_and_restore_round_trip():
    before = schema()
    saved = drop_indexes("orgs_pathhistory")
    assert saved[1] and schema() != before
    restore_indexes("orgs_pathhistory", saved)
    assert schema() == before

