"""Assignment (交办) and the unit's answer to it (domain §4 steps 2–3)."""

from django.db import transaction
from django.utils.translation import gettext as _

from deadlines.models import ObligationKind
from districts.models import Membership, Role
from proposals.models import Item, Kind

from .. import obligations
from ..errors import Conflict, WorkflowError
from ..events import record_event
from ..models import Assignment, Obligation
from ..progress import keeps_list_facts
from . import permissions
from .locking import lock_item, reread, today


def _open_clocks(assignment, now):
    """Start the clocks of a new assignment: acceptance, and the reply or the co-unit opinion."""
    common = {"item": assignment.item, "now": now, "assignment": assignment, "round": assignment.item.round}
    unit = {"owner": Obligation.Owner.UNIT, "unit": assignment.unit}
    obligations.open_obligation(kind=ObligationKind.ACCEPTANCE, **common, **unit)
    if assignment.is_lead:
        kind = ObligationKind.REPLY if assignment.item.round == 1 else ObligationKind.REHANDLING_REPLY
        obligations.open_obligation(kind=kind, **common, **unit)
    else:
        obligations.open_obligation(kind=ObligationKind.CO_OPINION, **common, **unit)


def awaiting_reassignment(item):
    """Returned assignments the office has not handed to another unit yet (`reassign` links the new one)."""
    return item.assignments.filter(Assignment.AWAITING_REASSIGNMENT)


def _check_units(item, units):
    for unit in units:
        if unit.district_id != item.district_id or not unit.is_active:
            raise WorkflowError(
                _("%(unit)s is not an active unit of the item's district.") % {"unit": unit}, code="unit_foreign"
            )


@keeps_list_facts
def assign_units(*, actor, now, item, lead_units, co_units=(), split=False) -> list[Assignment]:
    """交办 a registered item: one lead unit (or several with `split`, 分办) and any co-units (会办).

    A city item the district only co-handles (市办会办件) has co-units only: it ends with their opinions.
    """
    lead_units, co_units = list(lead_units), list(co_units)
    permissions.require_office(actor, item)
    if item.kind == Kind.CITY_CO:
        if lead_units or not co_units:
            raise WorkflowError(
                _("A city item the district co-handles is assigned to co-handling units only."), code="city_co_units"
            )
    elif not lead_units:
        raise WorkflowError(_("Choose a lead unit."), code="lead_missing", field="lead_units")
    if len(lead_units) > 1 and not split:
        raise WorkflowError(
            _("Several lead units reply separately: assign them as split leads (分办)."),
            code="split_needed",
            field="lead_units",
        )
    units = lead_units + co_units
    if len({u.pk for u in units}) != len(units):
        raise WorkflowError(_("Each unit can be assigned only once."), code="unit_twice")
    _check_units(item, units)
    lead_role = Assignment.Role.SPLIT_LEAD if len(lead_units) > 1 else Assignment.Role.LEAD
    with transaction.atomic():
        item = lock_item(item.pk)
        if item.state != Item.State.REGISTERED:
            raise (Conflict if item.state == Item.State.HANDLING else WorkflowError)(
                _("Only a registered item awaiting assignment can be assigned."), code="state"
            )
        assignments = [
            Assignment.objects.create(item=item, unit=unit, role=role, assigned_at=now, assigned_by=actor)
            for units_, role in ((lead_units, lead_role), (co_units, Assignment.Role.CO))
            for unit in units_
        ]
        for a in assignments:
            _open_clocks(a, now)
        item.state = Item.State.HANDLING
        item.save(update_fields=["state", "updated_at"])
        record_event(
            item=item,
            action="item.assigned",
            actor=actor,
            now=now,
            lead_units=[u.pk for u in lead_units],
            co_units=[u.pk for u in co_units],
            split=len(lead_units) > 1,
        )
    return assignments


@keeps_list_facts
def mark_key_item(*, actor, now, item, leader) -> Item:
    """督办: a district leader personally leads the item (领导牵头督办件)."""
    permissions.require_office(actor, item)
    if not Membership.objects.filter(
        user=leader, role=Role.LEADER, district_id=item.district_id, is_active=True
    ).exists():
        raise WorkflowError(
            _("The supervising leader must be a district leader of this district."), code="not_leader", field="leader"
        )
    with transaction.atomic():
        item = lock_item(item.pk)
        if item.state in (Item.State.CLOSED, Item.State.REJECTED, Item.State.MERGED):
            raise WorkflowError(_("Only an item still to be handled can become a key item."), code="state")
        item.is_key = True
        item.supervising_leader = leader
        item.save(update_fields=["is_key", "supervising_leader", "updated_at"])
        record_event(item=item, action="item.key", actor=actor, now=now, leader=leader.pk)
    return item


