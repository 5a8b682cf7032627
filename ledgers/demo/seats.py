"""Who held which committee seat on a day, read once: the responsible leaders of demo tasks and the rows of
the responsibility list. Falls back to the current holder when the demo has no record of the seat on that
day (the members demo records the current terms; the meetings demo, when it runs, adds the terms before)."""
from collections import defaultdict

from members.models import CommitteeSeat

# The root committee's posts as the ledger data name them: key -> (post, nth holder of that post).
# The deputy secretaries are ordered with the president first.
ROOT_KEYS = {"S": ("secretary", 0), "P": ("deputy_secretary", 0), "D1": ("deputy_secretary", 1),
             "D2": ("deputy_secretary", 2), "J": ("discipline", 0), "O": ("organization", 0),
             "X": ("publicity", 0)}
PRESIDENT = "校长"


class SeatBook:
    def __init__(self, root):
        self.root = root
        self.seats = defaultdict(list)  # org id -> [seat]
        for seat in CommitteeSeat.objects.select_related("person").order_by("started_on", "id"):
            self.seats[seat.organization_id].append(seat)

    def holders(self, org, post, day):
        def held(seat, on):
            return seat.post == post and seat.started_on <= on and (seat.ended_on is None or seat.ended_on > on)

        rows = self.seats[org.pk]
        people = [s.person for s in rows if held(s, day)]
        if not people:
            people = [s.person for s in rows if s.post == post and s.ended_on is None]
        return sorted(people, key=lambda p: (p.title != PRESIDENT, p.pk))

    def secretary(self, org, day):
        people = self.holders(org, "secretary", day)
        return people[0] if people else None

    def leader(self, key, day):
        post, index = ROOT_KEYS[key]
        people = self.holders(self.root, post, day)
        return people[index % len(people)] if people else None

    def leaders(self, keys, day):
        return [p for p in dict.fromkeys(self.leader(k, day) for k in keys) if p is not None]
