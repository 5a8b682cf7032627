from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.views import Column, ObjectListView

from . import services
from .filtersets import AuditEntryFilterSet
from .models import AuditEntry

# Bookkeeping fields that change on every edit and tell the reader nothing.
HIDDEN_FIELDS = {"version", "updated_at"}


def mask(value):
    """ID numbers, phones and the like stay masked in the history and the log, whoever reads them: the
    current value is on the record's own page, where showing it is checked and logged."""
    text = str(value)
    return text[:1] + "*" * max(len(text) - 2, 1) + text[-1:] if len(text) > 2 else "*" * len(text)


def _model_for(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def display_changes(entry, model=None):
    """(label, before, after) for each changed field: labels instead of field names, choice labels
    instead of codes, sensitive values masked, bookkeeping fields left out."""
    model = model or _model_for(entry.model)
    fields = {f.name: f for f in model._meta.concrete_fields} if model else {}
    sensitive = getattr(model, "sensitive_fields", {}) if model else {}

    def show(name, value):
        if value in (None, ""):
            return None
        if name in sensitive:
            return mask(value)
        field = fields.get(name)
        if field is not None and field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    rows = []
    for name, before, after in entry.changes():
        if name in HIDDEN_FIELDS:
            continue
        label = str(fields[name].verbose_name) if name in fields else name
        rows.append((label, show(name, before), show(name, after)))
    return rows


def history_tab(request, obj):
    """The history tab of every detail page: the audit entries for this record, newest first."""
    model = type(obj)
    rows = [(e, display_changes(e, model)) for e in services.history(obj)[:200]]
    return "audit/_history_tab.html", {"history_rows": rows}


def changes_text(entry):
    def dash(value):
        return "—" if value is None else value

    return pgettext("list separator", "；").join(f"{k}: {dash(b)} → {dash(a)}" for k, b, a in display_changes(entry))


class AuditEntryListView(ObjectListView):
    """The audit log: read by the audit administrator only (the role table grants nobody else)."""

    model = AuditEntry
    title = gettext_lazy("审计日志")
    filterset_class = AuditEntryFilterSet
    columns = (
        Column("at", gettext_lazy("时间"), sort="at"),
        Column("actor_name", gettext_lazy("操作人"), sort="actor_name"),
        Column("action", gettext_lazy("动作"), sort="action"),
        Column("model", gettext_lazy("对象类型"), sort="model"),
        Column("object_id", gettext_lazy("对象编号")),
        Column("object_repr", gettext_lazy("对象")),
        Column(changes_text, gettext_lazy("变更")),
        Column("note", gettext_lazy("说明")),
        Column("ip", "IP"),
        Column("request_id", gettext_lazy("请求编号")),
    )

    def dispatch(self, request, *args, **kwargs):
        # Not scoped data: nobody but the audit administrator reads the log, and everyone else is told
        # so (403) instead of being shown an empty page.
        if request.user.is_authenticated and request.user.scope_q(AuditEntry, "view") is None:
            raise PermissionDenied(_("只有审计管理员可以查看审计日志"))
        return super().dispatch(request, *args, **kwargs)
