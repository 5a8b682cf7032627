from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from .registry import home_panels


@login_required
def home(request):
    panels = [panel(request) for panel in home_panels.all()]
    return render(request, "core/home.html", {"title": _("首页"), "panels": [p for p in panels if p]})
