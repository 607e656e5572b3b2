"""The proposer's feedback (征询意见表, domain §4 step 7): rating, agreement, praise, comment.

Disagreement by any proposer who received the reply opens a re-handling round. Agreement by
a proposer of the item itself (not of an item merged into it) ends the feedback stage; the
proposers of merged items may still rate while the item awaits feedback.

The window (the round's feedback obligation, its due date the last day) binds the proposer's own
feedback: after it they are refused, even before the nightly sweep settles the item. The office
recording a paper form for them (most deputies never log in, domain §4 step 4) may still record it
late, until the sweep has settled the item: the form was filled in on paper, often in time, and
reaches the office after it. Imported history (the system, no actor) is not bound either.
"""

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from deadlines.models import ObligationKind
from proposals.models import Item, ItemProposer

from .. import obligations
from ..errors import Conflict, NotAllowed, WorkflowError
from ..events import record_event
from ..models import Feedback, Obligation
from ..progress import keeps_list_facts
from . import permissions
from .closing import settle_after_feedback
from .locking import lock_item, today
from .outcomes import check_rating


def feedback_window(item):
    """The round's open feedback obligation (its due date is the window's last day), or None."""
    return (
        Obligation.objects.open()
        .filter(item=item, kind=ObligationKind.FEEDBACK, round=item.round)
        .order_by("due_on")
        .first()
    )


def window_ended_on(window, now):
    """The window's last day when it has passed at `now`, else None (open, or no window)."""
    return window.due_on if window is not None and window.due_on < today(now) else None


def _own_proposer(actor, item, proposer):
    """The proposer a proposer's login answers for: the one chosen, required when it speaks for several."""
    permissions.require_proposer(actor, item)
    mine = permissions.proposer_ids_for(actor, item)
    if proposer is not None:
        if proposer.pk not in mine:
            raise NotAllowed(_("You do not speak for this proposer on this item."), field="proposer")
        return proposer.pk
    if len(mine) > 1:
        raise WorkflowError(
            _("You speak for several proposers of this item: choose whose feedback this is."),
            code="proposer_missing",
            field="proposer",
        )
    return next(iter(mine))


def _require_window_open(item, now):
    ended = window_ended_on(feedback_window(item), now)
    if ended is not None:
        raise WorkflowError(
            _("The feedback window ended on %(date)s: feedback can no longer be given here.")
            % {"date": date_format(ended, "DATE_FORMAT")},
            code="window_closed",
        )


def _proposer_for(actor, item, proposer, form):
    """The proposer speaking, and whether the office records it on their behalf."""
    if actor is not None and not permissions.is_office(actor, item.district_id):
        return _own_proposer(actor, item, proposer), False
    permissions.require_office(actor, item)
    if proposer is None:
        raise WorkflowError(_("Choose the proposer whose feedback form this is."), field="proposer")
    if proposer.pk not in permissions.proposer_ids_of(item):
        raise NotAllowed(_("This proposer did not receive this item's reply."))
    if actor is not None and form is None:
        raise WorkflowError(
            _("Attach the scanned feedback form when recording it for the proposer."), code="form_missing", field="form"
        )
    return proposer.pk, actor is not None


@keeps_list_facts
def record_feedback(
    *, actor, now, item, agrees, rating=None, praised=False, comment="", proposer=None, form=None
) -> Feedback:
    """One proposer's feedback on the item's current round.

    `proposer` names whose form it is: required of the office, and of a login that speaks for
    several of the item's proposers (a group's staff holding two memberships); never guessed.
    """
    if agrees not in (True, False):
        raise WorkflowError(_("Say whether the proposer agrees with the reply."), code="agrees_missing", field="agrees")
    if agrees is False and actor is not None and not (comment or "").strip():
        # The unit handles the item again: it must know why. Imported history (the system) may lack it.
        raise WorkflowError(_("Say why the proposer disagrees with the reply."), code="reason_missing", field="comment")
    with transaction.atomic():
        item = lock_item(item.pk)
        proposer_id, on_behalf = _proposer_for(actor, item, proposer, form)
        if Feedback.objects.filter(item=item, round=item.round, proposer_id=proposer_id).exists():
            raise Conflict(_("This proposer's feedback on this reply is already in."), code="already_in")
        if item.state != Item.State.REPLIED:
            raise WorkflowError(_("Feedback is given once the reply has been sent."), code="state")
        if actor is not None and not on_behalf:
            _require_window_open(item, now)
        check_rating(item, rating)
        if form is not None and form.item_id != item.pk:
            raise WorkflowError(_("The scanned form must be an attachment of this item."), field="form")
        feedback = Feedback.objects.create(
            item=item,
            round=item.round,
            proposer_id=proposer_id,
            rating=rating,
            agrees=agrees,
            praised=praised,
            comment=comment,
            form=form,
            recorded_by=actor,
            on_behalf=on_behalf,
            submitted_at=now,
        )
        record_event(
            item=item,
            action="feedback.recorded",
            actor=actor,
            now=now,
            round=item.round,
            proposer=proposer_id,
            rating=rating.code if rating else None,
            agrees=agrees,
            praised=praised,
            on_behalf=on_behalf,
        )
        if not agrees:
            _open_rehandling(actor=actor, now=now, item=item)
        elif ItemProposer.objects.filter(item=item, proposer_id=proposer_id).exists():
            obligations.fulfil_obligations(item=item, kinds=[ObligationKind.FEEDBACK], now=now, round=item.round)
            settle_after_feedback(actor=actor, now=now, item=item, reason="agreed")
    return feedback


def _open_rehandling(*, actor, now, item):
    """重新办理: a new round with its own consultation and reply, due per the re-handling policy."""
    obligations.fulfil_obligations(item=item, kinds=[ObligationKind.FEEDBACK], now=now, round=item.round)
    obligations.cancel_obligations(item=item, now=now, kinds=[ObligationKind.FOLLOW_UP])
    item.round += 1
    item.state = Item.State.HANDLING
    item.save(update_fields=["round", "state", "updated_at"])
    for assignment in item.assignments.active_leads().select_related("unit"):
        for kind in (ObligationKind.CONSULTATION, ObligationKind.REHANDLING_REPLY):
            obligations.open_obligation(
                item=item,
                kind=kind,
                now=now,
                assignment=assignment,
                round=item.round,
                owner=Obligation.Owner.UNIT,
                unit=assignment.unit,
            )
    record_event(item=item, action="item.rehandling", actor=actor, now=now, round=item.round)
