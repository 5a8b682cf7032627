from django.urls import path

from . import import_views as views

app_name = "imports"
urlpatterns = [
    path("<slug:kind>/", views.UploadView.as_view(), name="upload"),
    path("<slug:kind>/template/", views.TemplateDownloadView.as_view(), name="template"),
    path("<slug:kind>/<int:pk>/", views.PreviewView.as_view(), name="preview"),
    path("<slug:kind>/<int:pk>/commit/", views.CommitView.as_view(), name="commit"),
    path("<slug:kind>/<int:pk>/rollback/", views.RollbackView.as_view(), name="rollback"),
]
