"""A login that speaks for two proposers of one item (a party group's staff holding both memberships) says
whose feedback it gives: the service, the feedback page and the API ask, never answer as the lower id.
"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from districts.models import Proposer, Role
from proposals.models import Item
from tests.factories import MembershipFactory, ProposerFactory, UserFactory
from workflow.errors import NotAllowed, WorkflowError
from workflow.models import Feedback, RatingValue
from workflow.services import assignment as assign
from workflow.services import feedback, intake

from .conftest import NOW, category
from .flow import consult, receive
from .flow import reply as send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    """The reply is sent on NOW; the feedback is given an hour later, within its window."""
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        yield


@pytest.fixture
def groups(district):
    return (
        ProposerFactory(district=district, name="民盟区委", kind=Proposer.Kind.PARTY),
        ProposerFactory(district=district, name="民进区委", kind=Proposer.Kind.PARTY),
    )


@pytest.fixture
def staff(district, groups):
    """One login holding both groups' proposer memberships."""
    user = UserFactory(username="groups", full_name="党派联络员")
    for group in groups:
        MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=group)
    return user


@pytest.fixture
def replied(groups, office, unit, handler, head, leader):
    """Both groups' joint proposal, replied by its only lead unit (CPPCC C): feedback awaited."""
    first, second = groups
    received = receive(office, first, now=NOW, number="0011", title="联合提案", proposers=[second])
    item = intake.register_item(actor=office, now=NOW, item=received)
    (lead,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    send(lead, handler=handler, head=head, leader=leader, office=office, category=category("cppcc", "C"), now=NOW)
    return Item.objects.get(pk=item.pk)


def good():
    return RatingValue.objects.get(scale__code="quality", code="good")


def test_the_service_asks_whose_feedback_and_records_the_one_named(replied, staff, groups, proposer):
    with pytest.raises(WorkflowError) as exc:
        feedback.record_feedback(actor=staff, now=NOW, item=replied, agrees=True, rating=good())
    assert (exc.value.code, exc.value.field) == ("proposer_missing", "proposer")
    with pytest.raises(NotAllowed):  # a proposer the login does not speak for
        feedback.record_feedback(actor=staff, now=NOW, item=replied, agrees=True, proposer=proposer)
    assert not Feedback.objects.exists()
    fb = feedback.record_feedback(actor=staff, now=NOW, item=replied, agrees=True, rating=good(), proposer=groups[1])
    assert (fb.proposer, fb.on_behalf) == (groups[1], False)


def test_a_single_proposers_login_need_not_say(replied, groups, district):
    user = UserFactory(username="minmeng")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=groups[0])
    assert feedback.record_feedback(actor=user, now=NOW, item=replied, agrees=True).proposer == groups[0]


def test_the_page_asks_which_proposer_and_gives_the_one_chosen(client, replied, staff, groups):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff)
    url = reverse("my:feedback", args=[replied.pk])
    page = client.get(url).content.decode()
    assert "Whose feedback is this?" in page
    for group in groups:
        assert f'name="proposer" value="{group.pk}"' in page and f"<span>{group.name}</span>" in page

    with translation.override("en"):
        response = client.post(url, {"agrees": "yes", "rating": good().pk})
    assert response.status_code == 400
    assert "Choose the proposer you answer for." in response.content.decode()
    assert not Feedback.objects.exists()

    response = client.post(url, {"agrees": "yes", "rating": good().pk, "proposer": groups[1].pk})
    assert response.status_code == 302
    assert Feedback.objects.get().proposer == groups[1]
    assert "Feedback of 民进区委 on round 1:" in client.get(url).content.decode()


def test_the_api_asks_which_proposer_too(client, replied, staff, groups):
    client.force_login(staff)
    url = f"/api/v1/items/{replied.pk}/feedback/"
    response = client.post(url, {"agrees": True, "rating": "good"}, content_type="application/json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("proposer_missing", "proposer")
    response = client.post(
        url, {"agrees": True, "rating": "good", "proposer": groups[0].pk}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Feedback.objects.get().proposer == groups[0]
