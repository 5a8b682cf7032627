"""One college's matters in one year, each told step by step through decisions.services as SYSTEM on the day
it happened: submitted a few days before a committee meeting, pre-reviewed there, decided at the next joint
meeting; personnel matters wait for the opinion of each person's branch, given at a branch meeting between
submission and decision. A step whose meeting has not been held yet (after the last day) is not taken, so
the matter waits there, as it would."""
from datetime import timedelta

from core.scoping import SYSTEM, path_range
from members.models import Membership

from .. import services
from ..choices import MAJOR, Category
from ..models import BranchOpinion
from . import wording
from .sittings import first_after, working_day


class CollegeYear:
    def __init__(self, run, sittings, org, proposers):
        self.run, self.sittings, self.org, self.proposers = run, sittings, org, proposers
        self.rng = run.rng
        self.committees, self.joints = sittings.college(org)
        self.name = org.name.removesuffix("党委")
        self.year = sittings.year
        self.used_titles = set()

    # --- helpers -----------------------------------------------------------------------------------

    def _title(self, category, names=""):
        options = [t.format(college=self.name, year=self.year, names=names) for t in wording.TITLES[category]]
        fresh = [t for t in options if t not in self.used_titles] or options
        title = self.rng.choice(fresh)
        self.used_titles.add(title)
        return title

    def _before(self, day, lo=2, hi=9):
        """A working day a few days before `day`, within the year (or `day` itself at the year's start)."""
        candidate = day - timedelta(days=self.rng.randint(lo, hi))
        candidate = working_day(max(candidate, self.sittings.first + timedelta(days=1)), day)
        return candidate or day

    def _new(self, category, people=(), proposer=None):
        names = "、".join(p.name for p in people)
        description = wording.DESCRIPTION["personnel" if people else
                                          category if category in wording.DESCRIPTION else "other"]
        matter = services.create_matter(SYSTEM, title=self._title(category, names), category=category,
                                        organization=self.org, unit=self.org.unit,
                                        proposer=proposer or self.rng.choice(self.proposers),
                                        description=description, people=list(people))
        self.run.count("matters")
        return matter

    def _people(self, day, count, within=None):
        """`count` teachers or staff holding a membership in the college (or in `within`) on `day`."""
        lo, hi = path_range((within or self.org).path)
        rows = list(Membership.objects.on(day).filter(organization__path__gte=lo, organization__path__lt=hi,
                                                        person__category__in=("teacher", "staff"))
                    .select_related("person").order_by("person_id")[:400])
        return [r.person for r in self.rng.sample(rows, min(count, len(rows)))]

    def _review(self, matter, meeting, outcome):
        self.run.count(f"review_{outcome}")
        return services.record_pre_review(SYSTEM, matter, meeting, outcome, wording.OPINIONS[outcome],
                                          today=meeting.held_on)

    def _decide(self, matter, meeting, outcome):
        self.run.count(f"decision_{outcome}")
        return services.record_decision(SYSTEM, matter, meeting, outcome, wording.DECISIONS[outcome],
                                        today=meeting.held_on)

    # --- the stories -------------------------------------------------------------------------------

    def major(self, i, category=None, *, outcome="agreed", decision="adopted", returned=False, deferred=False,
              stop=None, submit_on=None, proposer=None):
        """Submitted before committee meeting `i` (or on `submit_on`), pre-reviewed there (returned once and
        reviewed again at the next one, when `returned`), decided at the joint meeting after. `stop` leaves it
        "draft", "submitted", "returned", "reviewed" or "deferred"."""
        category = category or self.rng.choice(sorted(MAJOR))
        matter = self._new(category, proposer=proposer)
        if stop == "draft":
            return matter
        committee = self.committees[i] if i is not None and i < len(self.committees) else None
        day = submit_on or (self._before(committee.held_on) if committee else None)
        if day is None:
            return matter
        matter = services.submit_matter(SYSTEM, matter, today=day)
        if stop == "submitted" or committee is None:
            return matter
        if returned:
            matter = self._review(matter, committee, "returned")
            following = self.committees[i + 1] if i + 1 < len(self.committees) else None
            if stop == "returned" or following is None:
                return matter
            matter = services.update_matter(SYSTEM, matter, {"description": matter.description + wording.RESUBMITTED})
            again = self._before(following.held_on, 1, max(1, (following.held_on - committee.held_on).days - 1))
            matter = services.submit_matter(SYSTEM, matter, today=max(again, committee.held_on + timedelta(days=1)))
            self.run.count("resubmitted")
            committee = following
        matter = self._review(matter, committee, outcome)
        joint = first_after(self.joints, committee.held_on)
        if stop == "reviewed" or joint is None:
            return matter
        if deferred:
            matter = self._decide(matter, joint, "deferred")
            joint = first_after(self.joints, joint.held_on)
            if stop == "deferred" or joint is None:
                return matter
        return self._decide(matter, joint, decision)

    def personnel(self, i, category, *, count=1, stop=None, submit_on=None, within=None, opinion="agree"):
        """Submitted some days before the joint meeting after committee meeting `i` (or on `submit_on`); each
        person's branch gives its opinion at one of its meetings in between; then decided."""
        committee = self.committees[i] if i is not None and i < len(self.committees) else None
        joint = first_after(self.joints, committee.held_on) if committee else None
        day = submit_on or (self._before(joint.held_on, 8, 16) if joint else None)
        if day is None:
            return None
        people = self._people(day, count, within)
        if not people:
            return None
        matter = services.submit_matter(SYSTEM, self._new(category, people), today=day)
        if stop == "submitted" or joint is None:
            return matter
        for request in BranchOpinion.objects.filter(matter=matter).select_related("branch", "person"):
            def still_in(d, person=request.person, branch=request.branch):
                m = Membership.objects.on(d).filter(person=person).select_related("organization").first()
                held_by = m and (m.organization.parent_id if m.organization.kind == "group" else m.organization_id)
                return held_by == branch.pk
            meeting = self.sittings.branch_meeting(request.branch, day, joint.held_on, still_in)
            if meeting is None:
                return matter
            services.record_branch_opinion(SYSTEM, request, opinion, wording.REASONS[opinion], meeting,
                                           today=meeting.held_on)
            self.run.count("opinions")
        if stop == "opinions":
            return matter
        return self._decide(matter, joint, "adopted")

    def other(self, i):
        committee = self.committees[i] if i < len(self.committees) else None
        joint = first_after(self.joints, committee.held_on) if committee else None
        if joint is None:
            return None
        matter = services.submit_matter(SYSTEM, self._new(Category.OTHER), today=self._before(joint.held_on))
        return self._decide(matter, joint, "adopted")
