"""Builds the meetings of the demo university: the whole of 2019, whose root-level figures are exactly the
article's (plan.py), and the current year up to today. Meetings, agenda items and attendance are
bulk-inserted (one summary AuditEntry instead of one per row, as the members demo does); every attendance
row is someone expected at that meeting on that day, from the members records (records.py)."""
import random
from datetime import date

from audit import services as audit
from audit.models import Action
from core.scoping import SYSTEM
from orgs import top

from ..choices import AttendanceStatus, Kind, Status
from ..models import AgendaItem, Attendance, Campaign, Meeting
from . import plan
from .calendar import QUARTERLY, Calendar, start_time
from .records import Records, add_former_seats, add_rosters

SEED = 20190701
BATCH = 1000
# How likely each kind of 2019 branch meeting is to open with first-topic study (relative weights).
FIRST_TOPIC_WEIGHTS = {Kind.BRANCH_COMMITTEE: 3, Kind.MEMBER_ASSEMBLY: 3, Kind.THEME_DAY: 1.5,
                       Kind.PARTY_LECTURE: 1, Kind.LIFE_MEETING: 0.5}


def build(state):
    today = state.today
    rng = random.Random(SEED)
    records = Records()
    since = date(plan.YEAR, 1, 1)
    seats = add_former_seats(state, records, since)
    rosters = add_rosters(state, records, date(plan.YEAR - 1, 3, 1))
    root = state.orgs["ROOT"]
    campaign = Campaign(name=plan.CAMPAIGN_NAME, organization=root, starts_on=plan.CAMPAIGN_STARTS,
                        ends_on=plan.CAMPAIGN_ENDS, note=plan.CAMPAIGN_NOTE)
    campaign.full_clean()
    campaign.save()
    has_committee = {code: len(records.seat_holders(org, today)) >= 3
                     for code, org in state.orgs.items() if org.kind == "branch"}

    year = Calendar(rng, state.orgs, today, has_committee)
    year.branches(plan.YEAR, 12, plan.BEHIND_2019)
    _choose_branch_first_topics(rng, year.drafts, plan.BRANCH_FIRST_TOPICS)
    year.root_committee(root, plan.YEAR, 12, plan.ROOT_COMMITTEE_MEETINGS, plan.ROOT_ENLARGED,
                        plan.COMMITTEE_FIRST_TOPICS)
    year.college_committees(plan.YEAR, 12, 0.5)
    year.central_group(root, plan.YEAR, range(1, plan.ROOT_CENTRAL_GROUP + 1))
    for code, count in plan.COLLEGE_CENTRAL_GROUP.items():
        year.central_group(state.orgs[code], plan.YEAR, rng.sample(range(1, 13), count))
    year.seminars(root, campaign, plan.LEADERSHIP_SEMINARS)
    for code, count in plan.UNIT_SEMINAR_COUNTS.items():
        year.seminars(state.orgs[code], campaign, count)

    drafts = year.drafts
    if today.year > plan.YEAR:
        drafts += _current_year(rng, state, today, has_committee)
    meetings = _save(rng, drafts, records)
    counts = {"meetings": len(meetings), "agenda_items": AgendaItem.objects.count(),
              "attendance": Attendance.objects.count(), "former_seats": seats, "central_group_members": rosters}
    audit.record(SYSTEM, Action.IMPORT, root, after=counts, note="演示数据：组织生活与学习")
    return (f"组织生活演示数据：会议 {counts['meetings']} 次（{plan.YEAR} 年全年及今年至今），议题 "
            f"{counts['agenda_items']} 项，出席记录 {counts['attendance']} 条，历届委员 {seats} 个，"
            f"中心组成员 {rosters} 名；主题教育 1 项。")


def _choose_branch_first_topics(rng, drafts, count):
    """Exactly `count` of the branches' own meetings open with first-topic study: a weighted sample without
    replacement (each draft keyed by random ** (1 / weight)), so they spread over months and branches."""
    candidates = [d for d in drafts if d.org.kind == "branch" and d.kind in FIRST_TOPIC_WEIGHTS]
    keyed = sorted(candidates, key=lambda d: rng.random() ** (1 / FIRST_TOPIC_WEIGHTS[d.kind]), reverse=True)
    if len(keyed) < count:
        raise ValueError(f"only {len(keyed)} branch meetings for {count} first topics")
    for d in keyed[:count]:
        d.first_topic = True


