from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.scoping import path_range
from core.views import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, ScopedView

from . import services
from .filtersets import OrganizationFilterSet
from .forms import DissolveForm, ElectionForm, MoveForm, OrganizationForm, TermForm
from .models import Organization, Term


class OrganizationListView(ObjectListView):
    model = Organization
    title = pgettext_lazy("plural", "党组织")
    filterset_class = OrganizationFilterSet
    add_url = "/orgs/add/"
    import_url = "/imports/orgs/"
    columns = (
        Column("name", gettext_lazy("名称"), sort="name"),
        Column("code", gettext_lazy("代码"), sort="code"),
        Column("kind", gettext_lazy("类别"), sort="kind"),
        Column("parent.name", gettext_lazy("上级组织")),
        Column("unit.name", gettext_lazy("所属单位")),
        Column("composition", gettext_lazy("构成")),
        Column("established_on", gettext_lazy("成立日期"), sort="established_on"),
        Column("dissolved_on", gettext_lazy("撤销日期")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("parent", "unit")


class OrganizationDetailView(ObjectDetailView):
    model = Organization
    template_name = "orgs/organization_detail.html"
    tabs = (("overview", gettext_lazy("概况")), ("children", gettext_lazy("下级组织")))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The breadcrumb on every tab, showing only the ancestors this user may see.
        ids = [int(s) for s in self.object.path.strip("/").split("/")[:-1]]
        visible = {o.pk: o for o in Organization.objects.restrict(self.request.user).filter(pk__in=ids)}
        ctx["ancestors"] = [visible[i] for i in ids if i in visible]
        return ctx

    def tab_context(self, tab, obj):
        user = self.request.user
        today = timezone.localdate()
        if tab == "children":
            return {"children": Organization.objects.restrict(user).filter(parent=obj)
                    .annotate(child_count=Count("children")).order_by("sort_order", "code")}
        lo, hi = path_range(obj.path)
        return {"today": today,
                "subtree_count": Organization.objects.restrict(user).filter(path__gte=lo, path__lt=hi).count(),
                "terms": obj.terms.all()[:5]}


class OrganizationFormView(ObjectFormView):
    model = Organization
    form_class = OrganizationForm

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_form(self, obj):
        form = super().get_form(obj)
        if obj is None and self.request.method == "GET" and self.request.GET.get("parent"):
            form.initial["parent"] = self.request.GET["parent"]
        return form

    def save(self, form):
        if self.object is None:
            data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
            return services.create_organization(self.request.user, **data)
        return services.update_organization(self.request.user, self.object, form.changes(),
                                            form.cleaned_data.get("expected_version"))


class OrganizationMoveView(ObjectActionView):
    model = Organization
    title = gettext_lazy("移动组织")
    form_class = MoveForm
    confirm_text = gettext_lazy("该组织及其全部下级组织将一并移动到新的上级组织之下。")

    def form_kwargs(self):
        return {"obj": self.object, "user": self.request.user}

    def perform(self, form):
        org = services.move_organization(self.request.user, self.object, form.cleaned_data["new_parent"],
                                         form.cleaned_data.get("expected_version"),
                                         on_date=form.cleaned_data.get("on_date"))
        return org.get_absolute_url()


class OrganizationDissolveView(ObjectActionView):
    model = Organization
    title = gettext_lazy("撤销组织")
    form_class = DissolveForm
    confirm_text = gettext_lazy("撤销后该组织保留全部历史记录，但不能再转入党员或设立下级组织。")

    def form_kwargs(self):
        return {"obj": self.object, "user": self.request.user}

    def perform(self, form):
        org = services.dissolve_organization(self.request.user, self.object, form.cleaned_data["dissolved_on"],
                                             form.cleaned_data.get("expected_version"))
        return org.get_absolute_url()


class OrganizationDeleteView(ObjectActionView):
    model = Organization
    title = gettext_lazy("删除组织")
    permission_action = "delete"
    confirm_text = gettext_lazy("只有从未有过下级组织、人员和其他记录的组织可以删除；有历史的组织请使用“撤销”。")

    def perform(self, form):
        parent = self.object.parent
        services.delete_organization(self.request.user, self.object)
        return parent.get_absolute_url() if parent else "/orgs/"


class TermFormView(ObjectFormView):
    """Record a term (届次) of an organisation's committee; its due date follows the configured length."""

    model = Term
    form_class = TermForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organization = get_object_or_404(Organization.objects.restrict(request.user), pk=kwargs["org"])
        return super().dispatch(request, *args, **kwargs)

    def form_title(self):
        return _("%(org)s：登记届次") % {"org": self.organization.name}

    def save(self, form):
        d = form.cleaned_data
        return services.create_term(self.request.user, self.organization, d["started_on"], number=d["number"],
                                    note=d["note"])


class ElectionView(ObjectActionView):
    model = Organization
    title = gettext_lazy("登记换届选举")
    form_class = ElectionForm
    confirm_text = gettext_lazy("本届将于选举日期结束，并自该日起登记下一届；下一届的应换届日期按任期年限计算。")

    def perform(self, form):
        d = form.cleaned_data
        services.record_election(self.request.user, self.object, d["elected_on"], d["note"])
        return self.object.get_absolute_url() + "?tab=committee"


class TreeView(ScopedView):
    """The left navigation: the user's top organisations, or one node's children (htmx, on expand)."""

    model = Organization

    def get(self, request, *args, **kwargs):
        visible = self.scoped()
        node = request.GET.get("node")
        if node:
            nodes = self.level(visible.filter(parent_id=node))
            return render(request, "orgs/_tree.html", {"nodes": nodes})
        nodes = self.level(visible.exclude(parent_id__in=visible.values("pk")))
        # Opened on a record's page: unfold the path down to its organisation (only the visible part).
        current = visible.filter(pk=request.GET.get("current") or 0).first()
        open_path = {}
        if current:
            ancestor_ids = [int(s) for s in current.path.strip("/").split("/")[:-1]]
            children = self.level(visible.filter(parent_id__in=ancestor_ids))
            for child in children:
                open_path.setdefault(child.parent_id, []).append(child)
        return render(request, "orgs/_tree.html", {"nodes": nodes, "open_path": open_path,
                                                   "current": current.pk if current else None})

    @staticmethod
    def level(qs):
        return list(qs.annotate(child_count=Count("children")).order_by("sort_order", "code"))
