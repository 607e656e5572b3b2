"""Report endpoints of the REST API."""

urlpatterns = []
