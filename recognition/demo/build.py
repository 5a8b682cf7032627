"""The recognition demo (see core.demo): brands, model branches, honours and role models.

2019 as the seed article tells it, at the root: 12 college brands and 41 branch features approved that year
(most evaluated in 2021, a few still being built), 5 branches of the first batch of model branches
(2017-2019) accepted in 2019 and one that failed its mid-term review, the college committee of mechanical
engineering an advanced collective and one of its members an advanced individual. Then later rounds: a
2022 round of features (some rejected), a second batch of model branches (2021-2023), a third now being
cultivated (one mid-term review overdue), this year's proposals (one of the computer science college's
waiting for its approval), honours every year and a few role models.

Every write goes through recognition.services as SYSTEM. Seeded, so the same day builds the same records;
a second run changes nothing (it stops when the demo tree already has brand projects)."""
import random
from collections import Counter
from datetime import date, timedelta

from core.scoping import SYSTEM, path_range
from members.demo import plan
from members.figures import members
from members.models import CommitteeSeat, Membership
from orgs.models import Organization

from .. import services
from ..choices import BrandAction, BrandLevel, BrandStatus, HonorKind, HonorLevel, ModelBranchAction
from ..models import BrandProject, Honor, ModelBranchBatch
from . import wording

SEED = 20190910
PRESENT = "党建品牌与荣誉表彰演示数据已存在，未作修改。"
EVALUATIONS = ["excellent", "good", "good", "passed", "excellent", "good"]


