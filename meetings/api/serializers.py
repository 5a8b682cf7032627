"""REST API for meetings and campaigns (/api/meetings/, /api/campaigns/)."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.viewsets import ScopedPrimaryKey, VersionField
from members.models import Person
from orgs.api.serializers import OrganizationRef

from ..choices import AttendanceStatus
from ..models import AgendaItem, Attendance, Campaign, Meeting


class AgendaItemSerializer(serializers.ModelSerializer):
    # Text, not a URL, in the schema: an item without a link answers "" (not a valid URI).
    material_link = serializers.CharField(read_only=True, label=gettext_lazy("材料链接"))

    class Meta:
        model = AgendaItem
        fields = ["order", "title", "is_first_topic", "material_title", "material_source", "material_link"]
        read_only_fields = fields


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["person", "status", "reason"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True,
                                              label=gettext_lazy("组织代码"))
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=gettext_lazy("组织名称"))
    agenda = AgendaItemSerializer(many=True, read_only=True, label=gettext_lazy("议题"))
    attendance = AttendanceSerializer(many=True, read_only=True, label=gettext_lazy("出席记录"))

    class Meta:
        model = Meeting
        fields = ["id", "kind", "enlarged", "organization", "organization_code", "organization_name", "title",
                  "held_on", "starts_at", "place", "status", "host", "recorder", "campaign", "minutes",
                  "resolutions", "has_first_topic", "agenda", "attendance", "version", "created_at", "updated_at"]
        read_only_fields = fields


class AgendaItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, label=gettext_lazy("议题"))
    is_first_topic = serializers.BooleanField(default=False, label=gettext_lazy("第一议题"),
                                              help_text=gettext_lazy("只能是第一个议题"))
    material_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                           label=gettext_lazy("学习材料"))
    material_source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                            label=gettext_lazy("材料来源"))
    material_link = serializers.URLField(max_length=200, required=False, allow_blank=True, default="",
                                         label=gettext_lazy("材料链接"))


class AttendanceInput(serializers.Serializer):
    person = ScopedPrimaryKey(Person, label=gettext_lazy("人员编号"))
    status = serializers.ChoiceField(choices=AttendanceStatus.choices, label=gettext_lazy("出席情况"))
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   label=gettext_lazy("请假事由"), help_text=gettext_lazy("请假时必填"))


def attendance_map(rows):
    """[{person, status, reason}] -> {person id: (status, reason)}, the services' form; one row per person."""
    result = {}
    for row in rows:
        person = row["person"]
        if person.pk in result:
            raise serializers.ValidationError(
                {"attendance": [_("%(name)s 出现了两次，每人只能有一条出席记录") % {"name": person.name}]})
        result[person.pk] = (row["status"], row.get("reason", ""))
    return result


class MeetingOrganizationRef(OrganizationRef):
    """An organisation by id or code; text with a NUL character names none (PostgreSQL refuses to compare
    it, which would otherwise be a 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("not_found", value=data.replace("\x00", "")[:40])
        return super().to_internal_value(data)


WRITABLE = ["kind", "enlarged", "organization", "title", "held_on", "starts_at", "place", "status", "host",
            "recorder", "campaign", "minutes", "resolutions"]
REFS = {
    "organization": MeetingOrganizationRef(label=gettext_lazy("组织"), help_text=gettext_lazy("组织编号或组织代码")),
    "host": ScopedPrimaryKey(Person, required=False, allow_null=True, label=gettext_lazy("主持人（人员编号）")),
    "recorder": ScopedPrimaryKey(Person, required=False, allow_null=True, label=gettext_lazy("记录人（人员编号）")),
    "campaign": ScopedPrimaryKey(Campaign, required=False, allow_null=True, label=gettext_lazy("主题教育编号")),
}


class MeetingCreateSerializer(serializers.ModelSerializer):
    organization = REFS["organization"]
    host = REFS["host"]
    recorder = REFS["recorder"]
    campaign = REFS["campaign"]
    agenda = AgendaItemInput(many=True, required=False, label=gettext_lazy("议题（按顺序）"))
    attendance = AttendanceInput(many=True, required=False, label=gettext_lazy("出席记录"))
    confirm_duplicate = serializers.BooleanField(
        default=False, label=gettext_lazy("确认不是重复登记"),
        help_text=gettext_lazy("同一组织同一天已有同类会议时，须为 true 才保存"))

    class Meta:
        model = Meeting
        fields = [*WRITABLE, "agenda", "attendance", "confirm_duplicate"]

    def validate_attendance(self, rows):
        return attendance_map(rows)


class MeetingUpdateSerializer(MeetingCreateSerializer):
    """`agenda` and `attendance`, when given, replace the meeting's; left out, they stay as they are."""

    version = VersionField()

    class Meta:
        model = Meeting
        fields = [*WRITABLE, "agenda", "attendance", "version"]


class CampaignSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True,
                                              label=gettext_lazy("组织代码"))
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=gettext_lazy("组织名称"))

    class Meta:
        model = Campaign
        fields = ["id", "name", "organization", "organization_code", "organization_name", "starts_on", "ends_on",
                  "note", "version", "created_at", "updated_at"]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.ModelSerializer):
    organization = MeetingOrganizationRef(label=gettext_lazy("组织单位"), help_text=gettext_lazy("组织编号或组织代码"))

    class Meta:
        model = Campaign
        fields = ["name", "organization", "starts_on", "ends_on", "note"]


class CampaignUpdateSerializer(CampaignCreateSerializer):
    version = VersionField()

    class Meta:
        model = Campaign
        fields = ["name", "organization", "starts_on", "ends_on", "note", "version"]
