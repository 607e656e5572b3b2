"""The approvers' addresses: the unit head's under units/approvals/, the district leader's under leader/."""

from django.urls import path

from . import queues, views

app_name = "approvals"

urlpatterns = [
    path("units/approvals/", queues.head_queue, name="head_queue"),
    path("units/approvals/<int:pk>/", views.head_review, name="head_review"),
    path("units/approvals/<int:pk>/approve/", views.approve, name="approve"),
    path("units/approvals/<int:pk>/send-back/", views.head_send_back, name="head_send_back"),
    path("leader/", queues.leader_queue, name="leader_queue"),
    path("leader/replies/<int:pk>/", views.leader_review, name="leader_review"),
    path("leader/replies/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("leader/replies/<int:pk>/send-back/", views.leader_send_back, name="leader_send_back"),
    path("leader/items/<int:pk>/instruction/", views.instruction, name="instruction"),
]
