from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from conftest import make_person
from core.errors import BusinessRuleError, NotInScope, StaleEdit
from core.scoping import SYSTEM, PermissionDenied
from members import services
from members.identity import make_id_number
from members.models import CommitteeSeat, Membership, Person, StatusChange


@pytest.mark.django_db
class TestPeople:
    def test_create_derives_birth_gender_and_pinyin_and_opens_membership(self, tree):
        p = make_person(tree.ca_b1, "张嘉恒", joined_on=date(2021, 3, 1))
        assert (p.name_initials, p.name_pinyin) == ("zjh", "zhangjiaheng")
        assert p.birth_date == date(1990, 5, 17) and p.gender in ("male", "female")
        m = Membership.objects.get(person=p)
        assert (m.organization, m.valid_from, m.valid_to) == (tree.ca_b1, date(2021, 3, 1), None)
        assert StatusChange.objects.filter(person=p, status="full").count() == 1

    def test_id_number_checked_and_unique(self, people):
        with pytest.raises(ValidationError) as exc:
            services.create_person(SYSTEM, name="甲", id_number="110105194912310021", category="staff",
                                   organization=people.ca_b1)
        assert "校验位" in str(exc.value)
        with pytest.raises(ValidationError):
            services.create_person(SYSTEM, name="乙", id_number=people.zhang.id_number, category="staff",
                                   organization=people.ca_b1)
        assert Person.objects.count() == 3

    def test_gender_and_birth_date_cross_checked(self, tree):
        number = make_id_number("440305", date(1990, 1, 2), 7)  # male
        with pytest.raises(ValidationError) as exc:
            services.create_person(SYSTEM, name="丙", id_number=number, gender="female", birth_date=date(1990, 1, 3),
                                   category="staff", organization=tree.ca_b1)
        assert set(exc.value.message_dict) == {"gender", "birth_date"}

    def test_join_before_organization_established_is_refused_and_nothing_written(self, tree):
        with pytest.raises(BusinessRuleError, match="成立"):
            make_person(tree.ca_b1, "丁", joined_on=date(2001, 1, 1))
        assert not Person.objects.filter(name="丁").exists()

    def test_secretary_cannot_create_in_another_college(self, users):
        number = make_id_number("440305", date(1991, 1, 2), 9)
        with pytest.raises(PermissionDenied):
            services.create_person(users.sec_a, name="戊", id_number=number, category="staff",
                                   organization=users.cb_b1)
        assert not Person.objects.filter(id_number=number).exists()

    def test_update_stale_and_scope(self, users):
        services.update_person(users.sec_a, users.zhang, {"title": "教授"}, expected_version=1)
        with pytest.raises(StaleEdit):
            services.update_person(users.sec_a, users.zhang, {"title": "副教授"}, expected_version=1)
        with pytest.raises(NotInScope):
            services.update_person(users.sec_b, users.zhang, {"title": "讲师"})
        assert Person.objects.get(pk=users.zhang.pk).title == "教授"
        entry = AuditEntry.objects.get(model="members.person", action="update", object_id=str(users.zhang.pk))
        assert entry.before["title"] == "" and entry.after["title"] == "教授"

    def test_organization_and_status_only_through_their_actions(self, users):
        with pytest.raises(BusinessRuleError):
            services.update_person(users.org_admin, users.zhang, {"organization": users.cb_b1})
        with pytest.raises(BusinessRuleError):
            services.update_person(users.org_admin, users.zhang, {"party_status": "left"})


