"""The acts' fixtures: the clock held on the shared fixtures' day, an API client per user, items at each stage."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from proposals.models import Item
from tests.conftest import NOW
from tests.workflow.flow import consult, receive
from workflow.models import OutcomeCategory, Reply
from workflow.services import opinions, replies

AN_HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def clock(settings, tmp_path):
    """Acts read `timezone.now()`: held an hour after the shared items were received (NOW), moved by the walks."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW + AN_HOUR, tick=False) as traveller:
        yield traveller


class Api:
    """POSTs and PATCHes as one logged-in user, JSON unless files are sent."""

    def __init__(self, user):
        self.client = Client()
        self.client.force_login(user)

    def post(self, url, data=None, files=False):
        if files:
            return self.client.post(url, data or {})
        return self.client.post(url, data or {}, content_type="application/json")

    def patch(self, url, data):
        return self.client.patch(url, data, content_type="application/json")

    def get(self, url, params=None):
        return self.client.get(url, params)


@pytest.fixture
def api():
    return Api


def category(scheme, code):
    return OutcomeCategory.objects.get(scheme__code=scheme, code=code)


@pytest.fixture
def received(office, proposer):
    return receive(office, proposer, now=NOW, number="0009", title="关于加快老旧小区加装电梯的提案")


@pytest.fixture
def consulted(accepted, handler, co_handler):
    """Both units accepted, the lead consulted the proposer, the co-unit sent its opinion: a reply may go out."""
    lead, co = accepted
    consult(lead, handler, NOW)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="民政局会办意见")
    return lead, co


@pytest.fixture
def draft(consulted, handler):
    lead, _ = consulted
    solved = category("cppcc", "A")
    return replies.draft_reply(
        actor=handler, now=NOW, assignment=lead, text="经研究，答复如下", category=solved, signer="主任"
    )


@pytest.fixture
def submitted(draft, handler):
    return replies.submit_reply(actor=handler, now=NOW, reply=draft)


@pytest.fixture
def approved(submitted, head):
    """Awaiting the office (outcome A needs no leader)."""
    return replies.approve_reply(actor=head, now=NOW, reply=submitted)


@pytest.fixture
def sent(approved, office):
    """The reply sent: the item awaits the proposer's feedback."""
    return replies.send_reply(actor=office, now=NOW, reply=approved)


def state_of(item):
    return Item.objects.get(pk=item.pk).state


def reply_state(reply):
    return Reply.objects.get(pk=reply.pk).state


def refused(response, status, *, code=None, field=None):
    """The answer is the refusal: its status, and the code or the field it names."""
    assert response.status_code == status, response.content
    body = response.json()
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    return body
