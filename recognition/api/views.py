"""REST API for brand projects, model-branch batches and cycles, honours and role models: scoped reads, every
write through recognition.services. Approving, evaluating and accepting are the organisation above's (the
brand's parent organisation, the batch's committee): the services check that right and answer 403 with the
reason; a stage that does not allow the action is 400 with the reason."""
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from core.viewsets import ScopedViewSet

from .. import services
from ..choices import BrandAction, ModelBranchAction
from ..filtersets import BatchFilterSet, BrandFilterSet, HonorFilterSet, ModelBranchFilterSet, RoleModelFilterSet
from ..models import BrandProject, Honor, ModelBranch, ModelBranchBatch, RoleModel
from .serializers import (
    AcceptInput,
    BatchCreateSerializer,
    BatchSerializer,
    BatchUpdateSerializer,
    BrandActionInput,
    BrandCreateSerializer,
    BrandEvaluateInput,
    BrandProjectSerializer,
    BrandUpdateSerializer,
    HonorCreateSerializer,
    HonorSerializer,
    HonorUpdateSerializer,
    ModelBranchCreateSerializer,
    ModelBranchSerializer,
    RoleModelCreateSerializer,
    RoleModelSerializer,
    RoleModelUpdateSerializer,
    StageInput,
)

REVIEW = ("approve", "reject", "start", "evaluate", "midterm", "accept")


class ReviewedViewSet(ScopedViewSet):
    def scope_action_name(self):
        # The reviewer is the organisation above, which the record's own scope cannot express: the services
        # decide (404 outside, 403 without the right).
        return "view" if self.action in REVIEW else super().scope_action_name()


class BrandProjectViewSet(ReviewedViewSet):
    """党建品牌项目（一学院一品牌 / 一支部一特色）：建设组织申报，上级党组织立项（approve）或不予立项（reject），
    开始建设（start），评估（evaluate）。已评估或未立项的项目不能修改；只能删除申报中的项目。"""

    queryset = BrandProject.objects.select_related("organization")
    serializer_class = BrandProjectSerializer
    input_serializers = {"create": BrandCreateSerializer, "update": BrandUpdateSerializer,
                         "partial_update": BrandUpdateSerializer, "approve": BrandActionInput,
                         "reject": BrandActionInput, "start": BrandActionInput, "evaluate": BrandEvaluateInput}
    filterset_class = BrandFilterSet
    ordering_fields = ["started_on", "approved_on", "status", "created_at"]

    def create_record(self, data):
        return services.propose_brand(self.request.user, **data)

    def update_record(self, obj, changes, version):
        return services.update_brand(self.request.user, obj, changes, expected_version=version)

    def delete_record(self, obj):
        services.delete_brand(self.request.user, obj)

    def act(self, brand_action):
        obj = self.get_object()
        data = self.validated()
        return self.output(services.act_on_brand(
            self.request.user, obj, brand_action, on_date=data["on_date"], evaluation=data.get("evaluation", ""),
            note=data["note"], expected_version=data["version"]))

    @extend_schema(summary=gettext_lazy("立项（上级党组织）"))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.act(BrandAction.APPROVE)

    @extend_schema(summary=gettext_lazy("不予立项（上级党组织）"))
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.act(BrandAction.REJECT)

    @extend_schema(summary=gettext_lazy("开始建设"))
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self.act(BrandAction.START)

    @extend_schema(summary=gettext_lazy("评估（上级党组织）"))
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        return self.act(BrandAction.EVALUATE)


class ModelBranchBatchViewSet(ScopedViewSet):
    """样板支部创建批次：由党委组织，党支部在批次中申报（/api/model-branches/）。"""

    queryset = ModelBranchBatch.objects.select_related("organization")
    serializer_class = BatchSerializer
    input_serializers = {"create": BatchCreateSerializer, "update": BatchUpdateSerializer,
                         "partial_update": BatchUpdateSerializer}
    filterset_class = BatchFilterSet
    ordering_fields = ["year", "name", "created_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_record(self, data):
        return services.create_batch(self.request.user, **data)

    def update_record(self, obj, changes, version):
        return services.update_batch(self.request.user, obj, changes, expected_version=version)


class ModelBranchViewSet(ReviewedViewSet):
    """样板支部创建（两年周期）：党支部申报（新增），批次的组织单位确定为培育创建单位（approve）、中期检查（midterm）、
    验收（accept），每步 passed 为是否通过；验收通过即命名为党建工作样板支部（生成一条荣誉表彰）。"""

    queryset = ModelBranch.objects.select_related("batch", "branch")
    serializer_class = ModelBranchSerializer
    input_serializers = {"create": ModelBranchCreateSerializer, "approve": StageInput, "midterm": StageInput,
                         "accept": AcceptInput}
    filterset_class = ModelBranchFilterSet
    ordering_fields = ["applied_on", "approved_on", "stage"]
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        return services.apply_model_branch(self.request.user, **data)

    def act(self, stage_action, **extra):
        obj = self.get_object()
        data = self.validated()
        if "honor_level" in data:
            extra["honor_level"] = data["honor_level"]
        return self.output(services.act_on_model_branch(
            self.request.user, obj, stage_action, passed=data["passed"], on_date=data["on_date"], note=data["note"],
            expected_version=data["version"], **extra))

    @extend_schema(summary=gettext_lazy("确定为培育创建单位（立项）"))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.act(ModelBranchAction.APPROVE)

    @extend_schema(summary=gettext_lazy("中期检查"))
    @action(detail=True, methods=["post"])
    def midterm(self, request, pk=None):
        return self.act(ModelBranchAction.MIDTERM)

    @extend_schema(summary=gettext_lazy("验收"))
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.act(ModelBranchAction.ACCEPT)


class HonorViewSet(ScopedViewSet):
    """荣誉表彰：集体荣誉授予组织，个人荣誉授予党员（获奖组织取其获奖时所在党组织）。不能登记今年以后的荣誉；
    由样板支部验收产生的荣誉随验收记录，不能单独删除或改类别、组织、年度。"""

    queryset = Honor.objects.select_related("organization", "person")
    serializer_class = HonorSerializer
    input_serializers = {"create": HonorCreateSerializer, "update": HonorUpdateSerializer,
                         "partial_update": HonorUpdateSerializer}
    filterset_class = HonorFilterSet
    ordering_fields = ["year", "kind", "level", "created_at"]

    def create_record(self, data):
        return services.record_honor(self.request.user, **data)

    def update_record(self, obj, changes, version):
        return services.update_honor(self.request.user, obj, changes, expected_version=version)

    def delete_record(self, obj):
        services.delete_honor(self.request.user, obj)


class RoleModelViewSet(ScopedViewSet):
    """榜样：选树的党员及其典型事迹；所在党组织取其选树年度末的组织关系。"""

    queryset = RoleModel.objects.select_related("organization", "person")
    serializer_class = RoleModelSerializer
    input_serializers = {"create": RoleModelCreateSerializer, "update": RoleModelUpdateSerializer,
                         "partial_update": RoleModelUpdateSerializer}
    filterset_class = RoleModelFilterSet
    ordering_fields = ["year", "created_at"]

    def create_record(self, data):
        return services.save_role_model(self.request.user, **data)

    def update_record(self, obj, changes, version):
        return services.save_role_model(self.request.user, obj, expected_version=version, **changes)

    def delete_record(self, obj):
        services.delete_role_model(self.request.user, obj)
