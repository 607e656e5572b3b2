"""Messages between the proposers and a handling unit on an item (有问必答 / 沟通互动)."""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.context import names_actor
from proposals.models import Item

from ..errors import WorkflowError
from ..events import record_event
from ..models import Message
from ..models.messages import MAX_MESSAGE_CHARS
from . import permissions
from .locking import lock_item


def message_refusal(item) -> WorkflowError | None:
    """Why the item takes no messages, or None when it does: only a registered item not yet closed has threads.

    The one rule `send_message` enforces and the item page asks before it offers the form.
    """
    if item.review != Item.Review.REGISTERED:
        return WorkflowError(
            _("This item is not registered for handling: there is no unit to write to."), code="not_registered"
        )
    if item.state == Item.State.CLOSED:
        return WorkflowError(_("This item is closed: its conversations are over."), code="closed")
    return None


@names_actor
def send_message(*, actor, now, item, unit, text) -> Message:
    """Write in the thread between `unit` and the item's proposers, as whichever side the actor is on.

    The other side is told (`notifications.events`): the proposers of a unit's
    message, the unit's handlers of a proposer's message.
    """
    with transaction.atomic():
        item = lock_item(item.pk)
        permissions.require_visible(actor, item)
        refusal = message_refusal(item)
        if refusal is not None:
            raise refusal
        sender, assignment = permissions.require_message_sender(actor, item, unit)
        # A browser sends each line break as CRLF: one character to the writer, and to the limit.
        text = (text or "").replace("\r\n", "\n").strip()
        if not text:
            raise WorkflowError(_("Write the message."), code="text_missing", field="text")
        if len(text) > MAX_MESSAGE_CHARS:
            raise WorkflowError(
                _("A message holds at most %(max)s characters; this one has %(count)s.")
                % {"max": MAX_MESSAGE_CHARS, "count": len(text)},
                code="text_too_long",
                field="text",
            )
        message = Message.objects.create(item=item, unit=unit, sender=sender, author=actor, text=text, created_at=now)
        record_event(
            item=item,
            action="message.sent",
            actor=actor,
            now=now,
            assignment=assignment,
            message=message,
            unit=unit.pk,
            unit_name=unit.name,
            sender=sender,
        )
    return message
