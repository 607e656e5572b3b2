"""The public REST API, version 1: each app adds its routes here."""

from django.urls import include, path

urlpatterns = [
    path("reports/", include("reports.api_urls")),
]
