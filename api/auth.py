"""API tokens: log in for a token, list one's tokens, revoke one (django-rest-knox, hashed, several per user).

A token login is a login like the page's: django-axes counts its failures and locks the user
name out from that address after `AXES_FAILURE_LIMIT` of them (the same lockout as the login
page), and the `login` throttle limits how often one address may try at all. The token is shown
once, in the answer to the login; a list shows each token by the start of its hash, never the token.
"""

from django.contrib.auth import authenticate
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import passwords, secondfactor
from audit.log import Action, record

from .errors import error_responses

# How much of a token's hash names it in lists and in the revoking address.
ID_CHARS = 16


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = gettext_lazy("Too many failed logins: this account is locked for a while. Try again later.")


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class NewTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`. Shown only this once.")
    id = serializers.CharField(help_text="The token's id in the list of tokens.")
    expiry = serializers.DateTimeField(allow_null=True)


class TokenSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The start of the token's hash: names it, never reveals it.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="Whether this request was authenticated by this token.")


def _id(token):
    return token.digest[:ID_CHARS]


class TokenLogin(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        tags=["auth"],
        operation_id="auth_token_create",
        summary="Log in for a token",
        request=LoginSerializer,
        responses={201: NewTokenSerializer, **error_responses(400, 403, 429)},
        auth=[],
    )
    def post(self, request):
        params = LoginSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        django_request = request._request  # django-axes records the failure on it, keyed on the address
        user = authenticate(django_request, **params.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            # Answered here as JSON: otherwise AxesMiddleware would put the login page's lockout page in its place.
            django_request.axes_locked_out = False
            raise LockedOut()
        if user is None:
            wrong = _("The user name or password is not correct.")
            raise exceptions.ValidationError({"detail": [wrong]}, "login_failed")
        if passwords.must_change(user, timezone.now()):
            wanted = _("Change your password in the browser first.")
            raise exceptions.PermissionDenied(wanted, "password_change_required")
        if secondfactor.office_requires_otp(user):
            raise exceptions.PermissionDenied(
                _("Your district asks its office for a second factor: work in the browser, where you give it."),
                "second_factor_required",
            )
        token, secret = AuthToken.objects.create(user)
        record(action=Action.TOKEN_CREATED, user=user, obj=("knox.authtoken", _id(token), _id(token)))
        body = {"token": secret, "id": _id(token), "expiry": token.expiry}
        return Response(NewTokenSerializer(body).data, status=status.HTTP_201_CREATED)


def _mine(request):
    """The caller's tokens still valid (knox deletes an expired one only when it is next presented)."""
    return AuthToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=request.user)


class TokenList(APIView):
    @extend_schema(
        tags=["auth"],
        operation_id="auth_tokens_list",
        summary="My tokens",
        responses={200: TokenSerializer(many=True), **error_responses(401)},
    )
    def get(self, request):
        current = request.auth.digest if isinstance(request.auth, AuthToken) else None
        tokens = [
            {"id": _id(t), "created": t.created, "expiry": t.expiry, "current": t.digest == current}
            for t in _mine(request).order_by("-created", "digest")
        ]
        return Response(TokenSerializer(tokens, many=True).data)


class TokenRevoke(APIView):
    @extend_schema(
        tags=["auth"],
        operation_id="auth_tokens_destroy",
        summary="Revoke one of my tokens",
        responses={204: OpenApiResponse(description="Revoked."), **error_responses(401, 404)},
    )
    def delete(self, request, token_id):
        tokens = _mine(request).filter(digest__startswith=token_id) if len(token_id) == ID_CHARS else None
        if not tokens or len(tokens) != 1:
            raise exceptions.NotFound(_("You have no such token."))
        tokens[0].delete()
        record(action=Action.TOKEN_REVOKED, obj=("knox.authtoken", token_id, token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
