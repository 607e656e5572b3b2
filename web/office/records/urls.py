"""The office's records of an item: feedback and consultations on someone's behalf, waivers, closing, corrections."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("items/<int:pk>/records/feedback/", views.feedback, name="feedback"),
    path("items/<int:pk>/records/consultation/", views.consultation, name="consultation"),
    path("items/<int:pk>/records/consultation-waiver/", views.consultation_waiver, name="consultation_waiver"),
    path("items/<int:pk>/records/opinion-waiver/", views.opinion_waiver, name="opinion_waiver"),
    path("items/<int:pk>/records/close/", views.close, name="close"),
    path("items/<int:pk>/records/correction/", views.item_correction, name="item_correction"),
    path("items/<int:pk>/records/reply-correction/", views.reply_correction, name="reply_correction"),
]
