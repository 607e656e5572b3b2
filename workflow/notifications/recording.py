"""Recording notices: one row per recipient and channel, in one insert that ignores what exists.

The uniqueness constraints of `Notification` make a second sweep, or two at once, add
nothing; in-app rows are the bell itself, so they are recorded as sent.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from workflow.models import Channel, Notification

from .delivery import dispatch


@dataclass(frozen=True)
class Notice:
    """Something to tell one person; `record` fans it out to the channels they take."""

    recipient_id: int
    kind: str
    due_on: dt.date
    item_id: int | None = None
    obligation_id: int | None = None
    event_id: int | None = None
    params: dict = field(default_factory=dict, compare=False, hash=False)


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
        if phone and wants_sms is not False:
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
    channels = channels_by_user({notice.recipient_id for notice in notices})
    rows = [
        Notification(
            recipient_id=notice.recipient_id,
            channel=channel,
            kind=notice.kind,
            obligation_id=notice.obligation_id,
            event_id=notice.event_id,
            item_id=notice.item_id,
            due_on=notice.due_on,
            params=notice.params,
            state=Notification.State.SENT if channel == Channel.IN_APP else Notification.State.PENDING,
            sent_at=now if channel == Channel.IN_APP else None,
            scheduled_for=now,
            created_at=now,
        )
        for notice in notices
        for channel in channels.get(notice.recipient_id, ())
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    dispatch(now=now)
    return len(rows)
