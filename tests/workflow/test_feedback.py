import datetime as dt

import pytest

from proposals.models import Item
from tests.factories import ItemFactory, ProposerFactory
from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError
from workflow.models import Feedback, Obligation, RatingValue
from workflow.services import closing, feedback, intake

from .conftest import NOW, attachment, category
from .flow import consult
from .flow import reply as send


@pytest.fixture
def replied_c(accepted, handler, head, leader, office):
    """Replied with CPPCC C (留作参考): the item does not stay open."""
    consult(accepted, handler, NOW)
    return send(
        accepted, handler=handler, head=head, leader=leader, office=office, category=category("cppcc", "C"), now=NOW
    )


def rating(code):
    return RatingValue.objects.get(scale__code="quality", code=code)


def test_agreement_closes_an_item_that_does_not_stay_open(replied_c, proposer_user):
    fb = feedback.record_feedback(
        actor=proposer_user, now=NOW, item=replied_c.assignment.item, agrees=True, rating=rating("good"), praised=True
    )
    assert (fb.round, fb.on_behalf, fb.praised) == (1, False, True)
    item = Item.objects.get()
    assert item.state == Item.State.CLOSED
    assert Obligation.objects.get(item=item, kind="feedback").fulfilled_at == NOW


def test_disagreement_opens_a_rehandling_round(replied_c, proposer_user):
    item = replied_c.assignment.item
    feedback.record_feedback(
        actor=proposer_user, now=NOW, item=item, agrees=False, rating=rating("poor"), comment="未解决实际问题"
    )
    item.refresh_from_db()
    assert (item.state, item.round) == (Item.State.HANDLING, 2)
    open_rows = Obligation.objects.filter(item=item, fulfilled_at=None, cancelled_at=None)
    assert sorted(open_rows.values_list("kind", "round")) == [("consultation", 2), ("rehandling_reply", 2)]


def test_a_low_rating_alone_reopens_nothing(replied_c, proposer_user):
    feedback.record_feedback(
        actor=proposer_user, now=NOW, item=replied_c.assignment.item, agrees=True, rating=rating("poor")
    )
    assert Item.objects.get().state == Item.State.CLOSED


def test_feedback_is_given_once_per_round(replied_c, proposer_user, office, proposer):
    item = replied_c.assignment.item
    proposer2 = ProposerFactory(district=item.district, name="李委员")
    item.item_proposers.create(proposer=proposer2)
    feedback.record_feedback(
        actor=office, now=NOW, item=item, agrees=False, comment="未落实", proposer=proposer2, form=attachment(item)
    )
    item.refresh_from_db()
    with pytest.raises(WorkflowError):
        feedback.record_feedback(actor=proposer_user, now=NOW, item=item, agrees=True)


def test_a_disagreement_needs_its_reason(replied_c, proposer_user):
    item = replied_c.assignment.item
    with pytest.raises(WorkflowError) as exc:
        feedback.record_feedback(actor=proposer_user, now=NOW, item=item, agrees=False, comment="  ")
    assert (exc.value.code, exc.value.field) == ("reason_missing", "comment")
    assert Item.objects.get().state == Item.State.REPLIED


def test_the_office_records_a_form_on_behalf(replied_c, office, proposer):
    item = replied_c.assignment.item
    with pytest.raises(WorkflowError) as exc:
        feedback.record_feedback(actor=office, now=NOW, item=item, agrees=True, proposer=proposer)
    assert exc.value.code == "form_missing"
    fb = feedback.record_feedback(
        actor=office, now=NOW, item=item, agrees=True, proposer=proposer, form=attachment(item)
    )
    assert fb.on_behalf and fb.recorded_by == office


def test_a_repeated_form_is_a_conflict(replied_c, office, proposer, district):
    item = replied_c.assignment.item
    other = ProposerFactory(district=district, name="王委员")
    item.item_proposers.create(proposer=other)
    feedback.record_feedback(actor=office, now=NOW, item=item, agrees=True, proposer=other, form=attachment(item))
    with pytest.raises(Conflict):
        feedback.record_feedback(actor=office, now=NOW, item=item, agrees=True, proposer=other, form=attachment(item))
    assert Feedback.objects.count() == 1


def test_only_the_items_proposers_give_feedback(replied_c, handler, outsider, district, office):
    item = replied_c.assignment.item
    with pytest.raises(NotAllowed):
        feedback.record_feedback(actor=handler, now=NOW, item=item, agrees=True)
    with pytest.raises(NotFound):
        feedback.record_feedback(actor=outsider, now=NOW, item=item, agrees=True)
    stranger = ProposerFactory(district=district, name="赵委员")
    with pytest.raises(NotAllowed):
        feedback.record_feedback(
            actor=office, now=NOW, item=item, agrees=True, proposer=stranger, form=attachment(item)
        )


def test_feedback_needs_a_sent_reply_and_a_rating_of_the_scale(accepted, proposer_user, replied_c):
    with pytest.raises(WorkflowError) as exc:
        feedback.record_feedback(
            actor=proposer_user,
            now=NOW,
            item=replied_c.assignment.item,
            agrees=True,
            rating=RatingValue.objects.get(code="satisfied"),
        )
    assert exc.value.code == "rating_foreign"
    with pytest.raises(WorkflowError):
        feedback.record_feedback(actor=proposer_user, now=NOW, item=replied_c.assignment.item, agrees=None)


def test_feedback_before_the_reply_is_refused(accepted, proposer_user):
    with pytest.raises(WorkflowError) as exc:
        feedback.record_feedback(actor=proposer_user, now=NOW, item=accepted.item, agrees=True)
    assert exc.value.code == "state"


def test_a_merged_items_proposer_may_rate_the_reply(accepted, handler, head, leader, office, district):
    merged_proposer = ProposerFactory(district=district, name="钱委员")
    merged = ItemFactory(district=district, number="0009", lead_proposer=merged_proposer)
    item = accepted.item
    intake.merge_item(actor=office, now=NOW, item=merged, into=item)
    consult(accepted, handler, NOW)
    send(accepted, handler=handler, head=head, leader=leader, office=office, category=category("cppcc", "C"), now=NOW)
    fb = feedback.record_feedback(
        actor=office, now=NOW, item=item, agrees=True, proposer=merged_proposer, form=attachment(item)
    )
    assert fb.proposer == merged_proposer
    # A merged item's proposer rates, but the item's own proposer decides the stage.
    assert Item.objects.get(pk=item.pk).state == Item.State.REPLIED


def test_the_feedback_window_ends_without_a_rating(replied_c):
    item = replied_c.assignment.item
    assert closing.expire_feedback_windows(now=NOW + dt.timedelta(days=20)) == 0
    later = NOW + dt.timedelta(days=40)
    assert closing.expire_feedback_windows(now=later) == 1
    assert closing.expire_feedback_windows(now=later) == 0
    item.refresh_from_db()
    assert item.state == Item.State.CLOSED
    assert item.events.filter(action="feedback.missed").count() == 1
    assert not Feedback.objects.exists()
