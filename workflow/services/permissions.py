"""Who may act on an item: the one place every service checks role and scope.

Scope comes first and reuses the read path (`workflow.selectors.item_scope`): an object
the actor may not see is "not found", exactly like a missing one. Only an actor who can
see the item but lacks the role gets "not allowed". `actor=None` is the system
(management commands, tasks) and passes every check.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from districts.models import UNIT_ROLES, HandlingUnit, Role
from districts.selectors import active_memberships
from proposals.models import Item, ItemProposer

from ..access import REPLY_HOLDERS, district_ids, is_office
from ..errors import NotAllowed, NotFound, item_not_found
from ..models import Assignment, Message
from ..selectors import item_scope


def require_visible(actor, item):
    if actor is None:
        return
    scope = item_scope(actor)
    if scope is None or not Item.objects.filter(scope, pk=item.pk).exists():
        raise item_not_found()


def require_office(actor, item):
    require_visible(actor, item)
    if not is_office(actor, item.district_id):
        raise NotAllowed(_("Only the district office may do this."))


def unit_roles(actor, unit_id) -> set:
    if actor is None:
        return set(UNIT_ROLES)
    return {m.role for m in active_memberships(actor) if m.role in UNIT_ROLES and m.unit_id == unit_id}


def require_unit(actor, item, assignment, roles=UNIT_ROLES):
    """The actor works for the assignment's unit in one of `roles`.

    A member of another unit gets "not found": another unit's work is outside its scope.
    """
    require_visible(actor, item)
    if actor is None:
        return
    mine = unit_roles(actor, assignment.unit_id)
    if mine & set(roles):
        return
    if (
        not mine
        and any(m.role in UNIT_ROLES for m in active_memberships(actor))
        and not is_office(actor, item.district_id)
    ):
        raise NotFound(_("This assignment does not exist or is not your unit's."))
    if Role.UNIT_HEAD in roles and Role.HANDLER not in roles:
        raise NotAllowed(_("Only the head of the handling unit may do this."))
    raise NotAllowed(_("Only the handling unit may do this."))


def require_unit_or_office(actor, item, assignment) -> bool:
    """A unit member, or the office acting on the unit's behalf; returns True for the office."""
    require_visible(actor, item)
    if actor is None or unit_roles(actor, assignment.unit_id):
        return False
    if is_office(actor, item.district_id):
        return True
    require_unit(actor, item, assignment)
    return False


def require_leader(actor, item, unit):
    """The district leader responsible for `unit` (分管领导)."""
    require_visible(actor, item)
    if actor is None:
        return
    is_leader = item.district_id in district_ids(actor, (Role.LEADER,))
    if not (is_leader and unit.responsible_leader_id == actor.pk):
        raise NotAllowed(_("Only the district leader responsible for this unit may sign this off."))


def require_reply_holder(actor, item, reply, step):
    """The actor holds `reply` at approval step `step` (`access.REPLY_HOLDERS`): the unit's head, the
    district leader responsible for the unit, or the office.
    """
    role = REPLY_HOLDERS[step]
    if role == Role.UNIT_HEAD:
        require_unit(actor, item, reply.assignment, roles=(Role.UNIT_HEAD,))
    elif role == Role.LEADER:
        require_leader(actor, item, reply.assignment.unit)
    else:
        require_office(actor, item)


def proposer_ids_of(item) -> set:
    """The proposers who receive this item's reply: its own and those of items merged into it."""
    links = ItemProposer.objects.filter(Q(item_id=item.pk) | Q(item__merged_into_id=item.pk))
    return set(links.values_list("proposer_id", flat=True))


def proposer_ids_for(actor, item) -> set:
    """The proposers of the item (or of an item merged into it) the actor speaks for; no query for a non-proposer."""
    mine = {m.proposer_id for m in active_memberships(actor) if m.role == Role.PROPOSER} if actor else set()
    return mine & proposer_ids_of(item) if mine else set()


def require_proposer(actor, item) -> int:
    """The proposer the actor speaks for on this item; returns its id."""
    require_visible(actor, item)
    found = proposer_ids_for(actor, item)
    if not found:
        raise NotAllowed(_("Only a proposer of this item may do this."))
    return min(found)


def _writes_as(actor, item, unit_id, *, proposes=None):
    """The side (`Message.Sender`) the actor writes for in `unit_id`'s thread, or None: the one rule of who writes.

    The unit's handlers and head write as the unit, the item's proposers as the proposer.
    `proposes` spares asking again, unit after unit, whether the actor is a proposer of the item.
    """
    if unit_roles(actor, unit_id):
        return Message.Sender.UNIT
    if proposes is None:
        proposes = bool(proposer_ids_for(actor, item))
    return Message.Sender.PROPOSER if proposes else None


def require_message_sender(actor, item, unit):
    """The side (`Message.Sender`) the actor writes for in `unit`'s thread on the item, and the unit's assignment.

    The unit must hold a non-returned assignment on the item. Another unit's thread is outside
    a unit member's scope; the office and leaders see it but do not write in it.
    """
    require_visible(actor, item)
    if actor is None:
        raise NotAllowed(_("A message is written by a person, not by the system."))
    assignment = Assignment.objects.active().filter(item=item, unit=unit).first()
    if assignment is None:
        raise NotFound(_("This unit does not handle this item."))
    sender = _writes_as(actor, item, unit.pk)
    if sender is not None:
        return sender, assignment
    if any(m.role in UNIT_ROLES for m in active_memberships(actor)) and not is_office(actor, item.district_id):
        raise NotFound(_("This conversation does not exist or is not your unit's."))
    raise NotAllowed(_("Only the handling unit and the proposers of this item may write here."))


def message_units(actor, item, *, assignments=None) -> list[HandlingUnit]:
    """The units whose thread on the item the actor may write in, in assignment order; empty when none.

    The rule of `require_message_sender`, for every unit at once (a page offers these threads).
    Whoever it names sees the item: a unit's non-returned assignment and a proposer's item are
    their scope. `assignments` are the item's, when the caller has them loaded with their units.
    """
    if actor is None:
        return []
    if assignments is None:
        assignments = item.assignments.select_related("unit").order_by("assigned_at", "pk")
    units = [a.unit for a in assignments if a.state != Assignment.State.RETURNED]
    proposes = bool(proposer_ids_for(actor, item))
    return [unit for unit in units if _writes_as(actor, item, unit.pk, proposes=proposes) is not None]
