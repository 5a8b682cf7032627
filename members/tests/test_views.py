"""Scope tests for the people pages (core.testing): people (list, detail, add, edit, export, transfer,
status), memberships (list, export) and committee seats (add, end)."""
from datetime import date

import pytest
from django.utils import timezone

from accounts.roles import Role
from audit.services import history
from conftest import make_person, make_user
from core import testing
from members.forms import PersonForm
from members.identity import make_id_number
from members.models import CommitteeSeat, Membership, Person

_sequence = iter(range(500, 999))


def new_id_number():
    while True:
        value = make_id_number("110101", date(1995, 3, 8), next(_sequence))
        if not Person.objects.filter(id_number=value).exists():
            return value


@pytest.fixture
def secretaries(people):
    """Secretaries of college A and college B (sibling subtrees) and a user with no role."""
    t = people
    return {"allowed_user": make_user("sec_ca", Role.SECRETARY, t.ca),
            "sibling_user": make_user("sec_cb", Role.SECRETARY, t.cb),
            "no_role_user": make_user("norole")}


@pytest.fixture
def person_case(people, secretaries):
    return testing.ScopedCase(inside=people.zhang, outside=people.wang, extra={"tree": people}, **secretaries)


class PeopleViewTests(testing.ScopedTestBase):
    model = Person
    audit_history = staticmethod(history)

    def text_of(self, obj):
        return obj.name

    @pytest.fixture
    def scoped_case(self, person_case):
        return person_case


