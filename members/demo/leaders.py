"""Leaders (中层及以上领导干部) and committee seats: every branch has a secretary, teacher-branch
secretaries are dual leaders, branches with 7 or more full members have a committee of 3 to 5, and the
university, college committees and general branches have theirs."""
from members.models import CommitteeSeat

from . import plan

ACADEMIC_TITLES = {"教授", "副教授", "研究员", "副研究员"}
TEACHER_LED = {"teacher", "teacher_student_joint"}
# General branch -> (college whose leader chairs it, index into COLLEGE_CADRE_TITLES).
GENERAL_BRANCH_SECRETARY = {"CS-T": ("CS", 6), "CS-S": ("CS", 3), "EIE-S": ("EIE", 3)}
BRANCH_POSTS = ["secretary", "organization", "publicity", "discipline", "deputy_secretary"]


def _ranked(rng, drafts, *tests, taken=()):
    """Drafts ordered by the first test each passes (shuffled within a tier); those passing none last."""
    tiers = [[] for _ in range(len(tests) + 1)]
    for d in drafts:
        if id(d) in taken:
            continue
        tier = next((i for i, test in enumerate(tests) if test(d)), len(tests))
        tiers[tier].append(d)
    for tier in tiers:
        rng.shuffle(tier)
    return [d for tier in tiers for d in tier]


def _is_full(d):
    return d.person.party_status == "full"


def assign_cadres(state):
    rng = state.rng
    taken = set()
    seniors = state.drafts[plan.SENIOR_BRANCH][:len(plan.SENIOR_TITLES)]
    for draft, title in zip(seniors, plan.SENIOR_TITLES, strict=True):
        draft.person.cadre_level, draft.person.title = "senior", title
        taken.add(id(draft))
    state.seniors = seniors

    def appoint(key, pool, titles, min_age):
        chosen = _ranked(rng, pool, lambda d: _is_full(d) and d.age >= min_age and d.role in ("teacher", "staff"),
                         _is_full, taken=taken)[:len(titles)]
        for draft, title in zip(chosen, titles, strict=True):
            draft.person.cadre_level, draft.person.title = "middle", title
            taken.add(id(draft))
        state.cadres[key] = chosen

    for college in plan.COLLEGES:
        if college.unit_kind != "college":
            continue
        pool = [d for _c, _g, b in plan.iter_branches() if _c is college and b.composition == "teacher"
                for d in state.drafts[b.code]]
        appoint(college.code, pool, plan.COLLEGE_CADRE_TITLES, 40)
    for code, titles in plan.DEPARTMENT_CADRE_TITLES.items():
        appoint(code, state.drafts[code], titles, 32)


def _seat(state, org, draft, post, started, ended=None, dual=False, in_branch=False):
    # A seat starts with the term, or later if the holder arrived (in the branch) after the election.
    arrived = draft.memberships[-1][1] if in_branch else draft.memberships[0][1]
    seat = CommitteeSeat(organization=org, person=draft.person, post=post, started_on=max(started, arrived),
                         ended_on=ended, is_dual_leader=dual)
    if dual:
        academic = draft.person.title in ACADEMIC_TITLES
        seat.dual_leader_basis = "senior_title" if academic else "teaching_leader"
        seat.dual_leader_note = draft.person.title if academic else "教学骨干"
    if ended is not None and seat.started_on >= ended:
        return None
    state.seats.append(seat)
    return seat


