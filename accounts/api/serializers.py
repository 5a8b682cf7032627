from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from orgs.api.serializers import OrganizationRef

from ..models import RoleAssignment, User


class UserSerializer(serializers.ModelSerializer):
    """账号（不含密码及其散列值）。"""

    full_name = serializers.CharField(source="get_full_name", read_only=True, label=gettext_lazy("姓名"))

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "person", "is_active", "must_change_password",
                  "last_login", "date_joined"]
        read_only_fields = fields


class RoleAssignmentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True, label=gettext_lazy("账号"))
    organization_code = serializers.CharField(source="organization.code", read_only=True, allow_null=True,
                                              label=gettext_lazy("组织代码"))

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "username", "role", "organization", "organization_code", "include_subtree", "note",
                  "version", "created_at"]
        read_only_fields = fields


class RoleAssignmentCreateSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), label=gettext_lazy("用户"))
    organization = OrganizationRef(label=gettext_lazy("组织"), required=False, allow_null=True,
                                   help_text=gettext_lazy("组织编号或组织代码；系统、安全、审计管理员为全局角色，留空"))

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "organization", "include_subtree", "note"]
        # The unique constraint is checked by the model inside the service (one message, in Chinese).
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        fields["user"].queryset = User.objects.restrict(getattr(request, "user", None), "view")
        return fields


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("用户名"), write_only=True)
    password = serializers.CharField(label=gettext_lazy("密码"), style={"input_type": "password"},
                                     trim_whitespace=False,
                                     write_only=True)

    def validate(self, attrs):
        user = authenticate(request=self.context.get("request"), username=attrs["username"],
                            password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("用户名或密码错误（连续失败 5 次将锁定 30 分钟）"),
                                              code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, label=gettext_lazy("令牌"),
                                  help_text=gettext_lazy("之后的请求带上请求头 Authorization: Token <令牌>"))
