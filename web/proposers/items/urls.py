"""A proposer's own pages under /my/: my items, and my feedback on a reply."""

from django.urls import path

from . import views

app_name = "my"

urlpatterns = [
    path("", views.my_items, name="items"),
    path("items/<int:pk>/feedback/", views.feedback, name="feedback"),
]
