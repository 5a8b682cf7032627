"""Properties of POST /api/people/ under random payloads (plain hypothesis, through the test client).

An organisation administrator of 甲学院 (CA) posts people built from random and near-valid parts: names,
ID numbers (valid, bad check character, impossible or future birth dates, lower-case x, the number of a
person who already exists outside the caller's scope), dates (out of range, malformed), phones, choice
values, and organisations in scope, out of scope, and nonexistent. Whatever is sent:
- 201 creates exactly one person, one open membership, one status record and exactly the audit entries
  of that person (its creation, and the logged view of its unmasked fields), in the caller's scope;
- anything else is 400 or 404 and leaves people, memberships, status records and the people's audit log
  exactly as they were;
- an organisation outside the caller's scope never yields 201, and nothing of the other college (names,
  codes, its people) appears in the answer beyond what the caller sent.
"""
import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from audit.models import Action, AuditEntry
from conftest import make_user
from members.identity import CHECK_CHARS, ID_RE, MOBILE_RE, check_char, make_id_number
from members.models import Membership, Person, StatusChange
from orgs.models import Organization

pytestmark = pytest.mark.django_db

TODAY = date.today()
IN_SCOPE = ["CA", "CA-B1", "CA-B2", "CA-B1-G1"]
OUT_OF_SCOPE = ["ROOT", "CB", "CB-B1"]


def id_with_bad_check(first17):
    good = check_char(first17)
    return st.sampled_from([c for c in CHECK_CHARS if c != good]).map(lambda c: first17 + c)


birth_dates = st.dates(date(1930, 1, 1), TODAY - timedelta(days=18 * 366))
first17s = st.builds(lambda b, s: f"440305{b:%Y%m%d}{s:03d}", birth_dates, st.integers(0, 999))
impossible_births = st.sampled_from(["20230230", "19991301", "18500101", f"{TODAY.year + 1}0101", "00000000"])

id_numbers = st.one_of(
    st.builds(make_id_number, st.just("440305"), birth_dates, st.integers(0, 999)),
    first17s.flatmap(id_with_bad_check),
    st.builds(lambda b, s: (f"110101{b}{s:03d}" + check_char(f"110101{b}{s:03d}")), impossible_births,
              st.integers(0, 999)),
    st.builds(lambda b, s: make_id_number("440305", b, s)[:17] + "x", birth_dates, st.integers(0, 999)),
    st.text(max_size=20),
    st.from_regex(r"\A\d{15,19}\Z"),
    st.just("WANG"),  # replaced by the out-of-scope person's real number
)
date_values = st.one_of(
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["2020-02-30", "0000-00-00", "99999-01-01", "2020/01/01", "", "今天"]),
    st.text(max_size=12), st.integers(), st.none(),
)
mobiles = st.from_regex(r"\A1[3-9]\d{9}\Z", fullmatch=True)
# RULES.md: spaces, dashes and a leading +86 are accepted and stripped.
formatted_mobiles = st.tuples(st.sampled_from(["", "+86 ", "+86", "0086-"]), mobiles, st.sampled_from(["", " ", "-"])
                              ).map(lambda t: f"{t[0]}{t[1][:3]}{t[2]}{t[1][3:7]}{t[2]}{t[1][7:]}")
phones = st.one_of(
    mobiles, formatted_mobiles, st.from_regex(r"\A\d{1,14}\Z"), st.text(max_size=22), st.just(""), st.integers(),
)
organizations = st.one_of(
    st.sampled_from(IN_SCOPE + OUT_OF_SCOPE + ["NOPE", "", " CA-B1 "]),
    st.sampled_from(IN_SCOPE + OUT_OF_SCOPE).map(lambda code: ("pk", code)),  # by id, resolved below
    st.integers(-5, 10**12), st.text(max_size=10), st.none(), st.booleans(), st.lists(st.integers(), max_size=2),
)


def choices(*valid):
    return st.one_of(st.sampled_from(valid), st.text(max_size=10), st.integers())


payloads = st.fixed_dictionaries({}, optional={
    "name": st.one_of(st.sampled_from(["赵一", "钱多多", "欧阳修远"]), st.text(max_size=60)),
    "id_number": id_numbers,
    "gender": choices("male", "female", ""),
    "birth_date": date_values,
    "ethnicity": st.one_of(st.just("汉族"), st.text(max_size=25)),
    "mobile": phones,
    "education": choices("bachelor", "master", "doctorate", ""),
    "category": choices("teacher", "student", "staff", "retiree"),
    "title": st.text(max_size=55),
    "cadre_level": choices("none", "middle", "senior"),
    "party_status": choices("full", "probationary", "candidate", "activist", "applicant", "none"),
    "status_since": date_values,
    "organization": organizations,
    "joined_on": date_values,
    "note": st.text(max_size=30),
})
# Most random payloads fail at the first field; also send valid ones with one part replaced by a random one.
FIELD_VALUES = {"id_number": id_numbers, "birth_date": date_values, "joined_on": date_values,
                "status_since": date_values, "mobile": phones, "organization": organizations,
                "gender": choices("male", "female", ""), "category": choices("teacher", "student"),
                "name": st.text(max_size=60)}
