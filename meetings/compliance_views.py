"""The compliance calendar pages: one organisation's rules by period, and a subtree's organisations
behind. Everything read goes through restrict(); an organisation outside the user's scope is not found."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.registry import detail_tabs
from orgs.models import Organization

from .choices import Status
from .compliance import (
    FUTURE,
    MISSING,
    OPEN,
    RULE_KINDS,
    SATISFIED,
    RuleBook,
    calendar,
    kinds_for,
    rate,
    report,
    subtree_orgs,
)
from .models import Meeting

# Organisation kinds whose page lists the organisations below them.
PARENT_KINDS = {"committee", "general_branch"}
FIRST_YEAR = 2000


def _url(name, fallback):
    try:
        return reverse(name)
    except NoReverseMatch:  # the meetings pages of another part not mounted (yet)
        return fallback


def may_see_meetings(user):
    return user.scope_q(Meeting, "view") is not None


def grid(org, rows, user):
    """The calendar as a 12-month table: each rule's periods span the months they cover, each cell
    linked to the meetings it counted or to recording the missing one."""
    list_url = _url("meetings:meeting_list", "/meetings/")
    add_url = _url("meetings:meeting_add", "/meetings/add/")
    may_add = user.can("add", Meeting(organization=org))
    table = []
    for row in rows:
        cells, month = [], 1
        for cell in row.cells:
            if cell.period.start.month > month:
                cells.append({"span": cell.period.start.month - month, "state": "none"})
            link = None
            if cell.count:
                link = list_url + "?" + urlencode({"organization": org.pk, "kind": row.kind, "status": Status.HELD,
                                                   "held_from": cell.period.start, "held_to": cell.period.end})
            elif cell.state in (MISSING, OPEN) and may_add:
                link = add_url + "?" + urlencode({"organization": org.pk, "kind": row.kind})
            cells.append({"span": len(cell.period.months), "state": cell.state, "cell": cell, "link": link})
            month = cell.period.end.month + 1
        if month <= 12:
            cells.append({"span": 13 - month, "state": "none"})
        table.append({"row": row, "cells": cells, "due": row.due_next})
    return table


def calendar_context(org, year, user, as_of=None, rules=None):
    as_of = as_of or timezone.localdate()
    rows = calendar(org, year, as_of, Meeting.objects.restrict(user), rules)
    return {"calendar": grid(org, rows, user), "calendar_org": org, "year": year, "as_of": as_of,
            "months": range(1, 13), "states": (SATISFIED, MISSING, OPEN, FUTURE)}


class ComplianceView(LoginRequiredMixin, TemplateView):
    template_name = "meetings/compliance_page.html"
    per_page = 100

    def get_org(self, orgs):
        raw = self.request.GET.get("org")
        if not raw:
            org = orgs.order_by("depth", "path").first()
        else:
            try:
                org = orgs.get(pk=int(raw))
            except (Organization.DoesNotExist, ValueError):
                org = None
        if org is None:
            raise Http404(_("未找到该记录"))
        return org

    def get_year(self, today):
        try:
            year = int(self.request.GET.get("year", today.year))
        except ValueError:
            return today.year
        return year if FIRST_YEAR <= year <= today.year + 1 else today.year

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not may_see_meetings(user):
            raise PermissionDenied(_("您没有查看会议记录的权限"))
        orgs = Organization.objects.restrict(user)
        org = self.get_org(orgs)
        today = timezone.localdate()
        year = self.get_year(today)
        rules = RuleBook.for_meetings()
        ctx = super().get_context_data(**kwargs)
        ctx.update(calendar=None, subtree_rows=None)
        ctx.update(title=_("合规日历：%(org)s") % {"org": org.name}, org=org, year=year, nav_org_id=org.pk,
                   years=range(max(FIRST_YEAR, (org.established_on.year if org.established_on else FIRST_YEAR),
                                   today.year - 9), today.year + 1)[::-1])
        if kinds_for(org.kind):
            ctx.update(calendar_context(org, year, user, today, rules))
        if org.kind in PARENT_KINDS:
            ctx.update(self.subtree_context(orgs, org, year, today, rules))
        return ctx

    def subtree_context(self, orgs, org, year, as_of, rules):
        # The parent names a party group (groups are often just "第一党小组"); joined, not a query per row.
        entries = report(subtree_orgs(orgs, org).select_related("parent"), year, as_of,
                         Meeting.objects.restrict(self.request.user), rules)
        show_all = bool(self.request.GET.get("all"))
        listed = [e for e in entries if e.organization.pk != org.pk and (show_all or e.missing)]
        page = Paginator(listed, self.per_page).get_page(self.request.GET.get("page"))
        kinds = [k for k in RULE_KINDS if any(e.row(k) for e in entries)]
        rows = [{"entry": e, "cells": [e.row(k) for k in kinds]} for e in page.object_list]
        return {"entries_total": len(entries), "behind_total": sum(1 for e in entries if e.missing),
                "rates": [(k, rate(entries, k, as_of)) for k in kinds], "subtree_kinds": kinds, "subtree_rows": rows,
                "page": page, "show_all": show_all}


def organization_compliance_tab(request, org):
    """合规日历 on the organisation page: this year's calendar."""
    if not kinds_for(org.kind) or not may_see_meetings(request.user):
        return "meetings/compliance_tab.html", {"calendar": None, "calendar_org": org,
                                                "year": timezone.localdate().year}
    return "meetings/compliance_tab.html", calendar_context(org, timezone.localdate().year, request.user)


detail_tabs.register("compliance", gettext_lazy("合规日历"), organization_compliance_tab,
                     model="orgs.organization", order=30)
