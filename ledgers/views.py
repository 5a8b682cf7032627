"""Ledger-level pages: the list, add/edit/delete, the detail with its 台账 / 完成情况 / parts tabs, the
print view, the directive / section / duty forms, and the 任务台账 tab on the organisation page."""
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import detail_tabs
from core.scoping import path_range
from core.views import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedView

from . import services, tables
from .choices import CLOSED, OWNER_OPEN, LedgerKind, TaskStatus
from .filtersets import LedgerFilterSet
from .forms import DirectiveForm, DutyForm, LedgerForm, SectionForm
from .models import Directive, Duty, Ledger, Section, Task

PART_TABS = {LedgerKind.DIRECTIVE_LEDGER: gettext_lazy("指示批示"), LedgerKind.TASK_LIST: gettext_lazy("章节"),
             LedgerKind.RESPONSIBILITY_LIST: gettext_lazy("责任分工")}


def rate_text(done, counted):
    value = tables.rate(done, counted)
    return "—" if value is None else f"{value:g}%"


def url_or_none(name, *args):
    """A link to a page another module provides, or None until it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- list, add, edit, delete -----------------------------------------------------------------------

class LedgerListView(ObjectListView):
    model = Ledger
    title = gettext_lazy("台账与清单")
    filterset_class = LedgerFilterSet
    add_url = "/ledgers/add/"
    columns = (
        Column("name", gettext_lazy("名称"), sort="name"),
        Column("kind", gettext_lazy("类型"), sort="kind"),
        Column("organization.name", gettext_lazy("主管组织"), sort="organization__path"),
        Column("year", gettext_lazy("年度"), sort="year"),
        Column("task_count", gettext_lazy("任务数"), sort="task_count"),
        Column(lambda o: rate_text(o.done_count, o.counted), gettext_lazy("完成率")),
    )

    def get_queryset(self, action="view"):
        return tables.with_counts(super().get_queryset(action).select_related("organization"), self.request.user)


class LedgerFormView(ObjectFormView):
    model = Ledger
    form_class = LedgerForm

    def get_form_kwargs(self):
        kwargs = {"user": self.request.user}
        if self.object is None and self.request.method == "GET" and self.request.GET.get("organization"):
            kwargs["initial"] = {"organization": self.request.GET["organization"]}
        return kwargs

    def save(self, form):
        user = self.request.user
        if self.object is None:
            return services.create_ledger(user, **form.service_fields())
        return services.update_ledger(user, self.object, form.changes(),
                                      expected_version=form.cleaned_data.get("expected_version"))


class LedgerDeleteView(ObjectActionView):
    model = Ledger
    title = gettext_lazy("删除台账")
    permission_action = "delete"
    confirm_text = gettext_lazy("只能删除尚无任务和责任分工的台账；删除操作记入审计日志。")

    def perform(self, form):
        services.delete_ledger(self.request.user, self.object)
        return reverse("ledgers:ledger_list")


# --- detail and print ------------------------------------------------------------------------------

class LedgerDetailView(ObjectDetailView):
    model = Ledger
    template_name = "ledgers/ledger_detail.html"

    def scoped(self, action=None):
        return super().scoped(action).select_related("organization")

    @property
    def tabs(self):
        ledger = self.object
        if ledger.kind == LedgerKind.RESPONSIBILITY_LIST:
            tabs = [("rows", _("责任清单"))]
        else:
            tabs = [("rows", _("台账")), ("stats", _("完成情况"))]
        # The parts register is the managing organisation's; owners see their rows' headings in the 台账.
        if self.request.user.can("view", ledger):
            tabs.append(("parts", PART_TABS[ledger.kind]))
        return tabs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ledger, user = self.object, self.request.user
        ctx.update(ledger_links(ledger, ctx["can_change"]),
                   org_url=ledger.organization.get_absolute_url() if user.can("view", ledger.organization) else None)
        return ctx

    def tab_context(self, tab, obj):
        user, today = self.request.user, timezone.localdate()
        if tab == "stats":
            return {"today": today, **tables.completion(user, obj, today)}
        if tab == "parts":
            return parts_context(user, obj)
        if obj.kind == LedgerKind.RESPONSIBILITY_LIST:
            return {"duties": tables.duty_rows(user, obj)}
        return {"today": today, "rows": tables.ledger_rows(user, obj, today,
                                                           full_structure=user.can("change", obj))}


def ledger_links(ledger, can_change):
    pk = ledger.pk
    tasks_url = url_or_none("ledgers:task_list") or "/ledgers/tasks/"
    links = {"filter_url": f"{tasks_url}?ledger={pk}", "print_url": reverse("ledgers:ledger_print", args=[pk])}
    if can_change:
        if ledger.kind != LedgerKind.RESPONSIBILITY_LIST:
            add_url = url_or_none("ledgers:task_add") or "/ledgers/tasks/add/"
            links["add_task_url"] = f"{add_url}?ledger={pk}"
        links["import_url"] = f"/imports/ledger/?ledger={pk}"
    return links


def parts_context(user, ledger):
    can_change = user.can("change", ledger)
    ctx = {"can_change_parts": can_change}
    if ledger.kind == LedgerKind.DIRECTIVE_LEDGER:
        ctx["directives"] = (Directive.objects.restrict(user).filter(ledger=ledger)
                             .annotate(task_count=Count("tasks")).order_by("issued_on", "id"))
        form, url = DirectiveForm, "ledgers:directive_add"
    elif ledger.kind == LedgerKind.TASK_LIST:
        ctx["sections"] = section_tree(Section.objects.restrict(user).filter(ledger=ledger)
                                       .annotate(task_count=Count("tasks")).order_by("order", "id"))
        form, url = SectionForm, "ledgers:section_add"
    else:
        ctx["duties"] = tables.duty_rows(user, ledger)
        form, url = DutyForm, "ledgers:duty_add"
    if can_change:
        model = form._meta.model
        ctx.update(part_form=form(ledger=ledger, user=user, instance=model(ledger=ledger), auto_id="part_%s"),
                   part_add_url=reverse(url, args=[ledger.pk]),
                   part_title=_("新增%(model)s") % {"model": model._meta.verbose_name})
    return ctx


def section_tree(sections):
    """Sections depth first, each with its `level`, for an indented list."""
    sections = list(sections)
    known = {s.pk for s in sections}
    children = {}
    for s in sections:
        children.setdefault(s.parent_id if s.parent_id in known else None, []).append(s)
    ordered, stack = [], [(s, 0) for s in reversed(children.get(None, []))]
    while stack:
        s, level = stack.pop()
        s.level, s.indent = level, tables.indent(level)
        ordered.append(s)
        stack.extend((c, level + 1) for c in reversed(children.get(s.pk, [])))
    return ordered


class LedgerPrintView(ScopedView):
    """The 台账 on A4 landscape without the navigation: title, organisation, year and the same rows."""

    model = Ledger
    template_name = "ledgers/ledger_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        try:
            ledger = self.scoped().select_related("organization").get(pk=self.kwargs["pk"])
        except Ledger.DoesNotExist:
            raise Http404(_("未找到该记录")) from None
        ctx.update(object=ledger, title=str(ledger), today=today, printing=True)
        if ledger.kind == LedgerKind.RESPONSIBILITY_LIST:
            ctx["duties"] = tables.duty_rows(user, ledger)
        else:
            ctx["rows"] = tables.ledger_rows(user, ledger, today, full_structure=user.can("change", ledger))
        return ctx


# --- directives, sections, duties ------------------------------------------------------------------

class PartFormView(ObjectFormView):
    """Add (under ledger `ledger`) or edit (`pk`) a directive, section or duty; only for users who may
    change the ledger. On success back to the ledger's parts tab."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if self.object is not None:
            self.ledger = self.object.ledger
        else:
            self.ledger = Ledger.objects.restrict(request.user).select_related("organization").filter(
                pk=kwargs["ledger"]).first()
            if self.ledger is None:
                raise Http404(_("未找到该记录"))
        if not request.user.can("change", self.object or self.ledger):
            raise PermissionDenied(_("只有台账的主管组织可以维护%(part)s") % {"part": PART_TABS[self.ledger.kind]})
        return super(ObjectFormView, self).dispatch(request, *args, **kwargs)

    def scoped(self, action=None):
        return super().scoped(action).select_related("ledger__organization")

    def get_form(self, obj):
        kwargs = {"instance": obj or self.model(ledger=self.ledger), "ledger": self.ledger,
                  "user": self.request.user}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        return self.form_class(**kwargs)

    def save(self, form):
        if self.object is None:
            return self.add(form)
        return services.update_part(self.request.user, self.object, form.changes(),
                                    expected_version=form.cleaned_data.get("expected_version"))

    def success_url(self, obj):
        return reverse("ledgers:ledger_detail", args=[self.ledger.pk]) + "?tab=parts"


