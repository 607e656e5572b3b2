import datetime as dt

import pytest

from proposals.models import Attachment, Item, Kind
from tests.factories import ItemFactory
from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError
from workflow.models import Assignment, Consultation, CoUnitOpinion, Obligation
from workflow.services import assignment as assign
from workflow.services import consultation, opinions

from .conftest import NOW, attachment
from .flow import receive


def record(assignment, actor, **kwargs):
    values = {"method": Consultation.Method.MEETING, "held_on": NOW.date()} | kwargs
    return consultation.record_consultation(actor=actor, now=NOW, assignment=assignment, **values)


def test_a_consultation_fulfils_the_consultation_obligation(accepted, handler):
    c = record(accepted, handler)
    assert (c.round, c.stage, c.on_behalf) == (1, "before", False)
    assert Obligation.objects.get(assignment=accepted, kind="consultation").fulfilled_at == NOW
    assert accepted.item.events.filter(action="consultation.recorded").exists()


def test_a_waiver_needs_to_say_how_the_proposer_declined(accepted, handler):
    with pytest.raises(WorkflowError) as exc:
        record(accepted, handler, method=Consultation.Method.WAIVER)
    assert exc.value.field == "notes"
    record(accepted, handler, method=Consultation.Method.WAIVER, notes="委员本人提出不需要走访")
    assert accepted.item.events.filter(action="consultation.waived").exists()


def test_the_office_records_on_behalf_only_with_the_scanned_record(accepted, office):
    with pytest.raises(WorkflowError) as exc:
        record(accepted, office)
    assert exc.value.code == "form_missing"
    c = record(accepted, office, form=attachment(accepted.item))
    assert c.on_behalf is True


def test_consulting_needs_an_accepted_assignment(lead, handler):
    with pytest.raises(WorkflowError) as exc:
        record(lead, handler)
    assert exc.value.code == "not_accepted"


def test_a_consultation_cannot_be_in_the_future(accepted, handler):
    with pytest.raises(WorkflowError):
        record(accepted, handler, held_on=NOW.date() + dt.timedelta(days=1))


def test_others_cannot_record_a_consultation(accepted, other_handler, leader, proposer_user):
    with pytest.raises(NotFound):
        record(accepted, other_handler)
    with pytest.raises(NotAllowed):
        record(accepted, leader)
    with pytest.raises(NotAllowed):
        record(accepted, proposer_user)


@pytest.fixture
def co(registered, office, unit, co_unit, co_handler, handler):
    _lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    return co


def test_a_co_unit_sends_its_opinion_once(co, co_handler):
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
    co.refresh_from_db()
    assert co.state == Assignment.State.DONE
    assert Obligation.objects.get(assignment=co, kind="co_opinion").fulfilled_at == NOW
    with pytest.raises(Conflict):
        opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="again")


def test_an_opinion_takes_only_the_items_own_files(co, co_handler, office, proposer):
    other_item = receive(office, proposer, now=NOW, number="0002", title="另一件提案")
    foreign = attachment(other_item, Attachment.Purpose.OTHER)
    with pytest.raises(WorkflowError) as exc:
        opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="会办意见", attachments=[foreign])
    assert exc.value.code == "attachment_foreign"
    assert not CoUnitOpinion.objects.exists()


def test_the_lead_unit_cannot_send_the_co_units_opinion(co, handler, office):
    with pytest.raises(NotFound):
        opinions.submit_opinion(actor=handler, now=NOW, assignment=co, text="x")
    with pytest.raises(NotAllowed):
        opinions.submit_opinion(actor=office, now=NOW, assignment=co, text="x")


def test_an_opinion_needs_text_and_a_co_assignment(co, co_handler, handler):
    with pytest.raises(WorkflowError):
        opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="")
    lead = co.item.assignments.get(role="lead")
    with pytest.raises(WorkflowError) as exc:
        opinions.submit_opinion(actor=handler, now=NOW, assignment=lead, text="x")
    assert exc.value.code == "not_co_unit"


def test_the_office_waives_a_missing_opinion_with_a_reason(co, office, co_handler):
    with pytest.raises(WorkflowError):
        opinions.waive_opinion(actor=office, now=NOW, assignment=co, reason="")
    with pytest.raises(NotAllowed):
        opinions.waive_opinion(actor=co_handler, now=NOW, assignment=co, reason="x")
    opinion = opinions.waive_opinion(actor=office, now=NOW, assignment=co, reason="会办单位已撤并")
    assert opinion.waived
    assert not opinions.missing_opinions(co.item).exists()


def send_city_opinion(handler, assignment, text):
    """Submit, approve and record sent (the approval chain itself: tests/workflow/test_city_opinions.py)."""
    opinion = opinions.submit_opinion(actor=handler, now=NOW, assignment=assignment, text=text)
    opinions.approve_opinion(actor=None, now=NOW, opinion=opinion)
    return opinions.record_opinion_sent(actor=handler, now=NOW, opinion=opinion)


def test_a_city_item_waits_for_the_unit_taking_over_a_returned_co_assignment(
    district, office, unit, other_unit, co_unit, handler, other_handler, co_handler
):
    item = ItemFactory(district=district, kind=Kind.CITY_CO, state=Item.State.REGISTERED, review="registered")
    first, second = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[], co_units=[unit, other_unit])
    assign.return_assignment(actor=other_handler, now=NOW, assignment=second, reason="不属于本单位职责")
    assign.accept_assignment(actor=handler, now=NOW, assignment=first)
    send_city_opinion(handler, first, "会办意见")
    item.refresh_from_db()
    assert item.state == Item.State.HANDLING  # the returned co-unit awaits reassignment
    # The office cannot close it by waiving the returned unit's opinion either: it reassigns.
    with pytest.raises(WorkflowError) as exc:
        opinions.waive_opinion(actor=office, now=NOW, assignment=second, reason="已撤并")
    assert exc.value.code == "returned"
    assert Assignment.objects.get(pk=second.pk).state == Assignment.State.RETURNED

    third = assign.reassign(actor=office, now=NOW, assignment=second, unit=co_unit)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=third)
    send_city_opinion(co_handler, third, "民政局会办意见")
    item.refresh_from_db()
    assert item.state == Item.State.CLOSED
