"""`/account/`: one's account, the password change, the second factor's enrolment and check, a reset's password."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.enrol, name="enrol"),
    path("two-factor/verify/", views.verify, name="verify"),
    path("reset/<int:pk>/", views.admin_reset, name="admin_reset"),
    path("reset/done/", views.one_time_password, name="one_time_password"),
]
