"""REST API for ledgers and tasks (/api/ledgers/, /api/tasks/): scoped reads, every write through
ledgers.services (which decide who is the task's owner and who its manager)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action

from core.viewsets import ScopedViewSet

from .. import services
from ..filtersets import LedgerFilterSet, TaskFilterSet
from ..models import Ledger, Task
from .serializers import (
    LedgerCreateSerializer,
    LedgerSerializer,
    LedgerUpdateSerializer,
    ProgressInput,
    ReasonInput,
    SubmitInput,
    TaskCreateSerializer,
    TaskSerializer,
    TaskUpdateSerializer,
    VerifyInput,
)


class LedgerViewSet(ScopedViewSet):
    """台账（落实指示批示和决策部署台账、任务清单、责任清单）。已有任务的台账不能更改类型和主管组织，也不能删除。"""

    queryset = Ledger.objects.select_related("organization")
    serializer_class = LedgerSerializer
    input_serializers = {"create": LedgerCreateSerializer, "update": LedgerUpdateSerializer,
                         "partial_update": LedgerUpdateSerializer}
    filterset_class = LedgerFilterSet
    ordering_fields = ["year", "name", "organization__path", "created_at"]

    def create_record(self, data):
        return services.create_ledger(self.request.user, **data)

    def update_record(self, obj, changes, version):
        return services.update_ledger(self.request.user, obj, changes, expected_version=version)

    def delete_record(self, obj):
        services.delete_ledger(self.request.user, obj)


MANY = ("co_owners", "leaders", "milestones")


class TaskViewSet(ScopedViewSet):
    """任务。责任单位填报进展（progress）、提交完成（submit）、分解子任务（新增时填 parent）；管理单位（台账的主管组织，
    子任务为上级任务的责任单位）登记、修改、审核通过（verify）、退回（return）、取消（cancel）、重新打开（reopen）和删除。
    已完成或已取消的任务须重新打开后才能修改。是否逾期（is_overdue）由完成时限推算，不单独保存。"""

    queryset = Task.objects.select_related("ledger", "owner").prefetch_related("co_owners", "leaders", "milestones")
    serializer_class = TaskSerializer
    input_serializers = {"create": TaskCreateSerializer, "update": TaskUpdateSerializer,
                         "partial_update": TaskUpdateSerializer, "progress": ProgressInput, "submit": SubmitInput,
                         "verify": VerifyInput, "return_task": ReasonInput, "cancel": ReasonInput,
                         "reopen": ReasonInput}
    filterset_class = TaskFilterSet
    ordering_fields = ["deadline", "order", "number", "status", "created_at"]

    def scope_action_name(self):
        # Seeing a task is enough to reach it: whether the caller is its owner or its manager (two different
        # organisations) is decided by the services, which answer 403 with the reason.
        return "view"

    def fresh(self, obj):
        """The task as it now stands, with what the read serializer needs in a few queries."""
        return self.get_queryset().filter(pk=obj.pk).first() or obj

    def create_record(self, data):
        return self.fresh(services.create_task(self.request.user, **data))

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object()
        data = self.validated(obj, partial=partial)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": [_("请提供读取记录时的版本号，以免覆盖他人的修改")]})
        many = {name: data.pop(name, None) for name in MANY}
        changes = {name: value for name, value in data.items() if getattr(obj, name) != value}
        updated = services.update_task(request.user, obj, changes, expected_version=version, **many)
        return self.output(self.fresh(updated))

    def delete_record(self, obj):
        services.delete_task(self.request.user, obj)

    @extend_schema(summary=gettext_lazy("填报进展（责任单位）"))
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.add_progress(request.user, obj, data["text"], written_on=data["written_on"])
        return self.output(self.fresh(obj))

    @extend_schema(summary=gettext_lazy("提交完成（责任单位）"))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.submit_task(request.user, obj, data["completion_note"], expected_version=data["version"])
        return self.output(self.fresh(obj))

    @extend_schema(summary=gettext_lazy("审核通过（管理单位）"))
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.verify_task(request.user, obj, expected_version=data["version"])
        return self.output(self.fresh(obj))

    @extend_schema(summary=gettext_lazy("退回（管理单位，须说明理由）"))
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_task(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.return_task(request.user, obj, data["reason"], expected_version=data["version"])
        return self.output(self.fresh(obj))

    @extend_schema(summary=gettext_lazy("取消任务（管理单位，须说明理由）"))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.cancel_task(request.user, obj, data["reason"], expected_version=data["version"])
        return self.output(self.fresh(obj))

    @extend_schema(summary=gettext_lazy("重新打开已完成或已取消的任务（管理单位，须说明理由）"))
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.reopen_task(request.user, obj, data["reason"], expected_version=data["version"])
        return self.output(self.fresh(obj))
