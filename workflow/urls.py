"""Item pages: the list (`/items/`), the page every notification links to, its message form, attachment downloads."""

from django.urls import path

from . import attachment_views, item_views, list_views

app_name = "items"

urlpatterns = [
    path("", list_views.item_list, name="list"),
    path("<int:pk>/", item_views.item_detail, name="detail"),
    path("<int:pk>/messages/", item_views.item_message, name="message"),
    path("attachments/<int:pk>/", attachment_views.attachment_download, name="attachment"),
]
