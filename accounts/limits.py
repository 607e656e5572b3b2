"""Login attempts per source address across user names (password spraying), for every login form.

django-axes locks one user name at one address after a few failures; spraying one password
over many names from one address never trips it. Every login POST from an address counts
against LOGIN_RATE_PER_ADDRESS (django-ratelimit, the shared cache), on the site's login page
and the admin's alike; beyond it the address is refused with the lockout page's words until
the window passes.
"""

import datetime as dt
import re

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _window(rate) -> dt.timedelta:
    """How long a rate's window lasts: "100/h" an hour, "20/5m" five minutes."""
    match = re.fullmatch(r"\d+/(\d*)([smhd])", rate)
    return dt.timedelta(seconds=int(match[1] or 1) * PERIODS[match[2]]) if match else dt.timedelta(hours=1)


def refuse_spraying(request):
    """The lockout page (429) when this login POST is over the address's limit, else None (and it is counted)."""
    rate = settings.LOGIN_RATE_PER_ADDRESS
    if request.method != "POST" or not is_ratelimited(
        request, group="login-per-address", key="ip", rate=rate, method="POST", increment=True
    ):
        return None
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_timedelta": _window(rate)}
    return render(request, "registration/locked_out.html", context, status=429)
