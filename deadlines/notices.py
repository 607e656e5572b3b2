"""Notices shown to the people who keep the product running (admin pages, the office's home page)."""

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext

from .calendar import missing_calendar_years


def warn_missing_years(request):
    """From 1 November, warn that next year's official holiday schedule is not loaded yet."""
    missing = missing_calendar_years(timezone.localdate())
    if missing:
        messages.warning(
            request,
            gettext(
                "No official holiday schedule for %(years)s: due dates there count Monday to Friday and are "
                "provisional. Load it with “manage.py load_holidays” or add the dates under calendar "
                "exceptions in the administration."
            )
            % {"years": ", ".join(str(year) for year in missing)},
        )