def _locked_assignment(actor, assignment, roles=None):
    item = lock_item(assignment.item_id)
    assignment = reread(assignment)
    if roles is None:
        permissions.require_unit(actor, item, assignment)
    else:
        permissions.require_unit(actor, item, assignment, roles=roles)
    if item.state != Item.State.HANDLING:
        raise WorkflowError(_("The item is not being handled."), code="state")
    return item, assignment


@keeps_list_facts
def accept_assignment(*, actor, now, assignment) -> Assignment:
    """接收: the unit takes the item on; late acceptance is allowed and shows as overdue (超期接收)."""
    with transaction.atomic():
        item, assignment = _locked_assignment(actor, assignment)
        if assignment.state == Assignment.State.ACCEPTED:
            raise Conflict(_("This assignment has already been accepted."), code="already_accepted")
        if assignment.state != Assignment.State.PENDING:
            raise WorkflowError(_("Only an assignment awaiting acceptance can be accepted."), code="state")
        assignment.state = Assignment.State.ACCEPTED
        assignment.accepted_at = now
        assignment.save(update_fields=["state", "accepted_at"])
        obligations.fulfil_obligations(item=item, kinds=[ObligationKind.ACCEPTANCE], now=now, assignment=assignment)
        if assignment.is_lead:
            obligations.open_obligation(
                item=item,
                kind=ObligationKind.CONSULTATION,
                now=now,
                assignment=assignment,
                round=item.round,
                owner=Obligation.Owner.UNIT,
                unit=assignment.unit,
            )
        record_event(item=item, action="assignment.accepted", actor=actor, now=now, assignment=assignment)
    return assignment


@keeps_list_facts
def return_assignment(*, actor, now, assignment, reason) -> Assignment:
    """退回: a unit that is not competent hands the item back, with a reason, within the acceptance window."""
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the unit returns the item."), code="reason_missing", field="reason")
    with transaction.atomic():
        item, assignment = _locked_assignment(actor, assignment)
        if assignment.state == Assignment.State.RETURNED:
            raise Conflict(_("This assignment has already been returned."), code="already_returned")
        if assignment.state != Assignment.State.PENDING:
            raise WorkflowError(_("Only an assignment awaiting acceptance can be returned."), code="state")
        window = Obligation.objects.open().filter(assignment=assignment, kind=ObligationKind.ACCEPTANCE).first()
        if window is not None and window.due_on < today(now):
            raise WorkflowError(
                _("The acceptance window ended on %(date)s; ask the office to reassign the item.")
                % {"date": window.due_on.isoformat()},
                code="window_ended",
            )
        assignment.state = Assignment.State.RETURNED
        assignment.returned_at = now
        assignment.return_reason = reason
        assignment.save(update_fields=["state", "returned_at", "return_reason"])
        obligations.cancel_obligations(item=item, now=now, assignment=assignment)
        record_event(
            item=item, action="assignment.returned", actor=actor, now=now, assignment=assignment, reason=reason
        )
    return assignment


@keeps_list_facts
def reassign(*, actor, now, assignment, unit) -> Assignment:
    """The office hands a returned assignment to another unit; its clocks start now."""
    with transaction.atomic():
        item = lock_item(assignment.item_id)
        permissions.require_office(actor, item)
        assignment = reread(assignment)
        if assignment.state != Assignment.State.RETURNED:
            raise WorkflowError(_("Only a returned assignment can be reassigned."), code="state")
        if assignment.replaced_by.exists():
            raise Conflict(_("This returned assignment has already been reassigned."), code="already_reassigned")
        if item.state != Item.State.HANDLING:
            # A unit added now could never accept, yet its clocks would keep reminding it.
            raise WorkflowError(
                _("Only an item being handled can be reassigned; this one is: %(state)s.")
                % {"state": item.get_state_display()},
                code="state",
            )
        _check_units(item, [unit])
        if item.assignments.active().filter(unit=unit).exists():
            raise WorkflowError(_("This unit already handles the item."), code="unit_twice", field="unit")
        new = Assignment.objects.create(
            item=item, unit=unit, role=assignment.role, assigned_at=now, assigned_by=actor, replaces=assignment
        )
        _open_clocks(new, now)
        record_event(
            item=item,
            action="assignment.reassigned",
            actor=actor,
            now=now,
            assignment=new,
            previous=assignment.pk,
            previous_unit=assignment.unit_id,
            unit=unit.pk,
        )
    return new
