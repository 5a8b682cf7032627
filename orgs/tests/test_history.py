"""The tree as of a date (orgs.history, orgs.PathHistory): written by creation and moves, read by figures."""
import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import BusinessRuleError
from core.figures import SYSTEM_USER, Period, registry
from core.scoping import SYSTEM
from ledgers.choices import Event, LedgerKind, TaskStatus
from ledgers.models import Ledger, Task, Transition
from meetings.models import Meeting
from orgs import history, services
from orgs.models import Organization, PathHistory

END_2019 = date(2019, 12, 31)
MOVED_ON = date(2020, 3, 1)


def rows(org):
    return list(PathHistory.objects.filter(organization=org).order_by("valid_from")
                .values_list("path", "valid_from", "valid_to"))


def meeting(org, day, kind="branch_committee", status="held"):
    return Meeting.objects.create(kind=kind, organization=org, title="会议", held_on=day, status=status)


def value(code, org, year, as_of=None):
    return registry.get(code).value(SYSTEM_USER, org, Period.year(year), as_of)


@pytest.mark.django_db
class TestWritten:
    def test_creation_writes_one_current_row_from_the_establishment_date(self, tree):
        assert rows(tree.root) == [(tree.root.path, date(2000, 1, 1), None)]
        assert rows(tree.ca_b1) == [(tree.ca_b1.path, date(2010, 1, 1), None)]
        # No establishment date: from its parent's start, not before it.
        assert rows(tree.ca_g1) == [(tree.ca_g1.path, date(2010, 1, 1), None)]

    def test_a_new_organisation_follows_its_parents_history(self, tree):
        services.move_organization(SYSTEM, tree.ca_b1, tree.cb, on_date=MOVED_ON)
        tree.ca_b1.refresh_from_db()
        group = Organization.objects.create(code="G2", name="第二党小组", kind="group", parent=tree.ca_b1,
                                            established_on=date(2015, 5, 1))
        assert rows(group) == [(tree.ca.path + f"{tree.ca_b1.pk:08d}/{group.pk:08d}/", date(2015, 5, 1), MOVED_ON),
                               (group.path, MOVED_ON, None)]
        assert history.path_on(group, date(2015, 4, 30)) is None

    def test_move_closes_and_opens_rows_for_the_whole_subtree(self, tree):
        old_branch, old_group = tree.ca_b1.path, tree.ca_g1.path
        services.move_organization(SYSTEM, tree.ca_b1, tree.cb, on_date=MOVED_ON)
        for o in (tree.ca_b1, tree.ca_g1):
            o.refresh_from_db()
        assert tree.ca_b1.path.startswith(tree.cb.path)
        assert rows(tree.ca_b1) == [(old_branch, date(2010, 1, 1), MOVED_ON), (tree.ca_b1.path, MOVED_ON, None)]
        assert rows(tree.ca_g1) == [(old_group, date(2010, 1, 1), MOVED_ON), (tree.ca_g1.path, MOVED_ON, None)]
        assert history.path_on(tree.ca_g1, MOVED_ON - timedelta(days=1)) == old_group
        assert history.path_on(tree.ca_g1, MOVED_ON) == tree.ca_g1.path  # in its new place on the day itself
        assert rows(tree.ca_b2) == [(tree.ca_b2.path, date(2010, 1, 1), None)]  # a sibling is untouched

    def test_move_queries_do_not_grow_with_the_subtree(self, tree):
        def count(org, parent):
            with CaptureQueriesContext(connection) as ctx:
                services.move_organization(SYSTEM, org, parent, on_date=MOVED_ON)
            return len(ctx)

        for n in range(6):
            Organization.objects.create(code=f"CA-B2-G{n}", name=f"小组{n}", kind="group", parent=tree.ca_b2)
        assert count(tree.cb_b1, tree.ca) == count(tree.ca_b2, tree.cb)

    def test_a_second_move_the_same_day_leaves_no_empty_row(self, tree):
        services.move_organization(SYSTEM, tree.ca_b1, tree.cb, on_date=MOVED_ON)
        services.move_organization(SYSTEM, tree.ca_b1, tree.root, on_date=MOVED_ON)
        tree.ca_b1.refresh_from_db()
        assert [r[1:] for r in rows(tree.ca_b1)] == [(date(2010, 1, 1), MOVED_ON), (MOVED_ON, None)]
        assert history.path_on(tree.ca_b1, MOVED_ON) == tree.ca_b1.path

    def test_moves_dated_out_of_order_or_in_the_future_are_refused(self, tree):
        services.move_organization(SYSTEM, tree.ca_b1, tree.cb, on_date=MOVED_ON)
        before = list(PathHistory.objects.order_by("id").values_list("organization", "path", "valid_from", "valid_to"))
        paths = dict(Organization.objects.values_list("id", "path"))
        # The group moved with its branch in March 2020: moving the branch again as of 2019 is refused.
        with pytest.raises(BusinessRuleError, match="不能早于2020-03-01"):
            services.move_organization(SYSTEM, tree.ca_b1, tree.ca, on_date=date(2019, 6, 1))
        # So is hanging a branch under one that only arrived where it is later.
        with pytest.raises(BusinessRuleError, match="甲学院教工第一党支部"):
            services.move_organization(SYSTEM, tree.ca_g1, tree.ca_b1, on_date=date(2019, 6, 1))
        with pytest.raises(BusinessRuleError, match="晚于今天"):
            services.move_organization(SYSTEM, tree.ca_b2, tree.cb, on_date=date.today() + timedelta(days=1))
        with pytest.raises(BusinessRuleError, match="不能早于2010-01-01"):  # before the branch was set up
            services.move_organization(SYSTEM, tree.ca_b2, tree.cb, on_date=date(2009, 1, 1))
        assert list(PathHistory.objects.order_by("id").values_list(
            "organization", "path", "valid_from", "valid_to")) == before
        assert dict(Organization.objects.values_list("id", "path")) == paths

    def test_dissolution_changes_no_path(self, tree):
        before = rows(tree.ca_b2)
        services.dissolve_organization(SYSTEM, tree.ca_b2, date(2021, 7, 1))
        assert rows(tree.ca_b2) == before

    def test_rebuild_tree_brings_the_history_in_line(self, tree):
        # A parent changed behind the services' back: rebuild repairs the path and the history follows from
        # today; an organisation whose history was lost gets it back.
        Organization.objects.filter(pk=tree.cb_b1.pk).update(parent=tree.ca)
        PathHistory.objects.filter(organization=tree.ca_b2).delete()
        old = tree.cb_b1.path
        services.rebuild_tree()
        tree.cb_b1.refresh_from_db()
        today = date.today()
        assert rows(tree.cb_b1) == [(old, date(2010, 1, 1), today), (tree.cb_b1.path, today, None)]
        assert rows(tree.ca_b2) == [(tree.ca_b2.path, history.EARLY, None)]
        assert history.sync_current() == 0

    def test_the_migration_backfills_one_row_per_organisation(self, tree):
        late = Organization.objects.create(code="CB-B2", name="乙学院新支部", kind="branch", parent=tree.cb,
                                           established_on=date(2003, 1, 1))
        Organization.objects.filter(pk=tree.cb.pk).update(established_on=date(2006, 1, 1))
        PathHistory.objects.all().delete()
        importlib.import_module("orgs.migrations.0003_path_history").backfill(apps, None)
        assert PathHistory.objects.count() == Organization.objects.count()
        assert not PathHistory.objects.filter(valid_to__isnull=False).exists()
        assert rows(late) == [(late.path, date(2006, 1, 1), None)]  # not before its college
        assert rows(tree.ca_g1) == [(tree.ca_g1.path, date(2010, 1, 1), None)]
        assert rows(tree.root) == [(tree.root.path, date(2000, 1, 1), None)]


