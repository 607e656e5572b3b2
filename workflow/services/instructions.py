"""The district leader's instruction (批示) on a key item the leader supervises (领导牵头督办件).

A key item has one supervising leader (`assignment.mark_key_item`); that leader may write
instructions on it while it is still being dealt with. Each instruction is one timeline event
("instruction.given", its text in the data): the item's history keeps it, and the notifications
app tells the item's units (their handlers and heads) when it commits. Nothing else changes: an
instruction is guidance, not a step of the workflow.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.context import names_actor
from districts.models import Role
from proposals.models import Item

from ..access import district_ids
from ..errors import NotAllowed, WorkflowError
from ..events import record_event
from . import permissions
from .locking import lock_item

MAX_INSTRUCTION_CHARS = 2000
# An item past these states is no longer anyone's work: an instruction would reach no one.
ENDED_STATES = (Item.State.CLOSED, Item.State.REJECTED, Item.State.MERGED)


def require_supervising_leader(actor, item):
    """The actor is a leader of the item's district and the key item's supervising leader.

    Outside the actor's scope the item is "not found"; a leader of the district may see it, but an
    item that is not key takes no instruction (400) and another leader's key item is not theirs (403).
    """
    permissions.require_visible(actor, item)
    if actor is None or item.district_id not in district_ids(actor, (Role.LEADER,)):
        raise NotAllowed(_("Only the district leader supervising this key item may give an instruction on it."))
    if not item.is_key:
        raise WorkflowError(_("Only a key item takes a leader's instruction; this item is not one."), code="not_key")
    if item.supervising_leader_id != actor.pk:
        raise NotAllowed(_("Only the district leader supervising this key item may give an instruction on it."))


@names_actor
def give_instruction(*, actor, now, item, text):
    """批示: record the supervising leader's instruction on the key item; its units are told on commit."""
    text = (text or "").strip()
    with transaction.atomic():
        item = lock_item(item.pk)
        require_supervising_leader(actor, item)
        if item.state in ENDED_STATES:
            raise WorkflowError(
                _("The item is %(state)s: an instruction reaches no one any more.")
                % {"state": item.get_state_display()},
                code="state",
            )
        if not text:
            raise WorkflowError(_("Write the instruction."), code="text_missing", field="text")
        if len(text) > MAX_INSTRUCTION_CHARS:
            raise WorkflowError(
                _("An instruction has at most %(max)s characters; this one has %(count)s.")
                % {"max": MAX_INSTRUCTION_CHARS, "count": len(text)},
                code="text_too_long",
                field="text",
            )
        return record_event(item=item, action="instruction.given", actor=actor, now=now, text=text)
