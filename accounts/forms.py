from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils import timezone

from .lockout import locked_until


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误（连续失败 5 次将锁定 30 分钟）",
        "inactive": "该账号已停用",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            # Checked before the password, so a locked account reveals nothing about the password.
            until = locked_until(username)
            if until:
                raise forms.ValidationError(
                    f"登录失败次数过多，账号已锁定至 {timezone.localtime(until):%H:%M}，请稍后再试",
                    code="locked")
        return super().clean()


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(label="当前密码", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password", "class": "form-control"}))
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "确认新密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("当前密码不正确")
        return value

    def clean_new_password1(self):
        value = self.cleaned_data["new_password1"]
        if self.user.check_password(value):
            raise forms.ValidationError("新密码不能与当前密码相同")
        return value


class TotpForm(forms.Form):
    token = forms.CharField(label="动态验证码", max_length=8, widget=forms.TextInput(
        attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}))
