"""Fixtures every app's tests share: a small organisation tree with one user per role.

    ROOT 校党委 (committee)
    ├── CA 甲学院党委 (committee) ── CA-B1 甲学院教工第一党支部 (branch) ── CA-B1-G1 第一党小组 (group)
    │                              └── CA-B2 甲学院学生党支部 (branch)
    └── CB 乙学院党委 (committee) ── CB-B1 乙学院教工党支部 (branch)
"""
import itertools
from datetime import date

import pytest

from accounts.roles import Role
from core.scoping import SYSTEM
from members.identity import make_id_number
from members.models import Person
from members.services import create_person
from orgs.models import Organization

PASSWORD = "Qiangji-Test-2026"
_sequence = itertools.count(1)


def make_person(org, name="测试人员", *, status="full", category="teacher", birth=date(1990, 5, 17), **extra):
    seq = next(_sequence)
    # Odd sequence = male; the ID number decides the gender, so pass neither and let clean() derive it.
    id_number = make_id_number("440305", birth, seq % 1000)
    while Person.objects.filter(id_number=id_number).exists():
        seq = next(_sequence)
        id_number = make_id_number("440305", birth, seq % 1000)
    return create_person(SYSTEM, name=name, id_number=id_number, birth_date=birth, gender="", category=category,
                         party_status=status, organization=org, joined_on=extra.pop("joined_on", date(2020, 1, 1)),
                         **extra)


def make_user(username, role=None, org=None, *, include_subtree=True, person=None):
    from accounts.services import create_user, grant

    user = create_user(SYSTEM, username, PASSWORD, person=person, must_change_password=False)
    if role:
        grant(SYSTEM, user, role, org, include_subtree=include_subtree)
    return user


class Tree:
    pass


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploaded files (evidence, attachments, the demo's files) of the whole run go to a temporary
    folder, never into var/media. Session-wide, so class-scoped demo fixtures are covered too."""
    from django.conf import settings as django_settings

    django_settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture
def tree(db):
    t = Tree()
    mk = Organization.objects.create
    t.root = mk(code="ROOT", name="校党委", kind="committee", established_on=date(2000, 1, 1))
    t.ca = mk(code="CA", name="甲学院党委", short_name="甲学院", kind="committee", parent=t.root,
              established_on=date(2005, 1, 1))
    t.cb = mk(code="CB", name="乙学院党委", short_name="乙学院", kind="committee", parent=t.root,
              established_on=date(2005, 1, 1))
    t.ca_b1 = mk(code="CA-B1", name="甲学院教工第一党支部", kind="branch", parent=t.ca, composition="teacher",
                 established_on=date(2010, 1, 1))
    t.ca_b2 = mk(code="CA-B2", name="甲学院学生党支部", kind="branch", parent=t.ca, composition="student",
                 established_on=date(2010, 1, 1))
    t.ca_g1 = mk(code="CA-B1-G1", name="第一党小组", kind="group", parent=t.ca_b1)
    t.cb_b1 = mk(code="CB-B1", name="乙学院教工党支部", kind="branch", parent=t.cb, composition="teacher",
                 established_on=date(2010, 1, 1))
    for o in (t.root, t.ca, t.cb, t.ca_b1, t.ca_b2, t.ca_g1, t.cb_b1):
        o.refresh_from_db()
    return t


@pytest.fixture
def people(tree):
    tree.zhang = make_person(tree.ca_b1, "张嘉恒", mobile="13812345678")
    tree.li = make_person(tree.ca_b2, "李明", category="student")
    tree.wang = make_person(tree.cb_b1, "王芳", mobile="13900001111")
    return tree


@pytest.fixture
def users(people):
    t = people
    t.org_admin = make_user("orgadmin", Role.ORG_ADMIN, t.root)
    t.sec_a = make_user("sec_a", Role.SECRETARY, t.ca)
    t.sec_b = make_user("sec_b", Role.SECRETARY, t.cb)
    t.branch_only = make_user("branch_only", Role.SECRETARY, t.ca, include_subtree=False)
    t.member = make_user("member_zhang", Role.MEMBER, t.ca_b1, person=t.zhang, include_subtree=False)
    t.nobody = make_user("nobody")
    t.sys_admin = make_user("sysadmin", Role.SYSTEM_ADMIN)
    t.sec_admin = make_user("secadmin", Role.SECURITY_ADMIN)
    t.audit_admin = make_user("auditadmin", Role.AUDIT_ADMIN)
    return t


@pytest.fixture
def login(client):
    """Log `user` in on the test client (second factor marked done for administrators)."""

    def _login(user):
        client.force_login(user)
        from django_otp.plugins.otp_totp.models import TOTPDevice

        if user.has_role(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return _login
