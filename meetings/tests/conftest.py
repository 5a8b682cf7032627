from datetime import date

import pytest

from core.scoping import SYSTEM
from members.services import appoint


@pytest.fixture
def branch(users):
    """College A's first branch with three members (张嘉恒 full, plus a full and a probationary one) and
    a secretary, on the dates the tests use."""
    from conftest import make_person

    t = users
    t.full2 = make_person(t.ca_b1, "刘洋", joined_on=date(2020, 1, 1))
    t.prob = make_person(t.ca_b1, "陈静", status="probationary", joined_on=date(2020, 1, 1))
    appoint(SYSTEM, t.ca_b1, t.zhang, "secretary", date(2020, 1, 1))
    # A committee of three, so the branch owes committee meetings (compliance) and has seats to expect.
    appoint(SYSTEM, t.ca_b1, t.full2, "organization", date(2020, 1, 1))
    appoint(SYSTEM, t.ca_b1, t.prob, "publicity", date(2020, 1, 1))
    return t
