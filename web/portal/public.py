"""What every portal page does alike: no login, a limit per address, and a cacheable answer.

A page is the same for every reader (it shows nothing but what is published), so a proxy may
keep it for a few minutes; the language comes from a cookie, hence `Vary: Cookie`. An address
asking too often gets the translated 429 page instead (`web.limits`).
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from web.limits import too_often

DEFAULT_RATE = "120/m"


def public_page(max_age):
    """Rate-limit the view per address and let its successful answers be cached for `max_age` seconds."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if too_often(request, group="portal", rate=getattr(settings, "PORTAL_RATE_LIMIT", DEFAULT_RATE)):
                response = render(request, "portal/429.html", status=429)
                response["Retry-After"] = "60"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=max_age)
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorate
