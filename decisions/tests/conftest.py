from datetime import date

import pytest

from accounts.roles import Role
from core.scoping import SYSTEM
from decisions import services
from meetings.services import create_meeting

D = date(2024, 3, 1)


@pytest.fixture
def matters(users):
    """College A decides; its committee met on 3-5 and 4-5, its joint meeting on 3-20 and 4-20; CA-B1's
    committee met on 3-10. 张嘉恒 belongs to CA-B1 (since 2020). A member proposes."""
    from conftest import make_user

    t = users
    t.sec_b1 = make_user("sec_b1", Role.SECRETARY, t.ca_b1, include_subtree=False)
    make = lambda org, kind, day: create_meeting(SYSTEM, organization=org, kind=kind, title=f"{kind}{day}",  # noqa: E731
                                                held_on=day, today=date(2024, 12, 31))
    t.committee = make(t.ca, "committee_meeting", date(2024, 3, 5))
    t.committee2 = make(t.ca, "committee_meeting", date(2024, 4, 5))
    t.joint = make(t.ca, "joint_meeting", date(2024, 3, 20))
    t.joint2 = make(t.ca, "joint_meeting", date(2024, 4, 20))
    t.cb_committee = make(t.cb, "committee_meeting", date(2024, 3, 5))
    t.branch_meeting = make(t.ca_b1, "branch_committee", date(2024, 3, 10))
    t.major = services.create_matter(t.sec_a, title="学院发展规划调整", category="direction", organization=t.ca,
                                     proposer=t.li)
    t.personnel = services.create_matter(t.sec_a, title="职称评聘推荐", category="title_review", organization=t.ca,
                                         proposer=t.li, people=[t.zhang])
    return t