@pytest.mark.django_db
class TestRead:
    def test_subtree_ids_on_a_day(self, tree):
        services.move_organization(SYSTEM, tree.ca_b1, tree.cb, on_date=MOVED_ON)

        def codes(org, day):
            return set(Organization.objects.filter(history.subtree_q(org, day, "id")).values_list("code", flat=True))

        assert codes(tree.ca, END_2019) == {"CA", "CA-B1", "CA-B2", "CA-B1-G1"}
        assert codes(tree.cb, END_2019) == {"CB", "CB-B1"}
        assert codes(tree.ca, MOVED_ON) == {"CA", "CA-B2"}
        assert codes(tree.cb, date.today()) == {"CB", "CB-B1", "CA-B1", "CA-B1-G1"}
        assert codes(tree.ca_b1, date(2009, 12, 31)) == set()  # not yet set up: nothing
        assert codes(tree.root, date(1999, 1, 1)) == set()

    def test_nothing_moved_since_the_subtree_is_a_range_of_the_path(self, tree):
        """Nothing changed place after the day: the records' query filters the organisation's own path with
        literal bounds (one range of its index at every level), the history is not read for the subtree."""
        meeting(tree.ca_b1, date(2019, 5, 1))
        with CaptureQueriesContext(connection) as ctx:
            n = Meeting.objects.filter(history.subtree_q(tree.ca, END_2019)).count()
        assert n == 1 and len(ctx) == 3  # the changes since the day, the path, the count
        assert f"'{tree.ca.path}'" in ctx[2]["sql"] and "orgs_pathhistory" not in ctx[2]["sql"]

    def test_after_a_move_nearby_the_history_with_literal_bounds(self, tree):
        """A subtree something moved into or out of since the day is read from the history, the path that day
        read first and put into the records' query as literal bounds (the planner sizes the subtree)."""
        meeting(tree.ca_b1, date(2019, 5, 1))
        services.move_organization(SYSTEM, tree.ca_b1, tree.cb, on_date=MOVED_ON)
        ca = Organization.objects.get(pk=tree.ca.pk)
        with CaptureQueriesContext(connection) as ctx:
            n = Meeting.objects.filter(history.subtree_q(ca, END_2019)).count()
        assert n == 1
        assert "orgs_pathhistory" in ctx[-1]["sql"] and f"'{ca.path}'" in ctx[-1]["sql"]
        # CB received the branch: the history answers; a subtree the move did not touch, or today's tree,
        # is a range of the path again.
        assert history.settled_path(tree.cb, END_2019) is None
        assert history.settled_path(tree.ca_b2, END_2019) == tree.ca_b2.path
        assert history.settled_path(ca, date.today()) == ca.path


