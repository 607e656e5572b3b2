"""Intake and assigning by API: receive, register, reject, merge, assign, key (domain §4 steps 1–2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Attachment, Item
from tests.factories import ProposerFactory
from tests.workflow.flow import receive
from workflow.models import Assignment
from workflow.services import intake

from .conftest import NOW, refused, state_of

pytestmark = pytest.mark.django_db


def pdf(name="原件.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 the item as handed in", content_type="application/pdf")


def receipt(place, proposer, **changes):
    return {
        "district": place.code,
        "year": 2026,
        "body": "cppcc",
        "kind": "proposal",
        "number": "0100",
        "title": "关于优化公交线路的提案",
        "lead_proposer": proposer.pk,
        **changes,
    }


def test_the_office_receives_an_item_with_its_file(api, office, district, proposer):
    response = api(office).post("/api/v1/items/", {**receipt(district, proposer), "attachments": [pdf()]}, files=True)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["state"], body["district"]) == ("0100", "received", "minhang")
    assert [p["id"] for p in body["proposers"]] == [proposer.pk]
    assert [a["name"] for a in body["attachments"]] == ["原件.pdf"]
    assert Attachment.objects.get().purpose == Attachment.Purpose.ITEM


def test_receiving_is_the_offices(api, handler, district, proposer):
    refused(api(handler).post("/api/v1/items/", receipt(district, proposer)), 403, code="not_allowed")
    assert not Item.objects.exists()


def test_receiving_for_another_district_is_refused(api, outsider, district, proposer):
    refused(api(outsider).post("/api/v1/items/", receipt(district, proposer)), 403)


def test_a_number_taken_is_the_services_refusal_and_stores_no_file(api, office, district, proposer, item, tmp_path):
    response = api(office).post(
        "/api/v1/items/", {**receipt(district, proposer, number=item.number), "attachments": [pdf()]}, files=True
    )
    refused(response, 400, code="duplicate_number", field="number")
    assert Item.objects.count() == 1 and not Attachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body": "parliament"}, "body"),
        ({"year": "soon"}, "year"),
        ({"title": ""}, "title"),
        ({"district": "nowhere"}, "district"),
    ],
)
def test_bad_input_names_the_field(api, office, district, proposer, changes, field):
    refused(api(office).post("/api/v1/items/", receipt(district, proposer, **changes)), 400, field=field)


def test_a_proposer_of_another_district_reads_as_unknown(api, office, district, other_district, proposer):
    stranger = ProposerFactory(district=other_district)
    refused(api(office).post("/api/v1/items/", receipt(district, proposer, lead_proposer=stranger.pk)), 400)


def test_a_file_of_a_type_not_accepted_names_the_field(api, office, district, proposer):
    bad = SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream")
    response = api(office).post("/api/v1/items/", {**receipt(district, proposer), "attachments": [bad]}, files=True)
    refused(response, 400, field="attachments")


# --- review ------------------------------------------------------------------------------------------------------


def test_the_office_registers(api, office, received):
    response = api(office).post(f"/api/v1/items/{received.pk}/register/")
    assert response.status_code == 200
    assert response.json()["state"] == "registered"


@pytest.mark.parametrize("act", ["register", "reject", "merge"])
def test_review_is_the_offices_and_outside_the_district_not_found(api, handler, outsider, received, item, act):
    # The handler's unit has no assignment: another district's item and a received one alike are unseen.
    refused(api(handler).post(f"/api/v1/items/{received.pk}/{act}/", {"reason": "x", "into": item.pk}), 404)
    refused(api(outsider).post(f"/api/v1/items/{received.pk}/{act}/", {"reason": "x", "into": item.pk}), 404)


def test_a_leader_may_see_but_not_review(api, leader, received):
    refused(api(leader).post(f"/api/v1/items/{received.pk}/register/"), 403, code="not_allowed")


def test_registering_twice_is_the_services_reason(api, office, item):
    refused(api(office).post(f"/api/v1/items/{item.pk}/register/"), 400, code="already_reviewed")


def test_the_office_rejects_saying_why(api, office, received):
    response = api(office).post(f"/api/v1/items/{received.pk}/reject/", {"reason": "不属于本区职权"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["rejection_reason"]) == ("rejected", "不属于本区职权")


def test_a_rejection_without_reason_names_it(api, office, received):
    refused(api(office).post(f"/api/v1/items/{received.pk}/reject/", {"reason": " "}), 400, code="reason_missing")
    refused(api(office).post(f"/api/v1/items/{received.pk}/reject/", {}), 400, field="reason")
    assert state_of(received) == "received"


def test_the_office_merges_into_another_item(api, office, received, item):
    response = api(office).post(f"/api/v1/items/{received.pk}/merge/", {"into": item.pk})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["merged_into"]) == ("merged", item.pk)


def test_merging_into_itself_or_an_unseen_item(api, office, received, outsider, other_district):
    refused(api(office).post(f"/api/v1/items/{received.pk}/merge/", {"into": received.pk}), 400, code="merge_self")
    elsewhere = receive(outsider, ProposerFactory(district=other_district), now=NOW, number="9", title="别区")
    refused(api(office).post(f"/api/v1/items/{received.pk}/merge/", {"into": elsewhere.pk}), 400, field="into")


# --- assigning ---------------------------------------------------------------------------------------------------


def test_the_office_assigns_a_lead_and_a_co_unit(api, office, item, unit, co_unit):
    response = api(office).post(f"/api/v1/items/{item.pk}/assign/", {"lead_units": [unit.pk], "co_units": [co_unit.pk]})
    assert response.status_code == 201, response.content
    assert [(a["unit"]["id"], a["role"], a["state"]) for a in response.json()] == [
        (unit.pk, "lead", "pending"),
        (co_unit.pk, "co", "pending"),
    ]
    assert state_of(item) == "handling"


def test_assigning_refusals(api, office, handler, outsider, item, unit, other_unit, other_district):
    url = f"/api/v1/items/{item.pk}/assign/"
    refused(api(office).post(url, {"lead_units": [unit.pk, other_unit.pk]}), 400, code="split_needed")
    refused(api(office).post(url, {"lead_units": ["x"]}), 400, field="lead_units")
    refused(api(outsider).post(url, {"lead_units": [unit.pk]}), 404)
    api(office).post(url, {"lead_units": [unit.pk]})
    refused(api(handler).post(url, {"lead_units": [unit.pk]}), 403)
    refused(api(office).post(url, {"lead_units": [unit.pk]}), 409, code="state")
    assert Assignment.objects.count() == 1


def test_the_office_makes_a_key_item(api, office, item, leader):
    response = api(office).post(f"/api/v1/items/{item.pk}/key/", {"leader": leader.pk})
    assert response.status_code == 200
    assert (response.json()["is_key"], response.json()["supervising_leader"]) == (True, "分管副区长")


def test_key_item_refusals(api, office, leader, outsider, item, handler, received):
    url = f"/api/v1/items/{item.pk}/key/"
    refused(api(office).post(url, {"leader": handler.pk}), 400, field="leader")  # not a leader
    refused(api(leader).post(url, {"leader": leader.pk}), 403)
    refused(api(outsider).post(url, {"leader": leader.pk}), 404)
    intake.reject_item(actor=office, now=NOW, item=received, reason="不属于本区职权")
    refused(api(office).post(f"/api/v1/items/{received.pk}/key/", {"leader": leader.pk}), 400, code="state")
