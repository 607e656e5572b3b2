"""The district's opinion on a city item it co-handles (市办会办件): approved like a reply, then recorded as sent."""

import datetime as dt

import pytest

from proposals.models import Item, Kind
from tests.factories import ItemFactory
from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError
from workflow.models import CoUnitOpinion, Obligation
from workflow.services import assignment as assign
from workflow.services import opinions

from .conftest import NOW

LATER = NOW + dt.timedelta(hours=2)


@pytest.fixture
def city_co(district, office, unit, handler):
    item = ItemFactory(district=district, kind=Kind.CITY_CO, state=Item.State.REGISTERED, review="registered")
    (co,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[], co_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=co)
    return co


def owed(assignment):
    return Obligation.objects.filter(assignment=assignment, kind="co_opinion", fulfilled_at=None).exists()


def test_a_city_opinion_waits_for_the_head_and_is_in_only_once_recorded_as_sent(city_co, handler, head):
    opinion = opinions.submit_opinion(actor=handler, now=NOW, assignment=city_co, text="区意见")
    assert opinion.state == CoUnitOpinion.State.AWAITING_HEAD
    assert owed(city_co)  # the unit still owes the opinion: nothing went to the city yet

    opinions.approve_opinion(actor=head, now=NOW, opinion=opinion)
    opinion.refresh_from_db()
    assert (opinion.state, opinion.approved_by, opinion.approved_at) == ("approved", head, NOW)
    assert Item.objects.get(pk=city_co.item_id).state == Item.State.HANDLING

    opinions.record_opinion_sent(actor=handler, now=LATER, opinion=opinion)
    opinion.refresh_from_db()
    assert (opinion.state, opinion.sent_by, opinion.sent_at) == ("sent", handler, LATER)
    assert not owed(city_co)
    assert Item.objects.get(pk=city_co.item_id).state == Item.State.CLOSED
    actions = list(city_co.item.events.values_list("action", flat=True))
    assert actions[-4:-1] == ["opinion.submitted", "opinion.approved", "opinion.sent_to_city"]


def test_the_head_sends_it_back_with_a_reason_and_the_handler_submits_it_again(city_co, handler, head):
    opinion = opinions.submit_opinion(actor=handler, now=NOW, assignment=city_co, text="初稿")
    with pytest.raises(WorkflowError) as exc:
        opinions.send_back_opinion(actor=head, now=NOW, opinion=opinion, reason=" ")
    assert exc.value.field == "reason"
    opinions.send_back_opinion(actor=head, now=NOW, opinion=opinion, reason="请补充经费安排")
    assert CoUnitOpinion.objects.get(pk=opinion.pk).state == "sent_back"
    event = city_co.item.events.get(action="opinion.sent_back")
    assert event.data["reason"] == "请补充经费安排"

    again = opinions.submit_opinion(actor=handler, now=LATER, assignment=city_co, text="修改稿")
    assert (again.pk, again.state, again.text) == (opinion.pk, "awaiting_head", "修改稿")


def test_only_the_unit_head_approves_or_sends_back(city_co, handler, other_handler):
    opinion = opinions.submit_opinion(actor=handler, now=NOW, assignment=city_co, text="区意见")
    with pytest.raises(NotAllowed):
        opinions.approve_opinion(actor=handler, now=NOW, opinion=opinion)
    with pytest.raises(NotAllowed):
        opinions.send_back_opinion(actor=handler, now=NOW, opinion=opinion, reason="x")
    with pytest.raises(NotFound):  # another unit's work is outside its scope
        opinions.approve_opinion(actor=other_handler, now=NOW, opinion=opinion)


def test_wrong_steps_are_refused_and_a_second_act_is_a_conflict(city_co, handler, head):
    opinion = opinions.submit_opinion(actor=handler, now=NOW, assignment=city_co, text="区意见")
    with pytest.raises(WorkflowError) as exc:
        opinions.record_opinion_sent(actor=handler, now=NOW, opinion=opinion)  # not approved yet
    assert exc.value.code == "state"
    with pytest.raises(Conflict):
        opinions.submit_opinion(actor=handler, now=NOW, assignment=city_co, text="再交一次")
    opinions.approve_opinion(actor=head, now=NOW, opinion=opinion)
    with pytest.raises(Conflict) as exc:
        opinions.approve_opinion(actor=head, now=NOW, opinion=opinion)
    assert exc.value.code == "already_done"
    opinions.record_opinion_sent(actor=head, now=NOW, opinion=opinion)
    with pytest.raises(Conflict):
        opinions.record_opinion_sent(actor=handler, now=NOW, opinion=opinion)


def test_an_opinion_for_a_district_lead_unit_is_sent_at_once_and_has_no_approval(assigned, co_handler):
    _lead, co = assigned
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    opinion = opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="会办意见")
    assert (opinion.state, opinion.sent_at) == ("sent", NOW)
    assert not owed(co)
    with pytest.raises(WorkflowError) as exc:
        opinions.record_opinion_sent(actor=co_handler, now=NOW, opinion=opinion)
    assert exc.value.code == "not_city"
