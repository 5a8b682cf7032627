"""REST API for matters (/api/matters/) and the branches' opinion requests (/api/branch-opinions/): scoped
reads, every write through decisions.services, which check the transition table and the category rules
(前置把关, 第一关) and answer a refusal with what is missing."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action

from core.viewsets import ScopedViewSet

from .. import services
from ..filtersets import MatterFilterSet
from ..models import BranchOpinion, Matter
from .filters import BranchOpinionFilterSet
from .serializers import (
    BranchOpinionSerializer,
    DecideInput,
    MatterCreateSerializer,
    MatterSerializer,
    MatterSubmitInput,
    MatterUpdateSerializer,
    PreReviewInput,
    RecordOpinionInput,
)


class MatterViewSet(ScopedViewSet):
    """重大事项。提出人新增、修改（草稿或被退回时）并提交（submit）；决策组织（党委）在党委会上前置把关
    （pre_review），在党政联席会议上作出决定（decide）。重大事项未经党委前置把关同意、人事类事项未收齐支部意见的，
    决定返回 400 并说明缺少什么。已决定的事项不能修改，更正须新建记录。"""

    queryset = (Matter.objects.select_related("organization", "proposer")
                .prefetch_related("people", "pre_reviews__meeting", "opinions__person", "opinions__branch",
                                  "decisions__meeting"))
    serializer_class = MatterSerializer
    input_serializers = {"create": MatterCreateSerializer, "update": MatterUpdateSerializer,
                         "partial_update": MatterUpdateSerializer, "submit": MatterSubmitInput,
                         "pre_review": PreReviewInput, "decide": DecideInput}
    filterset_class = MatterFilterSet
    ordering_fields = ["submitted_on", "decided_on", "status", "created_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def fresh(self, obj):
        """The matter as it now stands, with what the read serializer needs in a few queries."""
        return self.get_queryset().filter(pk=obj.pk).first() or obj

    def create_record(self, data):
        return self.fresh(services.create_matter(self.request.user, **data))

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object()
        data = self.validated(obj, partial=partial)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": [_("请提供读取记录时的版本号，以免覆盖他人的修改")]})
        people = data.pop("people", None)
        changes = {name: value for name, value in data.items() if getattr(obj, name) != value}
        updated = services.update_matter(request.user, obj, changes, people=people, expected_version=version)
        return self.output(self.fresh(updated))

    @extend_schema(summary=gettext_lazy("提交（或被退回后重新提交）"))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        return self.output(self.fresh(services.submit_matter(request.user, obj, expected_version=data["version"])))

    @extend_schema(summary=gettext_lazy("登记党委前置把关（决策组织的党委会）"))
    @action(detail=True, methods=["post"], url_path="pre-review", url_name="pre-review")
    def pre_review(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        updated = services.record_pre_review(request.user, obj, data["meeting"], data["outcome"], data["opinion"],
                                             expected_version=data["version"])
        return self.output(self.fresh(updated))

    @extend_schema(summary=gettext_lazy("登记党政联席会议决定"))
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        updated = services.record_decision(request.user, obj, data["meeting"], data["outcome"], data["text"],
                                           expected_version=data["version"])
        return self.output(self.fresh(updated))


class BranchOpinionViewSet(ScopedViewSet):
    """征求支部意见：人事类事项提交时，向每位涉及人员当日组织关系所在的党支部征求意见。列表默认只列待提出的
    （?pending=false 列已提出的）。党支部在本支部的会议上提出意见后登记（record）；该人员在会议当日须是本支部党员。"""

    queryset = BranchOpinion.objects.select_related("matter", "person", "branch")
    serializer_class = BranchOpinionSerializer
    input_serializers = {"record": RecordOpinionInput}
    filterset_class = BranchOpinionFilterSet
    ordering_fields = ["matter", "branch__path"]
    # Requests are made by submitting a matter, never directly; the one write is `record`.
    http_method_names = ["get", "head", "options"]

    def scope_action_name(self):
        return "view"

    @extend_schema(summary=gettext_lazy("登记支部意见"))
    @action(detail=True, methods=["post"], http_method_names=["post", "options"])
    def record(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        services.record_branch_opinion(request.user, obj, data["opinion"], data["reasons"], data["meeting"])
        return self.output(self.get_queryset().get(pk=obj.pk))
