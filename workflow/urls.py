"""The item list (`/items/`), the item page (`/items/<pk>/`) every notification links to, and its message form."""

from django.urls import path

from . import item_views, list_views

app_name = "items"

urlpatterns = [
    path("", list_views.item_list, name="list"),
    path("<int:pk>/", item_views.item_detail, name="detail"),
    path("<int:pk>/messages/", item_views.item_message, name="message"),
]
