"""The office's intake in the browser: register an item handed in on paper, review it (立案 / 不立案 / 并案).

Each act: allowed, wrong role (403), another district (404), wrong state (the service's message),
bad input (the field error), a double submit acts once; the hints and the searches cost the same
queries whatever the number of rows.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from districts.models import Body, Proposer
from proposals.models import Attachment, Item, ItemProposer, Kind
from tests.factories import CategoryFactory, ItemFactory, ProposerFactory, SessionFactory
from tests.workflow.flow import receive
from web.items.panel import Act
from web.office.intake.numbering import suggest_number
from web.office.intake.panel import offers
from web.office.intake.similar import core_of
from workflow.services import intake

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NEW = reverse("intake:new")
RECORD = reverse("intake:record")


@pytest.fixture(autouse=True)
def _clock_and_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def en(client, settings):
    """The client reads the site in English (the language switch's cookie), so messages are compared as written."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 scanned paper", content_type="application/pdf")


def posted(district, **fields):
    """What the register form sends for a CPPCC proposal of 2026 (as the browser would)."""
    data = {
        "district": district.pk,
        "year": 2026,
        "body": Body.CPPCC,
        "kind": Kind.PROPOSAL,
        "number": "0001",
        "title": "关于加强社区养老服务的提案",
        "text": "建议在各街镇增设社区食堂。",
        "disclosure": Item.Disclosure.PUBLIC,
        "submitted_on": "2026-03-01",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# Register.


def test_the_form_suggests_the_next_free_number_as_the_office_numbers_them(client, office, district):
    ItemFactory(district=district, number="0007")
    ItemFactory(district=district, number="0012")
    ItemFactory(district=district, body=Body.NPC, number="0040")  # another body: its own numbers
    client.force_login(office)
    response = client.get(NEW)
    assert response.status_code == 200
    assert 'name="number" id="id_number" value="0013"' in response.content.decode()
    assert suggest_number(district=district, year=2026, body=Body.NPC, kind=Kind.SUGGESTION) == "0041"
    ItemFactory(district=district, year=2025, number="ZX-2025-099")
    assert suggest_number(district=district, year=2025, body=Body.CPPCC, kind=Kind.PROPOSAL) == "ZX-2025-100"
    assert suggest_number(district=district, year=2024, body=Body.CPPCC, kind=Kind.PROPOSAL) == "0001"


def test_a_new_kind_replaces_the_suggested_number_but_not_one_typed(client, office, district):
    ItemFactory(district=district, body=Body.NPC, kind=Kind.SUGGESTION, number="0005")
    client.force_login(office)
    url = reverse("intake:number")
    asked = {"district": district.pk, "year": 2026, "body": "npc", "kind": "suggestion", "suggested": "0001"}
    untouched = client.get(url, {**asked, "number": "0001"}, headers={"HX-Request": "true"})
    assert 'value="0006"' in untouched.content.decode()
    typed = client.get(url, {**asked, "number": "A-17"}, headers={"HX-Request": "true"})
    assert 'value="A-17"' in typed.content.decode() and "0006" in typed.content.decode()


def test_the_office_records_an_item_with_its_proposers_consent_and_attachment(client, office, district, proposer):
    cosigner = ProposerFactory(district=district, name="李委员")
    session = SessionFactory(district=district)
    category = CategoryFactory(district=district, name="综合")
    client.force_login(office)
    data = posted(district, lead=proposer.pk, cosigners=[cosigner.pk, proposer.pk], session=session.pk)
    response = client.post(RECORD, {**data, "category": category.pk, "attachments": [pdf()]})
    item = Item.objects.get(district=district, number="0001")
    assert response.status_code == 302 and response["Location"] == reverse("items:detail", args=[item.pk])
    assert item.state == Item.State.RECEIVED and item.disclosure == Item.Disclosure.PUBLIC
    assert (item.session, item.category, item.submitted_on) == (session, category, dt.date(2026, 3, 1))
    links = list(ItemProposer.objects.filter(item=item).order_by("sort_order"))
    assert [(link.proposer, link.is_lead) for link in links] == [(proposer, True), (cosigner, False)]
    files = list(item.attachments.all())
    assert [(f.original_name, f.purpose, f.uploaded_by) for f in files] == [
        ("scan.pdf", Attachment.Purpose.ITEM, office)
    ]
    page = client.get(response["Location"])
    assert "0001" in page.content.decode() and "scan.pdf" in page.content.decode()


def test_a_group_hands_an_item_in_alone(client, office, district):
    party = ProposerFactory(district=district, name="民盟区委", kind=Proposer.Kind.PARTY)
    client.force_login(office)
    response = client.post(RECORD, posted(district, lead=party.pk))
    assert response.status_code == 302
    assert list(Item.objects.get(number="0001").proposers.all()) == [party]


def test_a_unit_handler_may_not_register_an_item(client, handler, district):
    client.force_login(handler)
    assert client.get(NEW).status_code == 403
    assert client.post(RECORD, posted(district)).status_code == 403
    assert not Item.objects.exists()


def test_another_districts_office_cannot_record_into_this_district(client, outsider, district, proposer):
    client.force_login(outsider)
    response = client.post(RECORD, posted(district, lead=proposer.pk))
    assert response.status_code == 400
    assert "district" in response.context["form"].errors
    assert not Item.objects.filter(district=district).exists()


def test_a_taken_number_is_refused_beside_the_number_with_what_was_typed(client, office, district, proposer, en):
    receive(office, proposer, now=NOW, number="0001", title="已有")
    client.force_login(office)
    response = client.post(RECORD, posted(district, lead=proposer.pk, title="关于新提案"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["number"] == ["Item number 0001 already exists for this year, body and kind."]
    body = response.content.decode()
    assert 'value="关于新提案"' in body and "张委员" in body  # what was typed, the chosen lead
    assert Item.objects.count() == 1


def test_bad_input_is_told_beside_its_field(client, office, district, en):
    client.force_login(office)
    no_title = client.post(RECORD, posted(district, title=""))
    assert no_title.status_code == 400
    assert no_title.context["form"].errors["title"] == ["An item needs a title."]
    wrong_kind = client.post(RECORD, posted(district, kind=Kind.SUGGESTION))
    assert wrong_kind.context["form"].errors["kind"] == ["This kind of item does not belong to that body."]
    exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    bad_file = client.post(RECORD, {**posted(district), "attachments": [exe]})
    assert bad_file.status_code == 400
    assert "cannot be attached" in bad_file.context["form"].errors["attachments"][0]
    assert "choose them again" in bad_file.content.decode()
    cosigner = ProposerFactory(district=district)
    no_lead = client.post(RECORD, posted(district, cosigners=[cosigner.pk]))
    assert "lead" in no_lead.context["form"].errors
    assert not Item.objects.exists()


def test_a_double_submit_records_the_item_once(client, office, district):
    client.force_login(office)
    data = {**posted(district), "submit_token": str(uuid.uuid4())}
    first = client.post(RECORD, data)
    second = client.post(RECORD, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Item.objects.count() == 1


def test_the_proposer_search_finds_this_districts_deputies_and_members_at_constant_cost(
    client, office, district, other_district, django_assert_num_queries
):
    ProposerFactory(district=other_district, name="王委员")
    for n in range(3):
        ProposerFactory(district=district, name=f"王委员{n}", constituency="经济界")
    ProposerFactory(district=district, body=Body.NPC, name="王代表")
    client.force_login(office)
    url = reverse("intake:proposers")
    response = client.get(url, {"proposer_q": "王", "district": district.pk, "body": "cppcc"})
    names = [p.name for p in response.context["found"]]
    assert names == ["王委员0", "王委员1", "王委员2"]
    assert client.get(url, {"proposer_q": "经济界", "district": district.pk}).context["found"]
    counts = []
    for more in (0, 27):
        for n in range(more):
            ProposerFactory(district=district, name=f"王委员{n + 3}")
        # The session, the user with the bell, their roles, the district chosen, the proposers: at most 6.
        with django_assert_num_queries(6, exact=False) as captured:
            response = client.get(url, {"proposer_q": "王", "district": district.pk, "body": "cppcc"})
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert len(response.context["found"]) == response.context["limit"] == 20


# Review.


@pytest.fixture
def item(office, proposer):
    return receive(office, proposer, now=NOW, number="0005", title="关于加强社区养老服务的提案")


def review_url(item, act=""):
    return reverse(f"intake:{act or 'review'}", args=[item.pk])


def test_the_office_registers_a_received_item(client, office, item):
    client.force_login(office)
    page = client.get(review_url(item))
    assert page.status_code == 200 and "0005" in page.content.decode()
    response = client.post(review_url(item, "register"))
    assert response.status_code == 302 and response["Location"] == reverse("items:detail", args=[item.pk])
    item.refresh_from_db()
    assert item.state == Item.State.REGISTERED
    assert item.events.filter(action="item.registered").count() == 1


def test_a_rejection_needs_its_reason(client, office, item, en):
    client.force_login(office)
    refused = client.post(review_url(item, "reject"), {"reason": "  "})
    assert refused.status_code == 400
    assert refused.context["reject_form"].errors["reason"] == ["Say why the item is not registered."]
    done = client.post(review_url(item, "reject"), {"reason": "属于司法程序，不宜作为提案"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.rejection_reason) == (Item.State.REJECTED, "属于司法程序，不宜作为提案")


def test_the_office_merges_into_an_item_found_by_number(client, office, item, proposer):
    target = receive(office, proposer, now=NOW, number="0002", title="关于发展社区嵌入式养老的提案")
    client.force_login(office)
    response = client.post(review_url(item, "merge"), {"query": "0002"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.merged_into) == (Item.State.MERGED, target)


def test_a_title_matching_several_items_asks_which_one(client, office, item, proposer, en):
    receive(office, proposer, now=NOW, number="0002", title="关于养老服务的提案")
    receive(office, proposer, now=NOW, number="0003", title="关于养老床位的提案")
    client.force_login(office)
    response = client.post(review_url(item, "merge"), {"query": "养老"})
    assert response.status_code == 400
    assert "Several items match" in response.context["merge_form"].errors["query"][0]
    assert {c.number for c in response.context["candidates"]} == {"0002", "0003"}
    nothing = client.post(review_url(item, "merge"), {"query": "没有这个"})
    assert nothing.context["merge_form"].errors["query"] == ["No item you can see has this number or title."]
    found = client.get(reverse("intake:candidates", args=[item.pk]), {"query": "养老床位"})
    assert [c.number for c in found.context["candidates"]] == ["0003"]


def test_merging_into_last_years_item_is_refused_with_the_services_reason(client, office, item, district, en):
    last_year = ItemFactory(district=district, year=2025, number="0100", title="关于加强社区养老服务的提案")
    client.force_login(office)
    response = client.post(review_url(item, "merge"), {"into": last_year.pk})
    assert response.status_code == 400
    assert response.context["merge_form"].errors["into"] == [
        "Only items of the same district, body and year can be merged."
    ]
    assert "Only items of the same district, body and year can be merged." in response.content.decode()
    item.refresh_from_db()
    assert item.state == Item.State.RECEIVED


def test_a_reviewed_item_is_refused_with_the_services_message(client, office, item, en):
    intake.register_item(actor=office, now=NOW, item=item)
    client.force_login(office)
    page = client.get(review_url(item))
    assert "This item has already been reviewed" in page.content.decode()
    assert reverse("intake:register", args=[item.pk]) not in page.content.decode()
    response = client.post(review_url(item, "reject"), {"reason": "重复"})
    assert response.status_code == 400
    assert "This item has already been reviewed." in response.content.decode()


def test_a_leader_may_see_but_not_review_and_a_unit_or_other_district_finds_nothing(
    client, item, leader, handler, outsider
):
    client.force_login(leader)
    assert client.get(review_url(item)).status_code == 403
    assert client.post(review_url(item, "register")).status_code == 403
    for user in (handler, outsider):
        client.force_login(user)
        assert client.get(review_url(item)).status_code == 404
        assert client.post(review_url(item, "reject"), {"reason": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.state == Item.State.RECEIVED


def test_a_double_submit_registers_once(client, office, item):
    client.force_login(office)
    token = str(uuid.uuid4())
    first = client.post(review_url(item, "register"), {"submit_token": token})
    second = client.post(review_url(item, "register"), {"submit_token": token}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert item.events.filter(action="item.registered").count() == 1


# Merge hints.


def test_hints_show_similar_items_of_both_bodies_and_earlier_years_only_of_the_readers_district(
    client, office, item, district, other_district
):
    deputy = ItemFactory(district=district, body=Body.NPC, number="0009", title="关于加强社区养老服务设施的建议")
    last_year = ItemFactory(district=district, year=2025, number="0100", title="关于完善社区养老服务的提案")
    ItemFactory(district=district, number="0011", title="关于治理河道污染的提案")  # not alike
    ItemFactory(district=district, year=2027, number="0001", title="关于加强社区养老服务的提案")  # a later year
    ItemFactory(district=other_district, number="0001", title="关于加强社区养老服务的提案")  # not the reader's
    client.force_login(office)
    hints = client.get(review_url(item)).context["hints"]
    assert {h.pk for h in hints} == {deputy.pk, last_year.pk}
    assert all(0 < h.similarity <= 1 for h in hints)


def test_the_title_is_searched_without_the_words_every_title_has():
    assert core_of("关于加强社区养老服务的建议") == "加强社区养老服务"
    assert core_of(" 关于 停车难的提案 ") == "停车难"
    assert core_of("建议") == "建议"


def test_the_review_page_costs_the_same_queries_for_few_or_many_hints(client, office, item, district):
    client.force_login(office)
    client.get(review_url(item))  # the session is written once
    measured = []
    for n in (1, 10):
        for i in range(n):
            ItemFactory(district=district, year=2025, title=f"关于加强社区养老服务体系{i}的提案")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(review_url(item))
        measured.append((len(response.context["hints"]), len(queries)))
    (few, few_queries), (many, many_queries) = measured
    assert few == 1 and many == 8  # at most HINTS
    assert few_queries == many_queries


# The item page's act.


def test_the_item_page_offers_review_to_the_office_while_received(office, leader, item):
    with translation.override("en"):
        assert offers(office, item, []) == [Act(label="Review", url=review_url(item), primary=True)]
    assert offers(leader, item, []) == []
    intake.register_item(actor=office, now=NOW, item=item)
    item.refresh_from_db()
    assert offers(office, item, []) == []


def test_the_item_page_shows_the_review_button_to_the_office_only(client, office, leader, item):
    url = reverse("items:detail", args=[item.pk])
    client.force_login(office)
    assert review_url(item) in [a.url for a in client.get(url).context["acts"]]
    client.force_login(leader)
    assert review_url(item) not in [a.url for a in client.get(url).context["acts"]]


def test_a_double_submit_merges_once(client, office, item, proposer):
    target = receive(office, proposer, now=NOW, number="0002", title="关于发展社区养老的提案")
    client.force_login(office)
    data = {"into": target.pk, "submit_token": str(uuid.uuid4())}
    first = client.post(review_url(item, "merge"), data)
    second = client.post(review_url(item, "merge"), data)
    assert first.status_code == second.status_code == 302
    assert target.events.filter(action="item.merged_in").count() == 1


def test_the_searches_find_nothing_outside_the_readers_district(client, outsider, office, item, other_district):
    stranger = ProposerFactory(district=other_district, name="金山委员")
    client.force_login(office)
    assert client.get(reverse("intake:proposer", args=[stranger.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("intake:candidates", args=[item.pk]), {"query": "养老"}).status_code == 404
    assert client.get(reverse("intake:proposer", args=[stranger.pk]), {"as": "lead"}).status_code == 200
