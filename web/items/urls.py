"""Item pages: the list (`/items/`), its Excel export and its ticked rows sent on to the assignment desk,
the page every notification links to, its message form, attachment downloads."""

from django.urls import path

from . import attachments, export, listing, page

app_name = "items"

urlpatterns = [
    path("", listing.item_list, name="list"),
    path("export.xlsx", export.item_export, name="export"),
    path("assign/", listing.assign_ticked, name="assign_ticked"),
    path("<int:pk>/", page.item_detail, name="detail"),
    path("<int:pk>/messages/", page.item_message, name="message"),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment"),
]