class TestPersonPages(PeopleViewTests, testing.ListTests, testing.ExportTests, testing.DetailTests,
                      testing.AddTests, testing.EditTests):
    list_url = "/members/"
    edit_changes = {"title": "副教授", "note": "职称变动"}

    def make_inside(self, case):
        return make_person(case.inside_org, "赵新")

    def add_url(self, case, org):
        return "/members/add/"

    def add_data(self, case, org):
        return {"name": "孙悦", "id_number": new_id_number(), "ethnicity": "汉族", "category": "teacher",
                "cadre_level": "none", "party_status": "activist", "organization": str(org.pk),
                "joined_on": "2024-03-01"}

    def edit_url(self, obj):
        return f"/members/{obj.pk}/edit/"

    def edit_data(self, case, obj):
        return testing.initial_form_data(PersonForm(instance=obj, user=case.allowed_user))

    def test_add_creates_the_open_membership(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        data = self.add_data(scoped_case, scoped_case.inside_org)
        assert client.post("/members/add/", data).status_code == 302
        person = Person.objects.get(id_number=data["id_number"])
        membership = person.memberships.get()
        assert membership.organization_id == scoped_case.inside_org.pk and membership.valid_to is None

    def test_add_with_an_organisation_viewed_but_not_managed_is_a_form_error(self, client, scoped_case):
        """The secretary of college A who is also a member of college B's branch sees that branch, but may
        not add people to it: the service refuses, the page says why, nothing is written."""
        tree = scoped_case.extra["tree"]
        user = scoped_case.allowed_user
        user.person = tree.wang
        user.save(update_fields=["person"])
        from accounts.services import grant
        from core.scoping import SYSTEM

        grant(SYSTEM, user, Role.MEMBER, tree.cb_b1, include_subtree=False)
        self.log_in(client, user)
        form = client.get("/members/add/").context["form"]
        offered = {str(v) for v, _label in form.fields["organization"].choices if v}
        assert str(tree.ca_b1.pk) in offered and str(tree.cb_b1.pk) not in offered
        people, memberships = Person.objects.count(), Membership.objects.count()
        response = client.post("/members/add/", self.add_data(scoped_case, tree.cb_b1))
        assert response.status_code == 200
        assert testing.OUT_OF_SCOPE_CHOICE in response.content.decode()
        assert (Person.objects.count(), Membership.objects.count()) == (people, memberships)

    def test_duplicate_id_number_reveals_nothing_about_the_holder(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        data = self.add_data(scoped_case, scoped_case.inside_org)
        data["id_number"] = scoped_case.outside.id_number  # held by a person in college B
        response = client.post("/members/add/", data)
        assert response.status_code == 200
        body = response.content.decode()
        assert "该身份证号已登记" in body
        assert scoped_case.outside.name not in body and "乙学院" not in body

    def test_secretary_sees_masked_id_number_in_list(self, client, scoped_case):
        response = self.log_in(client, scoped_case.allowed_user).get(self.list_url)
        assert scoped_case.inside.id_number not in response.content.decode()


class TestPersonTransfer(PeopleViewTests, testing.VersionedActionTests):
    def action_url(self, obj):
        return f"/members/{obj.pk}/transfer/"

    def action_data(self, case, obj):
        tree = case.extra["tree"]
        target = tree.ca_b2 if obj.pk == tree.zhang.pk else tree.cb
        return {"to_organization": str(target.pk), "on_date": timezone.localdate().isoformat(), "note": "工作调动"}

    def action_done(self, case, obj):
        return testing.refetch(obj).organization_id != obj.organization_id

    def test_transfer_into_sibling_subtree_is_refused(self, client, scoped_case):
        tree = scoped_case.extra["tree"]
        self.log_in(client, scoped_case.allowed_user)
        obj = scoped_case.inside
        before = self.state(obj)
        data = {"to_organization": str(tree.cb_b1.pk), "on_date": timezone.localdate().isoformat(),
                "expected_version": str(obj.version)}
        response = client.post(self.action_url(obj), data)
        assert response.status_code == 200
        assert "乙学院" not in response.content.decode()
        assert self.state(obj) == before
        assert obj.memberships.count() == 1


class TestPersonStatus(PeopleViewTests, testing.VersionedActionTests):
    def action_url(self, obj):
        return f"/members/{obj.pk}/status/"

    def action_data(self, case, obj):
        return {"status": "probationary", "on_date": timezone.localdate().isoformat(), "note": "测试"}

    def action_done(self, case, obj):
        return testing.refetch(obj).party_status == "probationary"


class TestMembershipList(testing.ListTests, testing.ExportTests):
    model = Membership
    audit_history = staticmethod(history)
    list_url = "/members/memberships/"

    @pytest.fixture
    def scoped_case(self, person_case):
        t = person_case.extra["tree"]
        return testing.ScopedCase(
            inside=t.zhang.memberships.get(), outside=t.wang.memberships.get(),
            allowed_user=person_case.allowed_user, sibling_user=person_case.sibling_user,
            no_role_user=person_case.no_role_user, extra=person_case.extra)

    def text_of(self, obj):
        return obj.person.name

    def make_inside(self, case):
        return make_person(case.inside_org, "钱进").memberships.get()


class TestCommitteeSeatAdd(testing.AddTests):
    model = CommitteeSeat
    audit_history = staticmethod(history)

    @pytest.fixture
    def scoped_case(self, person_case):
        return person_case

    def add_url(self, case, org):
        return f"/members/seats/add/{org.pk}/"

    def add_data(self, case, org):
        person = Person.objects.filter(organization=org).first()
        return {"post": "secretary", "person": str(person.pk), "started_on": "2024-01-01"}

    def test_add_seat_in_viewed_but_not_managed_organisation_is_refused(self, client, scoped_case):
        tree = scoped_case.extra["tree"]
        user = scoped_case.allowed_user
        user.person = tree.wang
        user.save(update_fields=["person"])
        from accounts.services import grant
        from core.scoping import SYSTEM

        grant(SYSTEM, user, Role.MEMBER, tree.cb_b1, include_subtree=False)
        self.log_in(client, user)
        url = self.add_url(scoped_case, tree.cb_b1)
        assert client.get(url).status_code == 403
        response = client.post(url, self.add_data(scoped_case, tree.cb_b1))
        assert response.status_code == 403
        assert not CommitteeSeat.objects.exists()


class TestCommitteeSeatEnd:
    @pytest.fixture
    def seat(self, person_case):
        from core.scoping import SYSTEM
        from members.services import appoint

        t = person_case.extra["tree"]
        return appoint(SYSTEM, t.ca_b1, t.zhang, "secretary", date(2024, 1, 1))

    def test_allowed_ends_the_seat_and_it_is_audited(self, client, person_case, seat):
        client.force_login(person_case.allowed_user)
        response = client.post(f"/members/seats/{seat.pk}/end/", {"expected_version": str(seat.version)})
        assert response.status_code == 302
        seat.refresh_from_db()
        assert seat.ended_on == timezone.localdate()
        assert history(seat)[0].actor_id == person_case.allowed_user.pk

    def test_sibling_gets_404_and_nothing_changes(self, client, person_case, seat):
        client.force_login(person_case.sibling_user)
        response = client.post(f"/members/seats/{seat.pk}/end/", {"expected_version": str(seat.version)})
        assert response.status_code == 404
        assert "未找到该记录" in response.content.decode()
        seat.refresh_from_db()
        assert seat.ended_on is None

    def test_stale_or_blank_version_is_a_message_not_a_server_error(self, client, person_case, seat):
        client.force_login(person_case.allowed_user)
        response = client.post(f"/members/seats/{seat.pk}/end/", {"expected_version": "99"}, follow=True)
        assert response.status_code == 200
        assert "该记录已被他人修改" in response.content.decode()
        seat.refresh_from_db()
        assert seat.ended_on is None
        response = client.post(f"/members/seats/{seat.pk}/end/", {"expected_version": ""})
        assert response.status_code == 302
        seat.refresh_from_db()
        assert seat.ended_on == timezone.localdate()
