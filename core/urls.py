from django.urls import path

from . import figure_views, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("figures/", figure_views.FigureIndexView.as_view(), name="figures"),
    path("figures/<str:code>/", figure_views.FigureDetailView.as_view(), name="figure_detail"),
]
