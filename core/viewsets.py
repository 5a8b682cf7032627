"""The scoped viewset every app's API builds on (see core.api for why it lives apart)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from rest_framework import authentication, exceptions, serializers, status, viewsets
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


class ScopedSchema(AutoSchema):
    """Request bodies use the action's input serializer; responses always the read serializer, because
    every write answers with the record as it now stands."""

    def get_response_serializers(self):
        if self.method == "DELETE":
            return None
        read = getattr(self.view, "serializer_class", None)
        return read or super().get_response_serializers()


class VersionField(serializers.IntegerField):
    """The version the client read; a write with an older one is refused with 409."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("help_text", "读取记录时的版本号（version）；记录已被他人修改时返回 409，修改不保存")
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
            raise exceptions.NotFound("未找到该记录") from None
        action = self.scope_action_name()
        if action != "view" and not self.request.user.can(action, obj):
            raise exceptions.PermissionDenied("您没有执行此操作的权限")
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
            raise exceptions.PermissionDenied("您没有新增此类记录的权限")
        obj = self.create_record(self.validated())
        return self.output(obj, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object()
        data = self.validated(obj, partial=partial)
        version = data.pop("version", None)
        if version is None:
            raise exceptions.ValidationError({"version": ["请提供读取记录时的版本号，以免覆盖他人的修改"]})
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
