"""Recording notices: one row per recipient and channel, in one insert that ignores what exists.

The uniqueness constraints of `Notification` make a second sweep, or two at once, add
nothing; in-app rows are the bell itself, so they are recorded as sent. A notice to a phone
number (someone without an account) is one SMS row, or an `unsendable` one when the site has
no SMS.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from . import delivery
from .backends import sms_configured
from .models import Channel, Notification

State = Notification.State


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Something to tell one person, a user or a phone number; `record` fans it out to their channels."""

    recipient_id: int | None = None
    phone: str = ""
    kind: str
    due_on: dt.date
    item_id: int | None = None
    obligation_id: int | None = None
    event_id: int | None = None
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        if (self.recipient_id is None) == (not self.phone):
            raise ValueError("A notice goes to a user or to a phone number, exactly one of them.")


def channels_by_user(user_ids):
    """{user id: channels}, in one query: the bell always, email and SMS when wanted and possible.

    A user without a preference row gets every channel they have an address for.
    """
    rows = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", "email", "phone", "notification_preference__email", "notification_preference__sms")
    )
    result = {}
    for pk, email, phone, wants_email, wants_sms in rows:
        channels = [Channel.IN_APP]
        if email and wants_email is not False:
            channels.append(Channel.EMAIL)
        if phone and wants_sms is not False and sms_configured():
            channels.append(Channel.SMS)
        result[pk] = channels
    return result


def record(notices, *, now):
    """Insert the rows of `notices` (existing ones are left alone) and hand new ones to workers on commit.

    Runs in the caller's transaction. Returns the number of rows offered to the insert.
    """
    notices = list(dict.fromkeys(notices))
    if not notices:
        return 0
    channels = channels_by_user({notice.recipient_id for notice in notices if not notice.phone})
    rows = [
        (notice, channel)
        for notice in notices
        # A phone number is texted, and nothing else.
        for channel in ([Channel.SMS] if notice.phone else channels.get(notice.recipient_id, ()))
    ]
    if connection.vendor == "postgresql":
        # RETURNING gives exactly the rows this insert added, already marked handed over.
        transaction.on_commit(partial(delivery.enqueue, _insert_postgresql(rows, now)))
    else:
        _insert_orm(rows, now)
        delivery.dispatch(now=now)
    return len(rows)


def _state(notice, channel):
    """The state a row is recorded in: the bell is sent, a phone without SMS cannot be, the rest wait."""
    if channel == Channel.IN_APP:
        return State.SENT
    if notice.phone and not sms_configured():
        return State.UNSENDABLE
    return State.PENDING


def _insert_orm(rows, now):
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=notice.recipient_id,
                phone=notice.phone,
                channel=channel,
                kind=notice.kind,
                obligation_id=notice.obligation_id,
                event_id=notice.event_id,
                item_id=notice.item_id,
                due_on=notice.due_on,
                params=notice.params,
                state=_state(notice, channel),
                sent_at=now if channel == Channel.IN_APP else None,
                scheduled_for=now,
                created_at=now,
            )
            for notice, channel in rows
        ],
        ignore_conflicts=True,
    )


def _insert_postgresql(rows, now):
    """The rows of `_insert_orm`, sent as one array per column; returns the ids of the new pending rows.

    Building a model instance per row costs more than the insert itself. The new rows are
    marked handed over (`enqueued_at`) as they are inserted, so `dispatch` leaves them alone.
    """
    table = Notification._meta.db_table
    columns = list(
        zip(
            *(
                (
                    notice.recipient_id,
                    notice.phone,
                    channel,
                    notice.kind,
                    notice.obligation_id,
                    notice.event_id,
                    notice.item_id,
                    notice.due_on,
                    json.dumps(notice.params, ensure_ascii=False),
                    _state(notice, channel),
                )
                for notice, channel in rows
            ),
            strict=True,
        )
    )
    sql = f"""
        INSERT INTO {table} (recipient_id, phone, channel, kind, obligation_id, event_id, item_id, due_on, params,
            state, sent_at, enqueued_at, scheduled_for, created_at, attempts, claimed_by, error)
        SELECT r.recipient_id, r.phone, r.channel, r.kind, r.obligation_id, r.event_id, r.item_id, r.due_on,
            r.params::jsonb, r.state,
            CASE WHEN r.state = %(sent)s THEN %(now)s::timestamptz END,
            CASE WHEN r.state = %(pending)s THEN %(now)s::timestamptz END,
            %(now)s, %(now)s, 0, '', ''
        FROM unnest(%(recipient)s::bigint[], %(phone)s::text[], %(channel)s::text[], %(kind)s::text[],
            %(obligation)s::bigint[], %(event)s::bigint[], %(item)s::bigint[], %(due_on)s::date[], %(params)s::text[],
            %(state)s::text[])
            AS r(recipient_id, phone, channel, kind, obligation_id, event_id, item_id, due_on, params, state)
        ON CONFLICT DO NOTHING
        RETURNING id, state
    """  # noqa: S608 - the table name is the model's, every value a parameter
    names = ["recipient", "phone", "channel", "kind", "obligation", "event", "item", "due_on", "params", "state"]
    values = {"sent": State.SENT, "pending": State.PENDING, "now": now}
    values.update(zip(names, map(list, columns), strict=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return [pk for pk, state in cursor.fetchall() if state == State.PENDING]
