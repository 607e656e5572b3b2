from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from workflow import home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("items/", include("imports.urls")),
    path("items/", include("workflow.urls")),  # after imports.urls: import/ is not an item
    path("reports/", include("reports.urls")),
    path("api/v1/", include("config.api_urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
