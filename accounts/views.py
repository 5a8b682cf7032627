import base64
import io

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action
from audit.services import record
from core.errors import BusinessRuleError
from core.views import Column, ObjectActionView, ObjectFormView, ObjectListView, ScopedView

from . import services
from .filtersets import RoleAssignmentFilterSet, UserFilterSet
from .forms import GrantForm, LoginForm, PasswordChangeForm, TotpForm, UserCreateForm, UserEditForm
from .models import RoleAssignment, User
from .roles import ADMIN_ROLES_NEEDING_TOTP


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"hide_tree": True, "title": gettext_lazy("登录")}


def _next(request, default="/"):
    target = request.GET.get("next") or request.POST.get("next") or default
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else default


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_password(request.user, request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改"))
        return redirect(_next(request))
    return render(request, "accounts/password_change.html", {
        "form": form, "title": _("修改密码"), "hide_tree": True, "forced": request.user.must_change_password})


@login_required
def totp(request):
    """Second factor for administrators: enrol a TOTP device on first use, then verify each login."""
    if not request.user.has_role(*ADMIN_ROLES_NEEDING_TOTP):
        return redirect(_next(request))
    devices = TOTPDevice.objects.filter(user=request.user).order_by("-confirmed", "id")
    device = devices.first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="默认", confirmed=False)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # verify_token throttles repeated failures itself and refuses a token already used.
        if device.verify_token(form.cleaned_data["token"].strip()):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next(request))
        # Recorded as a failed login, so guessing the second factor also counts towards the lockout.
        record(None, Action.LOGIN_FAILED, model="accounts.user", object_id=request.user.pk,
               object_repr=request.user.username, note="动态验证码错误")
        form.add_error("token", _("验证码不正确或已过期"))
    qr = None
    if not device.confirmed:
        import qrcode
        import qrcode.image.svg

        img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = io.BytesIO()
        img.save(buffer)
        qr = base64.b64encode(buffer.getvalue()).decode()
    response = render(request, "accounts/totp.html", {
        "form": form, "device": device, "qr": qr, "title": _("二次验证"), "hide_tree": True,
        "secret": base64.b32encode(device.bin_key).decode() if not device.confirmed else ""})
    add_never_cache_headers(response)
    return response


class AdminPageMixin:
    """The administrators' pages are not scoped data: a user whose roles grant nothing here is refused
    outright (403) rather than shown an empty page."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.scope_q(self.model, "view") is None:
            raise PermissionDenied(_("您没有访问此页面的权限"))
        return super().dispatch(request, *args, **kwargs)


def _temporary_password_page(request, user, password, title):
    """The temporary password, shown this once: never put in a message (stored in the session) nor
    cached by the browser."""
    response = render(request, "accounts/temporary_password.html", {
        "title": title, "account": user, "password": password, "hide_tree": True})
    add_never_cache_headers(response)
    return response


class UserListView(AdminPageMixin, ObjectListView):
    model = User
    title = pgettext_lazy("plural", "用户")
    filterset_class = UserFilterSet
    add_url = "/accounts/users/add/"
    row_actions_template = "accounts/_user_actions.html"
    columns = (
        Column("username", gettext_lazy("账号"), sort="username"),
        Column(lambda u: u.get_full_name(), gettext_lazy("姓名")),
        Column("person.name", gettext_lazy("对应人员")),
        Column(lambda u: pgettext("enumeration",
                                  "、").join(sorted({a.get_role_display() for a in u.role_assignments.all()})),
               gettext_lazy("角色")),
        Column("is_active", gettext_lazy("启用")),
        Column("must_change_password", gettext_lazy("待改初始密码")),
        Column("last_login", gettext_lazy("最近登录"), sort="last_login"),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("person").prefetch_related("role_assignments")


class UserCreateView(ScopedView):
    model = User
    template_name = "core/object_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.scope_q(User, "add") is None:
            raise PermissionDenied(_("您没有新增用户的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", UserCreateForm())
        ctx.update(title=_("新增用户"), hide_tree=True)
        return ctx

    def post(self, request, *args, **kwargs):
        form = UserCreateForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                user, password = services.create_account(request.user, d["username"], d["name"],
                                                         id_number=d["id_number"])
            except ValidationError as exc:
                ObjectFormView.add_validation_errors(form, exc)
            else:
                return _temporary_password_page(request, user, password, _("用户已创建"))
        return self.render_to_response(self.get_context_data(form=form))


class UserEditView(ObjectFormView):
    model = User
    form_class = UserEditForm
    success_message = gettext_lazy("用户信息已保存")

    def form_title(self):
        return _("修改用户：%(user)s") % {"user": self.object}

    def save(self, form):
        changes = form.changes()
        if form.cleaned_data.get("id_number"):
            changes["person"] = services.person_for_id_number(form.cleaned_data["id_number"], user=self.object)
        return services.update_user(self.request.user, self.object, changes,
                                    form.cleaned_data.get("expected_version"))

    def success_url(self, obj):
        return "/accounts/users/"


class UserResetPasswordView(ObjectActionView):
    model = User
    title = gettext_lazy("重置密码")
    confirm_text = (gettext_lazy("将为该账号生成新的临时密码（仅显示一次），其已登录的会话随即失效，"
                    "下次登录须修改密码。"))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            password = services.reset_password(request.user, self.object)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
            return self.render_to_response(self.get_context_data())
        return _temporary_password_page(request, self.object, password, _("密码已重置"))


class RoleAssignmentListView(AdminPageMixin, ObjectListView):
    model = RoleAssignment
    title = pgettext_lazy("plural", "角色授权")
    filterset_class = RoleAssignmentFilterSet
    add_url = "/accounts/assignments/add/"
    row_actions_template = "accounts/_assignment_actions.html"
    row_actions_action = "delete"
    columns = (
        Column("user.username", gettext_lazy("账号"), sort="user__username"),
        Column("role", gettext_lazy("角色"), sort="role"),
        Column(lambda a: a.organization.name if a.organization_id else _("全局"), gettext_lazy("组织")),
        Column("include_subtree", gettext_lazy("含下级组织")),
        Column("note", gettext_lazy("备注")),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("user", "organization")


class GrantView(ObjectFormView):
    model = RoleAssignment
    form_class = GrantForm
    success_message = gettext_lazy("已授予角色")

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def form_title(self):
        return _("授予角色")

    def save(self, form):
        d = form.cleaned_data
        return services.grant(self.request.user, d["user"], d["role"], d["organization"],
                              include_subtree=d["include_subtree"], note=d["note"])

    def success_url(self, obj):
        return "/accounts/assignments/"


class RevokeView(ObjectActionView):
    model = RoleAssignment
    title = gettext_lazy("撤销角色")
    permission_action = "delete"
    confirm_text = gettext_lazy("撤销后该账号立即失去此角色的全部权限。")

    def perform(self, form):
        services.revoke(self.request.user, self.object)
        return "/accounts/assignments/"
