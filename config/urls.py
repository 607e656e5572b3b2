"""The site's addresses: the browser's pages (web) and the REST API (api), over the one core."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from web import home
from web.accounts import login as account_login

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", account_login.login, name="login"),  # limited per address (web/accounts/login.py)
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("web.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("office/", include("web.office.dashboard.urls")),
    path("items/", include("web.office.intake.urls")),
    path("", include("web.office.assigning.urls")),
    path("", include("web.office.decisions.urls")),
    path("", include("web.office.records.urls")),
    path("office/", include("web.office.people.urls")),
    path("", include("web.casefiles.urls")),
    path("units/", include("web.units.inbox.urls")),
    path("", include("web.units.handling.urls")),
    path("", include("web.units.replies.urls")),
    path("", include("web.units.approvals.urls")),
    path("items/", include("web.imports.urls")),
    path("items/", include("web.items.urls")),  # after the import: import/ is not an item
    path("my/submissions/", include("web.proposers.submissions.urls")),
    path("", include("web.outreach.urls")),  # 码上约: /q/ (public), /my/outreach/, /office/outreach/
    path("my/", include("web.proposers.items.urls")),
    path("office/submissions/", include("web.office.submissions.urls")),
    path("public/", include("web.portal.urls")),
    path("", include("web.disclosure.urls")),
    path("reports/", include("web.reports.urls")),
    path("notifications/", include("web.notifications.urls")),
    path("api/v1/", include("api.urls")),
    path("api/", include("api.docs")),
    path("admin/", admin.site.urls),
]
