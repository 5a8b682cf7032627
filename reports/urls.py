"""Each part of the reports app keeps its routes in its own block below."""
from django.urls import path  # noqa: F401

app_name = "reports"
urlpatterns = []

# --- annual report, narrative draft, exports (reports/annual_views.py) --------------------------------
from . import annual_views  # noqa: E402

urlpatterns += annual_views.urlpatterns

# --- dashboard and its chart data (reports/dashboard_views.py) ------------------------------------------
from . import dashboard_views  # noqa: E402

urlpatterns += dashboard_views.urlpatterns
