"""Middleware of the front door: refusals a view left unhandled, and no caching of what is private."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views import defaults

from workflow.errors import WorkflowError

from .refusals import refusal_of


class RefusalMiddleware:
    """A workflow refusal that reached no form answers with its own status and page, never a 500.

    Views that show a form catch refusals themselves and put the reason beside the field
    (`web.actions`); this is the net under every other view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, WorkflowError):
            return None
        refusal = refusal_of(exception)
        if refusal.status == 404:
            return defaults.page_not_found(request, Http404())
        if refusal.status == 403:
            return defaults.permission_denied(request, PermissionDenied(refusal.detail))
        return render(request, "errors/refusal.html", {"refusal": refusal}, status=refusal.status)


class NoStoreMiddleware:
    """Nothing the site answers is kept by a browser or a proxy unless its view says so.

    Item pages, lists and downloads hold proposers' names and unpublished replies; a shared
    office PC's back button or a caching proxy must not show them to the next person. A
    public page that may be cached sets its own Cache-Control.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
