"""Delivery: claim one row with a conditional update, send, record — never a silent second send.

The pattern of healthchecks' `sendalerts`: a worker owns a notification only if its
`UPDATE … WHERE state = 'pending'` changed the row. The claim records the Celery task id;
when the broker redelivers that same task (the worker died after claiming, maybe after
sending), the row is still "sending" under that id, and it becomes "delivery unknown" for an
admin to look at and resend on purpose.

Retries and quiet hours never use a Celery countdown or ETA (Redis redelivers delayed
messages after its visibility timeout): the row is held with `scheduled_for`, and
`dispatch`, run by the sweeps, hands it to a worker when its time has come.
"""

import datetime as dt
import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .backends import get_sms_backend, sms_configured
from .models import Channel, Notification
from .texts import render

logger = logging.getLogger(__name__)

State = Notification.State
MAX_ATTEMPTS = 5
RETRY_AFTER = (dt.timedelta(minutes=5), dt.timedelta(minutes=15), dt.timedelta(hours=1), dt.timedelta(hours=4))
# A pending row handed to a worker this long ago and still pending lost its message: hand it again.
REENQUEUE_AFTER = dt.timedelta(minutes=15)
# What an admin may send again on purpose: it may not have arrived, or could not be sent before a gateway
# was configured.
RESENDABLE = (State.DELIVERY_UNKNOWN, State.FAILED, State.UNSENDABLE)
# Longer than the broker's visibility timeout: a row still "sending" this long after its claim
# will not be redelivered any more.
STUCK_AFTER = dt.timedelta(hours=2)


def quiet_until(now):
    """The end of the SMS quiet hours if `now` falls in them, else None."""
    if settings.SMS_QUIET_HOURS is None:
        return None
    start, end = settings.SMS_QUIET_HOURS
    local = timezone.localtime(now)
    moment = local.time()
    inside = start <= moment < end if start <= end else (moment >= start or moment < end)
    if not inside:
        return None
    day = local.date() if moment < end else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, end), timezone.get_current_timezone())


def deliver(notification_id, *, token, now):
    """Send one notification if it is still pending; returns the state it was left in ("" if not ours)."""
    claimed = Notification.objects.filter(pk=notification_id, state=State.PENDING).update(
        state=State.SENDING, claimed_by=token, claimed_at=now
    )
    if not claimed:
        lost = Notification.objects.filter(pk=notification_id, state=State.SENDING, claimed_by=token).update(
            state=State.DELIVERY_UNKNOWN, error="The worker stopped after claiming the message; it may have been sent."
        )
        return State.DELIVERY_UNKNOWN if lost else ""
    notification = Notification.objects.select_related("recipient", "item", "obligation__unit").get(pk=notification_id)
    if _no_longer_due(notification):
        return _finish(notification, token, state=State.SKIPPED)
    if notification.channel == Channel.SMS and not sms_configured():
        return _finish(notification, token, state=State.UNSENDABLE)
    if notification.channel == Channel.SMS and (until := quiet_until(now)):
        return _finish(notification, token, state=State.HELD, scheduled_for=until, enqueued_at=None)
    attempts = notification.attempts + 1
    try:
        _send(notification)
    except Exception as exc:
        logger.warning("Notification %s failed (attempt %s): %s", notification_id, attempts, exc)
        if attempts >= MAX_ATTEMPTS:
            return _finish(notification, token, state=State.FAILED, attempts=attempts, error=str(exc)[:2000])
        retry_at = now + RETRY_AFTER[attempts - 1]
        return _finish(
            notification,
            token,
            state=State.HELD,
            attempts=attempts,
            error=str(exc)[:2000],
            scheduled_for=retry_at,
            enqueued_at=None,
        )
    return _finish(notification, token, state=State.SENT, attempts=attempts, sent_at=now, error="")


def _no_longer_due(notification):
    """A reminder whose obligation was fulfilled, cancelled or moved since it was recorded."""
    obligation = notification.obligation
    if obligation is None:
        return False
    return (
        obligation.fulfilled_at is not None
        or obligation.cancelled_at is not None
        or obligation.due_on != notification.due_on
        or notification.item.is_imported
    )


def _send(notification):
    message = render(notification)
    recipient = notification.recipient
    if notification.channel == Channel.EMAIL:
        send_mail(message.subject, message.body, None, [recipient.email])
    elif notification.channel == Channel.SMS:
        # A notice to a phone number (no account) has its own; a user's goes to the number on record now.
        phone = notification.phone or recipient.phone
        get_sms_backend().send(phone, message.sms_template, message.sms_params, message.body)
    else:
        raise ValueError(f"channel {notification.channel!r} is not delivered by a worker")


def _finish(notification, token, *, state, **fields):
    # A duplicate of this task may have marked the row "delivery unknown" meanwhile; what we
    # know now is better, so both states are accepted.
    Notification.objects.filter(
        pk=notification.pk, claimed_by=token, state__in=[State.SENDING, State.DELIVERY_UNKNOWN]
    ).update(state=state, **fields)
    return state


def dispatch(*, now):
    """Hand to workers, on commit, every row whose time has come and that no worker holds.

    Releases held rows (quiet hours, retries), re-hands rows whose message was lost, and
    gives up on rows stuck in "sending". Returns the ids handed over.
    """
    with transaction.atomic():
        Notification.objects.filter(state=State.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
            state=State.DELIVERY_UNKNOWN, error="No worker finished sending in time; it may have been sent."
        )
        Notification.objects.filter(state=State.HELD, scheduled_for__lte=now).update(state=State.PENDING)
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, scheduled_for__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REENQUEUE_AFTER))
            .values_list("pk", flat=True)
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(enqueued_at=now)
            transaction.on_commit(partial(enqueue, ids))
    return ids


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def deliver_notification(self, notification_id):
    """Send one notification. Redelivered after a worker died mid-send, it marks "delivery unknown"."""
    return deliver(notification_id, token=self.request.id, now=timezone.now())


def enqueue(ids):
    for pk in ids:
        deliver_notification.delay(pk)


def resend(ids, *, now):
    """Send again, on purpose, rows whose delivery failed, is unknown or had no gateway. Returns how many."""
    with transaction.atomic():
        count = Notification.objects.filter(pk__in=ids, state__in=RESENDABLE).update(
            state=State.PENDING, scheduled_for=now, enqueued_at=None, claimed_by="", claimed_at=None, error=""
        )
        dispatch(now=now)
    return count
