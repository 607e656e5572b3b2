"""Celery tasks of the reminders: thin wrappers that call the sweep, digest and delivery functions; safe twice.

No task here, and none it enqueues, uses a countdown or an ETA: Redis redelivers a delayed
message after its visibility timeout, which would send it twice. Waiting is stored on the
row (`Notification.scheduled_for`) and picked up by `dispatch_notifications`. The task that
sends one row, `deliver_notification`, lives beside the claim it runs (`delivery`).
"""

from celery import shared_task
from django.utils import timezone

from . import delivery, reminders
from .delivery import deliver_notification

__all__ = ["deliver_notification", "dispatch_notifications", "send_digests", "sweep_reminders"]


@shared_task
def sweep_reminders():
    """Hourly (beat): record what is due and hand it to workers."""
    result = reminders.sweep(now=timezone.now())
    return {"obligations": result.obligations, "rows": result.rows}


@shared_task
def send_digests():
    """Daily at REMINDER_TIME (beat): the office's digest and, on Mondays, the weekly summary."""
    return reminders.send_digests(now=timezone.now())


@shared_task
def dispatch_notifications():
    """Every few minutes (beat): release held messages whose time came and re-hand lost ones."""
    return len(delivery.dispatch(now=timezone.now()))
