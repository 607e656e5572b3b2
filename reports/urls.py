"""Report pages (browser)."""

app_name = "reports"
urlpatterns = []
