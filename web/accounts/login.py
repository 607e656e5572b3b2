"""The login page, limited per source address across user names (`accounts.limits`)."""

from django.contrib.auth import views as auth_views

from accounts.limits import refuse_spraying

login_view = auth_views.LoginView.as_view(redirect_authenticated_user=True)


def login(request, *args, **kwargs):
    return refuse_spraying(request) or login_view(request, *args, **kwargs)
