"""Matter pages: the list with its queues, the form, the detail page (概况, 流程), each step of the
procedure (submit, pre-review, branch opinion, decision, correction), documents, the print view and the
重大事项 tab on the organisation page.

Who may do what is decided by decisions.services (each refusal comes back to the user with the reason
and nothing saved); the pages only decide which buttons to show.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from core import uploads
from core.errors import BusinessRuleError
from core.registry import detail_tabs
from core.scoping import path_range
from core.views import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedView
from orgs.models import Organization

from . import services
from .choices import MAJOR, Status
from .filtersets import MatterFilterSet
from .forms import BranchOpinionForm, CorrectionForm, DecisionForm, DocumentForm, MatterForm, PreReviewForm, VersionForm
from .models import BranchOpinion, Document, Matter

STATUS_BADGE = {Status.DRAFT: "text-bg-light border", Status.SUBMITTED: "text-bg-info",
                Status.RETURNED: "text-bg-warning", Status.PRE_REVIEWED: "text-bg-primary",
                Status.DEFERRED: "text-bg-secondary", Status.DECIDED: "text-bg-success"}
DECIDABLE = (Status.SUBMITTED, Status.PRE_REVIEWED, Status.DEFERRED)
QUEUES = (("pre_review", gettext_lazy("待前置把关")), ("opinion", gettext_lazy("待支部意见")),
          ("decided", gettext_lazy("已决定")), ("returned", pgettext_lazy("matter status", "已退回")))
# The only content types ever sent: those of our own table, never what a client claimed.


def is_committee(user, matter):
    """The deciding committee's roles (not a member's right over their own proposal): as the service asks."""
    return user.can("change", Matter(organization=matter.organization))


def matter_queryset(user, action="view"):
    return Matter.objects.restrict(user, action).select_related("organization", "unit", "proposer", "corrects")


def get_matter(user, pk):
    try:
        return matter_queryset(user).get(pk=pk)
    except (Matter.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该记录")) from None


# --- the list and its queues -----------------------------------------------------------------------

def queue_filter(user, qs, queue):
    """The matters of one queue, within what `qs` already allows; one query whatever the number of rows."""
    if queue == "pre_review":
        waiting = qs.filter(status=Status.SUBMITTED, category__in=MAJOR)
        orgs = Organization.objects.restrict(user, "view").filter(pk__in=waiting.values("organization_id"))
        mine = [o.pk for o in orgs if user.can("change", Matter(organization=o))]
        return waiting.filter(organization_id__in=mine)
    if queue == "opinion":
        asked = BranchOpinion.objects.restrict(user, "change").filter(opinion="").values("matter_id")
        return qs.filter(pk__in=asked)
    if queue == "decided":
        return qs.filter(status=Status.DECIDED)
    if queue == "returned":
        return qs.filter(status=Status.RETURNED)
    return qs


class MatterListView(ObjectListView):
    model = Matter
    title = gettext_lazy("重大事项")
    template_name = "decisions/matter_list.html"
    filterset_class = MatterFilterSet
    add_url = reverse_lazy("decisions:matter_add")
    columns = (
        Column("title", gettext_lazy("事项名称"), sort="title"),
        Column("category", gettext_lazy("类别"), sort="category"),
        Column("organization.name", gettext_lazy("决策组织"), sort="organization__path"),
        Column("proposer.name", gettext_lazy("提出人")),
        Column("status", gettext_lazy("状态"), sort="status"),
        Column("submitted_on", gettext_lazy("提交日期"), sort="submitted_on"),
        Column("decided_on", gettext_lazy("决定日期"), sort="decided_on"),
    )

    def queue(self):
        queue = self.request.GET.get("queue", "")
        return queue if queue in dict(QUEUES) else ""

    def get_queryset(self, action="view"):
        qs = super().get_queryset(action).select_related("organization", "proposer")
        return queue_filter(self.request.user, qs, self.queue())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        queue = self.queue()
        if queue:
            ctx["title"] = f"{self.title} · {dict(QUEUES)[queue]}"
        ctx.update(queues=QUEUES, queue=queue)
        return ctx


# --- the form --------------------------------------------------------------------------------------

class MatterFormView(ObjectFormView):
    """Add or edit a matter (draft or returned; the service refuses anything else with the reason)."""

    model = Matter
    form_class = MatterForm
    template_name = "decisions/matter_form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_matter(self.request.user, self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        if obj is not None and obj.status not in services.EDITABLE:
            ctx["frozen"] = _("事项“%(t)s”%(s)s，不能修改；已决定的事项如需更正，请新建一条更正记录") % {
                "t": obj.title, "s": obj.get_status_display()}
        return ctx

    def save(self, form):
        user, d = self.request.user, form.cleaned_data
        if self.object is None:
            return services.create_matter(user, people=d["people"], **form.service_fields())
        return services.update_matter(user, self.object, form.changes(), people=list(d["people"]),
                                      expected_version=d.get("expected_version"))


# --- the detail page -------------------------------------------------------------------------------

class MatterDetailView(ObjectDetailView):
    model = Matter
    template_name = "decisions/matter_detail.html"
    tabs = (("overview", gettext_lazy("概况")), ("trail", gettext_lazy("流程")))

    def scoped(self, action=None):
        return matter_queryset(self.request.user, action or self.action)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj, user = ctx["object"], self.request.user
        committee = is_committee(user, obj)
        missing = services.missing_for_decision(obj, timezone.localdate()) \
            if committee and obj.status in DECIDABLE else []
        ctx.update(badge=STATUS_BADGE.get(obj.status), actions=self.actions(obj, committee), missing=missing,
                   nav_org_id=obj.organization_id, print_url=reverse("decisions:matter_print", args=[obj.pk]))
        return ctx

    def actions(self, obj, committee):
        """The buttons this user may press on this matter in its current status."""
        user, s, found = self.request.user, obj.status, []

        def add(name, label, style="btn-outline-secondary"):
            found.append({"url": reverse(f"decisions:{name}", args=[obj.pk]), "label": label, "style": style,
                          "id": name.replace("_", "-")})

        if user.can("change", obj) and s in services.EDITABLE:
            add("matter_edit", _("修改"))
            add("matter_submit", _("提交") if s == Status.DRAFT else _("重新提交"), "btn-danger")
        if committee and s == Status.SUBMITTED:
            add("matter_pre_review", _("前置把关"), "btn-primary" if obj.is_major else "btn-outline-primary")
        if committee and s in DECIDABLE:
            add("matter_decide", _("联席会议决定"), "btn-success")
        if s == Status.DECIDED and user.can("add", obj):
            add("matter_correct", _("新建更正记录"))
        return found

    def tab_context(self, tab, obj):
        user = self.request.user
        if tab == "trail":
            return trail(user, obj)
        can_upload = user.can("change", obj) and obj.status != Status.DECIDED
        return {"people": list(obj.people.order_by("name_pinyin")),
                "documents": list(obj.documents.select_related("uploaded_by")),
                "corrections": list(Matter.objects.restrict(user).filter(corrects=obj).order_by("created_at")),
                "upload_form": DocumentForm() if can_upload else None,
                "allowed_types": uploads.ALLOWED_TEXT, "limit_mb": services.DOCUMENT_MAX_SIZE // uploads.MB}


def trail(user, obj):
    """Everything that happened to the matter, for the 流程 tab and the print view: a fixed number of
    queries whatever the length of the trail."""
    opinions = list(obj.opinions.select_related("person", "branch", "meeting").order_by("person__name_pinyin", "id"))
    for o in opinions:
        o.can_answer = o.pending and user.can("change", o)
    return {"events": list(obj.events.select_related("by")),
            "pre_reviews": list(obj.pre_reviews.select_related("meeting", "recorded_by")),
            "opinions": opinions,
            "decisions": list(obj.decisions.select_related("meeting", "recorded_by"))}


class MatterPrintView(ScopedView):
    """The matter with its whole trail on A4, without the navigation."""

    model = Matter
    template_name = "decisions/matter_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        obj = get_matter(user, self.kwargs["pk"])
        ctx.update(trail(user, obj), object=obj, title=str(obj), today=timezone.localdate(), printing=True,
                   people=list(obj.people.order_by("name_pinyin")), documents=list(obj.documents.all()))
        return ctx


# --- the steps ---------------------------------------------------------------------------------------

class MatterActionView(ObjectActionView):
    """One step on a matter. `committee` steps belong to the deciding committee's roles only."""

    model = Matter
    template_name = "decisions/matter_confirm.html"
    form_class = VersionForm
    committee = False

    def get_object(self):
        obj = get_matter(self.request.user, self.kwargs["pk"])
        if self.committee and not is_committee(self.request.user, obj):
            raise PermissionDenied(_("只有决策组织（党委）可以登记前置把关和联席会议决定"))
        if not self.committee and not self.request.user.can(self.permission_action, obj):
            raise PermissionDenied(_("您没有执行此操作的权限"))
        return obj

    def form_kwargs(self):
        return {"obj": self.object, "user": self.request.user} if self.form_class is not VersionForm \
            else {"obj": self.object}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(back_url=self.object.get_absolute_url(), matter=self.object,
                   badge=STATUS_BADGE.get(self.object.status))
        return ctx

    def version(self, form):
        return form.cleaned_data.get("expected_version")


