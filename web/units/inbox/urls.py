"""The handling units' inbox, their landing page (`/units/`)."""

from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
]
