"""`manage.py demo`: the demo university is built once per test class (inside a transaction rolled back at
the end) and checked for the shape, consistency and logins the issue asks for."""
import random
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, password_validation
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from audit.models import AuditEntry
from members.demo.people import PeopleMaker
from members.identity import parse_id_number
from members.management.commands.demo import LOGINS, PASSWORD
from members.models import CommitteeSeat, Membership, Person, StatusChange
from members.pinyin import name_keys
from orgs.choices import Composition
from orgs.models import Organization, Term, Unit
from orgs.services import check_tree

COUNTED = (Unit, Organization, Term, Person, Membership, StatusChange, CommitteeSeat, User, RoleAssignment,
           AuditEntry)


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


# --- without the demo --------------------------------------------------------------------------------

def test_refuses_a_database_with_other_organisations(db):
    Organization.objects.create(code="OTHER", name="某单位党委", kind="committee")
    with pytest.raises(CommandError, match="已有其他党组织数据"):
        call_command("demo", stdout=StringIO())
    assert Person.objects.count() == 0


def test_if_empty_skips_when_any_organisation_exists(db):
    Organization.objects.create(code="OTHER", name="某单位党委", kind="committee")
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "未生成演示数据" in out.getvalue()
    assert Organization.objects.count() == 1 and Person.objects.count() == 0


def test_people_are_deterministic():
    def first_people():
        maker = PeopleMaker(random.Random(7), date(2026, 11, 29))
        org = Organization(code="X", name="X", kind="branch")
        return [(d.person.name, d.person.id_number, d.person.party_status)
                for d in (maker.make(role, org) for role in ["teacher", "undergrad", "retiree"] * 5)]

    assert first_people() == first_people()


# --- the demo university -----------------------------------------------------------------------------

