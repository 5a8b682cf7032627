"""The coverage page (全覆盖) for any subtree the user sees, its print view, and the dual-leader form that
closes a dual-leader gap."""
from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.figures import Period
from core.views import ObjectFormView
from members import services as member_services
from members.models import CommitteeSeat
from orgs.models import Organization

from . import coverage
from .forms import DualLeaderForm
from .models import Liaison
from .views import NextMixin


def parse_day(text, default):
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def visit_period(year, day):
    """The visits counted: that year, up to `day` when the year is the day's."""
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), day) if year <= day.year else date(year, 12, 31)
    return Period(start, max(end, start))


def with_next(url, next_url):
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'next': next_url})}"


class CoverageView(LoginRequiredMixin, TemplateView):
    template_name = "liaison/coverage.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.scope_q(Liaison, "view") is None:
            raise PermissionDenied(_("您没有查看联系支部的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, get = self.request.user, self.request.GET
        orgs = Organization.objects.restrict(user).order_by("depth", "path")
        org = None
        if get.get("org"):
            try:
                org = orgs.get(pk=get["org"])
            except (Organization.DoesNotExist, ValueError, TypeError):
                raise Http404(_("未找到该记录")) from None
        else:
            org = orgs.first()
        today = timezone.localdate()
        day = parse_day(get.get("on"), today)
        try:
            year = int(get.get("year") or day.year)
        except ValueError:
            year = day.year
        year = min(max(year, 2000), day.year)
        period = visit_period(year, day)
        rules = coverage.rules(user, org, period, day) if org else []
        here = self.request.get_full_path()
        for rule in rules:
            rule.rate_text = "" if rule.rate is None else f"{rule.rate:.1f}"
            for gap in rule.gaps:
                gap.url = with_next(gap.fix_url, here)
        ctx.update(title=_("覆盖情况"), org=org, day=day, year=year, period=period, rules=rules,
                   org_choices=orgs.filter(kind__in=["committee", "general_branch", "branch"],
                                           dissolved_on__isnull=True).order_by("path"),
                   years=list(range(day.year, max(day.year - 8, 1999), -1)),
                   print_url=f"{reverse('liaison:coverage_print')}?{get.urlencode()}", today=today,
                   nav_org_id=getattr(org, "pk", None))
        return ctx


class CoveragePrintView(CoverageView):
    template_name = "liaison/coverage_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(printing=True, back_url=f"{reverse('liaison:coverage')}?{self.request.GET.urlencode()}")
        return ctx


class DualLeaderView(NextMixin, ObjectFormView):
    """Mark a teacher-branch secretary as a dual leader (or unmark); the seat's own rules answer a student
    branch or a post that is not the secretary's."""

    model = CommitteeSeat
    form_class = DualLeaderForm
    template_name = "liaison/dual_leader.html"
    success_message = gettext_lazy("已保存“双带头人”认定")

    def get_object(self):
        try:
            return (CommitteeSeat.objects.restrict(self.request.user, "change")
                    .select_related("organization", "person").get(pk=self.kwargs["pk"]))
        except (CommitteeSeat.DoesNotExist, ValueError, TypeError):
            raise Http404(_("未找到该记录")) from None

    def get_form(self, obj):
        if self.request.method == "POST":
            return self.form_class(data=self.request.POST, obj=obj)
        return self.form_class(obj=obj)

    def form_title(self):
        return _("认定“双带头人”：%(p)s") % {"p": self.object.person}

    def save(self, form):
        d = form.cleaned_data
        return member_services.set_dual_leader(self.request.user, self.object, d["is_dual_leader"],
                                               basis=d["basis"], note=d["note"],
                                               expected_version=d.get("expected_version"))

    def add_validation_errors(self, form, exc):
        # The seat's field names are not the form's: put each message on the matching field.
        names = {"is_dual_leader": "is_dual_leader", "dual_leader_basis": "basis", "dual_leader_note": "note"}
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(names.get(field), errors)
        else:
            form.add_error(None, exc.messages)
