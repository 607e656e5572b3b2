"""Co-unit opinions (会办意见, domain §4 step 5): sent to the lead unit, or waived by the office.

On a city item the district co-handles (市办会办件) the opinion is the district's answer to the
city's lead unit: the unit head approves it or sends it back, and the unit records it as sent once
the signed document has gone through the city's platform; only then is the opinion in.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from deadlines.models import ObligationKind
from districts.models import UNIT_ROLES, Role
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


def _check(item, assignment, *, resubmitting=False):
    if assignment.role != Assignment.Role.CO:
        raise WorkflowError(_("Only a co-handling unit sends an opinion."), code="not_co_unit")
    if assignment.state == Assignment.State.RETURNED:
        raise WorkflowError(_("This unit returned the item; reassign it to another unit instead."), code="returned")
    if item.state != Item.State.HANDLING:
        raise WorkflowError(_("The item is not being handled."), code="state")
    existing = CoUnitOpinion.objects.filter(assignment=assignment, round=OPINION_ROUND)
    if resubmitting:
        existing = existing.exclude(state=CoUnitOpinion.State.SENT_BACK)
    if existing.exists():
        raise Conflict(_("This unit's opinion is already in."), code="already_in")


def _fulfil(item, assignment, now):
    obligations.fulfil_obligations(item=item, kinds=[ObligationKind.CO_OPINION], now=now, assignment=assignment)


def _after_opinion(*, actor, now, item, assignment):
    """The opinion is in: the co-unit is done, and a city item with every opinion in is closed."""
    assignment.state = Assignment.State.DONE
    assignment.save(update_fields=["state"])
    if item.kind == Kind.CITY_CO and not missing_opinions(item).exists() and not awaiting_reassignment(item).exists():
        # A city item the district only co-handles ends with its opinions (domain §4 step 5),
        # including the opinion of the unit that takes over a returned assignment.
        close_item_now(actor=actor, now=now, item=item, reason="city_co_opinions")


@keeps_list_facts
def submit_opinion(*, actor, now, assignment, text, attachments=()) -> CoUnitOpinion:
    """Send the opinion to the lead unit; on a city item, submit it to the unit head (again, once sent back)."""
    if not (text or "").strip():
        raise WorkflowError(_("Write the unit's opinion."), code="text_missing", field="text")
    with transaction.atomic():
        item, assignment = _locked_co_assignment(assignment)
        permissions.require_unit(actor, item, assignment)
        for_city = item.kind == Kind.CITY_CO
        _check(item, assignment, resubmitting=for_city)
        if assignment.state != Assignment.State.ACCEPTED:
            raise WorkflowError(_("The unit must accept the assignment before sending its opinion."), code="state")
        attachments = list(attachments)
        opinion = CoUnitOpinion.objects.filter(assignment=assignment, round=OPINION_ROUND).first()
        check_own_files(actor=actor, item=item, attachments=attachments, opinion=opinion)
        fields = {"text": text, "submitted_by": actor, "submitted_at": now}
        if for_city:
            fields.update(state=CoUnitOpinion.State.AWAITING_HEAD, sent_at=None)
        else:
            fields.update(state=CoUnitOpinion.State.SENT, sent_by=actor, sent_at=now)
        opinion, _created = CoUnitOpinion.objects.update_or_create(
            assignment=assignment, round=OPINION_ROUND, defaults=fields
        )
        opinion.attachments.set(attachments)
        if not for_city:
            _fulfil(item, assignment, now)
        record_event(item=item, action="opinion.submitted", actor=actor, now=now, assignment=assignment)
        if not for_city:
            _after_opinion(actor=actor, now=now, item=item, assignment=assignment)
    return opinion


def _city_opinion_at(actor, opinion, expected, *, roles, done_message):
    """Lock the item, re-read the opinion and check it is a city opinion at `expected`, acted on by `roles`."""
    item, assignment = _locked_co_assignment(opinion.assignment)
    opinion = CoUnitOpinion.objects.get(pk=opinion.pk)
    permissions.require_unit(actor, item, assignment, roles=roles)
    if item.kind != Kind.CITY_CO:
        raise WorkflowError(_("Only the opinion on a city item is approved and sent by the unit."), code="not_city")
    if opinion.state != expected:
        order = [CoUnitOpinion.State.AWAITING_HEAD, CoUnitOpinion.State.APPROVED, CoUnitOpinion.State.SENT]
        if opinion.state in order and order.index(opinion.state) > order.index(expected):
            raise Conflict(done_message, code="already_done")
        raise WorkflowError(
            _("The opinion is not at this step (it is: %(state)s).") % {"state": opinion.get_state_display()},
            code="state",
        )
    return item, assignment, opinion


@keeps_list_facts
def approve_opinion(*, actor, now, opinion) -> CoUnitOpinion:
    """签发 by the unit head: the district's opinion may go to the city's lead unit."""
    with transaction.atomic():
        item, assignment, opinion = _city_opinion_at(
            actor,
            opinion,
            CoUnitOpinion.State.AWAITING_HEAD,
            roles=(Role.UNIT_HEAD,),
            done_message=_("This opinion has already been approved."),
        )
        opinion.state = CoUnitOpinion.State.APPROVED
        opinion.approved_by, opinion.approved_at = actor, now
        opinion.save(update_fields=["state", "approved_by", "approved_at"])
        record_event(item=item, action="opinion.approved", actor=actor, now=now, assignment=assignment)
    return opinion


@keeps_list_facts
def send_back_opinion(*, actor, now, opinion, reason) -> CoUnitOpinion:
    """The unit head returns the opinion to the handler, saying why; the handler submits it again."""
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the opinion is sent back."), code="reason_missing", field="reason")
    with transaction.atomic():
        item, assignment, opinion = _city_opinion_at(
            actor,
            opinion,
            CoUnitOpinion.State.AWAITING_HEAD,
            roles=(Role.UNIT_HEAD,),
            done_message=_("This opinion has already been approved."),
        )
        opinion.state = CoUnitOpinion.State.SENT_BACK
        opinion.save(update_fields=["state"])
        record_event(
            item=item, action="opinion.sent_back", actor=actor, now=now, assignment=assignment, reason=reason
        )
    return opinion


@keeps_list_facts
def record_opinion_sent(*, actor, now, opinion) -> CoUnitOpinion:
    """The approved opinion went to the city through its platform: the co-unit is done."""
    with transaction.atomic():
        item, assignment, opinion = _city_opinion_at(
            actor,
            opinion,
            CoUnitOpinion.State.APPROVED,
            roles=UNIT_ROLES,
            done_message=_("This opinion is already recorded as sent."),
        )
        opinion.state = CoUnitOpinion.State.SENT
        opinion.sent_by, opinion.sent_at = actor, now
        opinion.save(update_fields=["state", "sent_by", "sent_at"])
        _fulfil(item, assignment, now)
        record_event(item=item, action="opinion.sent_to_city", actor=actor, now=now, assignment=assignment)
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
            sent_at=now,
        )
        obligations.cancel_obligations(item=item, now=now, assignment=assignment)
        record_event(item=item, action="opinion.waived", actor=actor, now=now, assignment=assignment, reason=reason)
        _after_opinion(actor=actor, now=now, item=item, assignment=assignment)
    return opinion


def missing_opinions(item):
    """Co-unit assignments whose opinion the lead reply still waits for: those not yet done."""
    return item.assignments.filter(role=Assignment.Role.CO, state__in=Assignment.OPEN_STATES)
