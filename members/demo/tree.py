"""Units, the organisation tree and its terms (换届). Organisations are saved one by one through
Organization.save(), which derives path and depth; there are only about 140 of them."""
from datetime import date, timedelta

from orgs.models import Organization, Term, Unit
from orgs.services import add_years, term_due_on

from . import plan

ORDINALS = "一二三四五六七八九十"


def cohort_year(today):
    """The academic year new students arrived in (terms start in September)."""
    return today.year if today >= date(today.year, 9, 10) else today.year - 1


def build_units(state):
    rows = [(f"U-{c.code}", c.name, "college") for c in plan.COLLEGES if c.unit_kind == "college"]
    rows += [(code, name, "department") for code, name in plan.DEPARTMENTS]
    rows.append(("U-LTX", "离退休工作处", "department"))
    for order, (code, name, kind) in enumerate(rows, start=1):
        unit = Unit(code=code, name=name, kind=kind, sort_order=order)
        unit.full_clean()
        unit.save()
        state.units[code] = unit


def _college_unit(state, college):
    if college.code == "JG":
        return state.units["D-OFFICE"]
    if college.code == "LTX":
        return state.units["U-LTX"]
    return state.units[f"U-{college.code}"]


def _add_org(state, code, name, kind, parent, established, unit=None, short_name="", **extra):
    org = Organization(code=code, name=name, short_name=short_name, kind=kind, parent=parent, unit=unit,
                       established_on=established, sort_order=len(state.orgs), **extra)
    org.full_clean()
    org.save()
    state.orgs[code] = org
    return org


def build_orgs(state):
    rng, today = state.rng, state.today
    cohort = cohort_year(today)
    root = _add_org(state, plan.ROOT_CODE, plan.ROOT_NAME, "committee", None, date(2002, 6, 18),
                    short_name=plan.ROOT_SHORT)
    for college in plan.COLLEGES:
        founded = date(college.established, rng.randint(3, 7), rng.randint(1, 28))
        unit = _college_unit(state, college)
        committee = _add_org(state, college.code, college.org_name, "committee", root, founded, unit,
                             short_name=plan.SHORT_NAMES[college.code])
        for child in college.children:
            if isinstance(child, plan.GeneralBranch):
                general = _add_org(state, child.code, child.name, "general_branch", committee,
                                   founded + timedelta(days=rng.randint(20, 120)), unit,
                                   short_name=child.name.removeprefix(college.name))
                for branch in child.branches:
                    _add_branch(state, college, branch, general, founded, unit, cohort)
            else:
                _add_branch(state, college, child, committee, founded, unit, cohort)


def _add_branch(state, college, branch, parent, founded, unit, cohort):
    rng = state.rng
    if branch.is_temporary:
        established = date(cohort, 9, 10)
    else:
        established = max(founded, parent.established_on) + timedelta(days=rng.randint(30, 700))
    name = branch.name.format(cohort=cohort)
    org = _add_org(state, branch.code, name, "branch", parent, established,
                   state.units[branch.unit] if branch.unit else unit,
                   short_name=name.removeprefix(college.name) if name.startswith(college.name) else "",
                   composition=branch.composition, is_joint=branch.is_joint, is_temporary=branch.is_temporary)
    for n in range(plan.GROUPS.get(branch.code, 0)):
        _add_org(state, f"{branch.code}-G{n + 1}", f"第{ORDINALS[n]}党小组", "group", org,
                 established + timedelta(days=rng.randint(0, 60)))


# --- terms ---------------------------------------------------------------------------------------

def _term_years(org):
    return term_due_on(org, date(2020, 1, 1)).year - 2020


def build_terms(state):
    """Every committee, general branch and branch gets its elected terms, the current one open. A few
    are overdue or due within the warning window so the 换届 reminders have something to show."""
    rng, today = state.rng, state.today
    state.counts["terms"] = 0
    for code, org in state.orgs.items():
        if org.kind == "group":
            continue
        years = _term_years(org)
        if code in plan.TERMS_OVERDUE:
            due = today - timedelta(days=rng.randint(20, 80))
        elif code in plan.TERMS_DUE_SOON:
            due = today + timedelta(days=rng.randint(10, 80))
        else:
            due = today + timedelta(days=rng.randint(120, years * 365 - 30))
        started = add_years(due, -years)
        starts = [max(started, org.established_on)]
        while add_years(starts[0], -years) >= org.established_on:
            starts.insert(0, add_years(starts[0], -years))
        if len(starts) > 1 and (starts[0] - org.established_on).days < 180:
            starts[0] = org.established_on  # a first term a little longer than the rule, not one of days
        elif starts[0] > org.established_on:
            starts.insert(0, org.established_on)  # the first committee, elected when the branch was set up
        for number, start in enumerate(starts, start=1):
            elected = starts[number] if number < len(starts) else None
            try:
                Term(organization=org, number=number, started_on=start, elected_on=elected).save()
            except LookupError:
                continue  # before the term-length rule took effect: kept on paper, not in the system
            state.counts["terms"] += 1
        state.term_start[code] = starts[-1]
        state.previous_term_start[code] = starts[-2] if len(starts) > 1 else None
