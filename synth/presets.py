"""The sizes of the synthetic data sets, as data.

A preset describes the tree level by level (the kind of each level and how many children each node of the
level above gets, drawn uniformly from a range), how many people each branch keeps, and how many records
each organisation produces per year. Every count is a per-node rate, so the totals follow from the tree.

`province` (about 20 million meeting and attendance records over three years):

    1 + 20 + 400 + 8,000 + 192,000 ≈ 200,400 organisations (root committee → 20 level-1 committees → 20
    level-2 committees each → 20 level-3 general branches each → 20–28 branches each), 20–32 people per
    branch (≈ 5.0 million people, each with a membership and a status change) plus 3 cadres per committee or
    general branch. Each branch holds 5 meetings a year: 192,000 × 5 × 3 ≈ 2.9 million meetings; a member
    meeting records the attendance of 7 of the branch's members and a committee-type meeting its 3 seat
    holders (≈ 6 rows a meeting on average, ≈ 17 million rows), so meetings + attendance ≈ 20 million.
    Committees and general branches add 8 meetings a year each (≈ 0.2 million more rows).
"""
from dataclasses import dataclass
from math import prod

from orgs.choices import Kind


@dataclass(frozen=True)
class Preset:
    name: str
    # One (kind, (fewest, most) children per node of the level above) per level below the root.
    levels: tuple
    people_per_branch: tuple  # (fewest, most)
    years: int  # full calendar years of records, ending with the last complete one
    meetings_per_branch_year: int
    member_meeting_attendees: int  # attendance rows of a member meeting (a sample of the branch)
    meetings_per_committee_year: int = 8  # committees and general branches
    cadres_per_committee: int = 3  # people kept by each committee or general branch (its seat holders)
    ledger_max_depth: int = 2  # committees down to this depth keep one ledger a year
    tasks_per_ledger: int = 10
    matters_per_committee_year: int = 4  # at committees down to ledger_max_depth
    visit_share: float = 0.5  # share of branches visited by a leader in a year
    problem_share: float = 0.3  # share of visits that find a problem
    liaison_share: float = 0.8  # share of branches with a liaison leader

    def organizations(self):
        """(fewest, most) organisations the tree can have."""
        lo = hi = 1
        for i in range(len(self.levels)):
            lo += prod(fanout[0] for _kind, fanout in self.levels[:i + 1])
            hi += prod(fanout[1] for _kind, fanout in self.levels[:i + 1])
        return lo, hi

    def branches(self):
        return (prod(f[0] for _k, f in self.levels), prod(f[1] for _k, f in self.levels))

    def people(self):
        """(fewest, most) people: the branches' members and the other organisations' cadres."""
        (olo, ohi), (blo, bhi) = self.organizations(), self.branches()
        return (blo * self.people_per_branch[0] + (olo - blo) * self.cadres_per_committee,
                bhi * self.people_per_branch[1] + (ohi - bhi) * self.cadres_per_committee)


B, C, G = Kind.BRANCH, Kind.COMMITTEE, Kind.GENERAL_BRANCH

PRESETS = {p.name: p for p in [
    # The test suite's: 2 college committees of 2 general branches of 5 branches (20 branches), ~500 people,
    # 2 years; four levels, so the benchmarks' root, level-1, level-3 and branch nodes all exist.
    Preset("college", levels=((C, (2, 2)), (G, (2, 2)), (B, (5, 5))), people_per_branch=(20, 30), years=2,
           meetings_per_branch_year=12, member_meeting_attendees=20, ledger_max_depth=0, tasks_per_ledger=8,
           matters_per_committee_year=10),
    # A university: 16 college committees of 3–5 branches (~64 branches), ~3,000 people, 3 years.
    Preset("university", levels=((C, (15, 17)), (B, (3, 5))), people_per_branch=(38, 52), years=3,
           meetings_per_branch_year=12, member_meeting_attendees=30, ledger_max_depth=1, tasks_per_ledger=10,
           matters_per_committee_year=10),
    # A city: 1 + 10 + 100 + 1,000 + ~9,000 ≈ 10,000 organisations, ~250,000 people.
    Preset("city", levels=((C, (9, 11)), (C, (9, 11)), (G, (9, 11)), (B, (7, 11))), people_per_branch=(22, 34),
           years=3, meetings_per_branch_year=5, member_meeting_attendees=7),
    # A province: see the module docstring for the arithmetic.
    Preset("province", levels=((C, (18, 22)), (C, (18, 22)), (G, (18, 22)), (B, (20, 28))),
           people_per_branch=(20, 32), years=3, meetings_per_branch_year=5, member_meeting_attendees=7),
]}
