"""Placeholder until the people screens land."""

app_name = "people"
urlpatterns = []
