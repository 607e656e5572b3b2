"""The REST API, version 1 (`/api/v1/`)."""

from django.urls import include, path

from . import reports

app_name = "api"
urlpatterns = [
    path("reports/annual/", reports.AnnualReportView.as_view(), name="annual-report"),
    path("", include("api.acts.urls")),
]
