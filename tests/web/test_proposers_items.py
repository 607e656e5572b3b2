"""My items (`/my/`): a deputy reads every item they lead, co-signed or were merged into, on their phone.

Each item says where it stands in words, its units, each reply as sent and the way to the messages;
nobody else's item shows (404 on its pages); the page costs at most 6 queries at any size. The item
list offers a proposer only what they can use, as cards on a phone.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import Proposer, Role
from tests.factories import MembershipFactory, ProposerFactory, UserFactory
from tests.workflow.flow import consult, receive
from tests.workflow.flow import reply as send
from workflow.models import OutcomeCategory
from workflow.services import assignment as assign
from workflow.services import intake
from workflow.services.opinions import waive_opinion

from ..conftest import NOW

pytestmark = pytest.mark.django_db

MY_ITEMS = reverse("my:items")
MAX_QUERIES = 6


def feedback_url(item):
    return reverse("my:feedback", args=[item.pk])


def category(code):
    return OutcomeCategory.objects.get(scheme__code="cppcc", code=code)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def other_proposer(district):
    return ProposerFactory(district=district, name="李委员")


@pytest.fixture
def cosigned(office, other_proposer, proposer):
    """李委员 leads it, 张委员 co-signed it."""
    received = receive(
        office, other_proposer, now=NOW, number="0002", title="关于增设公交线路的提案", proposers=[proposer]
    )
    return intake.register_item(actor=office, now=NOW, item=received)


@pytest.fixture
def not_mine(office, other_proposer):
    received = receive(office, other_proposer, now=NOW, number="0003", title="关于改善河道水质的提案")
    return intake.register_item(actor=office, now=NOW, item=received)


@pytest.fixture
def merged_target(office, proposer, other_proposer):
    """张委员's 0004 was merged into 李委员's 0005: 张委员 receives 0005's reply, so sees it."""
    target = intake.register_item(
        actor=office,
        now=NOW,
        item=receive(office, other_proposer, now=NOW, number="0005", title="关于老旧小区加装电梯的提案"),
    )
    source = receive(office, proposer, now=NOW, number="0004", title="关于加装电梯的提案")
    intake.merge_item(actor=office, now=NOW, item=source, into=target)
    return target


def numbers(response):
    return re.findall(r'<span class="mine-number">(\w+)</span>', response.content.decode())


def test_a_proposer_sees_the_items_they_lead_cosigned_or_were_merged_into(
    client, proposer_user, item, cosigned, not_mine, merged_target
):
    client.force_login(proposer_user)
    response = client.get(MY_ITEMS)
    assert response.status_code == 200
    assert sorted(numbers(response)) == ["0001", "0002", "0004", "0005"]
    page = response.content.decode()
    assert "Co-signer" in page and "Lead proposer" in page and "Through an item merged into this one" in page
    assert "Merged into item 0005: you receive its reply." in page
    assert "关于改善河道水质的提案" not in page


def test_another_proposers_item_is_not_found(client, proposer_user, not_mine, merged_target, cosigned):
    client.force_login(proposer_user)
    assert client.get(reverse("items:detail", args=[not_mine.pk])).status_code == 404
    assert client.get(feedback_url(not_mine)).status_code == 404
    assert client.post(feedback_url(not_mine), {"agrees": "yes"}).status_code == 404
    assert client.get(reverse("items:detail", args=[merged_target.pk])).status_code == 200
    assert client.get(reverse("items:detail", args=[cosigned.pk])).status_code == 200


def test_a_login_without_a_proposer_role_is_refused(client, office, handler, item):
    for user in (office, handler):
        client.force_login(user)
        assert client.get(MY_ITEMS).status_code == 403


def test_the_stage_says_who_replies_by_when_and_the_reply_reads_as_sent(
    client, proposer_user, accepted, handler, head, leader, office, unit
):
    lead, _co = accepted
    client.force_login(proposer_user)
    page = client.get(MY_ITEMS).content.decode()
    assert "Being handled: 区经委 replies by June 2, 2026." in page  # 3 months after assignment
    assert "Reply due" in page and "区民政局" in page  # the co-unit is listed too
    assert f'href="/items/{lead.item_id}/#messages"' in page  # 有问必答 with the units

    consult(lead, handler, NOW)
    waive_opinion(actor=office, now=NOW, assignment=_co, reason="无补充意见")
    send(lead, handler=handler, head=head, leader=leader, office=office, category=category("A"), now=NOW)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):  # within the feedback window
        page = client.get(MY_ITEMS).content.decode()
    assert "Replied: your feedback is awaited until" in page
    assert "经研究，答复如下" in page  # the reply's text as sent
    assert "Give your feedback" in page and feedback_url(lead.item) in page


def test_a_group_staff_login_reads_the_groups_items(client, district, office):
    group = ProposerFactory(district=district, name="民盟区委", kind=Proposer.Kind.PARTY)
    staff = UserFactory(username="minmeng")
    MembershipFactory(user=staff, role=Role.PROPOSER, district=district, proposer=group)
    intake.register_item(actor=office, now=NOW, item=receive(office, group, now=NOW, number="0010", title="集体提案"))
    client.force_login(staff)
    response = client.get(MY_ITEMS)
    assert numbers(response) == ["0010"] and "Lead proposer" in response.content.decode()


def test_a_proposer_lands_on_their_items(client, proposer_user, item):
    client.force_login(proposer_user)
    response = client.get("/")
    assert response.status_code == 200
    assert numbers(response) == ["0001"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def test_my_items_cost_the_same_queries_for_two_items_and_for_twelve(
    client, proposer_user, proposer, office, unit, handler, head, leader
):
    """The session; the user with the bell and roles; the page of items, counted, with links, units, what is
    owed and my feedback; the replies sent on them; the replies' files."""

    def add(number):
        received = receive(office, proposer, now=NOW, number=number, title=f"提案{number}")
        done = intake.register_item(actor=office, now=NOW, item=received)
        (lead,) = assign.assign_units(actor=office, now=NOW, item=done, lead_units=[unit])
        assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
        consult(lead, handler, NOW)
        send(lead, handler=handler, head=head, leader=leader, office=office, category=category("A"), now=NOW)

    for number in ("0101", "0102"):
        add(number)
    client.force_login(proposer_user)
    small, response = _queries(client, MY_ITEMS)
    assert len(numbers(response)) == 2
    for n in range(10):
        add(f"02{n:02d}")
    large, response = _queries(client, MY_ITEMS)
    assert len(numbers(response)) == 12
    assert small == large <= MAX_QUERIES


# --- the item list, as a proposer reads it ---------------------------------------------------------


def test_the_item_list_offers_a_proposer_only_what_they_can_use(client, proposer_user, office, item):
    client.force_login(proposer_user)
    page = client.get(reverse("items:list")).content.decode()
    for name in ("kind", "key"):
        assert f'name="{name}"' not in page
    assert "Awaiting my feedback" in page and "Waiting on me or my unit" not in page
    assert 'name="stage"' in page and 'name="q"' in page
    assert "items-cards" in page and 'data-label="Lead units"' in page  # cards on a phone, each cell labelled

    client.force_login(office)
    page = client.get(reverse("items:list")).content.decode()
    for name in ("kind", "key", "mine"):
        assert f'name="{name}"' in page
