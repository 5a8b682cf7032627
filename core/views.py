"""Generic scoped views. Every list, detail, edit, delete and export goes through restrict()."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView

from .errors import BusinessRuleError, NotInScope, StaleEdit
from .excel import Labels, build_workbook, xlsx_response
from .forms import style_filter_form
from .registry import detail_tabs, recorder

# A service refused the organisation the user picked (its ensure() re-checks scope in the transaction).
OUT_OF_SCOPE_CHOICE = gettext_lazy("所选组织不在您的管理范围内")


class Column:
    """A list column: `accessor` is a dotted attribute path or a callable(obj); `sort` the order_by key."""

    def __init__(self, accessor, label, sort=None, link=False, export=True):
        self.accessor, self.label, self.sort, self.link, self.export = accessor, label, sort, link, export

    def value(self, obj, labels=None):
        """`labels`: an export's core.excel.Labels, which looks choice labels up instead of building them."""
        if callable(self.accessor):
            return self.accessor(obj)
        value = obj
        for part in self.accessor.split("."):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            if display and labels is not None:
                value = labels.display(value, part)
            else:
                value = display() if display else getattr(value, part)
            if callable(value) and not hasattr(value, "all"):
                value = value()
        return value


class ScopedView(LoginRequiredMixin, TemplateView):
    model = None
    action = "view"
    title = ""

    def scoped(self, action=None):
        return self.model.objects.restrict(self.request.user, action or self.action)

    def can(self, action, obj):
        return self.request.user.can(action, obj)

    def may_add(self):
        """Whether the add button shows: the user holds some role granting add on this model."""
        return self.request.user.scope_q(self.model, "add") is not None


