"""Who acts and from where, for code deep below the request: the request in flight, or the actor a command names.

`AuditContextMiddleware` keeps the request for the audit log; `acting_as(actor)` (the workflow
verbs, commands, tasks, the demo) names the actor for the audit log and for simple-history's
`history_user`, which otherwise reads only a request's user.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace

from axes.helpers import get_client_ip_address
from simple_history.models import HistoricalRecords

_request = ContextVar("audit_request", default=None)
_actor = ContextVar("audit_actor", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_request():
    return _request.get()


def current_actor():
    """The actor named by `acting_as`, else the request's logged-in user (DRF sets it on token login), else None."""
    actor = _actor.get()
    if actor is not None:
        return actor
    user = getattr(_request.get(), "user", None)
    return user if user is not None and user.is_authenticated else None


def client_address(request=None):
    """The client's address as django-axes reads it (TRUSTED_PROXY_COUNT: X-Forwarded-For behind proxies)."""
    request = request or _request.get()
    return get_client_ip_address(request) if request is not None else None


@contextmanager
def acting_as(actor):
    """Within: audit rows and simple-history rows name `actor` (a user, or None to leave them as they are)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    token = _actor.set(actor)
    history = HistoricalRecords.context
    had, before = hasattr(history, "request"), getattr(history, "request", None)
    history.request = SimpleNamespace(user=actor, META=getattr(before, "META", {}))
    try:
        yield
    finally:
        _actor.reset(token)
        if had:
            history.request = before
        else:
            del history.request


def names_actor(verb):
    """Decorator of a service taking `actor=`: its audit and history rows name that actor, from any entry point."""

    @functools.wraps(verb)
    def run(*args, **kwargs):
        with acting_as(kwargs.get("actor")):
            return verb(*args, **kwargs)

    return run
