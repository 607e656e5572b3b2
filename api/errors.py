"""Every API error is `{"code", "detail", "field"}`, in the caller's language, with the browser's statuses.

Workflow refusals go through the front door's one mapping (`web.refusals.refusal_of`); DRF's
own errors (bad parameters, not logged in, throttled) are put in the same shape. A bad
request that names several fields keeps them all under `errors`, `field` naming the first.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from web.refusals import audit_refusal, refusal_of
from workflow.errors import WorkflowError


def exception_handler(exc, context):
    if isinstance(exc, WorkflowError | Http404 | PermissionDenied):
        refusal = refusal_of(exc)
        body = {"code": refusal.code, "detail": refusal.detail, "field": refusal.field}
        return Response(body, status=refusal.status)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = _body(exc)
    audit_refusal(exc, response.status_code, response.data["code"])
    return response


def _body(exc):
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        errors = {field: [str(m) for m in _messages(messages)] for field, messages in exc.detail.items()}
        codes = exc.get_codes()
        field, first = next(iter(errors.items()), (None, [""]))
        code = _first(codes.get(field)) if isinstance(codes, dict) else "invalid"
        return {
            "code": code or "invalid",
            "detail": first[0] if first else "",
            "field": None if field in ("non_field_errors", "detail") else field,
            "errors": errors,
        }
    if isinstance(exc.detail, list):
        return {"code": _first(exc.get_codes()) or "invalid", "detail": str(exc.detail[0]), "field": None}
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    if exc.status_code == status.HTTP_404_NOT_FOUND:
        code = "not_found"
    return {"code": code, "detail": str(exc.detail), "field": None}


def _messages(value):
    if isinstance(value, dict):
        return [m for inner in value.values() for m in _messages(inner)]
    if isinstance(value, list):
        return [m for inner in value for m in _messages(inner)]
    return [value]


def _first(codes):
    while isinstance(codes, list | dict):
        codes = next(iter(codes.values() if isinstance(codes, dict) else codes), None)
    return codes


@extend_schema_serializer(component_name="ApiError")
class ErrorSerializer(serializers.Serializer):
    """The one error shape, for the schema."""

    code = serializers.CharField(help_text="Stable, for programs: e.g. not_found, not_allowed, invalid, reply_sent.")
    detail = serializers.CharField(help_text="For people, in the caller's language.")
    field = serializers.CharField(allow_null=True, help_text="The parameter or field at fault, if one is.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Bad input only: every field at fault with its messages.",
    )


ERRORS = {
    400: "Bad input, or the object's state does not allow it (the service's reason and code).",
    401: "Not logged in: no session and no valid token.",
    403: "The caller's role does not allow it.",
    404: "No such object within the caller's scope (never says whether another district's exists).",
    409: "Someone else acted first.",
    429: "Too many requests (the login throttle) or too many failed logins (the lockout).",
}


def error_responses(*statuses):
    """`extend_schema(responses=...)` entries for these error statuses, each in the one error shape."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERRORS[code]) for code in statuses}
