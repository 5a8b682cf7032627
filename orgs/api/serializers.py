from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.viewsets import VersionField

from ..models import Organization, Unit


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}],
                      "description": gettext_lazy("组织编号（id，数字）或组织代码（code，文本）")})
class OrganizationRef(serializers.RelatedField):
    """An organisation the caller can see, given by id (a JSON number) or by code (text; a text of digits
    that matches no code is taken as an id). Anything else is 'not found', whether it exists or not."""

    default_error_messages = {
        "not_found": gettext_lazy("未找到组织“{value}”，或您无权访问该组织"),
        "invalid": gettext_lazy("请填写组织编号（id）或组织代码（code）"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Organization.objects.restrict(getattr(request, "user", None), "view")

    def to_internal_value(self, data):
        qs = self.get_queryset()
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        # Values no database row can hold (a NUL character, an id past bigint) name no organisation; PostgreSQL
        # would refuse to even compare them.
        if (isinstance(data, str) and "\x00" in data) or (isinstance(data, int) and not 0 < data < 2 ** 63) \
                or (isinstance(data, str) and data.strip().isdigit() and int(data.strip()) >= 2 ** 63):
            self.fail("not_found", value=str(data).replace("\x00", "")[:40])
        if isinstance(data, int):
            found = qs.filter(pk=data).first()
        else:
            text = data.strip()
            if not text:
                self.fail("invalid")
            found = qs.filter(code=text).first()
            if found is None and text.isdigit():
                found = qs.filter(pk=int(text)).first()
        if found is None:
            self.fail("not_found", value=str(data)[:40])
        return found

    def to_representation(self, value):
        return value.pk


class OrganizationSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True,
                                        label=gettext_lazy("上级组织代码"))
    is_active = serializers.BooleanField(read_only=True, label=gettext_lazy("未撤销"))

    class Meta:
        model = Organization
        fields = ["id", "code", "name", "short_name", "kind", "parent", "parent_code", "path", "depth", "unit",
                  "composition", "is_joint", "is_temporary", "established_on", "dissolved_on", "is_active",
                  "sort_order", "note", "version", "created_at", "updated_at"]
        read_only_fields = fields


class UnitRef(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        # Units are reference data, not on the tree: restrict() keeps them all for any role granted them.
        request = self.context.get("request")
        return Unit.objects.restrict(request.user if request else None)


EDITABLE = ["code", "name", "short_name", "kind", "unit", "composition", "is_joint", "is_temporary",
            "established_on", "sort_order", "note"]


class OrganizationCreateSerializer(serializers.ModelSerializer):
    parent = OrganizationRef(label=gettext_lazy("上级组织"),
                             help_text=gettext_lazy("组织编号或组织代码；只在新增时设置，之后请用“移动”"))
    unit = UnitRef(required=False, allow_null=True, label=gettext_lazy("所属单位"))

    class Meta:
        model = Organization
        fields = ["parent", *EDITABLE]


class OrganizationUpdateSerializer(serializers.ModelSerializer):
    unit = UnitRef(required=False, allow_null=True, label=gettext_lazy("所属单位"))
    version = VersionField()

    class Meta:
        model = Organization
        fields = [*EDITABLE, "version"]


class MoveSerializer(serializers.Serializer):
    parent = OrganizationRef(label=gettext_lazy("新的上级组织"), help_text=gettext_lazy("组织编号或组织代码"))
    on_date = serializers.DateField(label=gettext_lazy("生效日期"), required=False, allow_null=True,
                                    help_text=gettext_lazy("隶属关系调整的日期，默认今天"))
    version = VersionField()


class DissolveSerializer(serializers.Serializer):
    dissolved_on = serializers.DateField(label=gettext_lazy("撤销日期"))
    version = VersionField()
