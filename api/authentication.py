"""How an API request is authenticated: a knox token (or the session, DRF's own), in the user's language.

Apart from `api.auth` (the token endpoints): DRF imports its authentication classes while
`rest_framework.views` loads, so this module imports no view.
"""

from django.conf import settings
from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token, and then the token's user's language, as `LanguageMiddleware` gives a session's user.

    The middleware runs before DRF authenticates a token, so it saw nobody: unless the language
    cookie chose, the answer is in the user's own language, not the site's default.
    """

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            user = found[0]
            if user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request._request.LANGUAGE_CODE = translation.get_language()
        return found


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's name and description of `TokenAuthentication` (drf-spectacular's knox scheme, for our subclass)."""

    target_class = "api.authentication.TokenAuthentication"
    name = "knoxApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A token from POST /api/v1/auth/token/, sent as `Token <token>`.",
        }
