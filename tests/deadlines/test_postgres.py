"""On the real PostgreSQL: moving due dates while a workflow verb acts on the same item."""

import datetime as dt

import pytest

from deadlines.models import Holiday, ObligationKind
from proposals.models import Item
from tests.reminders.interleave import interleave
from workflow import obligations
from workflow.models import Assignment, Event, Obligation
from workflow.services import assignment as assign_service

from .conftest import local

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_recomputing_and_a_verb_on_the_same_item_do_not_deadlock(item, assign, handler, monkeypatch):
    """The recomputation records a "deadline.moved" event, which references the item; the verb locks the
    item, then the obligation. Holding the obligations without their items, the two deadlocked at commit."""
    Item.objects.filter(pk=item.pk).update(state=Item.State.HANDLING)
    lead = assign(local(2026, 11, 2))
    obligations.open_obligation(item=item, kind=ObligationKind.ACCEPTANCE, now=local(2026, 11, 2), assignment=lead)
    Holiday.objects.create(date=dt.date(2026, 11, 5), name="测试假日")  # acceptance: 9 → 10 November

    moved, accepted = interleave(
        monkeypatch,
        first=lambda: obligations.recompute_open_obligations(now=local(2026, 11, 3)),
        pause_at=(obligations, "derive"),  # the open obligations are locked, nothing moved yet
        then=lambda: assign_service.accept_assignment(actor=handler, now=local(2026, 11, 3), assignment=lead),
    )
    assert moved == 1
    assert isinstance(accepted, Assignment), accepted
    acceptance = Obligation.objects.get(assignment=lead, kind=ObligationKind.ACCEPTANCE)
    assert (acceptance.due_on, acceptance.on_time) == (dt.date(2026, 11, 10), True)
    assert Event.objects.filter(item=item, action="deadline.moved").count() == 1
