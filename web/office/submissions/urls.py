"""The office's items handed in online, under /office/submissions/."""

from django.urls import path

from . import views

app_name = "office_submissions"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/register/", views.register, name="register"),
    path("invitations/<int:pk>/confirm/", views.confirm_for, name="confirm_for"),
]
