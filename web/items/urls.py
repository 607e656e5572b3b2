"""Item pages: the list (`/items/`), the page every notification links to, its message form, attachment downloads."""

from django.urls import path

from . import attachments, listing, page

app_name = "items"

urlpatterns = [
    path("", listing.item_list, name="list"),
    path("<int:pk>/", page.item_detail, name="detail"),
    path("<int:pk>/messages/", page.item_message, name="message"),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment"),
]
