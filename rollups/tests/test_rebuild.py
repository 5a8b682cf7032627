"""rebuild() sums the records in one statement; the table it writes is the one the writers kept cell by cell
(meetings.services touching each cell as it saves), including ancestors whose own count is zero."""
from datetime import date

import pytest

from core.scoping import SYSTEM
from meetings import services as meetings
from rollups.maintain import differences, rebuild
from rollups.models import Rollup

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1


def table():
    return sorted(Rollup.objects.exclude(own=0, total=0).values_list("organization_id", "year", "key", "own", "total"))


def test_rebuild_writes_what_the_writers_kept(people):
    t = people
    writes = [(t.ca_b1, "member_assembly", date(YEAR, 3, 1), {t.zhang.pk: ("present", "")}),
              (t.ca_b1, "member_assembly", date(YEAR - 1, 3, 1), {t.zhang.pk: ("absent", "")}),
              (t.ca_b2, "party_lecture", date(YEAR, 4, 1), {t.li.pk: ("present", "")}),
              (t.cb_b1, "branch_committee", date(YEAR, 5, 1), None),
              (t.ca, "committee_meeting", date(YEAR, 6, 1), None),
              (t.root, "central_group_study", date(YEAR, 7, 1), None)]
    for org, kind, day, attendance in writes:
        meetings.create_meeting(SYSTEM, organization=org, kind=kind, title="会议", held_on=day, status="held",
                                attendance=attendance, confirm_duplicate=True)
    kept = table()
    assert ((t.root.pk, YEAR, "meetings.kind.member_assembly:m03", 0, 1) in kept
            and (t.ca.pk, YEAR, "meetings.attendance_rate:present", 0, 2) in kept)

    Rollup.objects.all().delete()
    assert len(differences()) == len(kept)
    assert rebuild() >= len(kept)
    assert table() == kept
    assert differences() == []
