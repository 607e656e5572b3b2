"""Notices shown to the people who keep the product running (admin pages, the office's landing page)."""

from django.contrib import messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from .calendar import missing_calendar_years


def can_load_schedule(user) -> bool:
    """Whoever may load a holiday schedule in the admin (the city administrator)."""
    return user.is_staff and user.has_perms(["deadlines.add_calendaryear", "deadlines.add_holiday"])


def warn_missing_years(request):
    """From 1 November, say that next year's official holiday schedule is not loaded yet.

    Told to whoever can act on it with a link to the admin's form that loads it; the office,
    which cannot, is told what it means for its due dates and who will fix it.
    """
    missing = missing_calendar_years(timezone.localdate())
    if not missing:
        return
    years = ", ".join(str(year) for year in missing)
    if can_load_schedule(request.user):
        messages.warning(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                gettext(
                    "No official holiday schedule for %(years)s: due dates there count Monday to Friday and are "
                    "provisional."
                )
                % {"years": years},
                reverse("admin:deadlines_calendaryear_load"),
                gettext("Load it"),
            ),
        )
    else:
        messages.info(
            request,
            gettext(
                "The official holiday schedule for %(years)s is not loaded yet: due dates there count Monday to "
                "Friday and are provisional until the city administrator loads it; they then move by themselves."
            )
            % {"years": years},
        )