def _current_year(rng, state, today, has_committee):
    """This year up to today, with the few gaps of plan.BEHIND_NOW."""
    quarter = (today.month - 1) // 3 + 1
    behind = {code: {kind: [(quarter if kind in QUARTERLY else today.month) + 1 + back for back in backs]
                     for kind, backs in kinds.items()} for code, kinds in plan.BEHIND_NOW.items()}
    now = Calendar(rng, state.orgs, today, has_committee)
    now.branches(today.year, today.month, behind)
    for d in now.drafts:
        d.first_topic = d.org.kind == "branch" and d.kind in FIRST_TOPIC_WEIGHTS and rng.random() < 0.25
    root = state.orgs["ROOT"]
    now.root_committee(root, today.year, today.month, 2 * today.month, 2, round(1.4 * today.month))
    now.college_committees(today.year, today.month, 0.5)
    now.central_group(root, today.year, range(1, today.month + 1))
    for code in plan.COLLEGE_CENTRAL_GROUP:
        now.central_group(state.orgs[code], today.year, rng.sample(range(1, today.month + 1),
                                                                   max(1, today.month // 3)))
    return now.drafts


# --- saving ----------------------------------------------------------------------------------------

def _agenda(rng, draft):
    kind = draft.kind
    items = []
    if draft.first_topic:
        pool = plan.CAMPAIGN_MATERIALS + plan.MATERIALS if draft.day.year == plan.YEAR and \
            plan.CAMPAIGN_STARTS <= draft.day <= plan.CAMPAIGN_ENDS else plan.MATERIALS
        title, source = rng.choice(pool)
        items.append({"title": title, "is_first_topic": True, "material_title": title.removeprefix("学习"),
                      "material_source": source})
    elif kind == Kind.STUDY_SEMINAR:
        title, source = rng.choice(plan.CAMPAIGN_MATERIALS)
        items.append({"title": title, "material_title": title.removeprefix("学习"), "material_source": source})
    regular = draft.items or rng.sample(plan.ITEMS[kind], min(len(plan.ITEMS[kind]), rng.randint(1, 2)))
    items += [{"title": t} for t in regular]
    return items


def _attendance(rng, draft, records):
    expected = records.expected(draft.org, draft.kind, draft.day)
    if draft.group:
        index, count = draft.group
        expected = expected[index::count]
    reasons = plan.RETIREE_LEAVE_REASONS if draft.org.composition == "retiree" else plan.LEAVE_REASONS
    rows = {}
    for pid in expected:
        roll = rng.random()
        if roll < 0.87:
            rows[pid] = (AttendanceStatus.PRESENT, "")
        elif roll < 0.97:
            rows[pid] = (AttendanceStatus.LEAVE, rng.choice(reasons))
        else:
            rows[pid] = (AttendanceStatus.ABSENT, "")
    if draft.kind == Kind.MEMBER_ASSEMBLY:
        voting = [pid for pid in expected if records.status(pid, draft.day) == "full"]
        if sum(rows[pid][0] == AttendanceStatus.PRESENT for pid in voting) <= len(voting) // 2:
            rows = {pid: (AttendanceStatus.PRESENT, "") for pid in expected}  # a quorate assembly
    return rows


def _save(rng, drafts, records):
    drafts.sort(key=lambda d: (d.day, d.org.pk, d.kind))
    meetings, agendas, attendances = [], [], []
    for d in drafts:
        rows = _attendance(rng, d, records)
        holders = [pid for pid, _post in records.seat_holders(d.org.parent if d.org.kind == "group" else d.org, d.day)]
        host = holders[0] if holders else None
        recorder = holders[1] if len(holders) > 1 else None
        present = sum(s == AttendanceStatus.PRESENT for s, _r in rows.values())
        leave = sum(s == AttendanceStatus.LEAVE for s, _r in rows.values())
        places = plan.PLACES["committee" if d.org.kind == "committee" else "branch"]
        agenda = _agenda(rng, d)
        meetings.append(Meeting(
            kind=d.kind, enlarged=d.enlarged, organization=d.org, title=d.title, held_on=d.day,
            starts_at=start_time(rng, d), place=rng.choice(places), status=Status.HELD, host_id=host,
            recorder_id=recorder, campaign=d.campaign, has_first_topic=bool(agenda[0].get("is_first_topic")),
            minutes=f"应到 {len(rows)} 人，实到 {present} 人，请假 {leave} 人。会议按议程逐项进行。"))
        agendas.append(agenda)
        attendances.append(rows)
    Meeting.objects.bulk_create(top.stamp(meetings), batch_size=BATCH)
    items, rows = [], []
    for meeting, agenda, attendance in zip(meetings, agendas, attendances, strict=True):
        items += [AgendaItem(meeting=meeting, order=i + 1, title=item["title"],
                             is_first_topic=bool(item.get("is_first_topic")),
                             material_title=item.get("material_title", ""),
                             material_source=item.get("material_source", "")) for i, item in enumerate(agenda)]
        rows += [Attendance(meeting=meeting, person_id=pid, status=status, reason=reason)
                 for pid, (status, reason) in attendance.items()]
    AgendaItem.objects.bulk_create(items, batch_size=BATCH)
    Attendance.objects.bulk_create(top.stamp(rows), batch_size=BATCH)
    return meetings
