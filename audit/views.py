from django.core.exceptions import PermissionDenied

from core.views import Column, ObjectListView

from . import services
from .filtersets import AuditEntryFilterSet
from .models import AuditEntry


def history_tab(request, obj):
    """The history tab of every detail page: the audit entries for this record, newest first, with
    field names shown as their labels."""
    labels = {f.name: str(f.verbose_name) for f in obj._meta.concrete_fields}
    rows = [(e, [(labels.get(k, k), b, a) for k, b, a in e.changes()]) for e in services.history(obj)[:200]]
    return "audit/_history_tab.html", {"history_rows": rows}


def changes_text(entry):
    return "；".join(f"{k}: {b} → {a}" for k, b, a in entry.changes())


class AuditEntryListView(ObjectListView):
    """The audit log: read by the audit administrator only (the role table grants nobody else)."""

    model = AuditEntry
    title = "审计日志"
    filterset_class = AuditEntryFilterSet
    columns = (
        Column("at", "时间", sort="at"),
        Column("actor_name", "操作人", sort="actor_name"),
        Column("action", "动作", sort="action"),
        Column("model", "对象类型", sort="model"),
        Column("object_id", "对象编号"),
        Column("object_repr", "对象"),
        Column(changes_text, "变更"),
        Column("note", "说明"),
        Column("ip", "IP"),
        Column("request_id", "请求编号"),
    )

    def dispatch(self, request, *args, **kwargs):
        # Not scoped data: nobody but the audit administrator reads the log, and everyone else is told
        # so (403) instead of being shown an empty page.
        if request.user.is_authenticated and request.user.scope_q(AuditEntry, "view") is None:
            raise PermissionDenied("只有审计管理员可以查看审计日志")
        return super().dispatch(request, *args, **kwargs)
