"""A handling unit's acts on its assignment, each on its own page linked from the item page's panel."""

from django.urls import path

from . import views

app_name = "handling"

urlpatterns = [
    path("items/<int:pk>/handling/accept/", views.accept, name="accept"),
    path("items/<int:pk>/handling/return/", views.return_, name="return"),
    path("items/<int:pk>/handling/consultation/", views.consultation, name="consultation"),
    path("items/<int:pk>/handling/consultation-declined/", views.consultation_waiver, name="consultation_waiver"),
    path("items/<int:pk>/handling/opinion/", views.opinion, name="opinion"),
    path("items/<int:pk>/handling/extension/", views.extension, name="extension"),
]
