"""create_person for thousands of people at once (the people import's bulk path): the same records,
derived fields and audit rows as `services.create_person`, checked in Python per person and inserted a
batch at a time. A service call per person costs about a dozen statements; here a batch of people costs
four inserts."""
from datetime import date
from itertools import islice

from audit import services as audit
from core.scoping import ensure
from orgs import top
from rollups import stocks

from .models import Membership, Person, StatusChange
from .pinyin import name_keys
from .services import _check_org_open

BATCH = 2000


def plan_person(user, *, joined_on=None, **fields):
    """(person, joined_on): what create_person(user, joined_on=..., **fields) would save, checked as it
    checks, raising what it raises, and not saved. Two checks are left to the caller and the database:
    that the organisation exists (an FK query per person) and that the ID number is new (the caller
    asks once for the whole file; the unique index refuses a late duplicate)."""
    joined_on = joined_on or date.today()
    person = Person(**fields)
    ensure(user, "add", person)
    person.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    _check_org_open(person.organization, joined_on)
    # A new person's open membership conflicts with nothing, so the membership's own checks cannot fail.
    return person, joined_on


def create_people(user, plans, note=""):
    """Save planned people, each with an open membership from its joining day, its first status and the
    person's audit row. `plans` may be a generator: only a batch of people is in memory at a time.
    Returns [(person pk, membership pk)] in the order of `plans`."""
    keys = {}  # pypinyin is slow and names repeat
    created, cells = [], set()
    plans = iter(plans)
    while chunk := list(islice(plans, BATCH)):
        people = [person for person, _joined_on in chunk]
        for person in people:  # what Person.save derives
            if person.name not in keys:
                keys[person.name] = name_keys(person.name)
            person.name_initials, person.name_pinyin = keys[person.name]
        Person.objects.bulk_create(top.stamp(people))  # bulk_create sends no pre_save: orgs.top
        memberships = [Membership(person=person, organization=person.organization, valid_from=joined_on)
                       for person, joined_on in chunk]
        Membership.objects.bulk_create(top.stamp(memberships))
        StatusChange.objects.bulk_create([
            StatusChange(person=person, status=person.party_status, changed_on=person.status_since or joined_on,
                         note="建档") for person, joined_on in chunk])
        audit.record_created(user, people, note=note)
        created += [(p.pk, m.pk) for p, m in zip(people, memberships, strict=True)]
        cells.update((person.organization_id, day) for person, joined_on in chunk
                     for day in (joined_on, person.status_since or joined_on))
    # What the membership and status signals would recount (bulk_create sends none), each cell once, in
    # every stock that follows memberships (the membership counts, the leaders of liaison coverage).
    for group in sorted({spec.source.group for spec in stocks.specs()
                         if any(model is Membership for model, _cells in spec.source.follows)}):
        stocks.touch(group, cells)
    return created
