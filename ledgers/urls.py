"""Each part of the ledgers app keeps its routes in its own block below."""
from django.urls import path  # noqa: F401

app_name = "ledgers"
urlpatterns = []

# --- ledgers, directives, sections, duties, print (ledgers/views.py) ---------------------------------
from . import views  # noqa: E402

urlpatterns += views.urlpatterns

# --- tasks, progress, evidence, timeline, follow-up page (ledgers/task_views.py) ----------------------
from . import task_views  # noqa: E402

urlpatterns += task_views.urlpatterns

# --- Excel export in the 台账 layout (ledgers/export_views.py; the import registers with core.imports) ---
from . import export_views  # noqa: E402

urlpatterns += export_views.urlpatterns
