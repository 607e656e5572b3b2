"""My in-app notifications (the bell), newest first, each in my language."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from notifications.inbox import inbox
from notifications.models import Notification
from notifications.texts import render

from ..errors import error_responses
from ..filters import ID
from ..serializers.items import Output
from .reference import Listed


class NotificationSerializer(Output):
    subject = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "item", "due_on", "subject", "body", "created_at", "read_at"]

    @extend_schema_field(serializers.CharField())
    def get_subject(self, notification):
        return self._message(notification).subject

    @extend_schema_field(serializers.CharField())
    def get_body(self, notification):
        return self._message(notification).body

    def _message(self, notification):
        if getattr(notification, "api_message", None) is None:
            notification.api_message = render(notification)
        return notification.api_message


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", help_text="Unread ones only.")
    item = django_filters.NumberFilter(field_name="item_id", help_text="An item's id.", **ID)

    class Meta:
        model = Notification
        fields = ["kind"]


class Notifications(Listed):
    queryset = Notification.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    @extend_schema(
        tags=["read"],
        summary="My notifications",
        responses={200: NotificationSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return inbox(self.request.user).order_by("-created_at", "-pk")