valid_people = st.fixed_dictionaries({
    "name": st.sampled_from(["赵一", "钱多多", "欧阳修远"]),
    "id_number": st.builds(make_id_number, st.just("440305"), birth_dates, st.integers(0, 999)),
    "category": st.sampled_from(["teacher", "student", "staff"]),
    "organization": st.sampled_from(IN_SCOPE),
}, optional={"mobile": st.one_of(mobiles, formatted_mobiles),
             "joined_on": st.dates(date(2011, 1, 1), TODAY).map(date.isoformat),
             "party_status": st.sampled_from(["full", "probationary", "activist", "none"])})
near_valid = st.tuples(valid_people, st.sampled_from(sorted(FIELD_VALUES)), st.booleans()).flatmap(
    lambda t: st.just(t[0]) if t[2] else FIELD_VALUES[t[1]].map(lambda v: {**t[0], t[1]: v}))


@pytest.fixture
def caller(users, client):
    t = users
    admin = make_user("people_fuzz_admin", Role.ORG_ADMIN, t.ca)
    t.auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=admin).key}"}
    t.client = client
    t.visible = set(Organization.objects.restrict(admin, "view").values_list("pk", flat=True))
    others = [o for o in Organization.objects.all() if o.pk not in t.visible]
    t.out_of_scope_ids = {o.pk for o in others}
    # What the caller must never learn from an answer unless it sent it itself.
    t.secrets = {s for o in others for s in (o.name, o.short_name, o.code) if s}
    t.secrets |= {t.wang.name, t.wang.id_number, t.wang.mobile, t.cb_b1.name}
    return t


def counts():
    return (Person.objects.count(), Membership.objects.count(), StatusChange.objects.count(),
            AuditEntry.objects.filter(model="members.person").count())


def resolve(t, payload):
    if isinstance(payload.get("organization"), tuple):
        payload["organization"] = Organization.objects.get(code=payload["organization"][1]).pk
    if payload.get("id_number") == "WANG":
        payload["id_number"] = t.wang.id_number
    return payload


def out_of_scope(t, org):
    if isinstance(org, str):
        return org.strip() in OUT_OF_SCOPE or (org.strip().isdigit() and int(org.strip()) in t.out_of_scope_ids)
    return isinstance(org, int) and not isinstance(org, bool) and org in t.out_of_scope_ids


def check_one_post(t, payload):
    payload = resolve(t, payload)
    before = counts()
    last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sent = json.dumps(payload, ensure_ascii=False)
    response = t.client.post("/api/people/", sent, content_type="application/json", **t.auth)
    body = response.content.decode()

    assert response.status_code in (201, 400, 404), (response.status_code, body)
    for secret in t.secrets:
        assert secret not in body or secret in sent, (secret, body)
    if out_of_scope(t, payload.get("organization")):
        assert response.status_code != 201, body

    if response.status_code == 201:
        person = Person.objects.get(pk=response.json()["id"])
        assert person.organization_id in t.visible
        assert ID_RE.match(person.id_number) and MOBILE_RE.match(person.mobile or "13000000000")
        assert counts()[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
        assert Membership.objects.get(person=person, valid_to=None).organization_id == person.organization_id
        new = AuditEntry.objects.filter(pk__gt=last_entry, model="members.person")
        assert sorted(new.values_list("action", "object_id")) == sorted(
            [(Action.CREATE, str(person.pk)), (Action.REVEAL, str(person.pk))])
        assert counts()[3] == before[3] + 2
    else:
        assert counts() == before, body
        error = response.json()
        assert isinstance(error, dict) and error, body
    return response


SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(payload=payloads)
def test_random_payloads_create_one_person_or_change_nothing(caller, payload):
    check_one_post(caller, payload)


@SETTINGS
@given(payload=near_valid)
def test_near_valid_payloads_create_one_person_or_change_nothing(caller, payload):
    check_one_post(caller, payload)


def test_the_strategies_reach_both_outcomes(caller):
    """The properties above are only worth something if both branches run: a valid person is created,
    and an out-of-scope organisation is refused without a word about it."""
    valid = {"name": "赵一", "id_number": make_id_number("440305", date(1991, 3, 4), 5), "category": "teacher",
             "organization": "CA-B2", "mobile": "+86 139-0000-2222"}
    response = check_one_post(caller, dict(valid))
    assert response.status_code == 201
    assert Person.objects.get(pk=response.json()["id"]).mobile == "13900002222"
    for org in ("CB-B1", caller.cb_b1.pk, str(caller.root.pk)):
        payload = {**valid, "id_number": make_id_number("440305", date(1991, 3, 4), 7), "organization": org}
        response = check_one_post(caller, payload)
        assert response.status_code == 400
        assert list(response.json()) == ["organization"]
