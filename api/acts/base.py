"""The one shape of every act: fetch the object as the caller sees it, parse, call the service, answer.

    @act(ItemSerializer, summary="Register an item (立案)")
    class Register(Act):
        fetch = staticmethod(item_of)
        def perform(self, request, item, data):
            return register_item(actor=request.user, now=timezone.now(), item=item)

The object comes first, so a caller outside its scope learns nothing (404, not a 400 about the
body). The service decides everything else; its refusals are answered by `api.errors` (400 with
the service's code, 403, 404, 409). The act, with any files it stores, is one transaction.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from proposals.attachments import validate_upload
from proposals.models import Item
from workflow.models import Assignment, Extension
from workflow.selectors import get_item_for, item_scope, visible_replies

from ..errors import error_responses

# The path's `{id}`: Django's `int` converter takes no sign, so the schema says so too.
ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.PATH,
    description="The object's id (as the reads give it).",
)
REFUSALS = error_responses(400, 401, 403, 404, 409)


def now():
    return timezone.now()


def fresh(obj):
    """`obj` as the act left it (an act answering with the object it changed through another record)."""
    obj.refresh_from_db()
    return obj


# --- the objects acts are on, as the caller sees them (workflow.selectors) -----------------------------------


def item_of(user, pk) -> Item:
    return get_item_for(user, pk)


def _in_scope(user, queryset, item_path, pk):
    """One object of `queryset` whose item `user` may see; Http404 alike for missing and outside the scope."""
    scope = item_scope(user)
    found = None
    if scope is not None:
        found = queryset.filter(**{f"{item_path}__in": Item.objects.filter(scope)}, pk=pk).first()
    if found is None:
        raise Http404
    return found


def assignment_of(user, pk) -> Assignment:
    return _in_scope(user, Assignment.objects.select_related("item", "unit"), "item", pk)


def extension_of(user, pk) -> Extension:
    return _in_scope(user, Extension.objects.select_related("assignment__item"), "assignment__item", pk)


def reply_of(user, pk):
    """A reply the caller may read: another unit's draft is as absent as a missing one."""
    reply = visible_replies(user).select_related("assignment__item", "assignment__unit").filter(pk=pk).first()
    if reply is None:
        raise Http404
    return reply


def item_of_target(target):
    """The item an act's object belongs to (for serializers that read the item's scheme or district)."""
    if isinstance(target, Item):
        return target
    if isinstance(target, Assignment):
        return target.item
    return target.assignment.item


# --- uploads -----------------------------------------------------------------------------------------------------


class Upload(serializers.FileField):
    """A file checked against the attachment limits here, so a bad one is a 400 naming its field."""

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        try:
            validate_upload(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return upload


def uploads(**kwargs):
    """Several files under one multipart field name."""
    return serializers.ListField(child=Upload(), required=False, default=list, **kwargs)


# --- the view ----------------------------------------------------------------------------------------------------


class NoInput(serializers.Serializer):
    """An act that takes no input."""


class Act(APIView):
    """fetch → parse → perform → answer. Subclasses set `fetch`, `input` and `perform`; `@act` sets the answer."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    fetch = None  # (user, pk) -> the object, as the caller sees it
    input = NoInput
    output = None  # the output serializer (api.serializers)
    status_code = status.HTTP_200_OK
    many = False

    def parse(self, request, target, partial=False):
        context = {"request": request, "view": self}
        if target is not None:
            context["target"] = target
            context["item"] = item_of_target(target)
        parsed = self.input(data=request.data, context=context, partial=partial)
        parsed.is_valid(raise_exception=True)
        return parsed.validated_data

    def respond(self, request, pk, partial=False):
        """`pk`: the `{id}` of the path, None for an act on no object yet (receiving an item)."""
        target = type(self).fetch(request.user, pk) if pk is not None else None
        data = self.parse(request, target, partial=partial)
        with transaction.atomic():
            result = self.perform(request, target, data)
        body = self.output(result, many=self.many, context={"request": request}).data
        return Response(body, status=self.status_code)

    def post(self, request, id=None):  # the path's `{id}`, as the contract names it
        return self.respond(request, id)

    def perform(self, request, target, data):
        raise NotImplementedError


def act(output, *, summary, created=False, many=False, method="post"):
    """Document an act (request, answer, every refusal) and say what it answers with."""

    def decorate(cls):
        cls.output = output
        cls.many = many
        cls.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        request = None if cls.input is NoInput else {"application/json": cls.input, "multipart/form-data": cls.input}
        schema = extend_schema(
            methods=[method.upper()],
            summary=summary,
            description=(cls.__doc__ or "").strip(),
            request=request,
            parameters=[ID] if cls.fetch is not None else [],
            responses={cls.status_code: output(many=many) if many else output, **REFUSALS},
            tags=["acts"],
        )
        inherited = getattr(cls, method)

        def handler(self, request, *args, **kwargs):  # its own function: the schema is kept on it
            return inherited(self, request, *args, **kwargs)

        setattr(cls, method, schema(handler))
        return cls

    return decorate
