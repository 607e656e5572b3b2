"""Co-unit opinions (会办意见, domain §4 step 5): sent to the lead unit, or waived by the office."""

from django.db import transaction
from django.utils.translation import gettext as _

from deadlines.models import ObligationKind
from proposals.models import Item, Kind

from .. import obligations
from ..errors import Conflict, WorkflowError
from ..events import record_event
from ..models import Assignment, CoUnitOpinion
from ..progress import keeps_list_facts
from . import permissions
from .assignment import awaiting_reassignment
from .closing import close_item_now
from .files import check_own_files
from .locking import lock_item, reread

# Co-units send their opinion once, in the first round; a re-handling round does not ask again.
OPINION_ROUND = 1


def _locked_co_assignment(assignment):
    item = lock_item(assignment.item_id)
    assignment = reread(assignment)
    return item, assignment


def _check(item, assignment):
    if assignment.role != Assignment.Role.CO:
        raise WorkflowError(_("Only a co-handling unit sends an opinion."), code="not_co_unit")
    if assignment.state == Assignment.State.RETURNED:
        raise WorkflowError(_("This unit returned the item; reassign it to another unit instead."), code="returned")
    if item.state != Item.State.HANDLING:
        raise WorkflowError(_("The item is not being handled."), code="state")
    if CoUnitOpinion.objects.filter(assignment=assignment, round=OPINION_ROUND).exists():
        raise Conflict(_("This unit's opinion is already in."), code="already_in")


def _after_opinion(*, actor, now, item, assignment):
    assignment.state = Assignment.State.DONE
    assignment.save(update_fields=["state"])
    if item.kind == Kind.CITY_CO and not missing_opinions(item).exists() and not awaiting_reassignment(item).exists():
        # A city item the district only co-handles ends with its opinions (domain §4 step 5),
        # including the opinion of the unit that takes over a returned assignment.
        close_item_now(actor=actor, now=now, item=item, reason="city_co_opinions")


@keeps_list_facts
def submit_opinion(*, actor, now, assignment, text, attachments=()) -> CoUnitOpinion:
    if not (text or "").strip():
        raise WorkflowError(_("Write the unit's opinion."), code="text_missing", field="text")
    with transaction.atomic():
        item, assignment = _locked_co_assignment(assignment)
        permissions.require_unit(actor, item, assignment)
        _check(item, assignment)
        if assignment.state != Assignment.State.ACCEPTED:
            raise WorkflowError(_("The unit must accept the assignment before sending its opinion."), code="state")
        attachments = list(attachments)
        check_own_files(actor=actor, item=item, attachments=attachments)
        opinion = CoUnitOpinion.objects.create(
            assignment=assignment, round=OPINION_ROUND, text=text, submitted_by=actor, submitted_at=now
        )
        opinion.attachments.set(attachments)
        obligations.fulfil_obligations(item=item, kinds=[ObligationKind.CO_OPINION], now=now, assignment=assignment)
        record_event(item=item, action="opinion.submitted", actor=actor, now=now, assignment=assignment)
        _after_opinion(actor=actor, now=now, item=item, assignment=assignment)
    return opinion


@keeps_list_facts
def waive_opinion(*, actor, now, assignment, reason) -> CoUnitOpinion:
    """The office lets the lead reply go out without this co-unit's opinion."""
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the opinion is waived."), code="reason_missing", field="reason")
    with transaction.atomic():
        item, assignment = _locked_co_assignment(assignment)
        permissions.require_office(actor, item)
        _check(item, assignment)
        opinion = CoUnitOpinion.objects.create(
            assignment=assignment,
            round=OPINION_ROUND,
            waived=True,
            waiver_reason=reason,
            submitted_by=actor,
            submitted_at=now,
        )
        obligations.cancel_obligations(item=item, now=now, assignment=assignment)
        record_event(item=item, action="opinion.waived", actor=actor, now=now, assignment=assignment, reason=reason)
        _after_opinion(actor=actor, now=now, item=item, assignment=assignment)
    return opinion


def missing_opinions(item):
    """Co-unit assignments whose opinion the lead reply still waits for: those not yet done."""
    return item.assignments.filter(role=Assignment.Role.CO, state__in=Assignment.OPEN_STATES)
