"""The district's opinion on a city item it co-handles, in the browser (web/units/handling/city.py).

The handler submits it, the head approves or sends it back, the approved opinion downloads as the
signed Word document and is recorded as sent, which closes the item; who may do what; the page
says where the opinion stands.
"""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from proposals.models import Item, Kind
from tests.factories import ItemFactory
from web.units.handling.panel import offers
from workflow.models import CoUnitOpinion
from workflow.services import assignment as assign


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def city_co(district, office, unit, handler):
    item = ItemFactory(
        district=district, kind=Kind.CITY_CO, state=Item.State.REGISTERED, review="registered", title="加快轨交建设"
    )
    (co,) = assign.assign_units(actor=office, now=timezone.now(), item=item, lead_units=[], co_units=[unit])
    assign.accept_assignment(actor=handler, now=timezone.now(), assignment=co)
    return co


def opinion_url(item):
    return reverse("handling:opinion", args=[item.pk])


def act_url(name, opinion):
    return reverse(f"handling:city_{name}", args=[opinion.assignment.item_id, opinion.pk])


def submit(client, handler, item, text="区交通委意见：同意。"):
    client.force_login(handler)
    (assignment,) = item.assignments.all()
    return client.post(opinion_url(item), {"assignment": assignment.pk, "text": text})


def test_the_whole_way_from_the_handler_through_the_head_to_sent(client, city_co, handler, head):
    item = city_co.item
    response = submit(client, handler, item)
    assert response.status_code == 302 and response["Location"] == opinion_url(item)
    opinion = CoUnitOpinion.objects.get(assignment=city_co)
    assert opinion.state == "awaiting_head"
    page = client.get(opinion_url(item)).content.decode()
    assert "Waiting for the unit head's approval." in page
    assert act_url("approve", opinion) not in page  # a handler does not approve

    client.force_login(head)
    page = client.get(opinion_url(item)).content.decode()
    assert act_url("approve", opinion) in page and act_url("send_back", opinion) in page
    assert client.post(act_url("approve", opinion)).status_code == 302

    client.force_login(handler)
    document = client.get(act_url("document", opinion))
    assert document["Content-Disposition"].startswith("attachment;")
    text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    assert "加快轨交建设" in text and "区交通委意见：同意。" in text and "经委主任" in text
    response = client.post(act_url("record_sent", opinion), follow=True)
    assert "The opinion is recorded as sent to the city&#x27;s lead unit." in response.content.decode()
    assert Item.objects.get(pk=item.pk).state == Item.State.CLOSED


def test_sent_back_the_handler_reads_why_and_submits_again(client, city_co, handler, head):
    item = city_co.item
    submit(client, handler, item)
    opinion = CoUnitOpinion.objects.get(assignment=city_co)
    client.force_login(head)
    response = client.post(act_url("send_back", opinion), {"reason": ""})
    assert response.status_code == 400 and CoUnitOpinion.objects.get(pk=opinion.pk).state == "awaiting_head"
    client.post(act_url("send_back", opinion), {"reason": "请写明建设时序"})

    client.force_login(handler)
    page = client.get(opinion_url(item)).content.decode()
    assert "请写明建设时序" in page and 'name="text"' in page
    assert submit(client, handler, item, "修改后的意见").status_code == 302
    assert CoUnitOpinion.objects.get(pk=opinion.pk).text == "修改后的意见"


def test_a_handler_cannot_approve_and_nothing_signed_before_approval(client, city_co, handler):
    submit(client, handler, city_co.item)
    opinion = CoUnitOpinion.objects.get(assignment=city_co)
    assert client.post(act_url("approve", opinion)).status_code == 403
    assert client.get(act_url("document", opinion)).status_code == 404
    response = client.post(act_url("record_sent", opinion))
    assert response.status_code == 400
    assert "The opinion is not at this step" in response.content.decode()
    assert CoUnitOpinion.objects.get(pk=opinion.pk).state == "awaiting_head"


def test_other_units_districts_and_the_office_find_no_way_in(client, city_co, handler, other_handler, outsider, office):
    submit(client, handler, city_co.item)
    opinion = CoUnitOpinion.objects.get(assignment=city_co)
    client.force_login(other_handler)
    assert client.get(act_url("document", opinion)).status_code == 404
    client.force_login(outsider)
    assert client.post(act_url("approve", opinion)).status_code == 404
    client.force_login(office)
    assert client.post(act_url("record_sent", opinion)).status_code == 403


def test_the_panel_offers_the_city_opinion(city_co, handler):
    item = Item.objects.get(pk=city_co.item_id)
    (act,) = [a for a in offers(handler, item, list(item.assignments.all())) if "opinion" in a.url]
    assert act.url == opinion_url(item) and "city" in str(act.label)


def test_the_heads_queue_lists_the_city_opinions_waiting_for_approval(client, city_co, handler, head):
    submit(client, handler, city_co.item)
    client.force_login(head)
    page = client.get(reverse("approvals:head_queue")).content.decode()
    assert "Opinions on city items waiting for your approval" in page and "加快轨交建设" in page
    assert opinion_url(city_co.item) in page
    client.post(act_url("approve", CoUnitOpinion.objects.get(assignment=city_co)))
    assert "加快轨交建设" not in client.get(reverse("approvals:head_queue")).content.decode()
