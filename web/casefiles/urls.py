"""Case files: `/items/<pk>/case-file/` (printable), `.pdf`, and bundles of a list under `/case-files/`."""

from django.urls import path

from . import views

app_name = "casefiles"

urlpatterns = [
    path("items/<int:pk>/case-file/", views.case_file, name="item"),
    path("items/<int:pk>/case-file.pdf", views.case_file_pdf, name="item_pdf"),
    path("case-files/", views.bundle_new, name="bundle_new"),
    path("case-files/<uuid:pk>/", views.bundle, name="bundle"),
    path("case-files/<uuid:pk>/download/", views.bundle_download, name="bundle_download"),
]
