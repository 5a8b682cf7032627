"""Which meetings the demo organisations held, as drafts (organisation, kind, day, title, flags): 三会一课,
theme days and the yearly organisational-life meeting in every branch, monthly group meetings, and the
committees' meetings, central-group study and campaign seminars. The 2019 totals are exact (plan.py);
the current year runs up to today."""
import calendar as cal
from dataclasses import dataclass, field
from datetime import date, time

from ..choices import Kind
from . import plan

QUARTERLY = {Kind.MEMBER_ASSEMBLY, Kind.PARTY_LECTURE}
CN_MONTHS = "一二三四五六七八九十"


@dataclass
class Draft:
    org: object
    kind: str
    day: date
    title: str
    enlarged: bool = False
    campaign: object = None
    first_topic: bool = False
    group: tuple = None  # (index, count) of a party group among its branch's groups
    items: list = field(default_factory=list)


class Calendar:
    def __init__(self, rng, orgs, today, has_committee):
        self.rng, self.orgs, self.today = rng, orgs, today
        self.has_committee = has_committee  # branch code -> whether it has a committee (3+ seats)
        self.drafts = []
        self.taken = set()

    # --- days ------------------------------------------------------------------------------------

    def day(self, org, year, month, lo=1, hi=31, weekend=False):
        """A working day (or, for theme days, any day) of the month on which the organisation existed and
        which is not after today; None if there is none."""
        last = cal.monthrange(year, month)[1]
        days = [date(year, month, d) for d in range(lo, min(hi, last) + 1)]
        days = [d for d in days if (weekend or d.weekday() < 5) and d <= self.today
                and (not org.established_on or d >= org.established_on)
                and (not org.dissolved_on or d < org.dissolved_on)]
        days = [d for d in days if (org.pk, d) not in self.taken] or days
        return self.rng.choice(days) if days else None

    def add(self, org, kind, day, title, **extra):
        if day is None:
            return None
        self.taken.add((org.pk, day))
        draft = Draft(org=org, kind=kind, day=day, title=title, **extra)
        self.drafts.append(draft)
        return draft

    # --- branches --------------------------------------------------------------------------------

    def branches(self, year, last_month, behind):
        """三会一课 and theme days through `last_month`; months (quarters) in `behind` are skipped."""
        for code, org in self.orgs.items():
            if org.kind != "branch":
                continue
            skip = behind.get(code, {})
            groups = [g for g in self.orgs.values() if g.parent_id == org.pk and g.kind == "group"]
            for q in range(1, (last_month - 1) // 3 + 2):
                months = [m for m in range(3 * q - 2, 3 * q + 1) if m <= last_month]
                for kind, title in ((Kind.MEMBER_ASSEMBLY, f"{year}年第{CN_MONTHS[q - 1]}季度支部党员大会"),
                                    (Kind.PARTY_LECTURE, None)):
                    if q in skip.get(kind, ()):
                        continue
                    lecture = self.rng.choice(plan.ITEMS["party_lecture"])
                    self.add(org, kind, self.day(org, year, self.rng.choice(months)), title or lecture,
                             items=[lecture] if kind == Kind.PARTY_LECTURE else None)
            for month in range(1, last_month + 1):
                if self.has_committee.get(code) and month not in skip.get(Kind.BRANCH_COMMITTEE, ()):
                    self.add(org, Kind.BRANCH_COMMITTEE, self.day(org, year, month), f"{month}月支部委员会会议")
                if month not in skip.get(Kind.THEME_DAY, ()):
                    activity = self.rng.choice(plan.ITEMS["theme_day"])
                    self.add(org, Kind.THEME_DAY, self.day(org, year, month, weekend=True), activity,
                             items=[activity])
                for index, group in enumerate(groups):
                    if self.rng.random() < 0.9:
                        self.add(group, Kind.GROUP_MEETING, self.day(group, year, month),
                                 f"{month}月党小组会", group=(index, len(groups)))
            if last_month == 12 and 1 not in skip.get(Kind.LIFE_MEETING, ()):
                self.add(org, Kind.LIFE_MEETING, self.day(org, year, self.rng.choice([11, 12, 12]), lo=10),
                         f"{year}年度组织生活会")

    # --- committees ------------------------------------------------------------------------------

    def root_committee(self, root, year, last_month, count, enlarged, first_topics):
        """About two committee meetings a month; `first_topics` of them open with first-topic study."""
        drafts = []
        months = [m for m in range(1, last_month + 1) for _ in range(2)][:count]
        for n, month in enumerate(months):
            lo, hi = (1, 14) if n % 2 == 0 else (15, 31)
            drafts.append(self.add(root, Kind.COMMITTEE_MEETING, self.day(root, year, month, lo, hi),
                                   f"{year}年第{n + 1}次党委会"))
        drafts = [d for d in drafts if d]
        for d in self.rng.sample(drafts, min(enlarged, len(drafts))):
            d.enlarged, d.title = True, d.title.replace("党委会", "党委（扩大）会议")
        for d in self.rng.sample(drafts, min(first_topics, len(drafts))):
            d.first_topic = True

    def college_committees(self, year, last_month, share):
        for org in self.orgs.values():
            if org.kind == "committee" and org.parent_id is not None:
                for month in range(1, last_month + 1):
                    draft = self.add(org, Kind.COMMITTEE_MEETING, self.day(org, year, month),
                                     f"{month}月党委会")
                    if draft and self.rng.random() < share:
                        draft.first_topic = True

    def central_group(self, org, year, months):
        for n, month in enumerate(sorted(months)):
            self.add(org, Kind.CENTRAL_GROUP_STUDY, self.day(org, year, month),
                     f"理论学习中心组{year}年第{n + 1}次集中学习", first_topic=True)

    def seminars(self, org, campaign, count):
        """`count` seminars spread evenly over the campaign, on distinct days."""
        span = (campaign.ends_on - campaign.starts_on).days
        for n in range(count):
            lo = campaign.starts_on.toordinal() + span * n // count
            hi = campaign.starts_on.toordinal() + span * (n + 1) // count - 1
            days = [date.fromordinal(d) for d in range(lo, hi + 1) if date.fromordinal(d).weekday() < 5]
            days = [d for d in days if (org.pk, d) not in self.taken] or days
            self.add(org, Kind.STUDY_SEMINAR, self.rng.choice(days), f"主题教育集中学习研讨（第{n + 1}次）",
                     campaign=campaign)


def start_time(rng, draft):
    if draft.kind == Kind.THEME_DAY and draft.day.weekday() >= 5:
        return time(9, 0)
    return rng.choice([time(9, 0), time(14, 30), time(14, 30), time(16, 0), time(19, 0)])
