"""Consultation with the proposer (办前面商, domain §4 step 4), or the recorded waiver."""

from django.db import transaction
from django.utils.translation import gettext as _

from deadlines.models import ObligationKind
from proposals.models import Item

from .. import obligations
from ..errors import WorkflowError
from ..events import record_event
from ..models import Assignment, Consultation
from ..progress import keeps_list_facts
from . import permissions
from .locking import lock_item, reread, today

OPEN_STATES = (Item.State.HANDLING, Item.State.REPLIED, Item.State.FOLLOWING_UP)


@keeps_list_facts
def record_consultation(
    *,
    actor,
    now,
    assignment,
    method,
    held_on,
    participants="",
    notes="",
    stage=Consultation.Stage.BEFORE,
    form=None,
) -> Consultation:
    """Record a meeting, call, visit or forum, or (method "waiver") that the proposer declined one.

    The unit records its own; the office may record one on the proposer's behalf, with the
    scanned record. A consultation before or during handling fulfils the round's consultation obligation.
    """
    with transaction.atomic():
        item = lock_item(assignment.item_id)
        assignment = reread(assignment)
        on_behalf = permissions.require_unit_or_office(actor, item, assignment)
        if on_behalf and form is None:
            raise WorkflowError(
                _("Attach the scanned consultation record when recording it for the proposer."),
                code="form_missing",
                field="form",
            )
        if form is not None and form.item_id != item.pk:
            raise WorkflowError(_("The scanned record must be an attachment of this item."), field="form")
        if item.state not in OPEN_STATES:
            raise WorkflowError(_("Consultations are recorded only while the item is open."), code="state")
        if assignment.state != Assignment.State.ACCEPTED:
            raise WorkflowError(_("The unit must accept the assignment before consulting."), code="not_accepted")
        if method == Consultation.Method.WAIVER and not (notes or "").strip():
            raise WorkflowError(
                _("Record how the proposer declined the consultation."), code="waiver_reason", field="notes"
            )
        if held_on > today(now):
            raise WorkflowError(_("A consultation cannot be dated in the future."), code="future", field="held_on")
        if stage == Consultation.Stage.BEFORE and item.state != Item.State.HANDLING:
            stage = Consultation.Stage.AFTER
        consultation = Consultation.objects.create(
            item=item,
            assignment=assignment,
            round=item.round,
            stage=stage,
            method=method,
            held_on=held_on,
            participants=participants,
            notes=notes,
            form=form,
            recorded_by=actor,
            on_behalf=on_behalf,
            recorded_at=now,
        )
        if stage != Consultation.Stage.AFTER:
            obligations.fulfil_obligations(
                item=item, kinds=[ObligationKind.CONSULTATION], now=now, assignment=assignment, round=item.round
            )
        record_event(
            item=item,
            action="consultation.waived" if method == Consultation.Method.WAIVER else "consultation.recorded",
            actor=actor,
            now=now,
            assignment=assignment,
            consultation=consultation,
            method=method,
            held_on=held_on,
            stage=stage,
            on_behalf=on_behalf,
        )
    return consultation


def has_consultation(assignment, round) -> bool:
    """The reply precondition: a consultation or a waiver before the reply in that round."""
    return Consultation.objects.filter(
        assignment=assignment, round=round, stage__in=[Consultation.Stage.BEFORE, Consultation.Stage.DURING]
    ).exists()
