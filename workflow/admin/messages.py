"""Admin view of the conversations between proposers and units: read-only, as `send_message` alone writes them."""

from django.contrib import admin

from ..models import Message
from .readonly import ReadOnly


@admin.register(Message)
class MessageAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "item", "unit", "sender", "author"]
    list_filter = ["sender", "item__district", "created_at"]
    search_fields = ["item__number", "item__title", "unit__name", "text"]
    date_hierarchy = "created_at"
    list_select_related = ["item", "unit", "author"]
