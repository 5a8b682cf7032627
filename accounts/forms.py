from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedModelForm
from orgs.models import Organization

from .lockout import locked_until
from .models import RoleAssignment, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误（连续失败 5 次将锁定 30 分钟）"),
        "inactive": _("该账号已停用"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            # Checked before the password, so a locked account reveals nothing about the password.
            until = locked_until(username)
            if until:
                raise forms.ValidationError(
                    _("登录失败次数过多，账号已锁定至 %(until)s，请稍后再试")
                    % {"until": f"{timezone.localtime(until):%H:%M}"},
                    code="locked")
        return super().clean()


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(label=_("当前密码"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password", "class": "form-control"}))
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("确认新密码")
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("当前密码不正确"))
        return value

    def clean_new_password1(self):
        value = self.cleaned_data["new_password1"]
        if self.user.check_password(value):
            raise forms.ValidationError(_("新密码不能与当前密码相同"))
        return value


class TotpForm(forms.Form):
    token = forms.CharField(label=_("动态验证码"), max_length=8, widget=forms.TextInput(
        attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}))


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


ID_NUMBER_HELP = _("可选。输入该账号对应人员的完整身份证号以关联（系统管理员无权浏览人员名单）")


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("账号"), max_length=150, regex=r"^[\w.@+-]+\Z",
                                error_messages={"invalid": _("账号只能包含字母、数字和 @ . + - _")})
    name = forms.CharField(label=_("姓名"), max_length=150)
    id_number = forms.CharField(label=_("对应人员身份证号"), max_length=18, required=False, help_text=ID_NUMBER_HELP)

    def __init__(self, *args, **kwargs):
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        _style(self)


class UserEditForm(VersionedModelForm):
    name = forms.CharField(label=_("姓名"), max_length=150)
    id_number = forms.CharField(label=_("关联人员身份证号"), max_length=18, required=False,
                                help_text=_("可选。留空则不改变现有关联"))

    class Meta:
        model = User
        fields = ["is_active"]
        labels = {"is_active": _("启用")}
        help_texts = {"is_active": _("停用后该账号不能登录，已登录的会话随即失效")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = self.instance.get_full_name()
        self.order_fields(["name", "is_active", "id_number"])

    def changes(self):
        changes = super().changes()
        if "name" in self.changed_data:
            changes.update(last_name=self.cleaned_data["name"], first_name="")
        return changes


class GrantForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "organization", "include_subtree", "note"]
        help_texts = {"organization": _("系统、安全、审计管理员为全局角色，不选择组织"),
                      "include_subtree": _("勾选则该角色覆盖所选组织及其全部下级组织")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.restrict(user, "view").filter(is_active=True)
        self.fields["organization"].queryset = Organization.objects.restrict(user, "view").filter(
            dissolved_on__isnull=True).order_by("path")
        self.fields["organization"].label_from_instance = lambda o: _("%(indent)s%(name)s（%(code)s）") % {
            "indent": "　" * o.depth, "name": o.name, "code": o.code}
        _style(self)

    def _post_clean(self):
        # The service validates the whole assignment (its clean() included) inside its transaction.
        pass
