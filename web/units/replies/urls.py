"""The lead unit's reply and follow-up, per lead assignment (a handler of two units picks the unit's)."""

from django.urls import path

from . import views

app_name = "replies"

urlpatterns = [
    path("units/assignments/<int:pk>/reply/", views.reply, name="reply"),
    path("units/assignments/<int:pk>/second-reply/", views.second_reply, name="second_reply"),
    path("units/assignments/<int:pk>/progress/", views.progress, name="progress"),
    path("units/assignments/<int:pk>/closing-report/", views.closing_report, name="closing_report"),
    path("units/replies/<int:pk>/versions/<int:number>/", views.version, name="version"),
]
