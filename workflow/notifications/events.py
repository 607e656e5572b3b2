"""Notices set off by timeline events: the proposers hear when a reply arrives or the unit writes.

`schedule_event_notices(event)` is called for every event recorded (by
`workflow.services.events.record_event`); it does nothing for actions nobody is told about,
and otherwise records the notices when the transaction commits.
"""

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from districts.models import Membership, Role
from workflow.models import Event, NotificationKind

from .recording import Notice, record

# Action code → what the item's proposers are told.
PROPOSER_NOTICES = {
    "reply.sent": NotificationKind.REPLY_ARRIVED,
    "message.sent": NotificationKind.UNIT_MESSAGE,
}


def schedule_event_notices(event):
    if event.action in PROPOSER_NOTICES:
        transaction.on_commit(partial(notify_event, event.pk))


def notify_event(event_id, *, now=None):
    """Record the notices of one event (safe to call twice: the second records nothing)."""
    now = now or timezone.now()
    event = Event.objects.select_related("item", "assignment__unit").get(pk=event_id)
    kind = PROPOSER_NOTICES.get(event.action)
    if kind is None or event.item.is_imported:
        return 0
    params = {"unit": event.assignment.unit.name} if event.assignment else {}
    with transaction.atomic():
        return record(
            [
                Notice(
                    recipient_id=user_id,
                    kind=kind,
                    due_on=timezone.localdate(event.at),
                    item_id=event.item_id,
                    event_id=event.pk,
                    params=params,
                )
                for user_id in proposer_users([event.item_id]).get(event.item_id, ())
            ],
            now=now,
        )


def proposer_users(item_ids):
    """{item id: ids of the active users linked to its proposers}, in one query.

    The proposers of items merged into an item count as its proposers (domain §4: they
    receive the reply and rate it too).
    """
    item_ids = set(item_ids)
    rows = (
        Membership.objects.filter(role=Role.PROPOSER, is_active=True, user__is_active=True)
        .filter(
            Q(proposer__item_links__item_id__in=item_ids) | Q(proposer__item_links__item__merged_into_id__in=item_ids)
        )
        .values_list("proposer__item_links__item_id", "proposer__item_links__item__merged_into_id", "user_id")
    )
    result = {}
    for item_id, merged_into_id, user_id in rows:
        key = item_id if item_id in item_ids else merged_into_id
        users = result.setdefault(key, [])
        if user_id not in users:
            users.append(user_id)
    return result
