"""The office's assigning screens (included at the site's root): one item, the desk, reassigning, key items."""

from django.urls import path

from . import views

app_name = "assigning"

urlpatterns = [
    path("items/<int:pk>/assign/", views.assign_item, name="assign"),
    path("items/<int:pk>/key/", views.key_item, name="key"),
    path("assign/", views.assign_desk, name="desk"),
    path("assign/done/<str:batch>/", views.desk_done, name="desk_done"),
    path("assignments/<int:pk>/reassign/", views.reassign_assignment, name="reassign"),
]
