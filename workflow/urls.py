"""The item page (`/items/<pk>/`), the address every notification links to, and its message form."""

from django.urls import path

from . import item_views

app_name = "items"

urlpatterns = [
    path("<int:pk>/", item_views.item_detail, name="detail"),
    path("<int:pk>/messages/", item_views.item_message, name="message"),
]