class DirectiveFormView(PartFormView):
    model = Directive
    form_class = DirectiveForm

    def add(self, form):
        return services.add_directive(self.request.user, ledger=self.ledger, **form.service_fields())


class SectionFormView(PartFormView):
    model = Section
    form_class = SectionForm

    def add(self, form):
        return services.add_section(self.request.user, ledger=self.ledger, **form.service_fields())


class DutyFormView(PartFormView):
    model = Duty
    form_class = DutyForm

    def add(self, form):
        return services.save_duty(self.request.user, ledger=self.ledger,
                                  organizations=form.cleaned_data["organizations"], **form.service_fields())

    def save(self, form):
        if self.object is None:
            return self.add(form)
        return services.save_duty(self.request.user, self.object, organizations=form.cleaned_data["organizations"],
                                  expected_version=form.cleaned_data.get("expected_version"), **form.changes())


class PartDeleteView(ObjectActionView):
    permission_action = "delete"
    confirm_text = gettext_lazy("已有任务或下级章节的不能删除；删除操作记入审计日志。")

    def perform(self, form):
        services.delete_part(self.request.user, self.object)
        return reverse("ledgers:ledger_detail", args=[self.object.ledger_id]) + "?tab=parts"


class DirectiveDeleteView(PartDeleteView):
    model = Directive
    title = gettext_lazy("删除指示批示和决策部署")


