"""Reusable view tests for scoped models, in the NetBox style: write a small subclass per model and
inherit a full set of scope tests for its list, detail, add, edit, action and export pages.

Every scoped page must behave the same way, so every model gets the same tests:
anonymous -> login; no role -> empty list / 404 / 403; a role on the record's subtree -> allowed and
audited; a role on a sibling subtree -> 404, the generic "未找到该记录", nothing of the record shown
and nothing changed.

Core imports no domain app, so everything domain-specific comes from the subclass: the model, the
URLs, the POST data, a way to make more records, the audit trail reader, and a `scoped_case`
fixture returning a `ScopedCase` (records and users).

Pytest style: plain classes whose `test_*` methods use the `client` and `scoped_case` fixtures.
Compose the mixins that match the pages the model has::

    import pytest

    from audit.services import history
    from core import testing
    from orgs.models import Term

    @pytest.fixture
    def term_case(tree):
        ...  # build records and users
        return testing.ScopedCase(inside=term_in_ca, outside=term_in_cb, allowed_user=admin_ca,
                                  sibling_user=admin_cb, no_role_user=nobody)

    class TestTermViews(testing.ListTests, testing.DetailTests, testing.EditTests, testing.ExportTests):
        model = Term
        audit_history = staticmethod(history)
        list_url = "/orgs/terms/"
        edit_changes = {"note": "改期"}

        @pytest.fixture
        def scoped_case(self, term_case):
            return term_case

        def detail_url(self, obj):
            return f"/orgs/terms/{obj.pk}/"

        def edit_url(self, obj):
            return f"/orgs/terms/{obj.pk}/edit/"

        def edit_data(self, case, obj):
            return testing.initial_form_data(TermForm(instance=obj))

        def make_inside(self, case):
            return Term.objects.create(organization=case.inside_org, started_on=date(2024, 1, 1))

One record action (delete, dissolve, move, transfer...) is one `ActionTests` subclass, or
`VersionedActionTests` when its form carries `expected_version` (adds the stale-edit test); it may
bring its own `scoped_case` (e.g. a fresh leaf organisation that may be deleted)::

    class TestTermDelete(testing.ActionTests):
        model = Term
        audit_history = staticmethod(history)
        deletes = True

        @pytest.fixture
        def scoped_case(self, term_case):
            return term_case

        def action_url(self, obj):
            return f"/orgs/terms/{obj.pk}/delete/"

        def action_done(self, case, obj):
            return testing.refetch(obj) is None

Working examples: orgs/tests/test_views.py and members/tests/test_views.py.

Users must be able to log in with `client.force_login`; override `log_in` for users that need more
(the administrators' second factor).
"""
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext

from core.errors import StaleEdit
from core.models import snapshot

NOT_FOUND_TEXT = "未找到该记录"
OUT_OF_SCOPE_CHOICE = "所选组织不在您的管理范围内"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ScopedCase:
    """The records and users one scope test needs.

    `inside` is a record in the subtree that `allowed_user` holds a role on; `outside` is a record in
    a sibling subtree, on which `sibling_user` holds the same role. `no_role_user` is logged in but
    holds no role. `inside_org` / `outside_org` are where new records go (default: the organisation
    each record hangs on)."""

    inside: Any
    outside: Any
    allowed_user: Any
    sibling_user: Any
    no_role_user: Any
    inside_org: Any = None
    outside_org: Any = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.inside_org is None:
            self.inside_org = self.inside.scope_organization()
        if self.outside_org is None:
            self.outside_org = self.outside.scope_organization()


def initial_form_data(form):
    """The POST data a browser would send for an unbound form as first shown (then change some of it)."""
    from django import forms

    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if value is None:
            value = ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        else:
            value = str(value)
        data[name] = value
    return data


def refetch(obj):
    """A fresh copy of `obj` from the database, or None if it is gone (bypasses scope on purpose)."""
    return type(obj)._base_manager.filter(pk=obj.pk).first()


