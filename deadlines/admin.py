"""Admin for the clock: the holiday calendar and the deadline policies.

An edit of the calendar moves open due dates, so every save or delete here recomputes them
once the edit is committed, and tells the admin how many moved.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarYear, DeadlinePolicy, Holiday
from .notices import warn_missing_years
from .signals import announce_calendar_change


class RecomputeOnChange:
    """Recompute open obligations after the calendar edit is committed."""

    def _recompute_after_commit(self, request):
        def recompute():
            moved = announce_calendar_change(now=timezone.now(), actor=request.user)
            if moved:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d open deadline moved with the calendar.",
                        "%(count)d open deadlines moved with the calendar.",
                        moved,
                    )
                    % {"count": moved},
                    messages.WARNING,
                )

        transaction.on_commit(recompute)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._recompute_after_commit(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute_after_commit(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._recompute_after_commit(request)


@admin.register(Holiday)
class HolidayAdmin(RecomputeOnChange, SimpleHistoryAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_missing_years(request)
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(RecomputeOnChange, SimpleHistoryAdmin):
    list_display = ("year", "source", "loaded_at")
    readonly_fields = ("loaded_at",)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_missing_years(request)
        return super().changelist_view(request, extra_context)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(SimpleHistoryAdmin):
    list_display = ("district", "body", "session", "kind", "amount", "unit", "start", "fixed_date", "remind_before")
    list_filter = ("district", "body", "kind")
    autocomplete_fields = ("district",)
    raw_id_fields = ("session",)
