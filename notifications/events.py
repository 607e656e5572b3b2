"""Notices set off by timeline events: a reply arrived, one side of an item's conversation wrote, the
supervising leader gave an instruction (批示) on a key item, or a unit's opinion on a city item waits
for its head.

The proposers hear of a sent reply and of a unit's message; a unit's handlers hear of a
proposer's message; the handlers and heads of every unit still on a key item hear of its
leader's instruction; a co-unit's heads hear of its opinion on a city item (市办会办件) submitted
for their approval (签发), as they would of a reply in their queue. The author of a message,
an instruction or an opinion is never told of it.

`schedule_event_notices` receives every event recorded (`workflow.signals.event_recorded`,
connected in `NotificationsConfig.ready`); it does nothing for actions nobody is told about,
and otherwise records the notices when the transaction commits. A reply's notice asks for a
rating only while it is awaited (`ratings`): feedback given or an item moved on settles it.

An invitation to co-sign an item handed in online is not an event of an item (there is no item
yet): `workflow.signals.invited` tells of it, and the invited proposer's logins hear.
"""

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from districts.models import Membership, Role
from proposals.models import Kind
from submissions.models import CoSignInvitation
from workflow import access
from workflow.models import Assignment, Event

from .models import NotificationKind
from .ratings import SETTLING_ACTIONS, awaiting_rating, settle_rating_notices
from .recording import Notice, record

NOTIFIED_ACTIONS = ("reply.sent", "message.sent", "instruction.given", "opinion.submitted")


def _told(event):
    """Whether anyone hears of `event`: an opinion submitted only on a city item, where it waits for the head."""
    if event.action == "opinion.submitted":
        return event.item.kind == Kind.CITY_CO
    return event.action in NOTIFIED_ACTIONS


def schedule_event_notices(sender=None, *, event, **kwargs):
    """Receiver of `workflow.signals.event_recorded`: record the event's notices on commit, if anyone is told."""
    if _told(event):
        transaction.on_commit(partial(notify_event, event.pk))
    elif event.action in SETTLING_ACTIONS:
        transaction.on_commit(partial(settle_rating_notices, event.item_id))


def notify_event(event_id, *, now=None):
    """Record the notices of one event (safe to call twice: the second records nothing)."""
    now = now or timezone.now()
    event = Event.objects.select_related("item", "assignment__unit", "actor").get(pk=event_id)
    if not _told(event) or event.item.is_imported:
        return 0
    kind, recipients = _audience(event)
    if kind == NotificationKind.REPLY_ARRIVED:
        recipients = awaiting_rating(event, recipients)
    params = _params(event)
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
                for user_id in recipients
                if user_id != event.actor_id
            ],
            now=now,
        )


def _params(event):
    """What the notice's words need (`texts`): the unit of a unit's event, an instruction's leader and text."""
    if event.action == "instruction.given":
        return {"leader": str(event.actor or ""), "text": event.data.get("text", "")}
    return {"unit": event.assignment.unit.name} if event.assignment else {}


def _audience(event):
    """(kind, user ids): a reply or a unit's message goes to the proposers, a proposer's message to the unit,
    a leader's instruction to the handlers and heads of the item's units, a city opinion to its unit's heads.
    """
    if event.action == "opinion.submitted":
        unit_id = event.assignment.unit_id
        return NotificationKind.CITY_OPINION, access.unit_heads(access.people(unit_ids={unit_id}), unit_id)
    if event.action == "instruction.given":
        return NotificationKind.LEADER_INSTRUCTION, item_unit_users(event.item_id)
    if event.action == "message.sent" and event.data.get("sender") == "proposer":
        return NotificationKind.PROPOSER_MESSAGE, unit_users(event.assignment.unit_id)
    kind = NotificationKind.REPLY_ARRIVED if event.action == "reply.sent" else NotificationKind.UNIT_MESSAGE
    return kind, proposer_users([event.item_id]).get(event.item_id, ())


def unit_users(unit_id):
    """Ids of the unit's active handlers (办理联络员), or of its head when it has none, in one query."""
    return access.unit_people(access.people(unit_ids={unit_id}), unit_id)


def item_unit_users(item_id):
    """Ids of the active handlers and heads of every unit still on the item (not those that returned it)."""
    unit_ids = set(Assignment.objects.active().filter(item_id=item_id).values_list("unit_id", flat=True))
    found = access.people(unit_ids=unit_ids)
    users = []
    for unit_id in sorted(unit_ids):
        for user_id in [*found.get((Role.HANDLER, unit_id), []), *found.get((Role.UNIT_HEAD, unit_id), [])]:
            if user_id not in users:
                users.append(user_id)
    return users


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


def schedule_cosign_notices(sender=None, *, invitation, **kwargs):
    """Receiver of `workflow.signals.invited`: the invited proposer's logins are told on commit."""
    transaction.on_commit(partial(notify_cosign_invitation, invitation.pk))


def notify_cosign_invitation(invitation_id, *, now=None):
    """Tell the logins acting for an invited co-signer (a deputy who never logs in has none: the office confirms)."""
    now = now or timezone.now()
    invitation = CoSignInvitation.objects.get(pk=invitation_id)
    users = Membership.objects.filter(
        role=Role.PROPOSER, proposer_id=invitation.proposer_id, is_active=True, user__is_active=True
    ).values_list("user_id", flat=True)
    notices = [
        Notice(recipient_id=user_id, kind=NotificationKind.COSIGN_INVITATION, due_on=invitation.answer_by)
        for user_id in sorted(set(users))
    ]
    with transaction.atomic():
        return record(notices, now=now)
