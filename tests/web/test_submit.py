"""An action form sent twice (double click, back and send again) acts once and answers like the first."""

import datetime as dt
import threading
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.utils import timezone

from districts.models import District
from proposals.models import Category
from tests.factories import UserFactory
from web.models import SubmitToken
from web.submit import purge_submit_tokens

pytestmark = pytest.mark.urls("tests.web.urls")


@pytest.fixture
def clerk(client, db):
    District.objects.create(code="fd", name="前门区")
    client.force_login(UserFactory())
    return client


def send(client, name, token):
    return client.post("/add/", {"name": name, "submit_token": token})


def test_the_second_submit_changes_nothing_and_goes_where_the_first_went(clerk):
    token = str(uuid.uuid4())
    first = send(clerk, "交通", token)
    second = send(clerk, "交通", token)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Category.objects.filter(name="交通").count() == 1
    notes = [str(m) for m in get_messages(second.wsgi_request)]
    assert notes == ["Added.", "该表单已提交过，未重复办理。"]  # the first answer was not read yet


def test_a_refused_submit_keeps_what_was_typed_and_can_be_sent_again_corrected(clerk):
    token = str(uuid.uuid4())
    refused = send(clerk, "refused", token)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "That name is refused." in page
    assert 'value="refused"' in page  # what was typed comes back
    assert not SubmitToken.objects.exists()
    assert send(clerk, "经济", token).status_code == 302
    assert Category.objects.filter(name="经济").count() == 1


def test_a_form_without_its_token_is_refused_and_does_nothing(clerk):
    plain = Client()  # not the tests' browser client, which adds the token forms carry
    plain.force_login(UserFactory())
    response = plain.post("/add/", {"name": "教育"})
    assert response.status_code == 400
    assert not Category.objects.filter(name="教育").exists()


def test_an_action_is_post_only(clerk):
    assert clerk.get("/add/").status_code == 405


def test_another_persons_token_does_not_replay_their_answer(clerk):
    token = str(uuid.uuid4())
    send(clerk, "综合", token)
    other = Client()
    other.force_login(UserFactory())
    response = send(other, "综合", token)
    assert response.status_code == 400
    assert Category.objects.filter(name="综合").count() == 1


def test_tokens_are_forgotten_after_a_day(clerk):
    send(clerk, "城建", str(uuid.uuid4()))
    now = timezone.now()
    assert purge_submit_tokens(now=now) == 0
    assert purge_submit_tokens(now=now + dt.timedelta(days=1, minutes=1)) == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submits_at_the_same_moment_act_once():
    """On PostgreSQL the second claim waits on the unique index until the first commits, then replays it."""
    District.objects.create(code="fd", name="前门区")
    user = UserFactory()
    token = str(uuid.uuid4())
    barrier = threading.Barrier(2, timeout=10)
    answers = []

    def click():
        client = Client()
        client.force_login(user)
        barrier.wait()
        answers.append(send(client, "双击", token))
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert Category.objects.filter(name="双击").count() == 1
