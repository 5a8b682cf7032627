"""Scope tests for the organisation pages (core.testing): list, detail, add, edit, export, move,
dissolve and delete, each for a role on the record's subtree and on a sibling subtree."""
import itertools
from datetime import date

import pytest
from django.utils import timezone

from accounts.roles import Role
from audit.services import history
from conftest import make_user
from core import testing
from orgs.forms import OrganizationForm
from orgs.models import Organization

_codes = itertools.count(1)


def make_branch(parent, name=None):
    n = next(_codes)
    return Organization.objects.create(code=f"{parent.code}-T{n}", name=name or f"{parent.short_name}测试支部{n}",
                                       kind="branch", parent=parent, established_on=date(2015, 1, 1))


@pytest.fixture
def org_case(tree):
    """Organisation administrators of college A and college B: the two sibling subtrees."""
    return testing.ScopedCase(
        inside=tree.ca_b1, outside=tree.cb_b1, inside_org=tree.ca, outside_org=tree.cb,
        allowed_user=make_user("admin_ca", Role.ORG_ADMIN, tree.ca),
        sibling_user=make_user("admin_cb", Role.ORG_ADMIN, tree.cb),
        no_role_user=make_user("norole"),
        extra={"tree": tree},
    )


@pytest.fixture
def leaf_case(org_case):
    """Fresh leaf branches with no history in each college, for actions that need one."""
    tree = org_case.extra["tree"]
    org_case.inside = make_branch(tree.ca, "甲学院待处理支部")
    org_case.outside = make_branch(tree.cb, "乙学院待处理支部")
    return org_case


class OrganizationViewTests(testing.ScopedTestBase):
    model = Organization
    audit_history = staticmethod(history)

    def text_of(self, obj):
        return obj.name


