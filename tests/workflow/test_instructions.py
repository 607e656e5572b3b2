"""The supervising leader's instruction (批示) on a key item: who may give it, when, and who is told."""

import pytest
from django.utils import translation

from districts.models import Role
from notifications.models import Notification, NotificationKind
from notifications.texts import render
from proposals.models import Item
from tests.factories import MembershipFactory, UserFactory
from workflow import timeline
from workflow.errors import NotAllowed, NotFound, WorkflowError
from workflow.models import Event
from workflow.selectors import visible_events
from workflow.services import assignment as assign
from workflow.services.instructions import MAX_INSTRUCTION_CHARS, give_instruction

from .conftest import NOW

TEXT = "请区经委会同民政局于月底前拿出方案。"


@pytest.fixture
def key(registered, office, unit, co_unit, handler, head, co_handler, leader):
    """`unit` leads and `co_unit` co-handles a key item `leader` supervises."""
    assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    return assign.mark_key_item(actor=office, now=NOW, item=registered, leader=leader)


def instruct(actor, item, text=TEXT):
    return give_instruction(actor=actor, now=NOW, item=item, text=text)


def told():
    return set(Notification.objects.filter(channel="in_app").values_list("recipient", "kind"))


def test_the_supervising_leader_instructs_and_the_units_handlers_and_heads_are_told(
    key, leader, handler, head, co_handler, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = instruct(leader, key, f"  {TEXT}\n")
    assert (event.action, event.actor, event.data) == ("instruction.given", leader, {"text": TEXT})
    kind = NotificationKind.LEADER_INSTRUCTION
    assert told() == {(handler.pk, kind), (head.pk, kind), (co_handler.pk, kind)}  # not the leader, not the office
    notice = Notification.objects.select_related("recipient", "item", "obligation__unit").filter(recipient=head).first()
    assert notice.params == {"leader": "分管副区长", "text": TEXT}
    body = render(notice).body  # in the recipient's language: Chinese unless they chose English
    assert body.startswith("重点督办件0001号") and "督办领导分管副区长" in body and TEXT in body
    with translation.override("en"):
        assert timeline.describe(event) == f"The supervising district leader gave an instruction: {TEXT}"


def test_a_unit_that_returned_the_item_is_not_told(
    key, leader, co_unit, co_handler, handler, head, django_capture_on_commit_callbacks
):
    co = key.assignments.get(unit=co_unit)
    assign.return_assignment(actor=co_handler, now=NOW, assignment=co, reason="不属于本单位职责")
    with django_capture_on_commit_callbacks(execute=True):
        instruct(leader, key)
    assert {user for user, _kind in told()} == {handler.pk, head.pk}


def test_only_the_supervising_leader_instructs(key, district, handler, head, office, outsider):
    other_leader = UserFactory(username="leader2")
    MembershipFactory(user=other_leader, role=Role.LEADER, district=district)
    for actor in (other_leader, handler, head, office):
        with pytest.raises(NotAllowed):
            instruct(actor, key)
    with pytest.raises(NotFound):
        instruct(outsider, key)
    assert not Event.objects.filter(action="instruction.given").exists()


def test_an_item_that_is_not_key_takes_no_instruction(registered, leader):
    with pytest.raises(WorkflowError) as exc:
        instruct(leader, registered)
    assert exc.value.code == "not_key"


def test_the_text_is_required_and_bounded(key, leader):
    with pytest.raises(WorkflowError) as exc:
        instruct(leader, key, "   ")
    assert (exc.value.code, exc.value.field) == ("text_missing", "text")
    with pytest.raises(WorkflowError) as exc:
        instruct(leader, key, "批" * (MAX_INSTRUCTION_CHARS + 1))
    assert (exc.value.code, exc.value.field) == ("text_too_long", "text")


def test_a_closed_item_takes_no_instruction(key, leader):
    Item.objects.filter(pk=key.pk).update(state=Item.State.CLOSED, closed_at=NOW)
    with pytest.raises(WorkflowError) as exc:
        instruct(leader, key)
    assert exc.value.code == "state"


def test_the_instruction_shows_on_the_timeline_of_the_district_and_units_but_not_the_proposers(
    key, leader, handler, co_handler, office, proposer_user
):
    instruct(leader, key)
    for reader in (leader, handler, co_handler, office):
        assert visible_events(reader).filter(item=key, action="instruction.given").exists(), reader
    assert visible_events(proposer_user).filter(item=key).exists()  # the proposer still reads the item's history
    assert not visible_events(proposer_user).filter(item=key, action="instruction.given").exists()
