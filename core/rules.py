"""Rules are data: versioned values with effective dates, overridable per subtree.

Defaults live in RULE_DEFAULTS (each a list of (effective_from, value)); a RuleVersion row replaces
the default from its date on, for everywhere (scope_path '') or for one subtree. The most specific
scope wins; within it the latest effective_from on or before the date asked about.
"""
from collections import defaultdict
from datetime import date

from django.db import connection
from django.utils.translation import gettext_lazy

from .figures import remembered
from .sql import prepared

RULE_LABELS = {
    "term.years.committee": gettext_lazy("党委任期（年）"),
    "term.years.general_branch": gettext_lazy("党总支任期（年）"),
    "term.years.branch": gettext_lazy("党支部任期（年）"),
    "term.warn_days": gettext_lazy("换届提前提醒（天）"),
    "branch.max_members": gettext_lazy("党支部党员人数上限"),
    "branch.min_full_members": gettext_lazy("成立党支部的正式党员下限"),
    "ledgers.followup_days": gettext_lazy("任务到期提前督办（天）"),
    "liaison.branch_needs_leader": gettext_lazy("每个党支部须有联系领导（1 是 / 0 否）"),
    "liaison.leader_needs_branch": gettext_lazy("中层及以上党员领导须联系党支部（1 是 / 0 否）"),
    "liaison.branches_per_leader": gettext_lazy("每名领导同时联系党支部数上限"),
    "liaison.dual_leader_required": gettext_lazy("教师党支部书记须为“双带头人”（1 是 / 0 否）"),
}

RULE_DEFAULTS = {
    # 换届: committee terms in years by organisation kind (RULES.md, Organisational life). Long-standing
    # practice before the 2018 regulations too, so in force for any term the records go back to.
    "term.years.committee": [(date(1980, 1, 1), 5)],
    "term.years.general_branch": [(date(1980, 1, 1), 3)],
    "term.years.branch": [(date(1980, 1, 1), 3)],
    # Warn this many days before a term falls due.
    "term.warn_days": [(date(1980, 1, 1), 90)],
    # Branch set-up (RULES.md): generally at most 50 members.
    "branch.max_members": [(date(2018, 1, 1), 50)],
    "branch.min_full_members": [(date(2018, 1, 1), 3)],
    # 三会一课 and theme days (支部工作条例, 2018): how many periods a year each must be held in; 12 =
    # monthly, 4 = quarterly, 1 = yearly, 0 = not required. Counted per branch (a group's per group).
    "meeting.per_year.member_assembly": [(date(2018, 10, 1), 4)],
    "meeting.per_year.branch_committee": [(date(2018, 10, 1), 12)],
    "meeting.per_year.group_meeting": [(date(2018, 10, 1), 12)],
    "meeting.per_year.party_lecture": [(date(2018, 10, 1), 4)],
    "meeting.per_year.theme_day": [(date(2018, 10, 1), 12)],
    "meeting.per_year.life_meeting": [(date(2018, 10, 1), 1)],
    # Remind a branch this many days before a period closes with its meeting still missing.
    "meeting.reminder_days": [(date(2018, 10, 1), 7)],
    # 督办: tell a task's owners and managers this many days before its deadline (and when it is overdue).
    "ledgers.followup_days": [(date(2018, 1, 1), 7)],
    # 一对一联系 (the seed's practice): every branch has a liaison leader, every middle-or-senior leader
    # who is a member liaises with one branch, and no more than one at a time.
    "liaison.branch_needs_leader": [(date(2018, 1, 1), 1)],
    "liaison.leader_needs_branch": [(date(2018, 1, 1), 1)],
    "liaison.branches_per_leader": [(date(2018, 1, 1), 1)],
    # 双带头人 (支部工作条例, 2018; 高校基层组织工作条例): teacher-branch secretaries are dual leaders.
    "liaison.dual_leader_required": [(date(2018, 10, 1), 1)],
}


def rule_value(key, on_date=None, scope_path=""):
    from .models import RuleVersion

    on_date = on_date or date.today()
    rows = RuleVersion.objects.filter(key=key, effective_from__lte=on_date).order_by("-effective_from")
    best = None
    for row in rows:
        if scope_path.startswith(row.scope_path) and (best is None or len(row.scope_path) > len(best.scope_path)):
            best = row
    if best is not None:
        return best.value
    for since, value in sorted(RULE_DEFAULTS[key], reverse=True):
        if since <= on_date:
            return value
    raise LookupError(f"规则 {key} 在 {on_date} 没有生效的取值")


class RuleBook:
    """The rule versions of the keys asked for, read in one query; `value` answers as rule_value does
    (most specific subtree wins, then the latest effective date), without a query per organisation and
    date. For jobs that ask about many organisations (compliance, follow-up)."""

    def __init__(self, keys):
        # Within a page of figures (core.figures.remembered) the books of the same keys are one: read once,
        # and what callers derive from them (`memo`) is shared too (a dozen compliance rates each open one).
        keys = tuple(sorted(set(keys)))
        self._rows, self.memo = remembered(("core.rule_book", keys), lambda: (self._read(keys), {}))

    @staticmethod
    def _read(keys):
        """Prepared (core.sql): every meeting save judges its rule again, and building the ORM query took
        longer than running it."""
        from .models import RuleVersion

        value = RuleVersion._meta.get_field("value")
        rows = defaultdict(list)
        if not keys:
            return rows
        for key, since, scope_path, raw in prepared(
                f"SELECT key, effective_from, scope_path, value FROM {RuleVersion._meta.db_table} "
                f"WHERE key IN ({', '.join(['%s'] * len(keys))}) ORDER BY effective_from DESC", list(keys), fetch=True):
            rows[key].append(RuleVersion(key=key, effective_from=since, scope_path=scope_path,
                                         value=value.from_db_value(raw, None, connection)))
        return rows

    def uniform(self, key):
        """Whether the key has the same value everywhere on any day (no version scoped to a subtree)."""
        return not any(row.scope_path for row in self._rows.get(key, ()))

    def value(self, key, on_date, scope_path=""):
        best = None
        for row in self._rows.get(key, ()):
            if row.effective_from <= on_date and scope_path.startswith(row.scope_path) and (
                    best is None or len(row.scope_path) > len(best.scope_path)):
                best = row
        if best is not None:
            return best.value
        for since, value in sorted(RULE_DEFAULTS[key], reverse=True):
            if since <= on_date:
                return value
        return 0
