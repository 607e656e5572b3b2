"""A proposer's items handed in online, under /my/submissions/."""

from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("new/create/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/files/", views.add_file, name="add_file"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/hand-in/", views.hand_in, name="hand_in"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("invitations/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("invitations/<int:pk>/decline/", views.decline, name="decline"),
]
