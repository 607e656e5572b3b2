"""Ends a logged-in session after SESSION_IDLE_TIMEOUT_MINUTES without a request."""

import time

from django.conf import settings
from django.contrib.auth import logout

_KEY = "last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
            else:
                request.session[_KEY] = now
        return self.get_response(request)
