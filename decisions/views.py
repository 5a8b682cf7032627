"""Matter pages (being built: the detail page first, so links and notifications resolve)."""
from django.urls import path

from core.views import ObjectDetailView

from .models import Matter


class MatterDetailView(ObjectDetailView):
    model = Matter


urlpatterns = [
    path("<int:pk>/", MatterDetailView.as_view(), name="matter_detail"),
]
