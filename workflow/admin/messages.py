"""Admin view of the conversations between proposers and units: read-only, as `send_message` alone writes them."""

from django.contrib import admin

from ..models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "item", "unit", "sender", "author"]
    list_filter = ["sender", "item__district", "created_at"]
    search_fields = ["item__number", "item__title", "unit__name", "text"]
    date_hierarchy = "created_at"
    list_select_related = ["item", "unit", "author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
