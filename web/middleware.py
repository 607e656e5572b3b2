"""Front-door middleware: refusals a view left unhandled, no caching of what is private, the Permissions-Policy."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views import defaults

from workflow.errors import WorkflowError

from .refusals import refusal_of, write_deferred_refusals


class RefusalMiddleware:
    """A workflow refusal that reached no form answers with its own status and page, never a 500.

    Views that show a form catch refusals themselves and put the reason beside the field
    (`web.actions`); this is the net under every other view. A view's own `Http404` (a
    `get_object_or_404`) or `PermissionDenied` is answered by Django's handlers, but first written
    to the audit log like every refusal when a logged-in user met it (once: `refusal_of` marks
    it); an anonymous visitor's 404s are the web's noise, not a person refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        write_deferred_refusals(request)  # met inside an act's transaction, which may have rolled back
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, (Http404, PermissionDenied)):
            if request.user.is_authenticated:
                refusal_of(exception)  # the audit row; Django's handler answers
            return None
        if not isinstance(exception, WorkflowError):
            return None
        refusal = refusal_of(exception)
        if refusal.status == 404:
            return defaults.page_not_found(request, Http404())
        if refusal.status == 403:
            return defaults.permission_denied(request, PermissionDenied(refusal.detail))
        return render(request, "errors/refusal.html", {"refusal": refusal}, status=refusal.status)


class NoStoreMiddleware:
    """Nothing private is kept by a browser or a proxy: every answer to a logged-in user, every download.

    Item pages, lists and downloads hold proposers' names and unpublished replies; a shared
    office PC's back button or a caching proxy must not show them to the next person. So an
    answer to a logged-in user (a session or an API token) and any file sent as an attachment
    is `no-store`, whatever its view said (a public page also shows who is logged in). Anonymous
    readers of a public page that may be cached get that page's own Cache-Control; any other
    answer is `no-store` too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if private(request, response) or not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response


def private(request, response) -> bool:
    """Whether the answer is for one reader: a download, or any answer to a logged-in user."""
    if response.get("Content-Disposition", "").startswith("attachment"):
        return True
    if "HTTP_AUTHORIZATION" in request.META:  # an API token: DRF authenticates inside the view
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


# Browser features no page of the site uses, refused to every page and to anything a page embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy`: a page (or a script injected into one) cannot turn on the camera, microphone, ….

    The Content-Security-Policy is django-csp's (`CONTENT_SECURITY_POLICY` in the settings).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