@pytest.fixture
def moved(tree):
    """College A's first branch held meetings in 2019 and owned ledger tasks, then moved to college B in
    March 2020."""
    t = tree
    for day in (date(2019, 3, 5), date(2019, 6, 5), date(2019, 11, 5)):
        meeting(t.ca_b1, day)
    meeting(t.ca_b2, date(2019, 4, 1))
    meeting(t.ca_b1, date(2019, 8, 1), status="cancelled")
    ledger = Ledger.objects.create(kind=LedgerKind.TASK_LIST, name="2019年任务清单", organization=t.root, year=2019)

    def task(owner, parent=None, done_on=None):
        made = Task.objects.create(ledger=ledger, owner=owner, parent=parent, title="任务", deadline=date(2019, 12, 1),
                                   assigned_on=date(2019, 1, 10))
        Transition.objects.create(task=made, event=Event.CREATED, status=TaskStatus.NOT_STARTED, on=date(2019, 1, 10))
        if done_on:
            Transition.objects.create(task=made, event=Event.VERIFIED, status=TaskStatus.DONE, on=done_on)
        return made

    t.college_task = task(t.ca)
    t.split = task(t.ca_b1, parent=t.college_task, done_on=date(2019, 10, 1))  # the college gave it to the branch
    t.branch_task = task(t.ca_b1)
    services.move_organization(SYSTEM, t.ca_b1, t.cb, on_date=MOVED_ON)
    for o in (t.ca_b1, t.ca_g1):
        o.refresh_from_db()
    return t


@pytest.mark.django_db
class TestPastReports:
    def test_meetings_of_2019_count_where_the_branch_was_then(self, moved):
        t, code = moved, "meetings.kind.branch_committee"
        assert value(code, t.ca, 2019) == 4  # as of 2019-12-31 (the period's end): three of B1, one of B2
        assert value(code, t.cb, 2019) == 0
        assert value(code, t.ca, 2019, as_of=date.today()) == 1
        assert value(code, t.cb, 2019, as_of=date.today()) == 3
        assert value(code, t.root, 2019) == value(code, t.root, 2019, as_of=date.today()) == 4
        drill = registry.get(code).records(SYSTEM_USER, t.ca, Period.year(2019))
        assert set(drill.values_list("organization__code", flat=True)) == {"CA-B1", "CA-B2"}

    def test_ledger_tasks_count_where_their_owners_were_then(self, moved):
        t, code = moved, "ledgers.task_list.items"
        # 2019: college A answers for its own task (the branch's share inside it) and the branch's own one.
        assert set(registry.get(code).records(SYSTEM_USER, t.ca, Period.year(2019)).values_list("pk", flat=True)) == {
            t.college_task.pk, t.branch_task.pk}
        assert value(code, t.cb, 2019) == 0
        # Today the branch is college B's: B answers for the share A gave it, and for the branch's task.
        assert set(registry.get(code).records(SYSTEM_USER, t.cb, Period.year(2019), date.today())
                   .values_list("pk", flat=True)) == {t.split.pk, t.branch_task.pk}
        assert value("ledgers.status.done", t.cb, 2019, date.today()) == 1
        assert value("ledgers.status.done", t.ca, 2019) == 0

    def test_dissolution_changes_no_past_count(self, moved):
        t = moved
        codes = ("meetings.kind.branch_committee", "ledgers.task_list.items", "ledgers.status.done")
        cases = [(org, as_of) for org in (t.root, t.ca, t.cb, t.ca_b1) for as_of in (END_2019, date.today())]
        before = {(c, org.pk, as_of): value(c, org, 2019, as_of) for c in codes for org, as_of in cases}
        services.dissolve_organization(SYSTEM, t.ca_g1, date(2021, 1, 1))
        services.dissolve_organization(SYSTEM, t.ca_b2, date(2021, 1, 1))
        after = {(c, org.pk, as_of): value(c, org, 2019, as_of) for c in codes for org, as_of in cases}
        assert after == before
        assert before[("meetings.kind.branch_committee", t.ca.pk, END_2019)] == 4
