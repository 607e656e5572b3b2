"""Celery tasks of the front door; safe twice."""

from celery import shared_task
from django.utils import timezone

from .submit import purge_submit_tokens


@shared_task
def purge_old_submit_tokens():
    """Daily (beat): forget the one-time form tokens older than a day."""
    return purge_submit_tokens(now=timezone.now())
