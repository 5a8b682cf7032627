"""bench/excel.py and bench/http.py still work: on small data, with no timing asserted (the benchmarks
measure; these only check that what they measure is what a user does)."""
from datetime import date

import pytest
from openpyxl import load_workbook

from bench import excel
from bench import http as bench_http
from members.models import Person


@pytest.mark.django_db
def test_excel_import_lands_every_row_and_the_export_has_every_person(people):
    bench_http.bench_accounts()
    user = excel_user()
    before = Person.objects.count()
    content = excel.people_workbook(user, 200, seed=3)
    # The file is the product's own template, filled in: its first sheet starts with the import's headers.
    headers = next(load_workbook(excel.io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert list(headers)[:3] == ["姓名", "身份证号", "手机号码"]

    out = excel.import_people(user, content)

    assert (out["errors"], out["rows"], out["people"]) == (0, 200, 200)
    assert Person.objects.count() == before + 200
    org, under = excel.export_subtree(user, 150)
    assert under >= 150
    _content, rows = excel.export_people(user, org)
    assert rows == under
    _content, rows = excel.export_people(user)
    assert rows == before + 200


def excel_user():
    from accounts.models import User

    return User.objects.get(username=excel.USER)


def records(branch):
    """One record of each list in the load mix, in the branch every bench account can see."""
    from decisions.models import Matter
    from ledgers.choices import Event, LedgerKind, TaskStatus
    from ledgers.models import Ledger, Task, Transition
    from liaison.models import BranchVisit
    from meetings.models import Meeting

    day = date(date.today().year, 1, 2)
    Meeting.objects.create(kind="branch_committee", organization=branch, title="支委会", held_on=day, status="held")
    ledger = Ledger.objects.create(kind=LedgerKind.TASK_LIST, name="任务清单", organization=branch, year=day.year)
    task = Task.objects.create(ledger=ledger, owner=branch, title="任务", deadline=day, assigned_on=day)
    Transition.objects.create(task=task, event=Event.CREATED, status=TaskStatus.NOT_STARTED, on=day)
    Matter.objects.create(title="事项", category=Matter._meta.get_field("category").choices[0][0],
                          organization=branch, proposer=Person.objects.order_by("pk").first())
    BranchVisit.objects.create(branch=branch, visited_on=day)


@pytest.mark.django_db(transaction=True)
def test_load_driver_logs_in_over_http_and_requests_every_page_without_errors(people, live_server):
    from orgs.models import Organization

    _root, orgs = bench_http.bench_accounts()
    records(Organization.objects.get(pk=orgs["bench_branch"]))

    pages, requests, _seconds, errors = bench_http.load(live_server.url, users=3, duration=3, think=0, seed=1)

    assert errors == []
    assert set(pages) == set(bench_http.PAGES)
    assert {page: s["errors"] for page, s in pages.items() if s["errors"]} == {}
    assert requests == sum(s["count"] for s in pages.values()) >= 3 * len(bench_http.PAGES)


def test_a_failed_login_is_refused_by_the_driver(live_server, transactional_db):
    session = bench_http.Session(live_server.url)
    with pytest.raises(RuntimeError, match="login of nobody failed"):
        session.login("nobody", "wrong-password-1")
