"""Admin views of handling records: read-only, because every change goes through `workflow.services`."""

from django.contrib import admin

from ..models import (
    Assignment,
    ClosingReport,
    Consultation,
    CoUnitOpinion,
    Event,
    Extension,
    Feedback,
    FollowUp,
    Reply,
)
from ..timeline import describe
from .readonly import ReadOnlyAdmin


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["item", "unit", "role", "state", "assigned_at", "accepted_at"]
    list_filter = ["role", "state", "item__district"]
    search_fields = ["item__number", "item__title", "unit__name"]
    list_select_related = ["item", "unit"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["item", "assignment", "round", "stage", "method", "held_on", "on_behalf"]
    list_filter = ["method", "stage", "on_behalf"]
    search_fields = ["item__number"]
    list_select_related = ["item", "assignment__unit", "assignment__item"]


@admin.register(CoUnitOpinion)
class CoUnitOpinionAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "round", "waived", "submitted_at"]
    list_filter = ["waived"]
    list_select_related = ["assignment__item", "assignment__unit"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "round", "kind", "state", "version", "category", "category_at_reply", "sent_at"]
    list_filter = ["state", "kind", "category__scheme"]
    search_fields = ["assignment__item__number", "assignment__item__title"]
    list_select_related = ["assignment__item", "assignment__unit", "category", "category_at_reply"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["item", "round", "proposer", "rating", "agrees", "praised", "on_behalf"]
    list_filter = ["agrees", "praised", "on_behalf"]
    list_select_related = ["item", "proposer", "rating"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["item", "reported_at", "converted_from", "converted_to"]
    list_select_related = ["item", "converted_from", "converted_to"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "requested_until", "state", "granted_until", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["assignment__item", "assignment__unit"]


@admin.register(ClosingReport)
class ClosingReportAdmin(ReadOnlyAdmin):
    list_display = ["item", "assignment", "submitted_at"]
    list_select_related = ["item", "assignment__unit", "assignment__item"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "item", "action", "text", "actor"]
    list_filter = ["action"]
    search_fields = ["item__number", "action"]
    list_select_related = ["item", "actor", "assignment__unit"]
    date_hierarchy = "at"

    @admin.display(description="")
    def text(self, obj):
        return describe(obj)
