"""The user's own notifications: list, open (marks read, then follows the link), mark all read."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Notification
from .notifications import mark_read


@login_required
def notification_list(request):
    qs = Notification.objects.restrict(request.user)
    if request.GET.get("unread"):
        qs = qs.unread()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notification_list.html", {
        "title": _("我的通知"), "page": page, "unread_only": bool(request.GET.get("unread")),
        "unread_total": Notification.objects.restrict(request.user).unread().count()})


@login_required
@require_POST
def notification_open(request, pk):
    try:
        notification = Notification.objects.restrict(request.user).get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404(_("未找到该记录")) from None
    mark_read(request.user, notification.pk)
    link = notification.link
    if request.POST.get("follow") and link and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(link)
    return redirect("accounts:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    mark_read(request.user)
    return redirect("accounts:notification_list")
