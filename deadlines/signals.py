"""What the clock tells the apps above it: the working-day calendar changed.

The deadlines app knows dates, not items: the apps that store due dates computed from the
calendar (the workflow's obligations) connect a receiver in their `AppConfig.ready` and
return how many due dates they moved.
"""

from django.dispatch import Signal

# Sent with `now` and `actor` (the user who changed the calendar, or None) inside the
# transaction that changed it; each receiver returns the number of due dates it moved.
calendar_changed = Signal()


def announce_calendar_change(*, now, actor=None) -> int:
    """Tell every receiver the calendar changed; the number of due dates they moved in all."""
    return sum(moved or 0 for _receiver, moved in calendar_changed.send(sender=None, now=now, actor=actor))
