import datetime as dt

import pytest

from proposals.models import Item, Kind
from tests.factories import ItemFactory, UnitFactory
from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError
from workflow.models import Assignment, Obligation
from workflow.services import assignment as assign

from .conftest import NOW


def open_kinds(item):
    rows = Obligation.objects.filter(item=item, fulfilled_at=None, cancelled_at=None)
    return sorted(rows.values_list("kind", flat=True))


def test_assigning_starts_the_clocks(registered, office, unit, co_unit):
    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    registered.refresh_from_db()
    assert registered.state == Item.State.HANDLING
    assert (lead.role, co.role) == (Assignment.Role.LEAD, Assignment.Role.CO)
    assert open_kinds(registered) == ["acceptance", "acceptance", "co_opinion", "reply"]
    assert registered.events.get(action="item.assigned").data["co_units"] == [co_unit.pk]


def test_several_leads_need_split(registered, office, unit, other_unit):
    with pytest.raises(WorkflowError) as exc:
        assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit, other_unit])
    assert exc.value.code == "split_needed"
    a, b = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit, other_unit], split=True)
    assert a.role == b.role == Assignment.Role.SPLIT_LEAD


def test_assigning_refuses_a_unit_of_another_district(registered, office, other_district):
    foreign = UnitFactory(district=other_district)
    with pytest.raises(WorkflowError) as exc:
        assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[foreign])
    assert exc.value.code == "unit_foreign"


def test_assigning_needs_a_registered_item(received, office, unit):
    with pytest.raises(WorkflowError) as exc:
        assign.assign_units(actor=office, now=NOW, item=received, lead_units=[unit])
    assert exc.value.code == "state"


def test_assigning_twice_is_a_conflict(lead, office, other_unit):
    with pytest.raises(Conflict):
        assign.assign_units(actor=office, now=NOW, item=lead.item, lead_units=[other_unit])


def test_assigning_needs_a_lead_unit_except_for_city_co_items(registered, office, unit, district):
    with pytest.raises(WorkflowError) as exc:
        assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[])
    assert exc.value.code == "lead_missing"
    city = ItemFactory(district=district, kind=Kind.CITY_CO, state=Item.State.REGISTERED, review="registered")
    (co,) = assign.assign_units(actor=office, now=NOW, item=city, lead_units=[], co_units=[unit])
    assert co.role == Assignment.Role.CO


def test_only_the_office_assigns(registered, leader, unit, outsider):
    with pytest.raises(NotAllowed):
        assign.assign_units(actor=leader, now=NOW, item=registered, lead_units=[unit])
    with pytest.raises(NotFound):
        assign.assign_units(actor=outsider, now=NOW, item=registered, lead_units=[unit])


def test_marking_a_key_item_names_a_district_leader(registered, office, leader, handler):
    item = assign.mark_key_item(actor=office, now=NOW, item=registered, leader=leader)
    assert (item.is_key, item.supervising_leader) == (True, leader)
    with pytest.raises(WorkflowError) as exc:
        assign.mark_key_item(actor=office, now=NOW, item=registered, leader=handler)
    assert exc.value.code == "not_leader"


def test_accepting_fulfils_acceptance_and_opens_consultation(lead, handler):
    a = assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assert (a.state, a.accepted_at) == (Assignment.State.ACCEPTED, NOW)
    assert open_kinds(lead.item) == ["consultation", "reply"]
    assert Obligation.objects.get(assignment=lead, kind="acceptance").on_time is True


def test_accepting_twice_is_a_conflict(accepted, handler, head):
    with pytest.raises(Conflict):
        assign.accept_assignment(actor=head, now=NOW, assignment=accepted)


def test_accepting_is_for_the_assigned_unit_only(lead, other_handler, office, proposer_user):
    with pytest.raises(NotFound):
        assign.accept_assignment(actor=other_handler, now=NOW, assignment=lead)
    with pytest.raises(NotAllowed):
        assign.accept_assignment(actor=office, now=NOW, assignment=lead)


def test_a_co_unit_member_cannot_act_for_the_lead(registered, office, unit, co_unit, co_handler):
    lead, _co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    with pytest.raises(NotFound):
        assign.accept_assignment(actor=co_handler, now=NOW, assignment=lead)


def test_returning_needs_a_reason_and_cancels_the_clocks(lead, handler):
    with pytest.raises(WorkflowError):
        assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="")
    a = assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="不属于本单位职责")
    assert a.state == Assignment.State.RETURNED
    assert open_kinds(lead.item) == []


def test_returning_after_the_acceptance_window_is_refused(lead, handler):
    with pytest.raises(WorkflowError) as exc:
        assign.return_assignment(actor=handler, now=NOW + dt.timedelta(days=30), assignment=lead, reason="x")
    assert exc.value.code == "window_ended"


def test_an_accepted_assignment_cannot_be_returned(accepted, handler):
    with pytest.raises(WorkflowError) as exc:
        assign.return_assignment(actor=handler, now=NOW, assignment=accepted, reason="x")
    assert exc.value.code == "state"


def test_reassigning_starts_new_clocks_for_the_new_unit(lead, handler, office, other_unit):
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="不属于本单位职责")
    later = NOW + dt.timedelta(days=2)
    new = assign.reassign(actor=office, now=later, assignment=lead, unit=other_unit)
    assert (new.unit, new.replaces, new.role, new.assigned_at) == (other_unit, lead, lead.role, later)
    assert open_kinds(lead.item) == ["acceptance", "reply"]
    with pytest.raises(Conflict):
        assign.reassign(actor=office, now=later, assignment=lead, unit=other_unit)


def test_reassigning_needs_a_returned_assignment(lead, office, other_unit, handler):
    with pytest.raises(WorkflowError):
        assign.reassign(actor=office, now=NOW, assignment=lead, unit=other_unit)
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="x")
    # Once returned, the item is no longer the unit's to see.
    with pytest.raises(NotFound):
        assign.reassign(actor=handler, now=NOW, assignment=lead, unit=other_unit)


def test_reassigning_is_refused_once_the_item_is_no_longer_handled(
    registered, office, unit, co_unit, co_handler, other_unit, handler, head, leader
):
    from django.utils import translation

    from workflow.services import closing

    from .conftest import category
    from .flow import consult, reply

    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.return_assignment(actor=co_handler, now=NOW, assignment=co, reason="不属于本单位职责")
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    reply(lead, handler=handler, head=head, leader=leader, office=office, category=category("cppcc", "C"), now=NOW)
    assert Item.objects.get().state == Item.State.REPLIED
    # A unit added now could never accept, yet its clocks would remind it.
    with translation.override("en"), pytest.raises(WorkflowError) as exc:
        assign.reassign(actor=office, now=NOW, assignment=co, unit=other_unit)
    assert (exc.value.code, str(exc.value)) == (
        "state",
        "Only an item being handled can be reassigned; this one is: Replied, awaiting feedback.",
    )
    closing.close_item(actor=office, now=NOW + dt.timedelta(days=40), item=registered)
    with pytest.raises(WorkflowError):
        assign.reassign(actor=office, now=NOW + dt.timedelta(days=40), assignment=co, unit=other_unit)
    assert not Assignment.objects.filter(unit=other_unit).exists()
    assert open_kinds(registered) == []
