"""Celery tasks of the workflow: thin wrappers that call a service with the current time; safe twice."""

from celery import shared_task
from django.utils import timezone

from workflow.services import closing


@shared_task
def settle_feedback_windows():
    """Daily in the early morning (beat): settle the replied items whose feedback window ended; safe twice.

    It runs before the day's reminder time, so the sweep no longer reminds their proposers.
    """
    return closing.expire_feedback_windows(now=timezone.now())
