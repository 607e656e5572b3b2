"""The bell's pages: one's notifications, marking them read, one's notification settings."""

from django.urls import path

from . import notification_views

app_name = "notifications"

urlpatterns = [
    path("", notification_views.notification_list, name="list"),
    path("read/", notification_views.notification_read, name="read"),
    path("settings/", notification_views.notification_settings, name="settings"),
]
