from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from core.viewsets import ScopedViewSet

from .. import services
from ..filtersets import MembershipFilterSet, PersonFilterSet
from ..models import Membership, Person
from .serializers import (
    MembershipSerializer,
    PersonCreateSerializer,
    PersonSerializer,
    PersonUpdateSerializer,
    Reveal,
    StatusSerializer,
    TransferSerializer,
)


class PersonViewSet(ScopedViewSet):
    """人员。调整所在组织用 transfer（组织关系转接），政治面貌变动用 status；人员不通过接口删除。"""

    queryset = Person.objects.select_related("organization")
    serializer_class = PersonSerializer
    input_serializers = {"create": PersonCreateSerializer, "update": PersonUpdateSerializer,
                         "partial_update": PersonUpdateSerializer, "transfer": TransferSerializer,
                         "status": StatusSerializer}
    filterset_class = PersonFilterSet
    ordering_fields = ["name_pinyin", "organization__path", "party_status", "status_since", "birth_date"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_context(self):
        if not hasattr(self, "_reveal"):
            self._reveal = Reveal(self.request.user)
        return {**super().get_serializer_context(), "reveal": self._reveal}

    def finalize_response(self, request, response, *args, **kwargs):
        reveal = getattr(self, "_reveal", None)
        if reveal is not None and 200 <= response.status_code < 300:
            reveal.log(f"接口 {request.method} {request.path} ")
        return super().finalize_response(request, response, *args, **kwargs)

    def create_record(self, data):
        return services.create_person(self.request.user, joined_on=data.pop("joined_on", None), **data)

    def update_record(self, obj, changes, version):
        return services.update_person(self.request.user, obj, changes, expected_version=version)

    @extend_schema(summary=gettext_lazy("组织关系转接"))
    @action(detail=True, methods=["post"], scope_action="change")
    def transfer(self, request, pk=None):
        obj = self.get_object()
        d = self.validated()
        return self.output(services.transfer(request.user, obj, d["to_organization"], d["on_date"], d["note"],
                                             expected_version=d["version"]))

    @extend_schema(summary=gettext_lazy("政治面貌变动"))
    @action(detail=True, methods=["post"], scope_action="change")
    def status(self, request, pk=None):
        obj = self.get_object()
        d = self.validated()
        return self.output(services.change_status(request.user, obj, d["status"], d["on_date"], d["note"],
                                                  expected_version=d["version"]))


class MembershipViewSet(ScopedViewSet):
    """组织关系（只读）：历史记录不改写，变动通过人员的组织关系转接产生。"""

    queryset = Membership.objects.select_related("person", "organization")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    ordering_fields = ["valid_from", "valid_to", "person__name_pinyin", "organization__path"]
    http_method_names = ["get", "head", "options"]
