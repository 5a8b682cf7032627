import base64
import io

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.views import Column, ObjectListView

from . import services
from .filtersets import RoleAssignmentFilterSet, UserFilterSet
from .forms import LoginForm, PasswordChangeForm, TotpForm
from .models import RoleAssignment, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"hide_tree": True, "title": "登录"}


def _next(request, default="/"):
    target = request.GET.get("next") or request.POST.get("next") or default
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else default


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_password(request.user, request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改")
        return redirect(_next(request))
    return render(request, "accounts/password_change.html", {
        "form": form, "title": "修改密码", "hide_tree": True, "forced": request.user.must_change_password})


@login_required
def totp(request):
    """Second factor for administrators: enrol a TOTP device on first use, then verify each login."""
    device = TOTPDevice.objects.filter(user=request.user).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="默认", confirmed=False)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", "验证码不正确或已过期")
    qr = None
    if not device.confirmed:
        import qrcode
        import qrcode.image.svg

        img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = io.BytesIO()
        img.save(buffer)
        qr = base64.b64encode(buffer.getvalue()).decode()
    return render(request, "accounts/totp.html", {"form": form, "device": device, "qr": qr, "title": "二次验证",
                                                  "hide_tree": True,
                                                  "secret": base64.b32encode(device.bin_key).decode()})


class UserListView(ObjectListView):
    model = User
    title = "用户"
    filterset_class = UserFilterSet
    columns = (
        Column("username", "账号", sort="username"),
        Column(lambda u: u.get_full_name(), "姓名"),
        Column("person.name", "对应人员"),
        Column("is_active", "启用"),
        Column("must_change_password", "待改初始密码"),
        Column("last_login", "最近登录", sort="last_login"),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("person")


class RoleAssignmentListView(ObjectListView):
    model = RoleAssignment
    title = "角色授权"
    filterset_class = RoleAssignmentFilterSet
    columns = (
        Column("user.username", "账号", sort="user__username"),
        Column("role", "角色", sort="role"),
        Column(lambda a: a.organization.name if a.organization_id else "全局", "组织"),
        Column("include_subtree", "含下级组织"),
        Column("note", "备注"),
    )

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("user", "organization")
