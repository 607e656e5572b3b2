"""The REST API, version 1 (`/api/v1/`): tokens, the read resources, the acts (`api.acts`), the report.

`items/` is two endpoints on one path: the list (GET, here) and receiving an item (POST, an act
of `api.acts`). Django routes by path alone, so a first pattern sends each method to its view;
the two views' own patterns stay below it, unreachable for the other's method, for the schema
generator to document each (it skips the plain function that dispatches).
"""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from . import auth, reports
from .acts import urls as acts
from .resources import items, notifications, reference


def by_method(route, get, patterns):
    """A view for `route`: GET (and any other method) to `get`, a method a pattern of `patterns` on it takes to that."""
    others = {}
    for pattern in patterns:
        if str(pattern.pattern) == route:
            view_class = pattern.callback.cls
            others.update({m: pattern.callback for m in view_class.http_method_names if hasattr(view_class, m)})
    others.pop("options", None)

    @csrf_exempt  # as every DRF view: SessionAuthentication checks the token itself
    def view(request, *args, **kwargs):
        return others.get(request.method.lower(), get)(request, *args, **kwargs)

    return view


item_list = items.Items.as_view()

app_name = "api"
urlpatterns = [
    path("auth/token/", auth.TokenLogin.as_view(), name="token"),
    path("auth/tokens/", auth.TokenList.as_view(), name="tokens"),
    path("auth/tokens/<str:token_id>/", auth.TokenRevoke.as_view(), name="token-revoke"),
    path("districts/", reference.Districts.as_view(), name="districts"),
    path("units/", reference.Units.as_view(), name="units"),
    path("sessions/", reference.Sessions.as_view(), name="sessions"),
    path("categories/", reference.Categories.as_view(), name="categories"),
    path("proposers/", reference.Proposers.as_view(), name="proposers"),
    path("items/", by_method("items/", item_list, acts.urlpatterns), name="items"),
    path("items/", item_list),
    path("items/<int:id>/", items.ItemDetail.as_view(), name="item"),
    path("notifications/", notifications.Notifications.as_view(), name="notifications"),
    path("reports/annual/", reports.AnnualReportView.as_view(), name="annual-report"),
    path("", include("api.acts.urls")),
]
