"""Placeholder until the assigning screens land."""

app_name = "assigning"
urlpatterns = []
