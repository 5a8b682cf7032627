"""Builds the demo university in one transaction: units, the organisation tree with its terms, about 2,500
people with their memberships and status history, leaders and committee seats. People, memberships,
status changes and seats are bulk-inserted, so instead of one audit row per record a single summary
AuditEntry (action "import", note "演示数据") records the build. Fails loudly if the tree's derived
columns come out wrong."""
from datetime import date

from django.db import transaction

from audit import services as audit
from audit.models import Action
from core.errors import BusinessRuleError
from core.scoping import SYSTEM
from orgs.models import Organization
from orgs.services import check_tree

from . import plan
from .leaders import assign_cadres, build_branch_seats, build_committee_seats, save_seats
from .population import build_people, save_people
from .state import DemoState
from .tree import build_orgs, build_terms, build_units


class DemoBuildError(BusinessRuleError):
    pass


def demo_root():
    return Organization.objects.filter(code=plan.ROOT_CODE, parent__isnull=True).first()


def build(today=None):
    """Build the demo and return its DemoState (organisations by code, the people chosen for logins,
    counts). Call inside no transaction of your own or inside one: it is atomic either way."""
    plan.check_plan()
    state = DemoState(today=today or date.today())
    with transaction.atomic():
        build_units(state)
        build_orgs(state)
        build_terms(state)
        build_people(state)
        assign_cadres(state)
        save_people(state)
        build_branch_seats(state)
        build_committee_seats(state)
        save_seats(state)
        state.counts.update(
            units=len(state.units), organizations=len(state.orgs),
            branches=sum(1 for o in state.orgs.values() if o.kind == "branch"),
        )
        wrong = check_tree()
        if wrong:
            raise DemoBuildError(f"演示数据生成后组织树有 {len(wrong)} 个组织的路径不一致"
                                 f"（如组织 {wrong[0][0]}），已全部撤销")
        root = state.orgs[plan.ROOT_CODE]
        audit.record(SYSTEM, Action.IMPORT, root, after=dict(state.counts), note="演示数据")
    return state
