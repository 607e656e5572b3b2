"""Admin for what was handed in. Items are never deleted, and their workflow fields change
only through the workflow services, so the admin shows those fields read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Category, Item, ItemProposer, Session


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ("label", "district", "body", "level", "year", "term", "number", "starts_on", "ends_on")
    list_filter = ("district", "body", "level", "year")
    search_fields = ("label",)


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "district", "sort_order", "is_active")
    list_filter = ("district", "is_active")
    list_editable = ("sort_order",)
    search_fields = ("name",)


class ItemProposerInline(admin.TabularInline):
    model = ItemProposer
    extra = 0
    fields = ("proposer", "is_lead", "sort_order")
    autocomplete_fields = ("proposer",)


class AttachmentInline(admin.TabularInline):
    """Read-only: files come in through the upload checks, and go out through the checked view."""

    model = Attachment
    extra = 0
    can_delete = False
    fields = ("download", "purpose", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, attachment):
        return format_html(
            '<a href="{}">{}</a>', reverse("items:attachment", args=[attachment.pk]), attachment.original_name
        )


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "district", "year", "body", "kind", "category", "review", "state", "is_key")
    list_filter = ("district", "year", "body", "kind", "review", "state", "is_key", "category")
    list_select_related = ("district", "category")
    search_fields = ("number", "title", "proposers__name")
    autocomplete_fields = ("session", "category")
    readonly_fields = (
        "review",
        "rejection_reason",
        "merged_into",
        "state",
        "round",
        "is_key",
        "supervising_leader",
        "closed_at",
        "is_imported",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("district", "year", "body", "kind", "number", "session", "category")}),
        (_("Content"), {"fields": ("title", "text", "submitted_on", "disclosure")}),
        (
            _("Workflow (changed by the workflow only)"),
            {"fields": readonly_fields},
        ),
    )
    inlines = [ItemProposerInline, AttachmentInline]

    def has_delete_permission(self, request, obj=None):
        return False
