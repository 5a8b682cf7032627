from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, views
from rest_framework.authtoken.models import Token
from rest_framework.response import Response

from audit.models import Action
from audit.services import record
from core import api as core_api
from core.viewsets import ScopedViewSet

from .. import services
from ..filtersets import RoleAssignmentFilterSet, UserFilterSet
from ..lockout import locked_until
from ..models import RoleAssignment, User
from ..roles import ADMIN_ROLES_NEEDING_TOTP
from .serializers import (
    RoleAssignmentCreateSerializer,
    RoleAssignmentSerializer,
    TokenObtainSerializer,
    TokenSerializer,
    UserSerializer,
)

# --- the account checks the web middleware makes, for the API (which cannot redirect) ---------------

PASSWORD_FIRST = gettext_lazy("请先在网页登录并修改初始密码，再使用接口")
SECOND_FACTOR_FIRST = gettext_lazy("管理员账号须在网页登录并完成二次验证后才能使用接口")


def password_changed(request):
    return PASSWORD_FIRST if getattr(request.user, "must_change_password", False) else None


def second_factor_done(request):
    user = request.user
    if user.has_role(*ADMIN_ROLES_NEEDING_TOTP):
        # Only a web session carries the verified device (django-otp); a token never does.
        verified = getattr(user, "is_verified", None)
        if not (callable(verified) and verified()):
            return SECOND_FACTOR_FIRST
    return None


for gate in (password_changed, second_factor_done):
    if gate not in core_api.api_gates:
        core_api.api_gates.append(gate)


class UserViewSet(ScopedViewSet):
    """账号（只读；不含密码散列）。"""

    queryset = User.objects.select_related("person")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    ordering_fields = ["username", "last_login", "date_joined"]
    http_method_names = ["get", "head", "options"]


class RoleAssignmentViewSet(ScopedViewSet):
    """角色授权：只有安全管理员可以授予和撤销。授权不修改，需要调整时撤销后重新授予。"""

    queryset = RoleAssignment.objects.select_related("user", "organization")
    serializer_class = RoleAssignmentSerializer
    input_serializers = {"create": RoleAssignmentCreateSerializer}
    filterset_class = RoleAssignmentFilterSet
    ordering_fields = ["role", "user__username", "created_at"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def create_record(self, data):
        return services.grant(self.request.user, data["user"], data["role"], data.get("organization"),
                              include_subtree=data.get("include_subtree", True), note=data.get("note", ""))

    def delete_record(self, obj):
        services.revoke(self.request.user, obj)


class TokenView(views.APIView):
    """Exchange a username and password for an API token.

    The same lockout as the login page (failures are audited and counted); accounts that still have to
    change their initial password, and the three administrators, whose second factor a token cannot
    carry, get no token. A successful exchange is audited as a login."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    serializer_class = TokenObtainSerializer

    @extend_schema(
        summary=gettext_lazy("获取接口令牌"),
        description=gettext_lazy("用户名与密码换取令牌（Authorization: Token <令牌>）。与网页登录相同的锁定规则；"
                    "须先修改初始密码；系统、安全、审计管理员不签发令牌。"),
        request=TokenObtainSerializer, auth=[],
        responses={200: TokenSerializer, 400: OpenApiResponse(description=gettext_lazy("用户名或密码错误")),
                   403: OpenApiResponse(description=gettext_lazy("账号已锁定、须先修改初始密码，或为管理员账号"))},
    )
    def post(self, request):
        # A body that is not an object (a JSON list, a number) is the serializer's to refuse with 400.
        data = request.data if hasattr(request.data, "get") else {}
        username = str(data.get("username", ""))[:150]
        until = locked_until(username) if username else None
        if until:
            raise exceptions.PermissionDenied(
                _("登录失败次数过多，账号已锁定至 %(until)s，请稍后再试") % {
                    "until": f"{timezone.localtime(until):%H:%M}"})
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user.must_change_password:
            raise exceptions.PermissionDenied(PASSWORD_FIRST)
        if user.has_role(*ADMIN_ROLES_NEEDING_TOTP):
            raise exceptions.PermissionDenied(_("系统、安全、审计管理员须在网页登录并完成二次验证，不签发接口令牌"))
        token, _created = Token.objects.get_or_create(user=user)
        record(user, Action.LOGIN, model="accounts.user", object_id=user.pk, object_repr=user.username,
               note="获取接口令牌")
        return Response({"token": token.key})