class TestOrganizationPages(OrganizationViewTests, testing.ListTests, testing.ExportTests, testing.DetailTests,
                            testing.AddTests, testing.EditTests):
    list_url = "/orgs/"
    edit_changes = {"name": "甲学院教工第一党支部（更名）", "note": "按学院文件更名"}

    @pytest.fixture
    def scoped_case(self, org_case):
        return org_case

    def make_inside(self, case):
        return make_branch(case.inside_org)

    def add_url(self, case, org):
        return "/orgs/add/"

    def add_data(self, case, org):
        n = next(_codes)
        return {"code": f"NEW-{n}", "name": f"新设支部{n}", "kind": "branch", "parent": str(org.pk),
                "composition": "teacher", "established_on": "2024-09-01", "sort_order": "0"}

    def edit_url(self, obj):
        return f"/orgs/{obj.pk}/edit/"

    def edit_data(self, case, obj):
        return testing.initial_form_data(OrganizationForm(instance=obj, user=case.allowed_user))

    def test_add_offers_only_parents_the_user_may_add_under(self, client, scoped_case):
        response = self.log_in(client, scoped_case.allowed_user).get("/orgs/add/")
        offered = {str(v) for v, _label in response.context["form"].fields["parent"].choices if v}
        tree = scoped_case.extra["tree"]
        assert str(tree.ca.pk) in offered and str(tree.ca_b1.pk) in offered
        assert str(tree.cb.pk) not in offered and str(tree.root.pk) not in offered
        assert "乙学院" not in response.content.decode()

    def test_add_without_subtree_role_is_a_form_error_not_a_write(self, client, tree):
        """A role on one organisation without its subtree cannot create children (they would fall outside
        it at once): the parent is not offered, and posting it anyway is a clear form error."""
        user = make_user("admin_ca_only", Role.ORG_ADMIN, tree.ca, include_subtree=False)
        self.log_in(client, user)
        form = client.get("/orgs/add/").context["form"]
        assert str(tree.ca.pk) not in {str(v) for v, _label in form.fields["parent"].choices}
        count = Organization.objects.count()
        response = client.post("/orgs/add/", self.add_data(None, tree.ca))
        assert response.status_code == 200
        assert testing.OUT_OF_SCOPE_CHOICE in response.content.decode()
        assert Organization.objects.count() == count

    def test_add_root_is_refused_for_a_college_admin(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        count = Organization.objects.count()
        data = self.add_data(scoped_case, scoped_case.inside_org)
        data.update(parent="", kind="committee")
        response = client.post("/orgs/add/", data)
        assert response.status_code == 200
        assert Organization.objects.count() == count

    def test_secretary_may_view_but_not_add_or_edit(self, client, tree, scoped_case):
        secretary = make_user("sec_ca", Role.SECRETARY, tree.ca)
        self.log_in(client, secretary)
        assert client.get(f"/orgs/{tree.ca_b1.pk}/").status_code == 200
        assert client.get("/orgs/add/").status_code == 403
        before = self.state(tree.ca_b1)
        response = client.post(self.edit_url(tree.ca_b1), self.changed_data(scoped_case, tree.ca_b1))
        assert response.status_code == 403
        assert self.state(tree.ca_b1) == before

    def test_tree_navigation_shows_only_the_users_subtree(self, client, scoped_case):
        tree = scoped_case.extra["tree"]
        self.log_in(client, scoped_case.allowed_user)
        top = client.get("/orgs/tree/").content.decode()
        assert "甲学院" in top and "乙学院" not in top and "校党委" not in top
        foreign = client.get("/orgs/tree/", {"node": tree.cb.pk}).content.decode()
        assert "乙学院教工党支部" not in foreign


class TestOrganizationMove(OrganizationViewTests, testing.VersionedActionTests):
    @pytest.fixture
    def scoped_case(self, leaf_case):
        tree = leaf_case.extra["tree"]
        leaf_case.extra["target"] = Organization.objects.create(
            code="CA-GB", name="甲学院机关党总支", kind="general_branch", parent=tree.ca)
        leaf_case.extra["target"].refresh_from_db()
        return leaf_case

    def action_url(self, obj):
        return f"/orgs/{obj.pk}/move/"

    def action_data(self, case, obj):
        return {"new_parent": str(case.extra["target"].pk)}

    def action_done(self, case, obj):
        fresh = testing.refetch(obj)
        return fresh.parent_id == case.extra["target"].pk and fresh.path.startswith(case.extra["target"].path)

    def test_move_into_sibling_subtree_is_refused(self, client, scoped_case):
        tree = scoped_case.extra["tree"]
        self.log_in(client, scoped_case.allowed_user)
        obj = scoped_case.inside
        before = self.state(obj)
        response = client.post(self.action_url(obj), {"new_parent": str(tree.cb.pk), "expected_version": "1"})
        assert response.status_code == 200
        assert "乙学院党委" not in response.content.decode()
        assert self.state(obj) == before


def test_move_form_takes_the_effective_date(login, users):
    from datetime import date

    from orgs.history import path_on

    old_path = users.ca_b1.path
    response = login(users.org_admin).post(f"/orgs/{users.ca_b1.pk}/move/", {
        "new_parent": str(users.cb.pk), "on_date": "2024-07-01", "expected_version": "1"})
    assert response.status_code == 302
    assert path_on(users.ca_b1, date(2024, 6, 30)) == old_path
    assert Organization.objects.get(pk=users.ca_b1.pk).parent_id == users.cb.pk


class TestOrganizationDissolve(OrganizationViewTests, testing.VersionedActionTests):
    @pytest.fixture
    def scoped_case(self, leaf_case):
        return leaf_case

    def action_url(self, obj):
        return f"/orgs/{obj.pk}/dissolve/"

    def action_data(self, case, obj):
        return {"dissolved_on": timezone.localdate().isoformat()}

    def action_done(self, case, obj):
        return testing.refetch(obj).dissolved_on is not None


class TestOrganizationDelete(OrganizationViewTests, testing.ActionTests):
    deletes = True

    @pytest.fixture
    def scoped_case(self, leaf_case):
        return leaf_case

    def action_url(self, obj):
        return f"/orgs/{obj.pk}/delete/"

    def action_done(self, case, obj):
        return testing.refetch(obj) is None

    def test_delete_with_children_is_refused_with_reason(self, client, org_case):
        self.log_in(client, org_case.allowed_user)
        obj = org_case.extra["tree"].ca_b1  # has a party group under it
        response = client.post(self.action_url(obj))
        assert response.status_code == 200
        assert "该组织有下级组织，不能删除" in response.content.decode()
        assert testing.refetch(obj) is not None
