import pytest

from proposals.models import Item
from tests.factories import ItemFactory
from workflow.errors import NotAllowed, NotFound, WorkflowError
from workflow.models import Event
from workflow.services import intake

from .conftest import NOW


def test_receiving_records_the_item_and_its_lead_proposer(received, proposer):
    assert received.state == Item.State.RECEIVED
    assert received.review == Item.Review.PENDING
    assert list(received.item_proposers.values_list("proposer", "is_lead")) == [(proposer.pk, True)]
    assert Event.objects.get(item=received).action == "item.received"


def test_receiving_refuses_a_duplicate_number(received, office, district):
    with pytest.raises(WorkflowError) as exc:
        intake.receive_item(
            actor=office, now=NOW, district=district, year=2026, body="cppcc", kind="proposal", number="0001", title="x"
        )
    assert (exc.value.code, exc.value.field) == ("duplicate_number", "number")
    assert "0001" in str(exc.value)


def test_receiving_refuses_a_kind_of_the_other_body(office, district):
    with pytest.raises(WorkflowError):
        intake.receive_item(
            actor=office, now=NOW, district=district, year=2026, body="cppcc", kind="suggestion", number="1", title="x"
        )


def test_only_the_office_receives_items(handler, district):
    with pytest.raises(NotAllowed):
        intake.receive_item(
            actor=handler, now=NOW, district=district, year=2026, body="cppcc", kind="proposal", number="1", title="x"
        )


def test_registering_makes_the_item_await_assignment(registered):
    assert (registered.state, registered.review) == (Item.State.REGISTERED, Item.Review.REGISTERED)
    assert registered.events.filter(action="item.registered").exists()


def test_registering_twice_is_refused(registered, office):
    with pytest.raises(WorkflowError) as exc:
        intake.register_item(actor=office, now=NOW, item=registered)
    assert exc.value.code == "already_reviewed"


def test_a_handler_cannot_register(received, handler):
    # The handler's unit is not assigned yet, so the item is outside its scope.
    with pytest.raises(NotFound):
        intake.register_item(actor=handler, now=NOW, item=received)


def test_a_leader_sees_the_item_but_may_not_register_it(received, leader):
    with pytest.raises(NotAllowed):
        intake.register_item(actor=leader, now=NOW, item=received)


def test_another_districts_office_gets_not_found(received, outsider):
    with pytest.raises(NotFound):
        intake.register_item(actor=outsider, now=NOW, item=received)


def test_the_system_may_register(received):
    item = intake.register_item(actor=None, now=NOW, item=received)
    assert item.state == Item.State.REGISTERED
    assert item.events.get(action="item.registered").actor is None


def test_rejecting_needs_a_reason(received, office):
    with pytest.raises(WorkflowError) as exc:
        intake.reject_item(actor=office, now=NOW, item=received, reason=" ")
    assert exc.value.field == "reason"
    item = intake.reject_item(actor=office, now=NOW, item=received, reason="属于个人诉求")
    assert (item.state, item.rejection_reason) == (Item.State.REJECTED, "属于个人诉求")


def test_merging_points_the_item_at_its_target(received, office, district):
    other = ItemFactory(district=district, number="0002")
    item = intake.merge_item(actor=office, now=NOW, item=other, into=received)
    assert (item.state, item.merged_into) == (Item.State.MERGED, received)
    assert received.events.filter(action="item.merged_in").exists()


def test_merging_refuses_itself_and_another_year(received, office, district):
    with pytest.raises(WorkflowError):
        intake.merge_item(actor=office, now=NOW, item=received, into=received)
    other = ItemFactory(district=district, year=2025)
    with pytest.raises(WorkflowError) as exc:
        intake.merge_item(actor=office, now=NOW, item=other, into=received)
    assert exc.value.code == "merge_foreign"


def test_merging_into_a_closed_item_is_refused(received, office, district):
    target = ItemFactory(district=district, state=Item.State.REJECTED, review="rejected", rejection_reason="x")
    with pytest.raises(WorkflowError) as exc:
        intake.merge_item(actor=office, now=NOW, item=received, into=target)
    assert exc.value.code == "merge_target_state"
