"""Celery tasks of the case files; the task that builds a bundle lives beside what it runs (`bundles`)."""

from .bundles import build_bundle

__all__ = ["build_bundle"]
