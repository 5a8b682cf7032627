"""REST API for liaisons (/api/liaisons/), branch visits (/api/branch-visits/) and the problems visits found
(/api/visit-problems/): scoped reads, every write through liaison.services, which refuse the issue's bad
input (a non-branch, a dissolved branch, a leader with two branches at once, overlapping periods, a future
visit) with the reason."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action

from core.viewsets import ScopedViewSet

from .. import services
from ..filtersets import LiaisonFilterSet, ProblemFilterSet, VisitFilterSet
from ..models import BranchVisit, Liaison, Problem
from .serializers import (
    BranchVisitSerializer,
    EndInput,
    LiaisonCreateSerializer,
    LiaisonSerializer,
    LiaisonUpdateSerializer,
    ProblemInput,
    ReopenInput,
    ResolveInput,
    ToTaskInput,
    VisitCreateSerializer,
    VisitProblemSerializer,
    VisitUpdateSerializer,
)


class LiaisonViewSet(ScopedViewSet):
    """一对一联系：中层及以上党员领导联系一个党支部（开始日期起，至结束日期前一日）。列表默认只列今天在联系的
    （?on= 指定某日，?ended=true 列出全部）。结束联系用 end。"""

    queryset = Liaison.objects.select_related("leader", "branch")
    serializer_class = LiaisonSerializer
    input_serializers = {"create": LiaisonCreateSerializer, "update": LiaisonUpdateSerializer,
                         "partial_update": LiaisonUpdateSerializer, "end": EndInput}
    filterset_class = LiaisonFilterSet
    ordering_fields = ["valid_from", "valid_to", "branch__path", "created_at"]

    def scope_action_name(self):
        return "change" if self.action == "end" else super().scope_action_name()

    def create_record(self, data):
        return services.assign(self.request.user, **data)

    def update_record(self, obj, changes, version):
        return services.update_liaison(self.request.user, obj, changes, expected_version=version)

    def delete_record(self, obj):
        services.delete_liaison(self.request.user, obj)

    @extend_schema(summary=gettext_lazy("结束联系"))
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        return self.output(services.end_liaison(request.user, obj, data["valid_to"],
                                                expected_version=data["version"]))


class BranchVisitViewSet(ScopedViewSet):
    """调研走访（问诊把脉）：走访领导、党支部、日期、听取的情况和发现的问题。不能登记已撤销党支部或今天以后的走访；
    问题转为台账任务后走访不能删除。新增问题用 problems。"""

    queryset = BranchVisit.objects.select_related("branch").prefetch_related("leaders", "problems")
    serializer_class = BranchVisitSerializer
    input_serializers = {"create": VisitCreateSerializer, "update": VisitUpdateSerializer,
                         "partial_update": VisitUpdateSerializer, "problems": ProblemInput}
    filterset_class = VisitFilterSet
    ordering_fields = ["visited_on", "branch__path", "created_at"]

    def scope_action_name(self):
        return "change" if self.action == "problems" else super().scope_action_name()

    def fresh(self, obj):
        return self.get_queryset().filter(pk=obj.pk).first() or obj

    def create_record(self, data):
        return self.fresh(services.record_visit(self.request.user, **data))

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object()
        data = self.validated(obj, partial=partial)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": [_("请提供读取记录时的版本号，以免覆盖他人的修改")]})
        leaders = data.pop("leaders", None)
        changes = {name: value for name, value in data.items() if getattr(obj, name) != value}
        updated = services.update_visit(request.user, obj, changes, leaders=leaders, expected_version=version)
        return self.output(self.fresh(updated))

    def delete_record(self, obj):
        services.delete_visit(self.request.user, obj)

    @extend_schema(summary=gettext_lazy("登记发现的问题"))
    @action(detail=True, methods=["post"])
    def problems(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.add_problem(request.user, obj, data["description"])
        # The visit, with its problems: an action on the visit answers 200, as the other apps' actions do.
        return self.output(self.fresh(obj))


class ProblemViewSet(ScopedViewSet):
    """调研走访发现的问题：在本模块登记整改（resolve，可重新打开 reopen），或转为台账任务（to-task，由台账的主管组织
    登记，随任务办结）。问题由走访新增（/api/branch-visits/{id}/problems/）。"""

    queryset = Problem.objects.select_related("visit")
    serializer_class = VisitProblemSerializer
    input_serializers = {"resolve": ResolveInput, "reopen": ReopenInput, "to_task": ToTaskInput}
    filterset_class = ProblemFilterSet
    ordering_fields = ["id", "status"]
    http_method_names = ["get", "head", "options"]

    def scope_action_name(self):
        # A problem's right is its visit's: the services check it (404 outside, 403 without the right).
        return "view"

    def fresh(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    @extend_schema(summary=gettext_lazy("登记整改完成"))
    @action(detail=True, methods=["post"], http_method_names=["post", "options"])
    def resolve(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.resolve_problem(request.user, obj, resolution=data["resolution"], resolved_on=data["resolved_on"],
                                 expected_version=data["version"])
        return self.output(self.fresh(obj))

    @extend_schema(summary=gettext_lazy("重新打开已整改的问题"))
    @action(detail=True, methods=["post"], http_method_names=["post", "options"])
    def reopen(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.reopen_problem(request.user, obj, expected_version=data["version"])
        return self.output(self.fresh(obj))

    @extend_schema(summary=gettext_lazy("转为台账任务"))
    @action(detail=True, methods=["post"], url_path="to-task", url_name="to-task",
            http_method_names=["post", "options"])
    def to_task(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.problem_to_task(request.user, obj, ledger=data["ledger"], owner=data["owner"],
                                 deadline=data["deadline"], title=data["title"] or None,
                                 expected_version=data["version"])
        return self.output(self.fresh(obj))
