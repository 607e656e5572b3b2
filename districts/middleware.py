"""Request middleware for people: their language and the idle session timeout."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from audit.receivers import end_idle_session

_LAST_SEEN = "last_seen"
LAST_SEEN_GRANULARITY_SECONDS = 60


class LanguageMiddleware(LocaleMiddleware):
    """Chinese unless the person chose otherwise.

    The language switch (cookie) wins, then the user's own setting, then LANGUAGE_CODE.
    The browser's Accept-Language is not consulted: an office PC with an English Windows
    must still open the Chinese product.
    """

    def process_request(self, request):
        languages = dict(settings.LANGUAGES)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if language not in languages and user is not None and user.is_authenticated:
            language = user.language
        if language not in languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class IdleTimeoutMiddleware:
    """Ends a logged-in session after SESSION_IDLE_TIMEOUT_MINUTES without a request.

    The time of the last request is kept in the session, but written at most once a minute:
    writing it on every request would rewrite the session row on every page. So the clock runs
    from a request at most a minute before the last one, and a session ends after between
    SESSION_IDLE_TIMEOUT_MINUTES - 1 and SESSION_IDLE_TIMEOUT_MINUTES idle minutes, never later.
    The session's own expiry (SESSION_COOKIE_AGE from its last save) agrees.

    Logging in starts the clock in the session it creates (`start_idle_clock`, connected to
    `user_logged_in`), which the login saves anyway: the first pages after it write nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                end_idle_session(request)
                logout(request)
            elif last_seen is None or now - last_seen >= LAST_SEEN_GRANULARITY_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


def start_idle_clock(sender, request, user, **kwargs):
    """Receiver of `user_logged_in`: this session's idle clock starts at its login (per session, not per user)."""
    if request is not None and hasattr(request, "session"):
        request.session[_LAST_SEEN] = time.time()
