from django.urls import path

from . import config, views

app_name = "orgs"
urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("add/", views.OrganizationFormView.as_view(), name="organization_add"),
    path("tree/", views.TreeView.as_view(), name="tree"),
    path("units/", config.UnitListView.as_view(), name="unit_list"),
    path("units/add/", config.UnitFormView.as_view(), name="unit_add"),
    path("units/<int:pk>/edit/", config.UnitFormView.as_view(), name="unit_edit"),
    path("rules/", config.RuleVersionListView.as_view(), name="rule_list"),
    path("rules/add/", config.RuleVersionFormView.as_view(), name="rule_add"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("<int:pk>/edit/", views.OrganizationFormView.as_view(), name="organization_edit"),
    path("<int:pk>/move/", views.OrganizationMoveView.as_view(), name="organization_move"),
    path("<int:pk>/dissolve/", views.OrganizationDissolveView.as_view(), name="organization_dissolve"),
    path("<int:pk>/delete/", views.OrganizationDeleteView.as_view(), name="organization_delete"),
    path("<int:org>/terms/add/", views.TermFormView.as_view(), name="term_add"),
    path("<int:pk>/election/", views.ElectionView.as_view(), name="election"),
]
