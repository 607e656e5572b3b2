"""The feedback window (domain §4 step 7) binds the proposer's own feedback from the day after its last day,
even before the nightly sweep settles the item: the service, the feedback page and the API refuse it with
the date it ended. The office recording a paper form for the proposer may still record it late.
"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from proposals.models import Item
from workflow.errors import WorkflowError
from workflow.models import Feedback, Obligation, RatingValue
from workflow.services import feedback

from .conftest import NOW, attachment, category
from .flow import consult
from .flow import reply as send

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def replied(accepted, handler, head, leader, office):
    """The only lead unit's reply (CPPCC C, not staying open) sent on NOW: feedback is awaited."""
    consult(accepted, handler, NOW)
    send(accepted, handler=handler, head=head, leader=leader, office=office, category=category("cppcc", "C"), now=NOW)
    return Item.objects.get(pk=accepted.item_id)


@pytest.fixture
def last_day(replied):
    """The window's last day: the round's feedback obligation's due date."""
    return Obligation.objects.open().get(item=replied, kind="feedback").due_on


def at(day, hour=9):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NOW.tzinfo)


def good():
    return RatingValue.objects.get(scale__code="quality", code="good")


def test_the_proposer_may_answer_until_the_evening_of_the_last_day(replied, last_day, proposer_user):
    fb = feedback.record_feedback(actor=proposer_user, now=at(last_day, 23), item=replied, agrees=True, rating=good())
    assert fb.on_behalf is False
    assert Item.objects.get(pk=replied.pk).state == Item.State.CLOSED


def test_the_day_after_the_proposer_is_refused_saying_since_when(replied, last_day, proposer_user):
    with translation.override("en"), pytest.raises(WorkflowError) as exc:
        feedback.record_feedback(actor=proposer_user, now=at(last_day + DAY, 0), item=replied, agrees=True)
    assert exc.value.code == "window_closed"
    with translation.override("en"):
        assert str(exc.value) == (
            f"The feedback window ended on {date_format(last_day)}: feedback can no longer be given here."
        )
    assert not Feedback.objects.exists()
    assert Item.objects.get(pk=replied.pk).state == Item.State.REPLIED  # the sweep settles it, not the refusal


def test_a_late_disagreement_reopens_nothing(replied, last_day, proposer_user):
    with pytest.raises(WorkflowError):
        feedback.record_feedback(
            actor=proposer_user, now=at(last_day + DAY), item=replied, agrees=False, comment="未解决实际问题"
        )
    assert (Item.objects.get(pk=replied.pk).round, Obligation.objects.filter(kind="rehandling_reply").count()) == (1, 0)


def test_the_office_still_records_a_paper_form_after_the_window(replied, last_day, office, proposer):
    fb = feedback.record_feedback(
        actor=office,
        now=at(last_day + 3 * DAY),
        item=replied,
        agrees=True,
        rating=good(),
        proposer=proposer,
        form=attachment(replied),
    )
    assert (fb.on_behalf, fb.proposer_id) == (True, proposer.pk)
    assert Item.objects.get(pk=replied.pk).state == Item.State.CLOSED


def test_the_feedback_page_says_when_the_window_ended_and_refuses_a_late_form(client, replied, last_day, proposer_user):
    client.force_login(proposer_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("my:feedback", args=[replied.pk])
    with time_machine.travel(at(last_day, 20), tick=False):
        assert 'name="agrees"' in client.get(url).content.decode()
    with time_machine.travel(at(last_day + DAY), tick=False):
        page = client.get(url).content.decode()
        assert 'name="agrees"' not in page
        assert f"The feedback window of this reply ended on {last_day.isoformat()}." in page
        assert "Give your feedback" not in client.get(reverse("my:items")).content.decode()

        response = client.post(url, {"agrees": "yes", "rating": good().pk})  # a form opened before the end
    assert response.status_code == 400
    with translation.override("en"):
        assert f"The feedback window ended on {date_format(last_day)}" in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_api_refuses_a_late_form_with_its_code(client, replied, last_day, proposer_user):
    proposer_user.language = "en"  # the API answers in the caller's saved language
    proposer_user.save(update_fields=["language"])
    client.force_login(proposer_user)
    with time_machine.travel(at(last_day + DAY), tick=False):
        response = client.post(
            f"/api/v1/items/{replied.pk}/feedback/", {"agrees": True, "rating": "good"}, content_type="application/json"
        )
    assert response.status_code == 400
    with translation.override("en"):
        detail = f"The feedback window ended on {date_format(last_day)}: feedback can no longer be given here."
    assert response.json() == {"code": "window_closed", "detail": detail, "field": None}
    assert not Feedback.objects.exists()
