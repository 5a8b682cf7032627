"""Each part of the meetings app keeps its routes in its own block below."""
from django.urls import path  # noqa: F401

app_name = "meetings"
urlpatterns = []

# --- meetings, campaigns, central group, my meetings, print (meetings/views.py) ---------------------

# --- compliance calendar (meetings/compliance_views.py) --------------------------------------------

# --- imports / exports (meetings/imports.py registers with core.imports) ---------------------------
