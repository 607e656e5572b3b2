"""The bell's pages: one's notifications, marking them read, one's notification settings."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notification_read, name="read"),
    path("settings/", views.notification_settings, name="settings"),
]