class SectionDeleteView(PartDeleteView):
    model = Section
    title = gettext_lazy("删除清单章节")


class DutyDeleteView(PartDeleteView):
    model = Duty
    title = gettext_lazy("删除责任分工")


# --- the 任务台账 tab on the organisation page --------------------------------------------------------

def organization_ledgers_tab(request, org):
    """The ledgers the organisation manages, and the tasks it and the organisations under it own."""
    user, today = request.user, timezone.localdate()
    ledgers = tables.with_counts(Ledger.objects.restrict(user).filter(organization=org), user).order_by("-year", "name")
    lo, hi = path_range(org.path)
    owned = Task.objects.restrict(user).filter(owner__path__gte=lo, owner__path__lt=hi)
    counts = owned.aggregate(open=Count("pk", filter=~Q(status__in=CLOSED)),
                             overdue=Count("pk", filter=Q(status__in=OWNER_OPEN, deadline__lt=today)),
                             done=Count("pk", filter=Q(status=TaskStatus.DONE)))
    tasks_url = f"{url_or_none('ledgers:task_list') or '/ledgers/tasks/'}?owner={org.pk}"
    open_query = "".join(f"&status={s}" for s in TaskStatus.values if s not in CLOSED)
    return "ledgers/_organization_ledgers.html", {
        "ledgers": [(ledger, rate_text(ledger.done_count, ledger.counted)) for ledger in ledgers],
        "task_counts": counts,
        "task_links": {"open": tasks_url + open_query, "overdue": f"{tasks_url}&overdue=true",
                       "done": f"{tasks_url}&status={TaskStatus.DONE}"},
        "can_add_ledger": user.can("add", Ledger(organization=org))}


detail_tabs.register("ledgers", gettext_lazy("任务台账"), organization_ledgers_tab, model="orgs.organization",
                     order=35)


urlpatterns = [
    path("", LedgerListView.as_view(), name="ledger_list"),
    path("add/", LedgerFormView.as_view(), name="ledger_add"),
    path("<int:pk>/", LedgerDetailView.as_view(), name="ledger_detail"),
    path("<int:pk>/edit/", LedgerFormView.as_view(), name="ledger_edit"),
    path("<int:pk>/delete/", LedgerDeleteView.as_view(), name="ledger_delete"),
    path("<int:pk>/print/", LedgerPrintView.as_view(), name="ledger_print"),
    path("<int:ledger>/directives/add/", DirectiveFormView.as_view(), name="directive_add"),
    path("directives/<int:pk>/edit/", DirectiveFormView.as_view(), name="directive_edit"),
    path("directives/<int:pk>/delete/", DirectiveDeleteView.as_view(), name="directive_delete"),
    path("<int:ledger>/sections/add/", SectionFormView.as_view(), name="section_add"),
    path("sections/<int:pk>/edit/", SectionFormView.as_view(), name="section_edit"),
    path("sections/<int:pk>/delete/", SectionDeleteView.as_view(), name="section_delete"),
    path("<int:ledger>/duties/add/", DutyFormView.as_view(), name="duty_add"),
    path("duties/<int:pk>/edit/", DutyFormView.as_view(), name="duty_edit"),
    path("duties/<int:pk>/delete/", DutyDeleteView.as_view(), name="duty_delete"),
]
