"""The proposer's own feedback form (征询意见表, `/my/items/<id>/feedback/`).

It opens when every lead unit of the round has sent its reply: the rating on the district's scale
for the body, agree or disagree (a disagreement says why and starts re-handling, due a month later),
praise, a comment. Once per proposer and round: a second submission is refused. Only a proposer of
the item gives it (the office records paper forms elsewhere, 403); another's item is not found (404).
A group's staff login gives it for the group.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from districts.models import Proposer, Role
from proposals.models import Item
from tests.factories import MembershipFactory, ProposerFactory, UserFactory
from tests.workflow.flow import consult, receive
from tests.workflow.flow import reply as send
from workflow.models import Feedback, Obligation, OutcomeCategory, RatingValue
from workflow.services import assignment as assign
from workflow.services import intake
from workflow.services.opinions import waive_opinion

from ..conftest import NOW

pytestmark = pytest.mark.django_db


def url(item):
    return reverse("my:feedback", args=[item.pk])


def category(code):
    return OutcomeCategory.objects.get(scheme__code="cppcc", code=code)


def rating(code):
    return RatingValue.objects.get(scale__code="quality", code=code)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _clock():
    """The replies are sent on NOW: the pages are read an hour later, within the feedback window."""
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        yield


@pytest.fixture
def replied(accepted, handler, head, leader, office):
    """The lead unit consulted and sent its reply, 留作参考 (the co-unit's opinion waived): feedback is awaited."""
    lead, co = accepted
    consult(lead, handler, NOW)
    waive_opinion(actor=office, now=NOW, assignment=co, reason="无补充意见")
    send(lead, handler=handler, head=head, leader=leader, office=office, category=category("C"), now=NOW)
    return Item.objects.get(pk=lead.item_id)


def test_the_form_waits_for_every_lead_units_reply(client, proposer_user, accepted):
    lead, _co = accepted
    client.force_login(proposer_user)
    response = client.get(url(lead.item))
    assert response.status_code == 200
    assert "Your feedback opens once every lead unit has sent its reply." in response.content.decode()
    assert 'name="agrees"' not in response.content.decode()
    with translation.override("en"):
        response = client.post(url(lead.item), {"agrees": "yes", "rating": rating("good").pk})
    assert response.status_code == 400
    assert "Feedback is given once the reply has been sent." in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_form_offers_the_districts_scale_and_shows_the_reply(client, proposer_user, replied):
    client.force_login(proposer_user)
    page = client.get(url(replied)).content.decode()
    for label in ("好", "较好", "一般", "差"):  # the CPPCC default scale
        assert f"<span>{label}</span>" in page
    assert "经研究，答复如下" in page
    assert "due one month later" in page  # what a disagreement starts, said before choosing
    assert "You may give your feedback until" in page


def test_the_item_page_offers_the_feedback_to_its_proposer_only(client, proposer_user, office, replied):
    client.force_login(proposer_user)
    assert url(replied) in client.get(reverse("items:detail", args=[replied.pk])).content.decode()
    client.force_login(office)
    assert url(replied) not in client.get(reverse("items:detail", args=[replied.pk])).content.decode()


def test_a_disagreement_needs_its_reason_then_starts_rehandling_due_a_month_later(client, proposer_user, replied):
    client.force_login(proposer_user)
    with translation.override("en"):
        response = client.post(url(replied), {"agrees": "no", "rating": rating("fair").pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why the proposer disagrees with the reply." in page
    assert re.search(r"value=\"no\"[^>]*checked", page)  # what was chosen stays
    assert not Feedback.objects.exists()

    response = client.post(url(replied), {"agrees": "no", "rating": rating("fair").pk, "comment": "未解决实际问题"})
    assert response.status_code == 302
    assert response["Location"] == reverse("my:items") + f"#item-{replied.pk}"
    item = Item.objects.get(pk=replied.pk)
    assert (item.state, item.round) == (Item.State.HANDLING, 2)
    again = Obligation.objects.open().get(item=item, kind="rehandling_reply")
    page = client.get(response["Location"]).content.decode()
    assert "Your disagreement is recorded: the units handle the item again." in page
    with translation.override("en"):
        due = date_format(again.due_on)
    assert f"区经委 replies again by {due}" in page  # the re-handling's due date, in the message and the stage
    assert "Handled again after a disagreement: 区经委 replies again by" in page


def test_a_second_submission_of_the_same_round_is_refused(client, proposer_user, replied):
    client.force_login(proposer_user)
    data = {"agrees": "yes", "rating": rating("good").pk, "praised": "on", "comment": "答复认真"}
    response = client.post(url(replied), data)
    assert response.status_code == 302
    assert Item.objects.get(pk=replied.pk).state == Item.State.CLOSED
    with translation.override("en"):
        response = client.post(url(replied), {**data, "comment": "再提交一次"})
    assert response.status_code == 409
    assert "feedback on this reply is already in." in response.content.decode()
    assert "Your feedback on round 1:" in response.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.agrees, feedback.praised, feedback.rating.code, feedback.on_behalf) == (True, True, "good", False)
    assert feedback.comment == "答复认真"


def test_the_same_form_sent_twice_acts_once(client, proposer_user, replied):
    client.force_login(proposer_user)
    data = {"submit_token": "0b0a6f55-5a0e-4d7e-9c8c-2f0a3c7a1b11", "agrees": "yes", "rating": rating("good").pk}
    first = client.post(url(replied), data)
    second = client.post(url(replied), data)
    assert first.status_code == second.status_code == 302
    assert Feedback.objects.count() == 1


def test_bad_input_is_shown_beside_the_fields(client, proposer_user, replied):
    client.force_login(proposer_user)
    response = client.post(url(replied), {"rating": "999999"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say whether you agree with the reply." in page
    assert "Select a valid choice." in page
    assert not Feedback.objects.exists()


def test_only_a_proposer_of_the_item_gives_it(client, office, handler, outsider, replied):
    for user, status in ((office, 403), (handler, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url(replied)).status_code == status
        assert client.post(url(replied), {"agrees": "yes", "rating": rating("good").pk}).status_code == status
    assert not Feedback.objects.exists()
    assert Client().get(url(replied)).status_code == 302  # anonymous: to the login


def test_another_proposer_of_the_district_does_not_find_it(client, district, replied):
    other = ProposerFactory(district=district, name="李委员")
    user = UserFactory(username="li")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=other)
    client.force_login(user)
    assert client.get(url(replied)).status_code == 404


def test_a_groups_staff_gives_the_groups_feedback(client, district, office, unit, handler, head, leader):
    group = ProposerFactory(district=district, name="民盟区委", kind=Proposer.Kind.PARTY)
    staff = UserFactory(username="minmeng")
    MembershipFactory(user=staff, role=Role.PROPOSER, district=district, proposer=group)
    item = intake.register_item(
        actor=office, now=NOW, item=receive(office, group, now=NOW, number="0010", title="集体提案")
    )
    (lead,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    send(lead, handler=handler, head=head, leader=leader, office=office, category=category("A"), now=NOW)
    client.force_login(staff)
    response = client.post(url(item), {"agrees": "yes", "rating": rating("good").pk})
    assert response.status_code == 302
    assert Feedback.objects.get().proposer == group
