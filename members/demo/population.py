"""The people of every branch, their memberships (with a transfer in the history for some) and status
history, saved in bulk. Bulk inserts skip Person.save(), so the derived fields are filled here: the
pinyin keys (PeopleMaker), Person.organization = the open membership's organisation, one StatusChange
per development step and exactly one open Membership per person."""
from datetime import timedelta

from members.models import Membership, Person, StatusChange
from orgs import top

from . import plan
from .people import COMPOSITION_ROLES, STAGE_NOTES, PeopleMaker

BATCH = 500
MIN_FULL = 3  # RULES.md, branch set-up: at least 3 full members
MIN_FULL_STUDENT = 7
FULL_CAPABLE = {"undergrad": "undergrad_senior", "master": "phd"}


def _composition_key(branch, name):
    if branch.is_temporary:
        return "new_cohort" if branch.composition == "student" else "new_hire"
    if branch.composition == "student" and "研究生" in name:
        return "graduate"
    return branch.composition


def build_people(state):
    rng, today = state.rng, state.today
    maker = PeopleMaker(rng, today)
    for college, _general, branch in plan.iter_branches():
        org = state.orgs[branch.code]
        roles, weights = zip(*COMPOSITION_ROLES[_composition_key(branch, org.name)], strict=True)
        drafts = []
        for index in range(branch.size):
            if branch.code == plan.SENIOR_BRANCH and index < len(plan.SENIOR_TITLES):
                drafts.append(maker.make("senior", org))
            else:
                drafts.append(maker.make(rng.choices(roles, weights=weights)[0], org))
        _ensure_full_members(maker, org, drafts)
        for draft in drafts:
            joined = max(draft.arrived, org.established_on + timedelta(days=rng.randint(0, 60)))
            draft.memberships = [(org, min(joined, today), None)]
            _maybe_transfer(state, college, branch, draft)
        state.drafts[branch.code] = drafts


def _ensure_full_members(maker, org, drafts):
    """A branch is set up with at least MIN_FULL full members (and an undergraduate branch gets enough
    senior students to elect a committee): replace pipeline people with full members until it has."""
    wanted = MIN_FULL_STUDENT if org.composition == "student" and not org.is_temporary else MIN_FULL
    replaceable = [i for i, d in enumerate(drafts) if d.person.party_status != "full"]
    maker.rng.shuffle(replaceable)
    while sum(d.person.party_status == "full" for d in drafts) < wanted and replaceable:
        index = replaceable.pop()
        role = FULL_CAPABLE.get(drafts[index].role, drafts[index].role)
        drafts[index] = maker.make(role, org, status="full")


def _maybe_transfer(state, college, branch, draft):
    """Some people came from another branch of the university: graduate students who were undergraduates
    here, and a few teachers and staff who moved between branches."""
    rng, today = state.rng, state.today
    org, joined, _ = draft.memberships[0]
    if branch.is_temporary:
        return
    if draft.role in ("master", "phd") and rng.random() < 0.15:
        pool = [b for _c, _g, b in plan.iter_branches() if _c is college and b.composition == "student"
                and not b.is_temporary and "研究生" not in b.name]
        if not pool:
            return
        before = state.orgs[rng.choice(pool).code]
        birth = draft.person.birth_date
        start = max(birth.replace(year=birth.year + 18, month=9, day=5), before.established_on)
        if start < joined:
            draft.memberships.insert(0, (before, start, joined))
    elif draft.role in ("teacher", "staff") and rng.random() < 0.04:
        pool = [b for _c, _g, b in plan.iter_branches() if b.composition == branch.composition
                and b.code != branch.code and not b.is_temporary and (_c is college or college.code == "JG")]
        if not pool:
            return
        before = state.orgs[rng.choice(pool).code]
        start = max(joined, before.established_on)
        moved = start + timedelta(days=rng.randint(200, 2000))
        if moved < today - timedelta(days=30) and moved > max(joined, org.established_on):
            draft.memberships = [(before, start, moved), (org, moved, None)]


def save_people(state):
    drafts = list(state.branch_drafts())
    for draft in drafts:
        # Field choices and the ID number's agreement with birth date and gender, as a form would check
        # (the organisation is known to exist: checking it would cost a query per person).
        draft.person.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    Person.objects.bulk_create(top.stamp([d.person for d in drafts]), batch_size=BATCH)
    memberships, changes = [], []
    for draft in drafts:
        previous = None
        for org, valid_from, valid_to in draft.memberships:
            note = f"由{previous.name}转入" if previous else ""
            memberships.append(Membership(person=draft.person, organization=org, valid_from=valid_from,
                                          valid_to=valid_to, note=note))
            previous = org
        for status, on in draft.history:
            changes.append(StatusChange(person=draft.person, status=status, changed_on=on, note=STAGE_NOTES[status]))
    Membership.objects.bulk_create(top.stamp(memberships), batch_size=BATCH)
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    state.counts.update(people=len(drafts), memberships=len(memberships), status_changes=len(changes))