@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield {"output": out.getvalue()}
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestDemoUniversity:
    def test_reports_what_it_built(self, demo):
        # How long it takes is measured by bench/demo.sh, not asserted here.
        assert "演示数据已生成" in demo["output"]

    def test_organisation_tree(self, demo):
        root = Organization.objects.get(code="ROOT")
        assert root.parent_id is None and root.kind == "committee"
        # 63 branches today; the liaison demo adds two of 2019's temporary branches, dissolved since.
        branches = Organization.objects.filter(kind="branch", dissolved_on__isnull=True)
        assert branches.count() == 63
        colleges = Organization.objects.filter(kind="committee", depth=1)
        assert 9 <= colleges.count() <= 12
        names = set(colleges.values_list("name", flat=True))
        for named in ("计算机科学与技术学院", "材料科学与工程学院", "电子与信息工程学院", "机电工程与自动化学院"):
            assert f"{named}党委" in names
        assert set(branches.values_list("composition", flat=True)) == set(Composition.values)
        assert branches.filter(is_joint=True).exists() and branches.filter(is_temporary=True).exists()
        assert Organization.objects.filter(kind="general_branch", children__kind="branch").exists()
        groups = Organization.objects.filter(kind="group")
        assert groups.exists() and not groups.exclude(parent__kind="branch").exists()
        assert check_tree() == []

    def test_units_for_every_college_and_department(self, demo):
        assert not Organization.objects.filter(kind__in=["committee", "branch"], depth__gte=1, unit=None).exists()
        colleges = Unit.objects.filter(kind="college").values_list("name", flat=True)
        assert "计算机科学与技术学院" in colleges
        assert Unit.objects.filter(kind="department").count() >= 10

    def test_people_and_their_identity(self, demo):
        people = list(Person.objects.values_list("name", "id_number", "birth_date", "gender", "name_initials",
                                                 "name_pinyin"))
        assert 2400 <= len(people) <= 2600
        for name, id_number, birth, gender, initials, pinyin in people:
            value, id_birth, id_gender = parse_id_number(id_number)
            assert (value, id_birth, id_gender) == (id_number, birth, gender), name
            assert (initials, pinyin) == name_keys(name)
        regions = Counter(p[1][:4] for p in people)
        assert regions["4403"] > len(people) / 2  # mostly Shenzhen districts
        assert len({p[0] for p in people}) > len(people) * 0.8  # names vary

    def test_statuses_match_branch_composition(self, demo):
        statuses = Counter(Person.objects.values_list("party_status", flat=True))
        assert statuses["full"] + statuses["probationary"] > 0.7 * sum(statuses.values())
        for status in ("applicant", "activist", "candidate"):
            assert statuses[status] > 0
        expected = {"teacher": {"teacher"}, "student": {"student"}, "staff": {"staff"}, "retiree": {"retiree"},
                    "master_phd_joint": {"student"}, "teacher_student_joint": {"teacher", "student"},
                    "mixed": {"teacher", "staff"}}
        rows = Person.objects.values_list("organization__composition", "category").distinct()
        for composition, category in rows:
            assert category in expected[composition], (composition, category)
        assert Counter(Person.objects.values_list("cadre_level", flat=True))["senior"] in range(8, 13)
        assert Counter(Person.objects.values_list("cadre_level", flat=True))["middle"] in range(100, 141)

    def test_status_history_ends_in_the_current_status(self, demo):
        last = {}
        for person_id, status, on in StatusChange.objects.order_by("person_id", "changed_on", "id").values_list(
                "person_id", "status", "changed_on"):
            last[person_id] = (status, on)
        for pk, status, since in Person.objects.values_list("id", "party_status", "status_since"):
            assert last[pk] == (status, since)
        applications = StatusChange.objects.filter(status="applicant").values_list("changed_on", "person__birth_date")
        for applied, birth in applications:
            assert applied >= birth.replace(year=birth.year + 18) if (birth.month, birth.day) != (2, 29) else True

    def test_one_open_membership_matching_the_person(self, demo):
        open_rows = Membership.objects.filter(valid_to__isnull=True)
        per_person = Counter(open_rows.values_list("person_id", flat=True))
        assert set(per_person.values()) == {1}
        assert len(per_person) == Person.objects.count()
        mismatched = open_rows.exclude(organization_id=F("person__organization_id"))
        assert not mismatched.exists()
        assert not Membership.objects.exclude(organization__kind="branch").exists()
        assert Membership.objects.filter(valid_to__isnull=False).count() >= 10  # transfers in the history
        assert not Membership.objects.filter(valid_from__gt=date.today()).exists()
        early = Membership.objects.filter(valid_from__lt=F("organization__established_on"))
        assert not early.exists()

    def test_every_branch_has_a_secretary_and_teacher_secretaries_are_dual_leaders(self, demo):
        current = CommitteeSeat.objects.filter(ended_on__isnull=True)
        branches = Organization.objects.filter(kind="branch", dissolved_on__isnull=True)
        with_secretary = set(current.filter(post="secretary").values_list("organization_id", flat=True))
        assert set(branches.values_list("id", flat=True)) <= with_secretary
        teacher_secretaries = current.filter(post="secretary", organization__composition="teacher")
        assert teacher_secretaries.count() == branches.filter(composition="teacher").count()
        # All but the one the liaison demo leaves as this year's gap for the coverage page.
        assert teacher_secretaries.filter(is_dual_leader=False).count() <= 1
        assert not current.filter(post="secretary", organization__kind="branch").exclude(
            person__party_status="full").exists()
        for branch in branches.annotate(
                full=Count("people", filter=Q(people__party_status="full"), distinct=True),
                current_seats=Count("seats", filter=Q(seats__ended_on__isnull=True), distinct=True)):
            assert branch.full >= 3, branch.code
            if branch.full >= 7:
                assert 3 <= branch.current_seats <= 5, branch.code
            else:
                assert 1 <= branch.current_seats <= 2, branch.code
        assert current.filter(organization__code="ROOT", post="secretary").exists()
        assert CommitteeSeat.objects.filter(ended_on__isnull=False).exists()  # former secretaries

    def test_terms_with_warnings(self, demo):
        open_terms = Term.objects.filter(elected_on__isnull=True).select_related("organization")
        per_org = Counter(open_terms.values_list("organization_id", flat=True))
        assert set(per_org.values()) == {1}
        assert set(per_org) == set(Organization.objects.exclude(kind="group").filter(
            dissolved_on__isnull=True).values_list("id", flat=True))
        states = Counter(term.status() for term in open_terms)
        assert 1 <= states["overdue"] <= 2
        assert states["due_soon"] >= 3

    def test_one_summary_audit_entry(self, demo):
        entries = AuditEntry.objects.filter(action="import", note="演示数据")
        assert entries.count() == 1
        assert entries.get().after["people"] == Person.objects.count()
        assert not AuditEntry.objects.filter(model="members.person").exists()

    @pytest.mark.parametrize("username, role, org_code, subtree", [
        ("sysadmin", Role.SYSTEM_ADMIN, None, True),
        ("secadmin", Role.SECURITY_ADMIN, None, True),
        ("auditadmin", Role.AUDIT_ADMIN, None, True),
        ("orgadmin", Role.ORG_ADMIN, "ROOT", True),
        ("cs_secretary", Role.SECRETARY, "CS", True),
        ("branch_secretary", Role.SECRETARY, "CS-01", True),
        ("member", Role.MEMBER, "CS-01", False),
    ])
    def test_logins_authenticate_and_hold_their_role(self, demo, username, role, org_code, subtree):
        assert username in demo["output"] and PASSWORD in demo["output"]
        user = authenticate(username=username, password=PASSWORD)
        assert user is not None and not user.must_change_password
        (assignment,) = user.assignments()
        assert assignment.role == role and assignment.include_subtree == subtree
        assert (assignment.organization.code if assignment.organization_id else None) == org_code
        password_validation.validate_password(PASSWORD, user)
        assert authenticate(username=username, password=PASSWORD + "x") is None

    def test_linked_people(self, demo):
        cs = Organization.objects.get(code="CS")
        college = User.objects.get(username="cs_secretary")
        assert CommitteeSeat.objects.filter(organization=cs, post="secretary", person=college.person,
                                            ended_on__isnull=True).exists()
        branch = User.objects.get(username="branch_secretary")
        assert CommitteeSeat.objects.filter(organization__code="CS-01", post="secretary", person=branch.person,
                                            ended_on__isnull=True, is_dual_leader=True).exists()
        member = User.objects.get(username="member")
        assert member.person.organization.code == "CS-01" and member.person.party_status == "full"
        assert Person.objects.restrict(member).get() == member.person
        assert {row[0] for row in LOGINS} == set(User.objects.values_list("username", flat=True))

    def test_scopes_of_the_secretaries(self, demo):
        college = User.objects.get(username="cs_secretary")
        visible = Person.objects.restrict(college)
        cs = Organization.objects.get(code="CS")
        assert visible.count() == Person.objects.filter(organization__path__startswith=cs.path).count() > 0
        assert not visible.exclude(organization__path__startswith=cs.path).exists()

    def test_every_large_table_carries_its_top_level_organisation(self, demo):
        # The demo bulk-loads people, memberships, meetings and attendance (no signals): orgs.top.stamp.
        call_command("check_top", stdout=StringIO())
        assert not Person.objects.filter(top_id__isnull=True).exists()

    def test_second_run_changes_nothing(self, demo):
        before = counts()
        out = StringIO()
        call_command("demo", stdout=out)
        assert "已存在" in out.getvalue() and PASSWORD in out.getvalue()
        assert counts() == before

    def test_if_empty_changes_nothing(self, demo):
        before = counts()
        call_command("demo", "--if-empty", stdout=StringIO())
        assert counts() == before
