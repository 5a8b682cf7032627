from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Action
from audit.services import record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(user, Action.LOGIN, model="accounts.user", object_id=user.pk, object_repr=user.username)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(user, Action.LOGOUT, model="accounts.user", object_id=user.pk, object_repr=user.username)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    record(None, Action.LOGIN_FAILED, model="accounts.user", object_repr=username)
