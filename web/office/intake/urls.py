"""Placeholder until the intake screens land."""

app_name = "intake"
urlpatterns = []
