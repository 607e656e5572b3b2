"""Celery task of the audit log; safe twice."""

from celery import shared_task

from .partitions import create_ahead, purge


@shared_task
def keep_partitions():
    """Daily (beat): the coming months' partitions exist, and months past the retention are dropped."""
    created = create_ahead()
    dropped = purge()
    return {"created": [f"{m:%Y-%m}" for m in created], "dropped": [f"{m:%Y-%m}" for m in dropped]}
