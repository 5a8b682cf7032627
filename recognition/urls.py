"""Each part of the recognition app keeps its routes with its views."""
from . import views, views_cycles, views_honors

app_name = "recognition"
urlpatterns = views.urlpatterns + views_cycles.urlpatterns + views_honors.urlpatterns
