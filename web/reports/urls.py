"""Report pages (browser): the yearly figures, the unit table, the status bulletin and their files."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.annual, name="annual"),
    path("export/<str:fmt>/", views.annual_export, name="annual_export"),
    path("units/", views.units, name="units"),
    path("units/export/<str:fmt>/", views.units_export, name="units_export"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("bulletin/export/docx/", views.bulletin_export, name="bulletin_export"),
]
