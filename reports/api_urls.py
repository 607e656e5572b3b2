"""Report endpoints of the REST API."""

from django.urls import path

from . import api

urlpatterns = [
    path("annual/", api.AnnualReportView.as_view(), name="api-annual-report"),
]
