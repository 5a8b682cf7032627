"""Honour pages (荣誉表彰: list, form, detail, delete, Excel export, the 荣誉表彰名录 print view of a year)
and role-model pages (榜样). No ID number is shown anywhere here: a recipient is named, not identified."""
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.views import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView

from . import services
from .choices import COLLECTIVE, HonorKind
from .filtersets import HonorFilterSet, RoleModelFilterSet
from .forms import HonorForm, RoleModelForm
from .models import Honor, RoleModel
from .views import export_view, get_or_404


def honor_queryset(user, action="view"):
    return Honor.objects.restrict(user, action).select_related("organization", "person", "model_branch")


def role_model_queryset(user, action="view"):
    return RoleModel.objects.restrict(user, action).select_related("organization", "person", "honor")


class HonorListView(ObjectListView):
    model = Honor
    title = gettext_lazy("荣誉表彰")
    template_name = "recognition/honor_list.html"
    filterset_class = HonorFilterSet
    add_url = reverse_lazy("recognition:honor_add")
    import_url = reverse_lazy("imports:upload", args=["honors"])
    columns = (
        Column("title", gettext_lazy("荣誉名称"), sort="title"),
        Column("kind", gettext_lazy("荣誉类别"), sort="kind"),
        Column("level", gettext_lazy("荣誉级别"), sort="level"),
        Column("year", gettext_lazy("年度"), sort="year"),
        Column("awarded_on", gettext_lazy("授予日期"), sort="awarded_on"),
        Column("issuer", gettext_lazy("授予单位")),
        Column("organization.name", gettext_lazy("获奖组织"), sort="organization__path"),
        Column("person.name", gettext_lazy("获奖个人")),
        Column("note", gettext_lazy("备注")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("organization", "person")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = self.request.GET.get("year") or timezone.localdate().year
        ctx["print_url"] = f"{reverse('recognition:honor_print')}?year={year}"
        return ctx


class HonorPrintView(HonorListView):
    """荣誉表彰名录 of one year (this year unless ?year=), grouped by kind, every row, on A4."""

    template_name = "recognition/honor_print.html"
    paginate_by = 10000

    def year(self):
        try:
            return int(self.request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            return timezone.localdate().year

    def get_queryset(self, action="view"):
        return super().get_queryset(action).filter(year=self.year()).order_by("kind", "organization__path", "id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        honors = list(ctx["page"].object_list)
        groups = [(label, [h for h in honors if h.kind == value]) for value, label in HonorKind.choices]
        ctx.update(groups=[g for g in groups if g[1]], year=self.year(), today=timezone.localdate(), printing=True,
                   total=len(honors))
        return ctx


class HonorFormView(ObjectFormView):
    model = Honor
    form_class = HonorForm
    template_name = "recognition/form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_or_404(honor_queryset(self.request.user), self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def save(self, form):
        user, d = self.request.user, form.cleaned_data
        if self.object is None:
            return services.record_honor(user, **form.service_fields())
        return services.update_honor(user, self.object, form.changes(), expected_version=d.get("expected_version"))


class HonorDetailView(ObjectDetailView):
    model = Honor
    template_name = "recognition/honor_detail.html"

    def scoped(self, action=None):
        return honor_queryset(self.request.user, action or self.action)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = ctx["object"]
        ctx.update(nav_org_id=obj.organization_id, collective=obj.kind in COLLECTIVE,
                   can_remove=ctx["can_delete"] and not obj.model_branch_id)
        return ctx

    def tab_context(self, tab, obj):
        return {"role_models": list(role_model_queryset(self.request.user).filter(honor=obj))}


class HonorDeleteView(ObjectActionView):
    model = Honor
    permission_action = "delete"
    title = gettext_lazy("删除")
    confirm_text = gettext_lazy("删除后不可恢复；由样板支部验收产生的荣誉不能单独删除。")

    def perform(self, form):
        services.delete_honor(self.request.user, self.object)
        return reverse("recognition:honor_list")


class RoleModelListView(ObjectListView):
    model = RoleModel
    title = gettext_lazy("榜样")
    filterset_class = RoleModelFilterSet
    add_url = reverse_lazy("recognition:role_model_add")
    columns = (
        Column("person.name", gettext_lazy("党员"), sort="person__name_pinyin"),
        Column("title", gettext_lazy("榜样称号"), sort="title"),
        Column("year", gettext_lazy("选树年度"), sort="year"),
        Column("organization.name", gettext_lazy("所在党组织"), sort="organization__path"),
        Column("honor.title", gettext_lazy("相关荣誉")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("organization", "person", "honor")


class RoleModelFormView(ObjectFormView):
    model = RoleModel
    form_class = RoleModelForm
    template_name = "recognition/form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_or_404(role_model_queryset(self.request.user), self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def save(self, form):
        d = form.cleaned_data
        fields = {name: d[name] for name in services.ROLE_MODEL_FIELDS}
        return services.save_role_model(self.request.user, self.object, expected_version=d.get("expected_version"),
                                        **fields)


class RoleModelDetailView(ObjectDetailView):
    model = RoleModel
    template_name = "recognition/role_model_detail.html"

    def scoped(self, action=None):
        return role_model_queryset(self.request.user, action or self.action)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["nav_org_id"] = ctx["object"].organization_id
        ctx["honor_visible"] = bool(ctx["object"].honor_id and Honor.objects.restrict(self.request.user)
                                    .filter(pk=ctx["object"].honor_id).exists())
        return ctx


class RoleModelDeleteView(ObjectActionView):
    model = RoleModel
    permission_action = "delete"
    title = gettext_lazy("删除")
    confirm_text = gettext_lazy("删除后不可恢复。")

    def perform(self, form):
        services.delete_role_model(self.request.user, self.object)
        return reverse("recognition:role_model_list")


urlpatterns = [
    path("honors/", HonorListView.as_view(), name="honor_list"),
    path("honors/add/", HonorFormView.as_view(), name="honor_add"),
    path("honors/export/", export_view(HonorListView), name="honor_export"),
    path("honors/print/", HonorPrintView.as_view(), name="honor_print"),
    path("honors/<int:pk>/", HonorDetailView.as_view(), name="honor_detail"),
    path("honors/<int:pk>/edit/", HonorFormView.as_view(), name="honor_edit"),
    path("honors/<int:pk>/delete/", HonorDeleteView.as_view(), name="honor_delete"),
    path("role-models/", RoleModelListView.as_view(), name="role_model_list"),
    path("role-models/add/", RoleModelFormView.as_view(), name="role_model_add"),
    path("role-models/<int:pk>/", RoleModelDetailView.as_view(), name="role_model_detail"),
    path("role-models/<int:pk>/edit/", RoleModelFormView.as_view(), name="role_model_edit"),
    path("role-models/<int:pk>/delete/", RoleModelDeleteView.as_view(), name="role_model_delete"),
]
