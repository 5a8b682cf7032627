"""The two temporary branches of autumn 2019 (the 2019 intake of graduate students in computer science and
the staff who joined that year), set up on 10 September and dissolved early in 2020 through orgs.services,
and the demo's branches with the college each belongs to."""
from datetime import date

from core.scoping import SYSTEM
from members.demo import plan
from orgs.models import Organization, Unit
from orgs.services import create_organization, dissolve_organization

SET_UP = date(2019, 9, 10)
# code, name, parent code, college code, composition, unit code, dissolved on
TEMPORARY_2019 = [
    ("CS-T2019", "计算机科学与技术学院2019级研究生新生临时党支部", "CS-S", "CS", "student", "U-CS", date(2020, 1, 10)),
    ("JG-T2019", "2019年新入职教职工临时党支部", "JG", "JG", "mixed", "D-HR", date(2020, 1, 14)),
]


def create_temporary(state):
    """{code: (branch, college code, dissolution day)} for the 2019 temporary branches, created now."""
    made = {}
    for code, name, parent, college, composition, unit, dissolved in TEMPORARY_2019:
        college_name = next(c.name for c in plan.COLLEGES if c.code == college)
        org = create_organization(
            SYSTEM, code=code, name=name, kind="branch", parent=state.orgs[parent], established_on=SET_UP,
            unit=Unit.objects.get(code=unit), composition=composition, is_temporary=True,
            short_name=name.removeprefix(college_name) if name.startswith(college_name) else "",
            sort_order=len(state.orgs) + len(made))
        made[code] = (org, college, dissolved)
    return made


def dissolve_temporary(made):
    for org, _college, dissolved in made.values():
        dissolve_organization(SYSTEM, Organization.objects.get(pk=org.pk), dissolved)


def college_of(state):
    """{branch id: college code} for every branch of the plan."""
    return {state.orgs[b.code].pk: college.code for college, _g, b in plan.iter_branches()}


def top_level(state):
    """{organisation id: college code} for every organisation below the root (groups included)."""
    root = state.orgs[plan.ROOT_CODE]
    colleges = {o.pk: o.code for o in Organization.objects.filter(parent=root)}
    parents = dict(Organization.objects.values_list("pk", "parent_id"))
    result = {}
    for pk in parents:
        node = pk
        while node is not None and node not in colleges:
            node = parents[node]
        if node is not None:
            result[pk] = colleges[node]
    return result