class ObjectListView(ScopedView):
    template_name = "core/object_list.html"
    table_template = "core/_object_table.html"
    # A per-row actions cell (e.g. 修改 · 重置密码), shown to users whose role grants `row_actions_action`.
    row_actions_template = None
    row_actions_action = "change"
    filterset_class = None
    columns = ()
    paginate_by = 50
    export_filename = None
    add_url = None
    import_url = None

    def get_queryset(self, action="view"):
        return self.scoped(action)

    def filtered(self, action="view"):
        qs = self.get_queryset(action)
        filterset = None
        if self.filterset_class:
            filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            style_filter_form(filterset.form)
            qs = filterset.qs
        sort = self.request.GET.get("sort", "")
        allowed = {c.sort for c in self.columns if c.sort}
        if sort.lstrip("-") in allowed:
            qs = qs.order_by(sort, "pk")
        return filterset, qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            if request.user.scope_q(self.model, "export") is None:
                raise PermissionDenied(_("您没有导出此类记录的权限"))
            return self.export()
        return super().get(request, *args, **kwargs)

    def export_rows(self, qs):
        columns, labels = [c for c in self.columns if c.export], Labels()
        return [str(c.label) for c in columns], ([c.value(o, labels) for c in columns]
                                                 for o in qs.iterator(chunk_size=2000))

    def export(self):
        # Exports read through the 'export' action's scope, which may be narrower than 'view'.
        _filterset, qs = self.filtered("export")
        headers, rows = self.export_rows(qs)
        wb = build_workbook(headers, rows, title=str(self.title))
        recorder(self.request.user, "export", model=self.model._meta.label_lower,
               object_repr=str(self.title), note=f"条件：{self.request.GET.urlencode()}；{qs.count()} 条")
        return xlsx_response(wb, f"{self.title}-{timezone.localdate():%Y%m%d}.xlsx")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset, qs = self.filtered()
        page = Paginator(qs, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        ctx.update(
            title=self.title, filterset=filterset, page=page, columns=self.columns,
            rows=[(obj, [c.value(obj) for c in self.columns]) for obj in page.object_list],
            query=query.urlencode(), sort_query=sort_query.urlencode(), sort=self.request.GET.get("sort", ""),
            add_url=self.add_url if self.add_url and self.may_add() else None,
            import_url=self.import_url, can_export=self.request.user.scope_q(self.model, "export") is not None,
            table_template=self.table_template,
            row_actions_template=self.row_actions_template if self.row_actions_template and
            self.request.user.scope_q(self.model, self.row_actions_action) is not None else None,
        )
        return ctx

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.htmx.target == "object-table":
            return [self.table_template]
        return [self.template_name]


class ObjectDetailView(ScopedView):
    template_name = "core/object_detail.html"
    tabs = (("overview", gettext_lazy("概况")),)
    pk_url_kwarg = "pk"

    def get_object(self):
        try:
            return self.scoped().get(pk=self.kwargs[self.pk_url_kwarg])
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404(_("未找到该记录")) from None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object = self.get_object()
        label = obj._meta.label_lower
        tabs = list(self.tabs) + detail_tabs.items(label)
        tab = self.request.GET.get("tab", tabs[0][0])
        if tab not in dict(tabs):
            tab = tabs[0][0]
        nav_org = obj.scope_organization() if hasattr(obj, "scope_organization") else None
        ctx.update(object=obj, tabs=tabs, tab=tab, title=str(obj), nav_org_id=getattr(nav_org, "pk", None),
                   can_change=self.can("change", obj), can_delete=self.can("delete", obj))
        provider = detail_tabs.get(label, tab)
        if provider:
            template, extra = provider(self.request, obj)
            ctx.update(extra, tab_template=template)
        else:
            ctx.update(self.tab_context(tab, obj), tab_template=f"{obj._meta.app_label}/_{obj._meta.model_name}"
                                                                f"_{tab}.html")
        return ctx

    def tab_context(self, tab, obj):
        return {}


class ObjectFormView(ScopedView):
    """Add (no pk) or edit (pk) a record through its service; errors keep the user's input."""

    template_name = "core/object_form.html"
    form_class = None
    success_message = gettext_lazy("已保存")

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        try:
            return self.scoped("view").get(pk=self.kwargs["pk"])
        except (self.model.DoesNotExist, ValueError):
            raise Http404(_("未找到该记录")) from None

    def get_form(self, obj):
        kwargs = {"instance": obj, **self.get_form_kwargs()}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        return self.form_class(**kwargs)

    def get_form_kwargs(self):
        return {}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if self.object is not None and not request.user.can("change", self.object):
            raise PermissionDenied(_("您没有修改该记录的权限"))
        if self.object is None and request.user.scope_q(self.model, "add") is None:
            raise PermissionDenied(_("您没有新增此类记录的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", self.get_form(self.object))
        ctx.update(object=self.object, title=self.form_title())
        return ctx

    def form_title(self):
        verbose = self.model._meta.verbose_name
        if self.object:
            return _("修改%(model)s：%(object)s") % {"model": verbose, "object": self.object}
        return _("新增%(model)s") % {"model": verbose}

    def post(self, request, *args, **kwargs):
        form = self.get_form(self.object)
        if form.is_valid():
            try:
                saved = self.save(form)
            except StaleEdit as exc:
                form.add_error(None, exc.message)
            except BusinessRuleError as exc:
                form.add_error(None, exc.message)
            except (NotInScope, PermissionDenied):
                # Access to the page was checked in dispatch; what the service refused is where the
                # record would go. Its transaction rolled back, so nothing was written.
                form.add_error(None, OUT_OF_SCOPE_CHOICE)
            except ValidationError as exc:
                self.add_validation_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(self.success_url(saved))
        return self.render_to_response(self.get_context_data(form=form))

    @staticmethod
    def add_validation_errors(form, exc):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)

    def save(self, form):
        raise NotImplementedError

    def success_url(self, obj):
        return obj.get_absolute_url()


class ObjectActionView(ScopedView):
    """A confirm-then-do page for one record (delete, dissolve, move...)."""

    template_name = "core/object_confirm.html"
    permission_action = "change"
    confirm_text = ""
    form_class = None

    def get_object(self):
        try:
            obj = self.scoped("view").get(pk=self.kwargs["pk"])
        except (self.model.DoesNotExist, ValueError):
            raise Http404(_("未找到该记录")) from None
        if not self.request.user.can(self.permission_action, obj):
            raise PermissionDenied(_("您没有执行此操作的权限"))
        return obj

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        self.object = getattr(self, "object", None) or self.get_object()
        form = kwargs.get("form")
        if form is None and self.form_class:
            form = self.form_class(**self.form_kwargs())
        ctx.update(object=self.object, title=_("%(action)s：%(object)s") % {"action": self.title,
                                                                           "object": self.object},
                   confirm_text=self.confirm_text,
                   form=form)
        return ctx

    def form_kwargs(self):
        return {"obj": self.object}

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = None
        if self.form_class:
            form = self.form_class(data=request.POST, **self.form_kwargs())
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form))
        try:
            url = self.perform(form)
        except (BusinessRuleError, StaleEdit) as exc:
            messages.error(request, exc.message)
            return self.render_to_response(self.get_context_data(form=form))
        except (NotInScope, PermissionDenied):
            # get_object() checked the record; what the service refused is the organisation chosen.
            messages.error(request, OUT_OF_SCOPE_CHOICE)
            return self.render_to_response(self.get_context_data(form=form))
        except ValidationError as exc:
            messages.error(request, pgettext("list separator", "；").join(exc.messages))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("%(action)s完成") % {"action": self.title})
        return redirect(url)

    def perform(self, form):
        raise NotImplementedError
