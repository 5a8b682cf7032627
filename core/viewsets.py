"""The scoped viewset every app's API builds on (see core.api for why it lives apart)."""
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import authentication, exceptions, permissions, serializers, status, views, viewsets
from rest_framework.response import Response

from .api import AccountReady

# --- the scoped viewset ----------------------------------------------------------------------------

ACTIONS = {
    "list": "view", "retrieve": "view", "create": "add",
    "update": "change", "partial_update": "change", "destroy": "delete",
}


def action_for(viewset_action, default="view"):
    """The scoping action (restrict()/can()) a viewset action needs."""
    return ACTIONS.get(viewset_action, default)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(label=gettext_lazy("错误说明"))


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=gettext_lazy("请求有误：{字段: [原因]}，或 {detail: 原因}")),
    401: OpenApiResponse(ErrorSerializer, description=gettext_lazy("未登录或令牌无效")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("无权执行此操作，或账号尚不能使用接口")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("记录不存在或不在您的范围内；列表的页码超出范围")),
    409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("记录已被他人修改（version 已过期），修改未保存")),
}


class ScopedSchema(AutoSchema):
    """Request bodies use the action's input serializer; responses always the read serializer, because
    every write answers with the record as it now stands. The error answers every scoped action can give
    are documented too, so that clients (and the schema tests) can rely on the list."""

    def get_response_serializers(self):
        read = getattr(self.view, "serializer_class", None) or super().get_response_serializers()
        detail = "{" in self.path
        if self.method == "DELETE":
            codes, success = [400, 401, 403, 404], {204: None}
        elif self._is_create_operation():
            codes, success = [400, 401, 403], {201: read}
        elif self.method in ("PUT", "PATCH", "POST"):
            codes, success = [400, 401, 403, 404, 409], {200: read}
        else:  # a list answers 400 to a bad filter and 404 to a page past the end
            codes, success = [401, 403, 404] if detail else [400, 401, 403, 404], {200: read}
        return {**success, **{code: ERRORS[code] for code in codes}}

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # DRF drops allow_blank from read-only fields, so a model choice field with blank=True would be
        # documented as never empty while the read serializers do answer "" for it.
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            model = getattr(getattr(field.parent, "Meta", None), "model", None)
            try:
                field.allow_blank = bool(model and model._meta.get_field(field.source).blank)
            except FieldDoesNotExist:
                pass
        return super()._map_serializer_field(field, direction, bypass_extensions)


class VersionField(serializers.IntegerField):
    """The version the client read; a write with an older one is refused with 409."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("help_text",
                          gettext_lazy("读取记录时的版本号（version）；记录已被他人修改时返回 409，修改不保存"))
        super().__init__(**kwargs)


class ScopedViewSet(viewsets.ModelViewSet):
    """Everything through restrict(): lists show the user's scope only; a record outside the 'view'
    scope is 404 for every action; inside it but without the action's right, 403.

    Writes never go through serializer.save(): subclasses implement create_record / update_record /
    delete_record with the app's services, which re-check scope in the transaction and audit.
    `input_serializers` maps an action to its request serializer; `serializer_class` is the read one.
    Custom actions declare their right with @action(..., scope_action="change").
    """

    # Token first, so that an anonymous request is answered 401 with `WWW-Authenticate: Token`.
    authentication_classes = [authentication.TokenAuthentication, authentication.SessionAuthentication]
    permission_classes = [AccountReady]
    schema = ScopedSchema()
    scope_action = None
    input_serializers = {}

    def scope_action_name(self):
        return self.scope_action or action_for(self.action)

    def scoped(self, action):
        return self.queryset.restrict(self.request.user, action)

    def get_queryset(self):
        return self.scoped(self.scope_action_name())

    def get_serializer_class(self):
        return self.input_serializers.get(self.action, self.serializer_class)

    def get_object(self):
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        try:
            obj = self.scoped("view").get(**{self.lookup_field: lookup})
        except (self.queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
            raise exceptions.NotFound(_("未找到该记录")) from None
        action = self.scope_action_name()
        if action != "view" and not self.request.user.can(action, obj):
            raise exceptions.PermissionDenied(_("您没有执行此操作的权限"))
        self.check_object_permissions(self.request, obj)
        return obj

    def output(self, obj, status_code=status.HTTP_200_OK):
        return Response(self.serializer_class(obj, context=self.get_serializer_context()).data, status=status_code)

    def validated(self, instance=None, partial=False):
        serializer = self.get_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    # --- the standard actions, through the services ---

    def create(self, request, *args, **kwargs):
        if request.user.scope_q(self.queryset.model, "add") is None:
            raise exceptions.PermissionDenied(_("您没有新增此类记录的权限"))
        obj = self.create_record(self.validated())
        return self.output(obj, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object()
        data = self.validated(obj, partial=partial)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": [_("请提供读取记录时的版本号，以免覆盖他人的修改")]})
        changes = {name: value for name, value in data.items() if getattr(obj, name) != value}
        return self.output(self.update_record(obj, changes, version))

    def perform_destroy(self, instance):
        self.delete_record(instance)

    def create_record(self, data):
        raise exceptions.MethodNotAllowed(self.request.method)

    def update_record(self, obj, changes, version):
        raise exceptions.MethodNotAllowed(self.request.method)

    def delete_record(self, obj):
        raise exceptions.MethodNotAllowed(self.request.method)

    def perform_create(self, serializer):  # pragma: no cover - guard: writes go through the services
        raise NotImplementedError("写入须经由业务服务（services），不能直接 serializer.save()")

    perform_update = perform_create



class NotFoundView(views.APIView):
    """A path under a resource that no route matches (an id the router refuses, such as "1.5") is the
    API's JSON 404, as a client expects, never the site's HTML page."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("未找到该记录"))


class ScopedPrimaryKey(serializers.PrimaryKeyRelatedField):
    """A record the caller can see, by id; anything else is 'not found', whether it exists or not."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("未找到编号为 {pk_value} 的记录，或您无权访问"),
        "incorrect_type": gettext_lazy("请填写记录编号（整数）"),
    }

    def __init__(self, model=None, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.restrict(getattr(request, "user", None), "view")

    def to_internal_value(self, data):
        # Booleans are ints to Python, and ids past 64 bits overflow the database: neither is an id.
        if isinstance(data, bool) or (isinstance(data, int) and not 0 <= data < 2 ** 63) or (
                isinstance(data, str) and not (data.isascii() and data.isdigit() and len(data) < 19)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
