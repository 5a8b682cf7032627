"""Each part of the decisions app keeps its routes in its own block below."""
from django.urls import path  # noqa: F401

app_name = "decisions"
urlpatterns = []

# --- matters, pre-review, branch opinions, decisions (decisions/views.py) ------------------------------
from . import views  # noqa: E402

urlpatterns += views.urlpatterns
