from django.urls import path

from . import coverage_views, views, visit_views

app_name = "liaison"

urlpatterns = [
    # liaisons (views.py)
    path("", views.LiaisonListView.as_view(), name="liaison_list"),
    path("add/", views.LiaisonFormView.as_view(), name="liaison_add"),
    path("export/", views.LiaisonExportView.as_view(), name="liaison_export"),
    path("<int:pk>/", views.LiaisonDetailView.as_view(), name="liaison_detail"),
    path("<int:pk>/edit/", views.LiaisonFormView.as_view(), name="liaison_edit"),
    path("<int:pk>/end/", views.LiaisonEndView.as_view(), name="liaison_end"),
    path("<int:pk>/delete/", views.LiaisonDeleteView.as_view(), name="liaison_delete"),
    # visits and the problems they found (visit_views.py)
    path("visits/", visit_views.VisitListView.as_view(), name="visit_list"),
    path("visits/add/", visit_views.VisitFormView.as_view(), name="visit_add"),
    path("visits/export/", visit_views.VisitExportView.as_view(), name="visit_export"),
    path("visits/<int:pk>/", visit_views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", visit_views.VisitFormView.as_view(), name="visit_edit"),
    path("visits/<int:pk>/delete/", visit_views.VisitDeleteView.as_view(), name="visit_delete"),
    path("visits/<int:pk>/print/", visit_views.VisitPrintView.as_view(), name="visit_print"),
    path("visits/<int:pk>/problems/", visit_views.problem_add, name="problem_add"),
    path("problems/<int:pk>/resolve/", visit_views.ProblemResolveView.as_view(), name="problem_resolve"),
    path("problems/<int:pk>/reopen/", visit_views.ProblemReopenView.as_view(), name="problem_reopen"),
    path("problems/<int:pk>/task/", visit_views.ProblemTaskView.as_view(), name="problem_task"),
    # coverage (coverage_views.py)
    path("coverage/", coverage_views.CoverageView.as_view(), name="coverage"),
    path("coverage/print/", coverage_views.CoveragePrintView.as_view(), name="coverage_print"),
    path("dual-leader/<int:pk>/", coverage_views.DualLeaderView.as_view(), name="dual_leader"),
]
