from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import exceptions

from audit import services as audit
from core.errors import BusinessRuleError
from core.viewsets import ScopedViewSet

from .. import services
from ..filtersets import CampaignFilterSet, MeetingFilterSet
from ..models import Campaign, Meeting
from .serializers import (
    CampaignCreateSerializer,
    CampaignSerializer,
    CampaignUpdateSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
)


class MeetingViewSet(ScopedViewSet):
    """会议（三会一课、党委会、中心组学习、研讨、主题党日等），含议题与出席记录。

    同一组织同一天已有同类会议时，新增返回 400 并说明；确认不是重复登记后带 "confirm_duplicate": true 再提交。
    修改时 agenda、attendance 给出即整体替换，不给则保持不变。"""

    queryset = (Meeting.objects.select_related("organization")
                .prefetch_related("agenda", "attendance"))
    serializer_class = MeetingSerializer
    input_serializers = {"create": MeetingCreateSerializer, "update": MeetingUpdateSerializer,
                         "partial_update": MeetingUpdateSerializer}
    filterset_class = MeetingFilterSet
    ordering_fields = ["held_on", "kind", "organization__path", "created_at"]

    def create_record(self, data):
        return services.create_meeting(self.request.user, **data)

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object()
        data = self.validated(obj, partial=partial)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": [_("请提供读取记录时的版本号，以免覆盖他人的修改")]})
        agenda, attendance = data.pop("agenda", None), data.pop("attendance", None)
        changes = {name: value for name, value in data.items() if getattr(obj, name) != value}
        updated = services.update_meeting(request.user, obj, changes, agenda=agenda, attendance=attendance,
                                          expected_version=version)
        return self.output(self.get_queryset().get(pk=updated.pk))

    def delete_record(self, obj):
        services.delete_meeting(self.request.user, obj)


class CampaignViewSet(ScopedViewSet):
    """主题教育（有起止日期的专题活动，会议可归入其中）。组织管理员可新增、修改、删除；已有会议的不能删除。"""

    queryset = Campaign.objects.select_related("organization")
    serializer_class = CampaignSerializer
    input_serializers = {"create": CampaignCreateSerializer, "update": CampaignUpdateSerializer,
                         "partial_update": CampaignUpdateSerializer}
    filterset_class = CampaignFilterSet
    ordering_fields = ["starts_on", "ends_on", "name"]

    def create_record(self, data):
        return audit.create(self.request.user, Campaign(**data))

    def update_record(self, obj, changes, version):
        return audit.update(self.request.user, obj, changes, expected_version=version)

    def delete_record(self, obj):
        try:
            audit.delete(self.request.user, obj)
        except ProtectedError:
            raise BusinessRuleError(_("该主题教育下已有会议记录，不能删除")) from None
