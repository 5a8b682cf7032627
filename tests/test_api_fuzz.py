"""Schemathesis against our own OpenAPI schema (DESIGN: tests), in-process through the WSGI application.

Every operation the schema lists is called with generated requests (valid and invalid) by an organisation
administrator scoped to one college (甲学院), authenticated by API token. Whatever is sent, the answer is
never a 5xx, its status code is one the schema documents for that operation, its content type is the
documented one, and its body matches the documented schema. Examples are derandomised so that CI sends
the same requests on every run."""
from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from audit.services import create
from conftest import make_person, make_user
from core.scoping import SYSTEM
from decisions import services as decision_services
from decisions.models import BranchOpinion, Matter
from ledgers import services as ledger_services
from ledgers.models import Ledger, Task
from liaison import services as liaison_services
from liaison.models import BranchVisit, Liaison, Problem
from meetings.models import Campaign, Meeting
from meetings.services import create_meeting
from members.models import Membership
from recognition import services as recognition_services
from recognition.models import BrandProject, Honor, ModelBranch, ModelBranchBatch, RoleModel

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# The schema does not depend on data, so it is fetched once, at import; the generated requests run later,
# inside each test's transaction on the test database. (schemathesis.pytest.from_fixture would fetch it
# per test, but its lazy loader relies on a pytest internal that pytest 9.2 no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """What Django's test client does around each request: the handler's request_started and
    request_finished signals would otherwise close the database connection, and with it the test's
    transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz(users, keep_connection):
    t = users
    admin = make_user("fuzz_admin", Role.ORG_ADMIN, t.ca)
    for org in (t.ca, t.ca_b1, t.cb_b1):
        create_meeting(SYSTEM, kind="party_lecture", organization=org, title="党课", held_on=date(2024, 3, 1),
                       agenda=[{"title": "第一议题", "is_first_topic": True}])
    for org in (t.ca, t.cb):
        create(SYSTEM, Campaign(name="主题教育", organization=org, starts_on=date(2024, 1, 1),
                                ends_on=date(2024, 12, 31)))
    # Ledgers of the college (managed), of the university (a task owned by the college: read through it) and
    # of the other college (out of scope), each with tasks in several states.
    for org, owners in ((t.ca, (t.ca, t.ca_b1)), (t.root, (t.ca, t.cb)), (t.cb, (t.cb_b1,))):
        book = ledger_services.create_ledger(SYSTEM, kind="task_list", name=f"{org.name}任务清单", organization=org,
                                             year=2024)
        for owner in owners:
            task = ledger_services.create_task(
                SYSTEM, ledger=book, owner=owner, title="任务", deadline=date(2024, 6, 30),
                assigned_on=date(2024, 1, 10), leaders=[t.zhang],
                milestones=[{"title": "节点", "due_on": date(2024, 3, 1)}])
            ledger_services.add_progress(SYSTEM, task, "进展", written_on=date(2024, 2, 1), today=date(2024, 2, 1))
            ledger_services.submit_task(SYSTEM, task, "完成", today=date(2024, 3, 1))
        ledger_services.create_task(SYSTEM, ledger=book, owner=owners[-1], title="未开始", deadline=date(2030, 1, 1))
    # Matters of both colleges: a draft, a submitted personnel matter (its branch asked) and a decided one.
    for org, proposer in ((t.ca, t.li), (t.cb, t.wang)):
        meet = {kind: create_meeting(SYSTEM, kind=kind, organization=org, title=kind, held_on=date(2024, 3, 10))
                for kind in ("committee_meeting", "joint_meeting")}
        decision_services.create_matter(SYSTEM, title="草稿", category="other", organization=org, proposer=proposer)
        personnel = decision_services.create_matter(SYSTEM, title="职称评聘", category="title_review",
                                                    organization=org, proposer=proposer, people=[proposer])
        decision_services.submit_matter(SYSTEM, personnel, today=date(2024, 3, 1))
        major = decision_services.create_matter(SYSTEM, title="发展规划", category="direction", organization=org,
                                                proposer=proposer)
        major = decision_services.submit_matter(SYSTEM, major, today=date(2024, 3, 1))
        major = decision_services.record_pre_review(SYSTEM, major, meet["committee_meeting"], "agreed",
                                                    today=date(2024, 3, 10))
        decision_services.record_decision(SYSTEM, major, meet["joint_meeting"], "adopted", today=date(2024, 3, 10))
    # Liaisons, visits with problems (one resolved), brands (one approved), a model-branch cycle applied for,
    # honours and role models, in both colleges.
    for org, branch in ((t.ca, t.ca_b1), (t.cb, t.cb_b1)):
        leader = make_person(org, "领导", cadre_level="middle")
        liaison_services.assign(SYSTEM, leader=leader, branch=branch, valid_from=date(2024, 1, 1))
        visit = liaison_services.record_visit(SYSTEM, branch=branch, visited_on=date(2024, 3, 1), leaders=[leader],
                                              problems=["问题一", "问题二"])
        liaison_services.resolve_problem(SYSTEM, visit.problems.first(), resolution="已整改",
                                         resolved_on=date(2024, 4, 1))
        brand = recognition_services.propose_brand(SYSTEM, level="branch", organization=branch, name="特色",
                                                   started_on=date(2024, 1, 1))
        recognition_services.act_on_brand(SYSTEM, brand, "approve", on_date=date(2024, 2, 1))
        recognition_services.propose_brand(SYSTEM, level="college", organization=org, name="品牌",
                                           started_on=date(2024, 1, 1))
        batch = recognition_services.create_batch(SYSTEM, organization=org, name="第一批", year=2024)
        recognition_services.apply_model_branch(SYSTEM, batch=batch, branch=branch, applied_on=date(2024, 1, 10))
        recognition_services.record_honor(SYSTEM, kind="advanced_collective", level="university", title="先进集体",
                                          year=2024, issuer="校党委", organization=branch)
        recognition_services.save_role_model(SYSTEM, person=leader, year=2024, title="榜样", deeds="事迹")
    t.token = Token.objects.create(user=admin).key
    # Generated ids almost never name a record; map non-negative integer ids onto real ones, in scope
    # (甲学院 and below) and out of it (校党委, 乙学院), so the detail operations reach real records too.
    t.ids = {
        "/api/organizations/": [o.pk for o in (t.ca, t.ca_b1, t.ca_b2, t.ca_g1, t.cb, t.cb_b1, t.root)],
        "/api/people/": [p.pk for p in (t.zhang, t.li, t.wang)],
        "/api/memberships/": list(Membership.objects.values_list("pk", flat=True)),
        "/api/role-assignments/": list(RoleAssignment.objects.values_list("pk", flat=True)),
        "/api/users/": list(User.objects.values_list("pk", flat=True)),
        "/api/meetings/": list(Meeting.objects.values_list("pk", flat=True)),
        "/api/campaigns/": list(Campaign.objects.values_list("pk", flat=True)),
        "/api/ledgers/": list(Ledger.objects.values_list("pk", flat=True)),
        "/api/tasks/": list(Task.objects.values_list("pk", flat=True)),
        "/api/matters/": list(Matter.objects.values_list("pk", flat=True)),
        "/api/branch-opinions/": list(BranchOpinion.objects.values_list("pk", flat=True)),
        "/api/liaisons/": list(Liaison.objects.values_list("pk", flat=True)),
        "/api/branch-visits/": list(BranchVisit.objects.values_list("pk", flat=True)),
        "/api/visit-problems/": list(Problem.objects.values_list("pk", flat=True)),
        "/api/brand-projects/": list(BrandProject.objects.values_list("pk", flat=True)),
        "/api/model-branch-batches/": list(ModelBranchBatch.objects.values_list("pk", flat=True)),
        "/api/model-branches/": list(ModelBranch.objects.values_list("pk", flat=True)),
        "/api/honors/": list(Honor.objects.values_list("pk", flat=True)),
        "/api/role-models/": list(RoleModel.objects.values_list("pk", flat=True)),
    }
    return t


def real_id(ids, path, value):
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return value
    pool = next(pool for prefix, pool in ids.items() if path.startswith(prefix))
    return pool[value % len(pool)]


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_and_never_fails(case, fuzz):
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = real_id(fuzz.ids, case.path, case.path_parameters["id"])
    case.call_and_validate(headers={"Authorization": f"Token {fuzz.token}"}, checks=CHECKS)