def build_branch_seats(state):
    rng = state.rng
    for _college, _general, branch in plan.iter_branches():
        org, drafts = state.orgs[branch.code], state.drafts[branch.code]
        start = state.term_start[branch.code]
        teacher_led = branch.composition in TEACHER_LED
        if teacher_led:
            order = _ranked(rng, drafts,
                            lambda d: _is_full(d) and d.role == "teacher" and d.person.title in ACADEMIC_TITLES
                            and d.person.cadre_level == "none" and 35 <= d.age <= 58,
                            lambda d: _is_full(d) and d.role == "teacher", _is_full, taken=state.seated)
        else:
            order = _ranked(rng, drafts,
                            lambda d: _is_full(d) and d.person.cadre_level == "none" and d.age < 78
                            and d.role not in ("undergrad",),
                            _is_full, taken=state.seated)
        full_count = sum(1 for d in drafts if _is_full(d))
        if full_count >= 7:
            size = rng.choice([3, 3, 4, 5, 5])
        else:
            size = 2 if full_count >= 4 and rng.random() < 0.5 else 1
        posts = BRANCH_POSTS[:size] if size != 2 else ["secretary", "deputy_secretary"]
        secretary = order[0]
        dual = teacher_led and secretary.role == "teacher"
        _seat(state, org, secretary, "secretary", start, dual=dual, in_branch=True)
        others = [d for d in order[1:] if _is_full(d)]
        for post, draft in zip(posts[1:], others, strict=False):
            _seat(state, org, draft, post, start, in_branch=True)
        state.seated.update(id(d) for d in [secretary, *others[:size - 1]])
        if branch.code == "CS-01":
            state.login_people["branch_secretary"] = secretary.person
            member = next(d for d in drafts if _is_full(d) and id(d) not in state.seated
                          and d.person.cadre_level == "none")
            state.login_people["member"] = member.person
        previous = state.previous_term_start.get(branch.code)
        if previous and rng.random() < 0.4:
            # The secretary of the term before, so the committee history has a former holder.
            former = next((d for d in order[size:] if _is_full(d) and d.memberships[-1][1] <= previous), None)
            if former:
                _seat(state, org, former, "secretary", previous, ended=start, in_branch=True)


def build_committee_seats(state):
    rng, seniors, cadres = state.rng, state.seniors, state.cadres
    root = state.orgs[plan.ROOT_CODE]
    start = state.term_start[plan.ROOT_CODE]
    for draft, post in [(seniors[0], "secretary"), (seniors[1], "deputy_secretary"), (seniors[2], "deputy_secretary"),
                        (seniors[3], "deputy_secretary"), (seniors[8], "discipline"),
                        (cadres["JG-02"][0], "organization"), (cadres["JG-02"][1], "publicity")]:
        _seat(state, root, draft, post, start)
    for college in plan.COLLEGES:
        org, start = state.orgs[college.code], state.term_start[college.code]
        if college.unit_kind == "college":
            c = cadres[college.code]
            holders = [(c[0], "secretary"), (c[1], "deputy_secretary"), (c[2], "deputy_secretary"),
                       (c[3], "organization"), (c[4], "publicity"), (c[5], "discipline")]
        elif college.code == "JG":
            holders = [(cadres["JG-02"][3], "secretary"), (cadres["JG-01"][1], "deputy_secretary"),
                       (cadres["JG-07"][1], "organization"), (cadres["JG-02"][5], "publicity"),
                       (cadres["JG-08"][3], "discipline")]
        else:  # 离退休党委: chaired by the head of the retirement office, with retired members on it
            retirees = _ranked(rng, [d for code in ("LTX-01", "LTX-02", "LTX-03") for d in state.drafts[code]],
                               lambda d: _is_full(d) and d.age < 78, taken=state.seated)
            holders = [(cadres["JG-07"][2], "secretary"), (retirees[0], "deputy_secretary"),
                       (retirees[1], "organization"), (retirees[2], "publicity")]
        for draft, post in holders:
            _seat(state, org, draft, post, start)
        if college.code == "CS":
            state.login_people["college_secretary"] = holders[0][0].person
    for code, (college_code, index) in GENERAL_BRANCH_SECRETARY.items():
        org, start = state.orgs[code], state.term_start[code]
        _seat(state, org, cadres[college_code][index], "secretary", start)
        children = [d for b in org.children.all() for d in state.drafts.get(b.code, [])]
        members = _ranked(rng, children, lambda d: _is_full(d) and d.role != "undergrad", taken=state.seated)
        for draft, post in zip(members, ["organization", "publicity"], strict=False):
            _seat(state, org, draft, post, start)
            state.seated.add(id(draft))


def save_seats(state):
    for seat in state.seats:
        seat.full_clean(exclude=["organization", "person"], validate_unique=False, validate_constraints=False)
    CommitteeSeat.objects.bulk_create(state.seats)
    state.counts["committee_seats"] = len(state.seats)
