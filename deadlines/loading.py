"""Loading the official holiday schedule: what `manage.py load_holidays` and the admin's form both do.

The State Council publishes next year's schedule in the autumn; the `chinesecalendar` package
follows some weeks later. Until a year is loaded its due dates count Monday to Friday and are
provisional; loading it replaces the year's rows and moves open due dates in one transaction.
"""

from django.db import transaction

from .calendar import store_schedule
from .signals import announce_calendar_change


def load_schedule(schedule, *, source, now, actor=None) -> tuple[int, int]:
    """Store `schedule` ({year: [(date, is_workday, name)]}) and move open due dates; (rows, moved)."""
    with transaction.atomic():
        rows = store_schedule(schedule, source=source)
        moved = announce_calendar_change(now=now, actor=actor)
    return rows, moved
