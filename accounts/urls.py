from django.contrib.auth import views as auth_views
from django.urls import path

from . import notification_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("totp/", views.totp, name="totp"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserCreateView.as_view(), name="user_add"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/reset-password/", views.UserResetPasswordView.as_view(), name="user_reset_password"),
    path("assignments/", views.RoleAssignmentListView.as_view(), name="assignment_list"),
    path("assignments/add/", views.GrantView.as_view(), name="assignment_add"),
    path("assignments/<int:pk>/revoke/", views.RevokeView.as_view(), name="assignment_revoke"),
    # notifications (accounts/notification_views.py)
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification_open"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
]
