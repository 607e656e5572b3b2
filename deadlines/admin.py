"""Admin for the clock: the holiday calendar and the deadline policies.

An edit of the calendar moves open due dates, so every save or delete here recomputes them
once the edit is committed, and tells the admin how many moved. The calendar years' list has
a form to load a year's official schedule (a State Council CSV, or the chinesecalendar
package), what `manage.py load_holidays` does, so nobody needs a shell for it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .calendar import ScheduleError, package_schedule, package_source, read_schedule_csv
from .loading import load_schedule
from .models import CalendarYear, DeadlinePolicy, Holiday
from .notices import warn_missing_years
from .signals import announce_calendar_change

MAX_SCHEDULE_BYTES = 200_000  # a year's schedule is a few dozen lines


class ScheduleForm(forms.Form):
    """A schedule file (date,kind,name per line), or a year to take from the chinesecalendar package."""

    file = forms.FileField(
        label=_("Schedule file (CSV)"),
        required=False,
        help_text=_(
            "One line per date: date,kind,name — kind is “holiday” or “workday” (调休), e.g. 2027-02-06,holiday,春节"
        ),
    )
    year = forms.IntegerField(
        label=_("Or this year from the chinesecalendar package"), required=False, min_value=2004, max_value=2100
    )

    def clean(self):
        data = super().clean()
        upload, year = data.get("file"), data.get("year")
        if bool(upload) == bool(year):
            raise forms.ValidationError(_("Choose a schedule file or a year from the package, not both."))
        if upload:
            data["schedule"], data["source"] = self._read(upload), gettext("file %(name)s") % {"name": upload.name}
        else:
            data["schedule"] = package_schedule(years={year})
            data["source"] = package_source()
            if not data["schedule"]:
                self.add_error(
                    "year",
                    gettext(
                        "The chinesecalendar package has no %(year)s data yet: load the official schedule as a file."
                    )
                    % {"year": year},
                )
        return data

    def _read(self, upload):
        if upload.size > MAX_SCHEDULE_BYTES:
            raise forms.ValidationError(_("The file is too large for a holiday schedule."), code="size")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text: save it as CSV (UTF-8)."), code="encoding"
            ) from None
        try:
            schedule = read_schedule_csv(text.splitlines())
        except ScheduleError as exc:
            raise forms.ValidationError(
                [
                    gettext("line %(line)s: %(message)s") % {"line": line, "message": message}
                    for line, message in exc.errors
                ]
            ) from None
        if not schedule:
            raise forms.ValidationError(_("The file lists no dates."), code="empty")
        return schedule


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
    change_list_template = "admin/deadlines/calendaryear/change_list.html"

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_missing_years(request)
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        load = self.admin_site.admin_view(self.load_view)
        return [path("load/", load, name="deadlines_calendaryear_load"), *super().get_urls()]

    def load_view(self, request):
        """Load a year's official schedule and move open due dates with it."""
        if not (self.has_add_permission(request) and request.user.has_perm("deadlines.add_holiday")):
            raise PermissionDenied
        form = ScheduleForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            schedule = form.cleaned_data["schedule"]
            rows, moved = load_schedule(
                schedule, source=form.cleaned_data["source"], now=timezone.now(), actor=request.user
            )
            years = ", ".join(str(year) for year in sorted(schedule))
            self.message_user(
                request,
                gettext("Loaded %(rows)d dates for %(years)s; %(moved)d open due dates moved.")
                % {"rows": rows, "years": years, "moved": moved},
                messages.SUCCESS,
            )
            return redirect("admin:deadlines_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Load an official holiday schedule"),
            "form": form,
        }
        return TemplateResponse(
            request, "admin/deadlines/calendaryear/load.html", context, status=400 if form.errors else 200
        )


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(SimpleHistoryAdmin):
    list_display = ("district", "body", "session", "kind", "amount", "unit", "start", "fixed_date", "remind_before")
    list_filter = ("district", "body", "kind")
    autocomplete_fields = ("district",)
    raw_id_fields = ("session",)
