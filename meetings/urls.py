"""Each part of the meetings app keeps its routes in its own block below."""
from django.urls import path  # noqa: F401

app_name = "meetings"
urlpatterns = []

# --- meetings, campaigns, central group, my meetings, print (meetings/views.py) ---------------------
from . import views  # noqa: E402

urlpatterns += [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("add/", views.MeetingFormView.as_view(), name="meeting_add"),
    path("attendance-grid/", views.AttendanceGridView.as_view(), name="attendance_grid"),
    path("mine/", views.MyMeetingsView.as_view(), name="mine"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/edit/", views.MeetingFormView.as_view(), name="meeting_edit"),
    path("<int:pk>/delete/", views.MeetingDeleteView.as_view(), name="meeting_delete"),
    path("<int:pk>/print/", views.MeetingPrintView.as_view(), name="meeting_print"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/add/", views.CampaignFormView.as_view(), name="campaign_add"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.CampaignFormView.as_view(), name="campaign_edit"),
    path("roster/<int:org>/", views.RosterView.as_view(), name="roster"),
    path("roster/entries/<int:pk>/end/", views.RosterEndView.as_view(), name="roster_end"),
]

# --- compliance calendar (meetings/compliance_views.py) --------------------------------------------
from . import compliance_views  # noqa: E402

urlpatterns += [
    path("compliance/", compliance_views.ComplianceView.as_view(), name="compliance"),
]

# --- imports / exports (meetings/imports.py registers with core.imports) ---------------------------
from . import export_views  # noqa: E402

urlpatterns += [
    path("export/", export_views.export_meetings, name="meeting_export"),
]

# --- files (meetings/files.py) ---------------------------------------------------------------------
from . import file_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/files/upload/", file_views.upload, name="file_upload"),
    path("files/<int:pk>/", file_views.download, name="file_download"),
    path("files/<int:pk>/delete/", file_views.FileDeleteView.as_view(), name="file_delete"),
]
