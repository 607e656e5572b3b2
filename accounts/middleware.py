"""The gate: a login that must change its password, or confirm its second factor, does that first.

Browser requests are sent to the page that does it (only that page, logging out, switching the
language and static files pass); the API answers 403 with a code saying what is due.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import session

API_PREFIX = "/api/"


def is_verified(user) -> bool:
    """Whether this session confirmed a second factor (django-otp's middleware adds `is_verified`)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not hasattr(request, "session") or not (session.must_change(request) or session.needs_otp(request)):
            return self.get_response(request)  # the flags are set at login, in that login's session
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if session.must_change(request):
            return self._gate(
                request,
                ["accounts:password_change"],
                "password_change_required",
                _("Change your password before anything else."),
            )
        if session.needs_otp(request) and not is_verified(user):
            return self._gate(
                request,
                ["accounts:verify", "accounts:enrol"],
                "second_factor_required",
                _("Confirm your login with a second factor."),
            )
        return self.get_response(request)

    def _gate(self, request, pages, code, detail):
        always = ("logout", "set_language", "javascript-catalog")
        allowed = (*(reverse(name) for name in (*pages, *always)), settings.STATIC_URL)
        if request.path.startswith(allowed):
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"code": code, "detail": detail, "field": None}, status=403)
        return redirect(f"{reverse(pages[0])}?{urlencode({'next': request.get_full_path()})}")