@pytest.mark.django_db
class TestMemberships:
    def test_transfer_closes_and_opens_and_keeps_history(self, users):
        t = users
        services.transfer(t.org_admin, t.zhang, t.cb_b1, date(2024, 7, 1), note="工作调动")
        rows = list(Membership.objects.filter(person=t.zhang).order_by("valid_from")
                    .values_list("organization__code", "valid_from", "valid_to"))
        assert rows == [("CA-B1", date(2020, 1, 1), date(2024, 7, 1)), ("CB-B1", date(2024, 7, 1), None)]
        assert Person.objects.get(pk=t.zhang.pk).organization == t.cb_b1
        entry = AuditEntry.objects.get(model="members.person", action="transfer")
        assert entry.before["organization"] == t.ca_b1.pk and entry.after["organization"] == t.cb_b1.pk

    def test_members_on_a_date(self, users):
        t = users
        services.transfer(t.org_admin, t.zhang, t.cb_b1, date(2024, 7, 1))
        assert set(services.members_on(t.ca_b1, date(2024, 6, 30))) == {t.zhang}
        assert set(services.members_on(t.ca_b1, date(2024, 7, 1))) == set()
        assert set(services.members_on(t.cb_b1, date(2024, 7, 1))) == {t.zhang, t.wang}
        assert set(services.members_on(t.root, date(2024, 7, 1), subtree=True)) == {t.zhang, t.li, t.wang}
        assert set(services.members_on(t.ca, date(2019, 12, 31), subtree=True)) == set()

    def test_transfer_refusals_change_nothing(self, users):
        t = users
        count = Membership.objects.count()
        with pytest.raises(BusinessRuleError, match="相同"):
            services.transfer(t.org_admin, t.zhang, t.ca_b1, date(2024, 1, 1))
        with pytest.raises(BusinessRuleError, match="党小组"):
            services.transfer(t.org_admin, t.zhang, t.ca_g1, date(2024, 1, 1))
        with pytest.raises(BusinessRuleError, match="晚于本次转入日期"):
            services.transfer(t.org_admin, t.zhang, t.cb_b1, date(2019, 1, 1))
        # A college-A secretary may not push a member into college B.
        with pytest.raises(PermissionDenied):
            services.transfer(t.sec_a, t.zhang, t.cb_b1, date(2024, 1, 1))
        assert Membership.objects.count() == count
        assert Person.objects.get(pk=t.zhang.pk).organization == t.ca_b1

    def test_transfer_into_dissolved_organization_refused(self, users):
        from orgs.services import dissolve_organization

        dissolve_organization(SYSTEM, users.ca_g1, date.today())
        empty = users.ca_b2
        services.transfer(SYSTEM, users.li, users.ca_b1, date.today() - timedelta(days=1))
        dissolve_organization(SYSTEM, empty, date.today())
        with pytest.raises(BusinessRuleError, match="撤销"):
            services.transfer(users.org_admin, users.zhang, empty, date.today())

    def test_one_open_membership_per_person_enforced_by_the_database(self, people):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(person=people.zhang, organization=people.cb_b1, valid_from=date(2024, 1, 1))


@pytest.mark.django_db
class TestStatus:
    def test_status_history(self, users):
        p = make_person(users.ca_b2, "赵磊", status="activist", joined_on=date(2022, 9, 1),
                        status_since=date(2022, 10, 1))
        services.change_status(users.org_admin, p, "candidate", date(2023, 11, 1))
        services.change_status(users.org_admin, p, "probationary", date(2024, 6, 1))
        assert list(p.status_changes.values_list("status", "changed_on")) == [
            ("activist", date(2022, 10, 1)), ("candidate", date(2023, 11, 1)), ("probationary", date(2024, 6, 1))]
        assert Person.objects.get(pk=p.pk).party_status == "probationary"

    def test_status_dates_must_move_forward_and_not_into_the_future(self, users):
        with pytest.raises(BusinessRuleError, match="早于上一次"):
            services.change_status(users.org_admin, users.zhang, "left", date(2019, 1, 1))
        with pytest.raises(BusinessRuleError, match="晚于今天"):
            services.change_status(users.org_admin, users.zhang, "left", date.today() + timedelta(days=1))
        assert Person.objects.get(pk=users.zhang.pk).party_status == "full"