class MatterSubmitView(MatterActionView):
    title = gettext_lazy("提交")
    confirm_text = gettext_lazy("提交后由党委前置把关（重大事项）或征求党支部意见（人事类事项），"
                                "再由党政联席会议决定。")

    def perform(self, form):
        services.submit_matter(self.request.user, self.object, expected_version=self.version(form))
        return self.object.get_absolute_url()


class PreReviewView(MatterActionView):
    title = gettext_lazy("前置把关")
    form_class = PreReviewForm
    committee = True
    confirm_text = gettext_lazy("请选择作出前置把关意见的党委会；退回的事项回到提出人修改后重新提交。")

    def perform(self, form):
        d = form.cleaned_data
        services.record_pre_review(self.request.user, self.object, d["meeting"], d["outcome"], d["opinion"],
                                   expected_version=self.version(form))
        return self.object.get_absolute_url() + "?tab=trail"


class DecisionView(MatterActionView):
    title = gettext_lazy("联席会议决定")
    form_class = DecisionForm
    committee = True
    template_name = "decisions/matter_decide.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["missing"] = services.missing_for_decision(self.object, timezone.localdate())
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        services.record_decision(self.request.user, self.object, d["meeting"], d["outcome"], d["text"],
                                 expected_version=self.version(form))
        return self.object.get_absolute_url() + "?tab=trail"


