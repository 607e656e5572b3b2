"""The timeline: every state change leaves one Event row with an action code and its data."""

import datetime as dt
from decimal import Decimal

from django.db import models

from .models import Event
from .signals import event_recorded


def _jsonable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def record_event(*, item, action, actor, now, assignment=None, **data) -> Event:
    """Write the event explaining a change; `data` holds ids and values, never translated text."""
    event = Event.objects.create(
        item=item,
        assignment=assignment,
        action=action,
        actor=actor,
        at=now,
        data=_jsonable(data),
    )
    event_recorded.send(sender=Event, event=event)  # e.g. the notifications app tells proposers, on commit
    return event
