"""Visit pages (问诊把脉): list, export, form, detail with the problems found and their follow-up
(登记整改, 转为台账任务, reopen), delete and the print view."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import BusinessRuleError, NotInScope
from core.views import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedView

from . import services
from .choices import ProblemStatus
from .excel import VISIT_COLUMNS, visit_export_qs
from .filtersets import VisitFilterSet
from .forms import ProblemForm, ProblemTaskForm, ResolveForm, VersionForm, VisitForm
from .models import BranchVisit, Problem
from .views import NextMixin

PROBLEM_BADGE = {ProblemStatus.OPEN: "text-bg-warning", ProblemStatus.TASKED: "text-bg-info",
                 ProblemStatus.RESOLVED: "text-bg-success"}


def leader_names(visit):
    return "、".join(p.name for p in visit.leaders.all())


def get_visit(user, pk, action="view"):
    try:
        return BranchVisit.objects.restrict(user, action).select_related("branch").get(pk=pk)
    except (BranchVisit.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该记录")) from None


def get_problem(user, pk):
    try:
        return Problem.objects.restrict(user).select_related("visit__branch", "task").get(pk=pk)
    except (Problem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该记录")) from None


def problems_of(visit):
    problems = list(visit.problems.select_related("task").order_by("id"))
    for p in problems:
        p.badge = PROBLEM_BADGE.get(p.status)
        p.closed = services.problem_is_closed(p)
    return problems


# --- the list --------------------------------------------------------------------------------------

class VisitListView(ObjectListView):
    model = BranchVisit
    title = gettext_lazy("调研走访")
    template_name = "liaison/visit_list.html"
    filterset_class = VisitFilterSet
    add_url = reverse_lazy("liaison:visit_add")
    import_url = "/imports/visits/"
    columns = (
        Column("branch.name", gettext_lazy("党支部"), sort="branch__path"),
        Column("visited_on", gettext_lazy("走访日期"), sort="visited_on"),
        Column(leader_names, gettext_lazy("走访领导")),
        Column(lambda v: len(v.problems.all()), gettext_lazy("发现问题数")),
        Column(lambda v: sum(1 for p in v.problems.all() if p.status == ProblemStatus.OPEN),
               gettext_lazy("待整改")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("branch").prefetch_related("leaders", "problems")

    def export_rows(self, qs):
        return [str(c.label) for c in VISIT_COLUMNS], ([c.value(o) for c in VISIT_COLUMNS]
                                                       for o in visit_export_qs(qs).iterator(chunk_size=2000))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["export_url"] = reverse("liaison:visit_export")
        ctx["can_import"] = self.request.user.scope_q(self.model, "import") is not None
        return ctx


class VisitExportView(VisitListView):
    def get(self, request, *args, **kwargs):
        if request.user.scope_q(self.model, "export") is None:
            raise PermissionDenied(_("您没有导出此类记录的权限"))
        return self.export()


# --- the form --------------------------------------------------------------------------------------

class VisitFormView(NextMixin, ObjectFormView):
    model = BranchVisit
    form_class = VisitForm
    template_name = "liaison/form.html"

    def get_form_kwargs(self):
        kwargs = {"user": self.request.user}
        branch = self.request.GET.get("branch", "")
        if self.object is None and self.request.method == "GET" and branch.isdigit():
            kwargs["initial"] = {"branch": int(branch)}
        return kwargs

    def save(self, form):
        user, d = self.request.user, form.cleaned_data
        if self.object is None:
            return services.record_visit(user, branch=d["branch"], visited_on=d["visited_on"], leaders=d["leaders"],
                                         heard=d["heard"], findings=d["findings"], problems=form.problem_lines())
        return services.update_visit(user, self.object, form.changes(), leaders=list(d["leaders"]),
                                     expected_version=d.get("expected_version"))


# --- detail, delete, print -------------------------------------------------------------------------

class VisitDetailView(ObjectDetailView):
    model = BranchVisit
    template_name = "liaison/visit_detail.html"

    def scoped(self, action=None):
        return super().scoped(action).select_related("branch")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["print_url"] = reverse("liaison:visit_print", args=[ctx["object"].pk])
        return ctx

    def tab_context(self, tab, obj):
        can_follow = self.request.user.can("change", obj)
        return {"leaders": list(obj.leaders.order_by("name_pinyin")), "problems": problems_of(obj),
                "can_follow": can_follow, "problem_form": ProblemForm() if can_follow else None}


class VisitDeleteView(ObjectActionView):
    model = BranchVisit
    title = gettext_lazy("删除")
    permission_action = "delete"
    confirm_text = gettext_lazy("删除走访记录会一并删除其登记的问题；已转为台账任务的不能删除。")

    def perform(self, form):
        services.delete_visit(self.request.user, self.object)
        return reverse("liaison:visit_list")


class VisitPrintView(ScopedView):
    model = BranchVisit
    template_name = "liaison/visit_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = get_visit(self.request.user, self.kwargs["pk"])
        ctx.update(object=obj, title=str(obj), leaders=list(obj.leaders.order_by("name_pinyin")),
                   problems=problems_of(obj), today=timezone.localdate(), printing=True)
        return ctx


# --- problems --------------------------------------------------------------------------------------

@login_required
@require_POST
def problem_add(request, pk):
    visit = get_visit(request.user, pk)
    form = ProblemForm(request.POST)
    if form.is_valid():
        try:
            services.add_problem(request.user, visit, form.cleaned_data["description"])
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        except (NotInScope, PermissionDenied):
            messages.error(request, _("您没有执行此操作的权限"))
        else:
            messages.success(request, _("已登记问题"))
    else:
        messages.error(request, _("请填写问题"))
    return redirect(visit.get_absolute_url())


class ProblemActionView(ObjectActionView):
    """A step on one problem; the visit's right is what the service checks."""

    model = Problem
    template_name = "liaison/problem_confirm.html"
    form_class = VersionForm

    def get_object(self):
        obj = get_problem(self.request.user, self.kwargs["pk"])
        if not self.request.user.can("change", obj.visit):
            raise PermissionDenied(_("您没有执行此操作的权限"))
        return obj

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(problem=self.object, back_url=self.object.visit.get_absolute_url())
        return ctx

    def version(self, form):
        return form.cleaned_data.get("expected_version")


class ProblemResolveView(ProblemActionView):
    title = gettext_lazy("登记整改")
    form_class = ResolveForm

    def perform(self, form):
        d = form.cleaned_data
        services.resolve_problem(self.request.user, self.object, resolution=d["resolution"],
                                 resolved_on=d["resolved_on"], expected_version=self.version(form))
        return self.object.get_absolute_url()


class ProblemReopenView(ProblemActionView):
    title = gettext_lazy("重新打开")
    confirm_text = gettext_lazy("重新打开后，该问题回到“待整改”，原整改情况清除。")

    def perform(self, form):
        services.reopen_problem(self.request.user, self.object, expected_version=self.version(form))
        return self.object.get_absolute_url()


class ProblemTaskView(ProblemActionView):
    title = gettext_lazy("转为台账任务")
    form_class = ProblemTaskForm
    confirm_text = gettext_lazy("在您可管理的台账中新建一项任务，问题随该任务办结而办结。")

    def form_kwargs(self):
        return {"obj": self.object, "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        updated = services.problem_to_task(self.request.user, self.object, ledger=d["ledger"], owner=d["owner"],
                                           deadline=d["deadline"], title=d["title"],
                                           expected_version=self.version(form))
        self.object = updated
        return updated.task.get_absolute_url()