def xlsx_text(content):
    """Every cell of every sheet of an xlsx file, as one string to search."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells.extend(str(v) for v in row if v is not None)
    return "\n".join(cells)


class ScopedTestBase:
    """What every mixin needs from the subclass."""

    model = None
    # callable(obj) -> the audit entries of obj (audit.services.history); core cannot import audit.
    audit_history = None

    def log_in(self, client, user):
        client.force_login(user)
        return client

    def text_of(self, obj):
        """Text that shows the record on a page (and must not show anywhere it is out of scope)."""
        return str(obj)

    # --- assertions shared by the mixins -------------------------------------------------------

    def assert_login_redirect(self, response):
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))

    def assert_not_found(self, response, *hidden):
        """A 404 that says only the generic text and shows nothing of the records in `hidden`."""
        assert response.status_code == 404, response.status_code
        body = response.content.decode()
        assert NOT_FOUND_TEXT in body
        for obj in hidden:
            assert self.text_of(obj) not in body

    def history_ids(self, obj):
        if self.audit_history is None:
            raise NotImplementedError("set audit_history = staticmethod(audit.services.history)")
        return {e.pk for e in self.audit_history(obj)}

    def new_entries(self, obj, before_ids):
        return [e for e in self.audit_history(obj) if e.pk not in before_ids]

    def assert_audited(self, obj, before_ids, user, *, deleted=False, created=False):
        """One or more new audit entries for `obj`, by `user`, with the state before and after."""
        entries = self.new_entries(obj, before_ids)
        assert entries, "the write left no audit entry"
        entry = entries[0]  # newest first
        assert entry.actor_id == user.pk
        if created:
            assert entry.before is None and entry.after
        elif deleted:
            assert entry.before and entry.after is None
        else:
            assert entry.before and entry.after and entry.before != entry.after
        return entry

    def state(self, obj):
        """What must not change when a write is refused: the stored row (None once deleted)."""
        fresh = refetch(obj)
        return None if fresh is None else snapshot(fresh)

    def bump_version(self, obj):
        """Simulate someone else saving the record after the form was opened."""
        type(obj)._base_manager.filter(pk=obj.pk).update(version=F("version") + 1)


class ListTests(ScopedTestBase):
    """The list page: `list_url`; `make_inside(case)` adds one more record inside the allowed scope."""

    list_url = None

    def make_inside(self, case):
        raise NotImplementedError

    def list_ids(self, response):
        return {o.pk for o in response.context["page"].object_list}

    def test_list_anonymous_redirects_to_login(self, client, scoped_case):
        self.assert_login_redirect(client.get(self.list_url))

    def test_list_no_role_is_empty(self, client, scoped_case):
        response = self.log_in(client, scoped_case.no_role_user).get(self.list_url)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        body = response.content.decode()
        assert self.text_of(scoped_case.inside) not in body
        assert self.text_of(scoped_case.outside) not in body

    def test_list_allowed_shows_inside_not_outside(self, client, scoped_case):
        response = self.log_in(client, scoped_case.allowed_user).get(self.list_url)
        assert response.status_code == 200
        ids = self.list_ids(response)
        assert scoped_case.inside.pk in ids
        assert scoped_case.outside.pk not in ids
        body = response.content.decode()
        assert self.text_of(scoped_case.inside) in body
        assert self.text_of(scoped_case.outside) not in body

    def test_list_sibling_shows_outside_not_inside(self, client, scoped_case):
        response = self.log_in(client, scoped_case.sibling_user).get(self.list_url)
        ids = self.list_ids(response)
        assert scoped_case.outside.pk in ids
        assert scoped_case.inside.pk not in ids
        assert self.text_of(scoped_case.inside) not in response.content.decode()

    def test_list_query_count_does_not_grow_with_rows(self, client, scoped_case):
        from django.db import connection

        self.log_in(client, scoped_case.allowed_user)

        def count():
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(self.list_url)
            assert response.status_code == 200
            return len(ctx.captured_queries), len(self.list_ids(response))

        for _ in range(3):
            self.make_inside(scoped_case)
        client.get(self.list_url)  # warm caches (content types, session) outside the measurement
        few, shown_few = count()
        for _ in range(17):
            self.make_inside(scoped_case)
        many, shown_many = count()
        assert shown_many == shown_few + 17
        assert many == few, f"{few} queries for {shown_few} rows, {many} for {shown_many}"


class ExportTests(ScopedTestBase):
    """Excel export from the list page (`list_url` + ?export=xlsx)."""

    list_url = None

    def export_url(self):
        return f"{self.list_url}?export=xlsx"

    def test_export_anonymous_redirects_to_login(self, client, scoped_case):
        self.assert_login_redirect(client.get(self.export_url()))

    def test_export_no_role_gets_no_file(self, client, scoped_case):
        response = self.log_in(client, scoped_case.no_role_user).get(self.export_url())
        assert response.status_code in (403, 404)
        assert response.get("Content-Type") != XLSX_TYPE

    def test_export_allowed_contains_inside_not_outside(self, client, scoped_case):
        response = self.log_in(client, scoped_case.allowed_user).get(self.export_url())
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_TYPE
        text = xlsx_text(response.content)
        assert self.text_of(scoped_case.inside) in text
        assert self.text_of(scoped_case.outside) not in text


class DetailTests(ScopedTestBase):
    """The detail page, with every tab it offers."""

    def detail_url(self, obj):
        return obj.get_absolute_url()

    def test_detail_anonymous_redirects_to_login(self, client, scoped_case):
        self.assert_login_redirect(client.get(self.detail_url(scoped_case.inside)))

    def test_detail_no_role_is_404(self, client, scoped_case):
        response = self.log_in(client, scoped_case.no_role_user).get(self.detail_url(scoped_case.inside))
        self.assert_not_found(response, scoped_case.inside)

    def test_detail_allowed_shows_record_on_every_tab(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        url = self.detail_url(scoped_case.inside)
        response = client.get(url)
        assert response.status_code == 200
        assert self.text_of(scoped_case.inside) in response.content.decode()
        for key, _label in response.context.get("tabs", ()):
            tab = client.get(url, {"tab": key})
            assert tab.status_code == 200, key
            assert self.text_of(scoped_case.outside) not in tab.content.decode(), key

    def test_detail_sibling_subtree_is_404_and_reveals_nothing(self, client, scoped_case):
        response = self.log_in(client, scoped_case.sibling_user).get(self.detail_url(scoped_case.inside))
        self.assert_not_found(response, scoped_case.inside)
        response = self.log_in(client, scoped_case.allowed_user).get(self.detail_url(scoped_case.outside))
        self.assert_not_found(response, scoped_case.outside)


class AddTests(ScopedTestBase):
    """Adding a record: `add_url(case, org)` and `add_data(case, org)` put the new record under `org`."""

    def add_url(self, case, org):
        raise NotImplementedError

    def add_data(self, case, org):
        raise NotImplementedError

    def pks(self):
        return set(self.model._base_manager.values_list("pk", flat=True))

    def test_add_anonymous_redirects_to_login(self, client, scoped_case):
        self.assert_login_redirect(client.get(self.add_url(scoped_case, scoped_case.inside_org)))

    def test_add_no_role_is_refused(self, client, scoped_case):
        self.log_in(client, scoped_case.no_role_user)
        url = self.add_url(scoped_case, scoped_case.inside_org)
        assert client.get(url).status_code in (403, 404)
        before = self.pks()
        response = client.post(url, self.add_data(scoped_case, scoped_case.inside_org))
        assert response.status_code in (403, 404)
        assert self.pks() == before

    def test_add_allowed_creates_and_audits(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        url = self.add_url(scoped_case, scoped_case.inside_org)
        assert client.get(url).status_code == 200
        before = self.pks()
        response = client.post(url, self.add_data(scoped_case, scoped_case.inside_org))
        form = response.context.get("form") if response.context else None
        assert response.status_code == 302, form.errors if form is not None else response.status_code
        created = self.model._base_manager.exclude(pk__in=before)
        assert created.count() == 1
        self.assert_audited(created.get(), set(), scoped_case.allowed_user, created=True)

    def test_add_into_sibling_subtree_is_rejected(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        before = self.pks()
        response = client.post(self.add_url(scoped_case, scoped_case.outside_org),
                               self.add_data(scoped_case, scoped_case.outside_org))
        assert response.status_code in (200, 403, 404), response.status_code
        assert self.pks() == before


class EditTests(ScopedTestBase):
    """Editing a record: `edit_data(case, obj)` is the form as first shown; `edit_changes` (field ->
    value) is what the test changes and then expects to find saved."""

    edit_changes = {}

    def edit_url(self, obj):
        raise NotImplementedError

    def edit_data(self, case, obj):
        raise NotImplementedError

    def changed_data(self, case, obj):
        data = self.edit_data(case, obj)
        data.update({k: str(v) for k, v in self.edit_changes.items()})
        data.setdefault("expected_version", str(refetch(obj).version))
        return data

    def assert_changed(self, obj, expected):
        fresh = refetch(obj)
        for name, value in self.edit_changes.items():
            assert (getattr(fresh, name) == value) is expected, name

    def test_edit_anonymous_redirects_to_login(self, client, scoped_case):
        self.assert_login_redirect(client.get(self.edit_url(scoped_case.inside)))

    def test_edit_no_role_is_404(self, client, scoped_case):
        self.log_in(client, scoped_case.no_role_user)
        obj = scoped_case.inside
        self.assert_not_found(client.get(self.edit_url(obj)), obj)
        before = self.state(obj)
        self.assert_not_found(client.post(self.edit_url(obj), self.changed_data(scoped_case, obj)), obj)
        assert self.state(obj) == before

    def test_edit_allowed_changes_and_audits(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        obj = scoped_case.inside
        assert client.get(self.edit_url(obj)).status_code == 200
        entries = self.history_ids(obj)
        response = client.post(self.edit_url(obj), self.changed_data(scoped_case, obj))
        form = response.context.get("form") if response.context else None
        assert response.status_code == 302, form.errors if form is not None else response.status_code
        self.assert_changed(obj, True)
        entry = self.assert_audited(obj, entries, scoped_case.allowed_user)
        for name in self.edit_changes:
            assert entry.before.get(name) != entry.after.get(name), name

    def test_edit_sibling_subtree_is_404_and_unchanged(self, client, scoped_case):
        for user, obj in ((scoped_case.sibling_user, scoped_case.inside),
                          (scoped_case.allowed_user, scoped_case.outside)):
            self.log_in(client, user)
            data = self.changed_data(scoped_case, obj)
            before = self.state(obj)
            self.assert_not_found(client.get(self.edit_url(obj)), obj)
            self.assert_not_found(client.post(self.edit_url(obj), data), obj)
            assert self.state(obj) == before
            self.assert_changed(obj, False)

    def test_edit_stale_version_is_refused(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        obj = scoped_case.inside
        data = self.changed_data(scoped_case, obj)  # the form as opened
        self.bump_version(obj)  # someone else saves meanwhile
        before = self.state(obj)
        response = client.post(self.edit_url(obj), data)
        assert response.status_code == 200
        assert StaleEdit().message in response.content.decode()
        assert self.state(obj) == before
        self.assert_changed(obj, False)


class ActionTests(ScopedTestBase):
    """One confirm-then-do action on a record (delete, dissolve, move, transfer...).

    Subclasses give `action_url(obj)`, `action_data(case, obj)` and `action_done(case, obj)` (whether
    the action took effect on the record as it was before). `deletes` marks a delete. An action whose
    form carries `expected_version` uses `VersionedActionTests`, which adds the stale-edit test.
    """

    deletes = False

    def action_url(self, obj):
        raise NotImplementedError

    def action_data(self, case, obj):
        return {}

    def action_done(self, case, obj):
        raise NotImplementedError

    def post_data(self, case, obj):
        data = self.action_data(case, obj)
        if isinstance(self, VersionedActionTests):
            data.setdefault("expected_version", str(refetch(obj).version))
        return data

    def test_action_anonymous_redirects_to_login(self, client, scoped_case):
        obj = scoped_case.inside
        self.assert_login_redirect(client.get(self.action_url(obj)))
        before = self.state(obj)
        self.assert_login_redirect(client.post(self.action_url(obj), self.post_data(scoped_case, obj)))
        assert self.state(obj) == before

    def test_action_no_role_is_404(self, client, scoped_case):
        self.log_in(client, scoped_case.no_role_user)
        obj = scoped_case.inside
        before = self.state(obj)
        self.assert_not_found(client.get(self.action_url(obj)), obj)
        self.assert_not_found(client.post(self.action_url(obj), self.post_data(scoped_case, obj)), obj)
        assert self.state(obj) == before
        assert not self.action_done(scoped_case, obj)

    def test_action_allowed_is_done_and_audited(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        obj = scoped_case.inside
        assert client.get(self.action_url(obj)).status_code == 200
        entries = self.history_ids(obj)
        response = client.post(self.action_url(obj), self.post_data(scoped_case, obj))
        form = response.context.get("form") if response.context else None
        assert response.status_code == 302, (form.errors if form is not None else "",
                                             [str(m) for m in response.context.get("messages", [])]
                                             if response.context else response.status_code)
        assert self.action_done(scoped_case, obj)
        self.assert_audited(obj, entries, scoped_case.allowed_user, deleted=self.deletes)

    def test_action_sibling_subtree_is_404_and_nothing_changes(self, client, scoped_case):
        for user, obj in ((scoped_case.sibling_user, scoped_case.inside),
                          (scoped_case.allowed_user, scoped_case.outside)):
            self.log_in(client, user)
            before = self.state(obj)
            data = self.post_data(scoped_case, obj)
            self.assert_not_found(client.get(self.action_url(obj)), obj)
            self.assert_not_found(client.post(self.action_url(obj), data), obj)
            assert self.state(obj) == before
            assert not self.action_done(scoped_case, obj)


class VersionedActionTests(ActionTests):
    """An action whose form carries the version the user saw, so a stale one is refused."""

    def test_action_stale_version_is_refused(self, client, scoped_case):
        self.log_in(client, scoped_case.allowed_user)
        obj = scoped_case.inside
        data = self.post_data(scoped_case, obj)
        self.bump_version(obj)
        before = self.state(obj)
        response = client.post(self.action_url(obj), data)
        assert response.status_code == 200
        assert StaleEdit().message in response.content.decode()
        assert self.state(obj) == before
        assert not self.action_done(scoped_case, obj)