@pytest.mark.django_db
class TestSeats:
    def test_one_current_secretary(self, people):
        services.appoint(SYSTEM, people.ca_b1, people.zhang, "secretary", date(2023, 1, 1), is_dual_leader=True,
                         dual_leader_basis="academic_leader")
        other = make_person(people.ca_b1, "钱伟")
        with pytest.raises(BusinessRuleError, match="在任书记"):
            services.appoint(SYSTEM, people.ca_b1, other, "secretary", date(2024, 1, 1))

    def test_dual_leader_only_on_secretary(self, people):
        with pytest.raises(ValidationError):
            services.appoint(SYSTEM, people.ca_b1, people.zhang, "publicity", date(2023, 1, 1), is_dual_leader=True,
                             dual_leader_basis="academic_leader")

    def test_dual_leader_only_in_a_teacher_branch_and_with_a_basis(self, people):
        student = make_person(people.ca_b2, "赵磊", category="student")
        with pytest.raises(ValidationError, match="教师党支部"):
            services.appoint(SYSTEM, people.ca_b2, student, "secretary", date(2023, 1, 1), is_dual_leader=True,
                             dual_leader_basis="academic_leader")
        with pytest.raises(ValidationError, match="依据"):
            services.appoint(SYSTEM, people.ca_b1, people.zhang, "secretary", date(2023, 1, 1), is_dual_leader=True)
        assert not CommitteeSeat.objects.filter(post="secretary").exists()

    def test_set_dual_leader_on_a_serving_secretary(self, people):
        seat = services.appoint(SYSTEM, people.ca_b1, people.zhang, "secretary", date(2023, 1, 1))
        seat = services.set_dual_leader(SYSTEM, seat, True, "senior_title", "教授", expected_version=seat.version)
        assert (seat.is_dual_leader, seat.dual_leader_basis, seat.dual_leader_note) == (True, "senior_title", "教授")
        with pytest.raises(StaleEdit):
            services.set_dual_leader(SYSTEM, seat, False, expected_version=1)
        seat = services.set_dual_leader(SYSTEM, seat, False, expected_version=seat.version)
        assert (seat.is_dual_leader, seat.dual_leader_basis) == (False, "")
        services.end_seat(SYSTEM, seat, date(2024, 1, 1))
        with pytest.raises(BusinessRuleError, match="离任"):
            services.set_dual_leader(SYSTEM, seat, True, "senior_title")


@pytest.mark.django_db
class TestScopeAndMasking:
    def test_restrict_by_role(self, users):
        t = users
        names = lambda u: set(Person.objects.restrict(u).values_list("name", flat=True))  # noqa: E731
        assert names(t.org_admin) == {"张嘉恒", "李明", "王芳"}
        assert names(t.sec_a) == {"张嘉恒", "李明"}
        assert names(t.sec_b) == {"王芳"}
        assert names(t.branch_only) == set()  # a role on the college committee alone: nobody is kept there
        assert names(t.member) == {"张嘉恒"}
        assert names(t.nobody) == set() and names(t.sys_admin) == set() and names(t.audit_admin) == set()

    def test_sensitive_fields_by_role(self, users):
        from members.masking import shown

        t = users
        assert shown(t.org_admin, t.zhang, "id_number") == t.zhang.id_number
        assert shown(t.sec_a, t.zhang, "id_number") == t.zhang.id_number[0] + "*" * 16 + t.zhang.id_number[-1]
        assert shown(t.sec_a, t.zhang, "mobile") == "13812345678"
        assert shown(t.member, t.zhang, "id_number") == t.zhang.id_number
        reveals = AuditEntry.objects.filter(action="reveal", object_id=str(t.zhang.pk))
        assert reveals.count() == 3  # org admin's ID, secretary's phone, member's own ID; never the masked one

    def test_unmasked_view_is_logged_on_the_detail_page(self, users, login):
        c = login(users.sec_a)
        r = c.get(f"/members/{users.zhang.pk}/")
        body = r.content.decode()
        assert users.zhang.id_number not in body and "13812345678" in body
        assert AuditEntry.objects.filter(action="reveal", actor=users.sec_a, object_id=str(users.zhang.pk)).count() == 1

    def test_college_secretary_sees_other_college_person_as_not_found(self, users, login):
        c = login(users.sec_a)
        r = c.get(f"/members/{users.wang.pk}/")
        assert r.status_code == 404 and "王芳" not in r.content.decode()


@pytest.mark.django_db
def test_ending_a_seat_twice_is_refused(people):
    seat = services.appoint(SYSTEM, people.ca_b1, people.zhang, "publicity", date(2023, 1, 1))
    services.end_seat(SYSTEM, seat, date(2024, 1, 1))
    with pytest.raises(BusinessRuleError, match="已离任"):
        services.end_seat(SYSTEM, seat, date(2024, 6, 1))
    seat.refresh_from_db()
    assert seat.ended_on == date(2024, 1, 1)


@pytest.mark.django_db
def test_the_person_form_accepts_a_phone_typed_with_spaces_and_country_code(users, login):
    number = make_id_number("440305", date(1992, 4, 5), 31)
    r = login(users.sec_a).post("/members/add/", {
        "name": "孙悦", "id_number": number, "mobile": "+86 139-0000-2222", "category": "teacher", "ethnicity": "汉族",
        "cadre_level": "none", "party_status": "full", "organization": users.ca_b1.pk})
    assert r.status_code == 302, r.content.decode()[-2000:]
    assert Person.objects.get(id_number=number).mobile == "13900002222"
