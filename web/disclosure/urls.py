"""依申请公开: the public's request for a reply (linked from the portal) and the office's queue of them."""

from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("public/items/<int:pk>/request/", views.request_form, name="request"),
    path("public/items/<int:pk>/request/sent/", views.request_sent, name="request_sent"),
    path("office/disclosure/", views.queue, name="queue"),
    path("office/disclosure/<int:pk>/", views.decide, name="decide"),
    path("office/disclosure/<int:pk>/resend/", views.resend, name="resend"),
]
