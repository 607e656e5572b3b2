"""Placeholder until the dashboard screens land."""

app_name = "dashboard"
urlpatterns = []
