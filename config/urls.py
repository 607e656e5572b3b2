from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from districts import views as district_views

urlpatterns = [
    path("", district_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("items/", include("proposals.urls")),
    path("items/", include("workflow.urls")),  # after proposals.urls: import/ and attachments/ come first
    path("reports/", include("reports.urls")),
    path("api/v1/", include("config.api_urls")),
    path("notifications/", include("workflow.notification_urls")),
    path("admin/", admin.site.urls),
]
