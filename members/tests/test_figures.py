"""The membership figures against an independent count over the raw tables, on past dates (after a
transfer and status changes) and within the user's scope."""
from datetime import date

import pytest

from conftest import make_person
from core.figures import Period, registry
from core.scoping import SYSTEM
from members import services
from members.choices import MEMBER_STATUSES, Category, PartyStatus
from members.models import Membership, StatusChange

CODES = ["members.total", "members.status.full", "members.status.probationary",
         *(f"members.category.{c.value}" for c in Category)]
DAYS = [date(2019, 12, 31), date(2020, 6, 30), date(2021, 12, 31), date(2022, 12, 31), date(2024, 1, 1)]


def independent(code, org, day, visible_orgs=None):
    """Who the figure should count, by reading every membership and status change in Python."""
    statuses, category = set(MEMBER_STATUSES), None
    if code.startswith("members.status."):
        statuses = {code.rsplit(".", 1)[1]}
    elif code.startswith("members.category."):
        category = code.rsplit(".", 1)[1]
    changes = {}
    for change in StatusChange.objects.order_by("changed_on", "id"):
        if change.changed_on <= day:
            changes[change.person_id] = change.status  # the last one by `day` wins
    people = set()
    for m in Membership.objects.select_related("organization", "person"):
        in_force = m.valid_from <= day and (m.valid_to is None or day < m.valid_to)
        if not in_force or not m.organization.path.startswith(org.path):
            continue
        if visible_orgs is not None and m.organization_id not in visible_orgs:
            continue
        if changes.get(m.person_id) in statuses and category in (None, m.person.category):
            people.add(m.person_id)
    return people


def counted(code, org, day, user=None):
    qs = registry.get(code).records(user, org, Period.year(day.year), day)
    return {m.person_id for m in qs}


@pytest.fixture
def history(users):
    """On top of the shared people (three full teachers/students since 2020-01-01): a probationary
    student who becomes full, an applicant who joins the Party, a member who leaves, staff and a retiree,
    and 张嘉恒 transferred from college A to college B in March 2022."""
    t = users
    t.pro = make_person(t.ca_b2, "赵预备", status="probationary", category="student", joined_on=date(2020, 3, 1))
    services.change_status(SYSTEM, t.pro, PartyStatus.FULL, date(2021, 3, 1))
    t.applicant = make_person(t.ca_b1, "钱申请", status="applicant", category="staff", joined_on=date(2019, 9, 1))
    services.change_status(SYSTEM, t.applicant, PartyStatus.PROBATIONARY, date(2021, 7, 1))
    t.leaver = make_person(t.cb_b1, "孙离开", category="staff", joined_on=date(2019, 5, 1))
    services.change_status(SYSTEM, t.leaver, PartyStatus.LEFT, date(2022, 6, 1))
    t.retiree = make_person(t.ca_b1, "周退休", category="retiree", joined_on=date(2018, 1, 1))
    services.transfer(SYSTEM, t.zhang, t.cb_b1, date(2022, 3, 1))
    return t


@pytest.mark.parametrize("code", CODES)
def test_each_figure_equals_an_independent_count_on_every_day_and_subtree(history, code):
    t = history
    for day in DAYS:
        for org in (t.root, t.ca, t.cb, t.ca_b1, t.ca_b2, t.cb_b1):
            expected = independent(code, org, day)
            assert counted(code, org, day) == expected, (code, org.code, day)
            assert registry.get(code).value(None, org, Period.year(day.year), day) == len(expected)


def test_the_known_numbers(history):
    t = history
    value = lambda code, org, day: registry.get(code).value(None, org, Period.year(day.year), day)  # noqa: E731
    # End of 2021: college A has 张, 李, 赵 (full since March), 钱 (probationary since July), 周.
    assert value("members.total", t.ca, date(2021, 12, 31)) == 5
    assert value("members.status.probationary", t.ca, date(2021, 12, 31)) == 1
    assert value("members.status.probationary", t.ca, date(2020, 12, 31)) == 1  # 赵, before becoming full
    assert value("members.status.full", t.ca, date(2020, 12, 31)) == 3  # 张, 李, 周; 钱 still an applicant
    # 张 moved to college B in March 2022: a report as of 2021 still counts him in A.
    assert t.zhang.pk in counted("members.total", t.ca, date(2021, 12, 31))
    assert t.zhang.pk not in counted("members.total", t.cb, date(2021, 12, 31))
    assert t.zhang.pk in counted("members.total", t.cb, date(2022, 12, 31))
    assert t.zhang.pk not in counted("members.total", t.ca, date(2022, 12, 31))
    # The leaver counted until June 2022; the retiree from 2018, before the others joined.
    assert value("members.category.staff", t.cb, date(2021, 12, 31)) == 1
    assert value("members.category.staff", t.cb, date(2022, 12, 31)) == 0
    assert value("members.category.retiree", t.root, date(2019, 12, 31)) == 1
    assert value("members.total", t.root, date(2019, 12, 31)) == 2  # 周 and 孙; the rest joined in 2020
    # Categories add up to the total; statuses too.
    day = date(2022, 12, 31)
    assert sum(value(f"members.category.{c.value}", t.root, day) for c in Category) == \
        value("members.total", t.root, day) == \
        value("members.status.full", t.root, day) + value("members.status.probationary", t.root, day)


def test_the_default_as_of_is_the_period_end(history):
    t = history
    figure = registry.get("members.total")
    assert figure.value(None, t.ca, Period.year(2021)) == figure.value(None, t.ca, Period.year(2021),
                                                                        date(2021, 12, 31)) == 5


def test_a_college_secretary_counts_only_their_college(history):
    t = history
    ca_orgs = {t.ca.pk, t.ca_b1.pk, t.ca_b2.pk, t.ca_g1.pk}
    for code in CODES:
        for day in DAYS:
            assert counted(code, t.root, day, t.sec_a) == independent(code, t.root, day, ca_orgs), (code, day)
    # At the root, after 张's transfer, college A's secretary no longer counts him.
    assert t.zhang.pk not in counted("members.total", t.root, date(2022, 12, 31), t.sec_a)
    assert counted("members.total", t.root, date(2022, 12, 31), t.sec_b) == \
        independent("members.total", t.cb, date(2022, 12, 31))
    assert registry.get("members.total").value(t.nobody, t.root, Period.year(2022)) == 0
