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
    path("items/<int:pk>/handling/opinion/<int:opinion_id>/approve/", views.city_approve, name="city_approve"),
    path("items/<int:pk>/handling/opinion/<int:opinion_id>/send-back/", views.city_send_back, name="city_send_back"),
    path("items/<int:pk>/handling/opinion/<int:opinion_id>/sent/", views.city_record_sent, name="city_record_sent"),
    path("items/<int:pk>/handling/opinion/<int:opinion_id>/document/", views.city_document, name="city_document"),
    path("items/<int:pk>/handling/extension/", views.extension, name="extension"),
]
