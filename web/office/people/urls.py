"""The district's units and people, kept by its office: `/office/units/`, `/office/people/`, `/office/proposers/`."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("units/<int:pk>/", views.unit_edit, name="unit"),
    path("people/", views.people, name="list"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/end/", views.deactivate, name="deactivate"),
    path("people/<int:pk>/restore/", views.reactivate, name="reactivate"),
    path("people/<int:pk>/move/", views.move, name="move"),
    path("people/<int:pk>/reset-password/", views.reset_password, name="reset_password"),
    path("proposers/", views.proposers, name="proposers"),
    path("proposers/<int:pk>/login/", views.proposer_login, name="proposer_login"),
]