class CorrectionView(MatterActionView):
    title = gettext_lazy("新建更正记录")
    form_class = CorrectionForm
    permission_action = "add"
    confirm_text = gettext_lazy("已决定的事项不能修改；更正是一条新的事项草稿，与原事项关联，须重新走完程序。")

    def perform(self, form):
        self.created = services.create_correction(self.request.user, self.object, **form.cleaned_data)
        return self.created.get_absolute_url()


class BranchOpinionView(ObjectActionView):
    """The opinion of the branch asked about one person concerned."""

    model = BranchOpinion
    template_name = "decisions/matter_confirm.html"
    title = gettext_lazy("支部意见")
    form_class = BranchOpinionForm
    confirm_text = gettext_lazy("支部意见须来自本支部的会议，且该同志在会议当日是本支部党员。")

    def scoped(self, action=None):
        return super().scoped(action).select_related("matter__organization", "person", "branch")

    def form_kwargs(self):
        return {"obj": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        matter = self.object.matter
        ctx.update(back_url=matter.get_absolute_url() + "?tab=trail", matter=matter,
                   badge=STATUS_BADGE.get(matter.status), request_row=self.object)
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        services.record_branch_opinion(self.request.user, self.object, d["opinion"], d["reasons"], d["meeting"])
        return self.object.matter.get_absolute_url() + "?tab=trail"


# --- documents -------------------------------------------------------------------------------------

@login_required
@require_POST
def document_upload(request, pk):
    matter = get_matter(request.user, pk)
    url = matter.get_absolute_url()
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(url)
    try:
        doc = services.add_document(request.user, matter, form.cleaned_data["file"])
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, pgettext("list separator", "；").join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您没有执行此操作的权限"))
    else:
        messages.success(request, _("已上传“%(name)s”") % {"name": doc.original_name})
    return redirect(url)


@login_required
def document_download(request, pk):
    doc = Document.objects.restrict(request.user).filter(pk=pk).first()
    if doc is None:
        raise Http404(_("未找到该记录"))
    return uploads.serve(doc)


# --- the 重大事项 tab on the organisation page --------------------------------------------------------

def organization_matters_tab(request, org):
    """Matters decided by the organisation and the organisations under it, counted by status."""
    user = request.user
    lo, hi = path_range(org.path)
    qs = Matter.objects.restrict(user).filter(organization__path__gte=lo, organization__path__lt=hi)
    found = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    list_url = f"{reverse('decisions:matter_list')}?organization={org.pk}"
    counts = [(s, found.get(s.value, 0), f"{list_url}&status={s.value}") for s in Status]
    recent = list(qs.select_related("organization").order_by("-created_at", "-id")[:10])
    for m in recent:
        m.badge = STATUS_BADGE.get(m.status)
    return "decisions/_organization_matters.html", {
        "counts": counts, "total": sum(found.values()), "recent": recent, "list_url": list_url,
        "can_add_matter": org.kind == "committee" and user.can("add", Matter(organization=org))}


detail_tabs.register("matters", gettext_lazy("重大事项"), organization_matters_tab, model="orgs.organization",
                     order=40)


urlpatterns = [
    path("", MatterListView.as_view(), name="matter_list"),
    path("add/", MatterFormView.as_view(), name="matter_add"),
    path("<int:pk>/", MatterDetailView.as_view(), name="matter_detail"),
    path("<int:pk>/edit/", MatterFormView.as_view(), name="matter_edit"),
    path("<int:pk>/print/", MatterPrintView.as_view(), name="matter_print"),
    path("<int:pk>/submit/", MatterSubmitView.as_view(), name="matter_submit"),
    path("<int:pk>/pre-review/", PreReviewView.as_view(), name="matter_pre_review"),
    path("<int:pk>/decide/", DecisionView.as_view(), name="matter_decide"),
    path("<int:pk>/correct/", CorrectionView.as_view(), name="matter_correct"),
    path("<int:pk>/documents/", document_upload, name="document_upload"),
    path("opinions/<int:pk>/", BranchOpinionView.as_view(), name="opinion_record"),
    path("documents/<int:pk>/", document_download, name="document_download"),
]
