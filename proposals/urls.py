from django.urls import path

from . import import_views, views

app_name = "proposals"
urlpatterns = [
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("import/", import_views.import_upload, name="import"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
]
