"""The spreadsheet import in the browser: upload and preview, confirm, and the template to fill in."""

from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/done/", views.import_done, name="import_done"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
