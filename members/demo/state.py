"""What the builder steps share while the demo is being built."""
import random
from dataclasses import dataclass, field
from datetime import date

SEED = 20200701  # fixed, so the same day's build is the same university every time


@dataclass
class DemoState:
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    units: dict = field(default_factory=dict)  # unit code -> Unit
    orgs: dict = field(default_factory=dict)  # org code -> Organization
    drafts: dict = field(default_factory=dict)  # branch code -> [Draft]
    term_start: dict = field(default_factory=dict)  # org code -> start of the current term
    previous_term_start: dict = field(default_factory=dict)  # org code -> start of the term before
    seniors: list = field(default_factory=list)  # [Draft], in plan.SENIOR_TITLES order
    cadres: dict = field(default_factory=dict)  # college or branch code -> [Draft] in title order
    seats: list = field(default_factory=list)  # CommitteeSeat, unsaved until the end
    seated: set = field(default_factory=set)  # id(draft) of everyone already on a branch committee
    counts: dict = field(default_factory=dict)
    login_people: dict = field(default_factory=dict)  # "college_secretary" etc. -> Person

    def branch_drafts(self):
        for drafts in self.drafts.values():
            yield from drafts
