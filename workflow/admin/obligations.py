"""Obligations in the admin: shown with how each due date was computed, never edited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from deadlines.rules import explain
from workflow.models import Obligation

from .readonly import ReadOnly


@admin.register(Obligation)
class ObligationAdmin(ReadOnly, admin.ModelAdmin):
    """Obligations change only through the workflow; the admin shows them and how they were computed."""

    list_display = ("item", "kind", "round", "owner", "unit", "due_on", "provisional", "fulfilled_at", "on_time")
    list_filter = ("kind", "owner", "provisional", "on_time")
    search_fields = ("item__number", "item__title")
    date_hierarchy = "due_on"
    list_select_related = ("item", "unit")
    fields = (
        "item",
        "assignment",
        "kind",
        "round",
        "owner",
        "unit",
        "starts_on",
        "due_on",
        "explanation",
        "provisional",
        "fulfilled_at",
        "on_time",
        "cancelled_at",
        "next_remind_at",
        "calendar_version",
    )
    readonly_fields = fields

    @admin.display(description=_("how the due date was computed"))
    def explanation(self, obj):
        return explain(obj)
