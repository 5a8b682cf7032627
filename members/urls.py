from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("add/", views.PersonFormView.as_view(), name="person_add"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<int:pk>/edit/", views.PersonFormView.as_view(), name="person_edit"),
    path("<int:pk>/transfer/", views.PersonTransferView.as_view(), name="person_transfer"),
    path("<int:pk>/status/", views.PersonStatusView.as_view(), name="person_status"),
    path("memberships/", views.MembershipListView.as_view(), name="membership_list"),
    path("seats/add/<int:org>/", views.SeatFormView.as_view(), name="seat_add"),
    path("seats/<int:pk>/end/", views.end_seat, name="seat_end"),
]
