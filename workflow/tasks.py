"""Celery tasks: thin wrappers that take ids, call the reminder, delivery and workflow functions; safe twice.

No task here, and none it enqueues, uses a countdown or an ETA: Redis redelivers a delayed
message after its visibility timeout, which would send it twice. Waiting is stored on the
row (`Notification.scheduled_for`) and picked up by `dispatch_notifications`.
"""

from celery import shared_task
from django.utils import timezone

from workflow import reminders
from workflow.notifications import delivery
from workflow.services import closing


@shared_task
def settle_feedback_windows():
    """Daily in the early morning (beat): settle the replied items whose feedback window ended; safe twice.

    It runs before the day's reminder time, so the sweep no longer reminds their proposers.
    """
    return closing.expire_feedback_windows(now=timezone.now())


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


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def deliver_notification(self, notification_id):
    """Send one notification. Redelivered after a worker died mid-send, it marks "delivery unknown"."""
    return delivery.deliver(notification_id, token=self.request.id, now=timezone.now())
