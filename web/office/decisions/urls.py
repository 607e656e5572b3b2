"""Placeholder until the decisions screens land."""

app_name = "decisions"
urlpatterns = []
