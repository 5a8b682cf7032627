from datetime import date

import pytest

from accounts.roles import Role
from core.scoping import SYSTEM
from ledgers import services
from ledgers.choices import LedgerKind


@pytest.fixture
def ledger(users):
    """The university's directive ledger (managed at the root), one directive, and a task owned by
    college A; a secretary of college A's first branch (role on the branch only)."""
    from conftest import make_user

    t = users
    t.sec_b1 = make_user("sec_b1", Role.SECRETARY, t.ca_b1, include_subtree=False)
    t.ledger = services.create_ledger(SYSTEM, kind=LedgerKind.DIRECTIVE_LEDGER, name="2019年落实指示批示台账",
                                      organization=t.root, year=2019)
    t.directive = services.add_directive(SYSTEM, ledger=t.ledger, title="关于加强高校党的建设的部署",
                                         document_number="教党〔2019〕1号", issuing_level="central",
                                         issued_on=date(2019, 1, 10))
    t.task = services.create_task(SYSTEM, ledger=t.ledger, owner=t.ca, title="完善学院党委会议事规则",
                                  deadline=date(2019, 6, 30), assigned_on=date(2019, 1, 15),
                                  directive=t.directive, leaders=[t.zhang])
    return t