class Run:
    def __init__(self, state):
        self.rng = random.Random(SEED)
        self.state, self.today = state, state.today
        self.root = state.orgs[plan.ROOT_CODE]
        self.counts = Counter()

    def past(self, day):
        return day <= self.today

    # --- brands ----------------------------------------------------------------------------------------

    def brand(self, level, org, name, description, started, approve=None, start=None, evaluate=None,
              reject=None, evaluation=""):
        """A project proposed on `started`, then approved / started / evaluated / rejected on the days given
        (a step whose day is still to come is not taken)."""
        project = services.propose_brand(SYSTEM, level=level, organization=org, name=name, description=description,
                                         started_on=started, ends_on=date(started.year + 2, 6, 30))
        self.counts["brands"] += 1
        steps = [(BrandAction.REJECT, reject), (BrandAction.APPROVE, approve), (BrandAction.START, start),
                 (BrandAction.EVALUATE, evaluate)]
        for action, day in steps:
            if day is None or not self.past(day):
                if action != BrandAction.REJECT:
                    break
                continue
            project = services.act_on_brand(
                SYSTEM, project, action, on_date=day, today=self.today,
                evaluation=evaluation if action == BrandAction.EVALUATE else "",
                note=(wording.EVALUATION_NOTES.get(evaluation, "") if action == BrandAction.EVALUATE
                      else wording.REJECT_NOTE if action == BrandAction.REJECT else ""))
            if action == BrandAction.REJECT:
                break
        return project

    def day_in(self, start, days):
        return start + timedelta(days=self.rng.randint(0, days))

    def brands_2019(self):
        for i, (code, (name, description)) in enumerate(wording.COLLEGE_BRANDS.items()):
            approved = self.day_in(date(2019, 4, 8), 50)
            building = i in (4, 9)  # two still being built: their evaluation was put off
            self.brand(BrandLevel.COLLEGE, self.state.orgs[code], name, description, date(2019, 3, 1),
                       approve=approved, start=approved + timedelta(days=20),
                       evaluate=None if building else self.day_in(date(2021, 5, 10), 60),
                       evaluation=EVALUATIONS[i % len(EVALUATIONS)])
        branches = self.branches_in_2019()
        n = 0
        for group, picks in wording.FEATURE_PICKS.items():
            pool = [b for b in branches if wording.GROUP.get(b.composition) == group]
            chosen = sorted(self.rng.sample(pool, picks), key=lambda b: b.path)
            for branch, (name, description) in zip(chosen, wording.FEATURES[group], strict=False):
                approved = self.day_in(date(2019, 5, 6), 60)
                self.brand(BrandLevel.BRANCH, branch, name, description, date(2019, 4, 1),
                           approve=approved, start=approved + timedelta(days=15),
                           evaluate=None if n % 10 == 3 else self.day_in(date(2021, 6, 1), 120),
                           evaluation=EVALUATIONS[n % len(EVALUATIONS)])
                n += 1
        self.counts["features_2019"] = n

    def branches_in_2019(self):
        day = date(2019, 12, 31)
        lo, hi = path_range(self.root.path)
        return list(Organization.objects.filter(path__gte=lo, path__lt=hi, kind="branch", is_temporary=False,
                                                established_on__lt=date(2019, 3, 1))
                    .exclude(dissolved_on__lte=day).order_by("path"))

    def later_rounds(self):
        """A 2022 round (two approved and evaluated, two rejected) and this year's (proposed and approved),
        with one of the computer science college's branches waiting for the college committee."""
        branches = self.branches_in_2019()
        used = set()

        def feature(group, offset):
            names = wording.FEATURES[group]
            name, description = names[(offset * 7) % len(names)]
            pool = [b for b in branches if wording.GROUP.get(b.composition) == group and b.pk not in used]
            branch = self.rng.choice(pool)
            used.add(branch.pk)
            return branch, f"{name}（第二期）" if offset % 2 else name, description

        for k in range(4):
            branch, name, description = feature(["teacher", "student", "staff", "student"][k], k + 1)
            if k < 2:
                approved = self.day_in(date(2022, 5, 9), 30)
                self.brand(BrandLevel.BRANCH, branch, name, description, date(2022, 4, 1), approve=approved,
                           start=approved + timedelta(days=14), evaluate=self.day_in(date(2024, 6, 3), 60),
                           evaluation=EVALUATIONS[k])
            else:
                self.brand(BrandLevel.BRANCH, branch, name, description, date(2022, 4, 1),
                           reject=self.day_in(date(2022, 5, 9), 30))
        year = self.today.year
        proposed = min(date(year, 3, 2), self.today)
        for k in range(4):
            branch, name, description = feature(["teacher", "student", "teacher", "staff"][k], k + 5)
            approve = proposed + timedelta(days=40) if k < 2 else None
            self.brand(BrandLevel.BRANCH, branch, name, description, proposed, approve=approve)
        cs08 = self.state.orgs["CS-08"]
        self.brand(BrandLevel.BRANCH, cs08, "“网安护航”师生党员攻防实训营",
                   "师生党员共同组建网络安全攻防训练营，面向校园网开展安全体检，并为中小学开设网络安全课。",
                   self.today - timedelta(days=6) if self.today.year == (self.today - timedelta(days=6)).year
                   else self.today)

    # --- model branches --------------------------------------------------------------------------------

    def batch(self, name, year, note):
        return services.create_batch(SYSTEM, organization=self.root, name=name, year=year, note=note)

    def cycle(self, batch, branch, applied, approved, midterm=None, midterm_passed=True, accepted=None,
              accepted_passed=True):
        cycle = services.apply_model_branch(SYSTEM, batch=batch, branch=branch, applied_on=applied,
                                            plan=wording.MODEL_BRANCH_PLAN, today=self.today)
        for action, day, passed, note in [
                (ModelBranchAction.APPROVE, approved, True, ""),
                (ModelBranchAction.MIDTERM, midterm, midterm_passed,
                 wording.MIDTERM_PASS if midterm_passed else wording.MIDTERM_FAIL),
                (ModelBranchAction.ACCEPT, accepted, accepted_passed,
                 wording.ACCEPT_PASS if accepted_passed else wording.ACCEPT_FAIL)]:
            if day is None or not self.past(day):
                break
            cycle = services.act_on_model_branch(SYSTEM, cycle, action, passed=passed, on_date=day, note=note,
                                                 today=self.today)
            if not passed:
                break
        return cycle

    def model_branches(self):
        pool = [b for b in self.branches_in_2019() if b.established_on < date(2017, 3, 1)]
        self.rng.shuffle(pool)
        first = self.batch("首批党建工作样板支部", 2017, "2017 年启动，培育创建周期两年。")
        for i, branch in enumerate(pool[:6]):
            self.cycle(first, branch, date(2017, 4, 10), date(2017, 6, 20), date(2018, 6, 25), i != 5,
                       date(2019, 6, 12))
        second = self.batch("第二批党建工作样板支部", 2021, "2021 年启动，2023 年验收。")
        for i, branch in enumerate(pool[6:11]):
            self.cycle(second, branch, date(2021, 3, 15), date(2021, 5, 20), date(2022, 5, 25), True,
                       date(2023, 5, 22), accepted_passed=i != 4)
        year = self.today.year - 1
        third = self.batch("第三批党建工作样板支部", year, f"{year} 年启动，培育创建中。")
        for i, branch in enumerate(pool[11:15]):
            # The last one's mid-term review has not been held although it is due: an overdue cycle.
            self.cycle(third, branch, date(year, 3, 20), date(year, 5, 15),
                       None if i == 3 else min(date(year + 1, 5, 25), self.today))

    # --- honours and role models -----------------------------------------------------------------------

    def full_members(self, org, day, **where):
        return list(members(Membership.objects.all(), org, day, statuses=("full",)).filter(**where)
                    .select_related("person", "organization").order_by("person_id"))

    def honor(self, **fields):
        self.counts["honors"] += 1
        return services.record_honor(SYSTEM, today=self.today, **fields)

    def honors(self):
        mea = self.state.orgs["MEA"]
        teachers_day = date(2019, 9, 10)
        self.honor(kind=HonorKind.ADVANCED_COLLECTIVE, level=HonorLevel.UNIVERSITY, title="立德树人先进集体",
                   year=2019, awarded_on=teachers_day, issuer=plan.UNIVERSITY, organization=mea,
                   note="学院党委把立德树人融入教学科研全过程，党建与业务深度融合。")
        teachers = [m for m in self.full_members(mea, teachers_day, person__category="teacher",
                                                 person__cadre_level="none")
                    if m.person.title in ("教授", "副教授")]
        individual = self.honor(kind=HonorKind.ADVANCED_INDIVIDUAL, level=HonorLevel.UNIVERSITY,
                                title="立德树人先进个人", year=2019, awarded_on=teachers_day, issuer=plan.UNIVERSITY,
                                person=self.rng.choice(teachers).person,
                                note="教书育人成绩突出，指导学生科技创新屡获佳绩。")
        self.role_model(individual.person, 2019, 0, honor=individual)
        for year in range(2019, self.today.year + 1):
            day = date(year, 6, 28)
            if not self.past(day):
                break
            self.yearly_honors(year, day)

    def yearly_honors(self, year, day):
        issuer = plan.ROOT_NAME
        people = self.full_members(self.root, day)
        for m in self.rng.sample(people, 5):
            self.honor(kind=HonorKind.EXCELLENT_MEMBER, level=HonorLevel.UNIVERSITY, title="优秀共产党员",
                       year=year, awarded_on=day, issuer=issuer, person=m.person)
        lo, hi = path_range(self.root.path)
        branches = list(Organization.objects.filter(path__gte=lo, path__lt=hi, kind="branch", is_temporary=False,
                                                    established_on__lte=day)
                        .exclude(dissolved_on__lte=day).order_by("path"))
        seated = list(CommitteeSeat.objects.filter(post="secretary", organization__in=branches, started_on__lte=day)
                      .exclude(ended_on__lte=day).select_related("person").order_by("pk"))
        workers = [seat.person for seat in self.rng.sample(seated, min(2, len(seated)))]
        # Branch secretaries of past terms come with the meetings demo; without it, party cadres instead.
        cadres = [m.person for m in people if m.person.cadre_level == "middle" and m.person not in workers]
        for person in workers + self.rng.sample(cadres, 2 - len(workers)):
            self.honor(kind=HonorKind.EXCELLENT_WORKER, level=HonorLevel.UNIVERSITY, title="优秀党务工作者",
                       year=year, awarded_on=day, issuer=issuer, person=person)
        for branch in self.rng.sample(branches, 3):
            self.honor(kind=HonorKind.ADVANCED_ORGANIZATION, level=HonorLevel.UNIVERSITY, title="先进基层党组织",
                       year=year, awarded_on=day, issuer=issuer, organization=branch)
        if year % 2 == 1:
            self.honor(kind=HonorKind.ADVANCED_ORGANIZATION, level=HonorLevel.PROVINCIAL,
                       title="全省高校先进基层党组织", year=year, awarded_on=day + timedelta(days=3),
                       issuer="省委教育工委", organization=self.rng.choice(branches))
        if year in (2021, 2023) or year == self.today.year:
            self.role_model(self.rng.choice(people).person, year, year % 5)

    def role_model(self, person, year, index, honor=None):
        self.counts["role_models"] += 1
        services.save_role_model(SYSTEM, person=person, year=year, title=wording.ROLE_MODEL_TITLES[index % 5],
                                 deeds=wording.ROLE_MODEL_DEEDS[index % 5], honor=honor, today=self.today)


def build(state):
    root = state.orgs[plan.ROOT_CODE]
    lo, hi = path_range(root.path)
    if BrandProject.objects.filter(organization__path__gte=lo, organization__path__lt=hi).exists():
        return PRESENT
    run = Run(state)
    run.brands_2019()
    run.later_rounds()
    run.model_branches()
    run.honors()
    c = run.counts
    named = Honor.objects.filter(kind=HonorKind.MODEL_BRANCH, organization__path__gte=lo,
                                 organization__path__lt=hi).count()
    waiting = BrandProject.objects.filter(organization__path__gte=lo, organization__path__lt=hi,
                                          status=BrandStatus.PROPOSED).count()
    return (f"党建品牌与荣誉表彰演示数据：品牌项目 {c['brands']} 个（2019 年立项“一学院一品牌” "
            f"{len(wording.COLLEGE_BRANDS)} 个、“一支部一特色” {c['features_2019']} 个，申报中 {waiting} 个），"
            f"样板支部创建批次 {ModelBranchBatch.objects.filter(organization=root).count()} 个"
            f"（命名样板支部 {named} 个），"
            f"荣誉表彰 {c['honors'] + named} 项，榜样 {c['role_models']} 名。")
