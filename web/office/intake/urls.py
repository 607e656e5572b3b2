"""The office's intake, under /items/: register an item handed in on paper, review it."""

from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("new/", views.receive, name="new"),
    path("new/record/", views.receive_submit, name="record"),
    path("new/number/", views.number_field, name="number"),
    path("new/proposers/", views.proposer_search, name="proposers"),
    path("new/proposers/<int:pk>/", views.proposer_pick, name="proposer"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/register/", views.review_register, name="register"),
    path("<int:pk>/review/reject/", views.review_reject, name="reject"),
    path("<int:pk>/review/merge/", views.review_merge, name="merge"),
    path("<int:pk>/review/candidates/", views.merge_search, name="candidates"),
]
