from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from core.viewsets import ScopedViewSet

from .. import services
from ..filtersets import OrganizationFilterSet
from ..models import Organization
from .serializers import (
    DissolveSerializer,
    MoveSerializer,
    OrganizationCreateSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)


class OrganizationViewSet(ScopedViewSet):
    """党组织。`parent` 只在新增时设置；调整上级用 move，撤销用 dissolve；有历史的组织不能删除。"""

    queryset = Organization.objects.select_related("parent")
    serializer_class = OrganizationSerializer
    input_serializers = {"create": OrganizationCreateSerializer, "update": OrganizationUpdateSerializer,
                         "partial_update": OrganizationUpdateSerializer, "move": MoveSerializer,
                         "dissolve": DissolveSerializer}
    filterset_class = OrganizationFilterSet
    ordering_fields = ["path", "code", "name", "sort_order", "established_on"]

    def create_record(self, data):
        return services.create_organization(self.request.user, **data)

    def update_record(self, obj, changes, version):
        return services.update_organization(self.request.user, obj, changes, expected_version=version)

    def delete_record(self, obj):
        services.delete_organization(self.request.user, obj)

    @extend_schema(summary=gettext_lazy("移动组织（连同全部下级组织）"))
    @action(detail=True, methods=["post"], scope_action="change")
    def move(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        return self.output(services.move_organization(request.user, obj, data["parent"],
                                                      expected_version=data["version"], on_date=data.get("on_date")))

    @extend_schema(summary=gettext_lazy("撤销组织（保留历史）"))
    @action(detail=True, methods=["post"], scope_action="change")
    def dissolve(self, request, pk=None):
        obj = self.get_object()
        data = self.validated()
        return self.output(services.dissolve_organization(request.user, obj, data["dissolved_on"],
                                                          expected_version=data["version"]))
