"""A unit's answer to its assignment and its handling by API: accept, return, reassign, consultations,
the co-unit's opinion or its waiver, extensions (domain §4 steps 3–6)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from knox.models import AuthToken

from proposals.models import Attachment
from workflow.models import Assignment, Consultation, CoUnitOpinion, Extension
from workflow.services import assignment as assign
from workflow.services import extensions

from .conftest import NOW, refused

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def url(assignment, act):
    return f"/api/v1/assignments/{assignment.pk}/{act}/"


def scan():
    return SimpleUploadedFile("面商记录.pdf", b"%PDF-1.4 signed record", content_type="application/pdf")


def test_the_unit_accepts(api, handler, assigned):
    lead, _ = assigned
    response = api(handler).post(url(lead, "accept"))
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["state"]) == (lead.pk, "accepted")


def test_accepting_refusals(api, handler, office, outsider, co_handler, assigned):
    lead, _ = assigned
    refused(api(office).post(url(lead, "accept")), 403, code="not_allowed")
    refused(api(co_handler).post(url(lead, "accept")), 404)  # another unit's assignment
    refused(api(outsider).post(url(lead, "accept")), 404)
    refused(api(handler).post("/api/v1/assignments/999999/accept/"), 404)
    api(handler).post(url(lead, "accept"))
    refused(api(handler).post(url(lead, "accept")), 409, code="already_accepted")


def test_the_unit_returns_within_the_window_and_the_office_reassigns(api, handler, office, other_unit, assigned):
    lead, _ = assigned
    response = api(handler).post(url(lead, "return"), {"reason": "属科委职责"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["return_reason"]) == ("returned", "属科委职责")
    response = api(office).post(url(lead, "reassign"), {"unit": other_unit.pk})
    assert response.status_code == 201, response.content
    assert (response.json()["unit"]["id"], response.json()["replaces"]) == (other_unit.pk, lead.pk)
    refused(api(office).post(url(lead, "reassign"), {"unit": other_unit.pk}), 409, code="already_reassigned")


def test_returning_refusals(api, handler, office, outsider, assigned, clock):
    lead, _ = assigned
    refused(api(handler).post(url(lead, "return"), {}), 400, field="reason")
    refused(api(office).post(url(lead, "return"), {"reason": "x"}), 403)
    refused(api(outsider).post(url(lead, "return"), {"reason": "x"}), 404)
    clock.move_to(NOW + 30 * DAY)
    refused(api(handler).post(url(lead, "return"), {"reason": "x"}), 400, code="window_ended")


def test_reassigning_refusals(api, handler, office, outsider, other_unit, co_unit, assigned):
    lead, _ = assigned
    refused(api(office).post(url(lead, "reassign"), {"unit": other_unit.pk}), 400, code="state")
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="属科委职责")
    refused(api(office).post(url(lead, "reassign"), {"unit": "x"}), 400, field="unit")
    refused(api(office).post(url(lead, "reassign"), {"unit": co_unit.pk}), 400, code="unit_twice")
    refused(api(outsider).post(url(lead, "reassign"), {"unit": other_unit.pk}), 404)
    refused(api(handler).post(url(lead, "reassign"), {"unit": other_unit.pk}), 404)  # no longer the unit's item


# --- consultations -------------------------------------------------------------------------------------------


def test_the_unit_records_a_consultation(api, handler, accepted):
    lead, _ = accepted
    response = api(handler).post(url(lead, "consultations"), {"method": "meeting", "held_on": "2026-03-02"})
    assert response.status_code == 201, response.content
    assert response.json()["id"] == lead.pk
    assert Consultation.objects.get().on_behalf is False


def test_the_office_records_one_for_the_proposer_with_the_scan(api, office, accepted):
    lead, _ = accepted
    data = {"method": "call", "held_on": "2026-03-02", "notes": "电话沟通", "form": scan()}
    assert api(office).post(url(lead, "consultations"), data, files=True).status_code == 201
    consultation = Consultation.objects.get()
    assert consultation.on_behalf and consultation.form.purpose == Attachment.Purpose.CONSULTATION_FORM


def test_consultation_refusals(api, office, handler, outsider, proposer_user, assigned, accepted):
    lead, _ = accepted
    good = {"method": "meeting", "held_on": "2026-03-02"}
    refused(api(office).post(url(lead, "consultations"), good), 400, code="form_missing")
    refused(api(handler).post(url(lead, "consultations"), {**good, "held_on": "2026-03-09"}), 400, code="future")
    refused(api(handler).post(url(lead, "consultations"), {**good, "method": "email"}), 400, field="method")
    refused(api(outsider).post(url(lead, "consultations"), good), 404)
    refused(api(proposer_user).post(url(lead, "consultations"), good), 403)
    assert not Consultation.objects.exists()


def test_consulting_before_accepting_is_refused(api, handler, assigned):
    lead, _ = assigned
    response = api(handler).post(url(lead, "consultations"), {"method": "meeting", "held_on": "2026-03-02"})
    refused(response, 400, code="not_accepted")


# --- the co-unit's opinion --------------------------------------------------------------------------------------


def test_the_co_unit_sends_its_opinion_with_a_file(api, co_handler, accepted):
    _, co = accepted
    response = api(co_handler).post(url(co, "opinion"), {"text": "同意", "attachments": [scan()]}, files=True)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "done"
    assert CoUnitOpinion.objects.get().attachments.count() == 1


def test_opinion_refusals(api, co_handler, handler, office, outsider, assigned, accepted):
    lead, co = accepted
    refused(api(co_handler).post(url(co, "opinion"), {"text": " "}), 400, code="text_missing")
    refused(api(co_handler).post(url(co, "opinion"), {}), 400, field="text")
    refused(api(handler).post(url(lead, "opinion"), {"text": "x"}), 400, code="not_co_unit")
    refused(api(office).post(url(co, "opinion"), {"text": "x"}), 403)
    refused(api(outsider).post(url(co, "opinion"), {"text": "x"}), 404)
    api(co_handler).post(url(co, "opinion"), {"text": "同意"})
    refused(api(co_handler).post(url(co, "opinion"), {"text": "again"}), 409, code="already_in")


def test_the_office_waives_an_opinion(api, office, co_handler, outsider, assigned):
    _, co = assigned
    refused(api(office).post(url(co, "waive-opinion"), {}), 400, field="reason")
    refused(api(co_handler).post(url(co, "waive-opinion"), {"reason": "x"}), 403)
    refused(api(outsider).post(url(co, "waive-opinion"), {"reason": "x"}), 404)
    response = api(office).post(url(co, "waive-opinion"), {"reason": "民政局已撤并"})
    assert (response.status_code, response.json()["state"]) == (200, "done")
    assert CoUnitOpinion.objects.get().waived
    refused(api(office).post(url(co, "waive-opinion"), {"reason": "again"}), 409, code="already_in")


# --- extensions --------------------------------------------------------------------------------------------------


def test_the_unit_asks_for_more_time_and_the_office_grants_it(api, handler, office, accepted):
    lead, _ = accepted
    response = api(handler).post(url(lead, "extension"), {"until": "2026-08-31", "reason": "需市交通委批复"})
    assert response.status_code == 201, response.content
    assert (response.json()["state"], response.json()["requested_until"]) == ("pending", "2026-08-31")
    extension = Extension.objects.get()
    response = api(office).post(f"/api/v1/extensions/{extension.pk}/decide/", {"grant": True, "until": "2026-07-31"})
    assert (response.status_code, response.json()["granted_until"]) == (200, "2026-07-31")
    refused(
        api(office).post(f"/api/v1/extensions/{extension.pk}/decide/", {"grant": False}), 409, code="already_decided"
    )


def test_extension_refusals(api, handler, co_handler, office, outsider, assigned, accepted):
    lead, co = accepted
    refused(api(handler).post(url(lead, "extension"), {"until": "2026-08-31"}), 400, field="reason")
    refused(api(handler).post(url(lead, "extension"), {"until": "2027-08-31", "reason": "x"}), 400, field="until")
    refused(api(co_handler).post(url(co, "extension"), {"until": "2026-08-31", "reason": "x"}), 400, code="state")
    refused(api(office).post(url(lead, "extension"), {"until": "2026-08-31", "reason": "x"}), 403)
    refused(api(outsider).post(url(lead, "extension"), {"until": "2026-08-31", "reason": "x"}), 404)


def test_deciding_refusals(api, handler, office, outsider, accepted):
    lead, _ = accepted
    extension = extensions.request_extension(
        actor=handler, now=NOW, assignment=lead, until=dt.date(2026, 8, 31), reason="需市交通委批复"
    )
    decide = f"/api/v1/extensions/{extension.pk}/decide/"
    refused(api(office).post(decide, {"grant": False}), 400, code="reason_missing")
    refused(api(office).post(decide, {"grant": "perhaps"}), 400, field="grant")
    refused(api(handler).post(decide, {"grant": True}), 403)
    refused(api(outsider).post(decide, {"grant": True}), 404)
    response = api(office).post(decide, {"grant": False, "note": "理由不足"})
    assert (response.status_code, response.json()["state"]) == (200, "refused")
    assert Assignment.objects.get(pk=lead.pk).state == "accepted"


def test_a_script_accepts_with_its_token(assigned, handler):
    """`Authorization: Token …` as the README's curl example sends it; no session, no CSRF token."""
    lead, _ = assigned
    _token, secret = AuthToken.objects.create(handler)
    response = Client(enforce_csrf_checks=True).post(url(lead, "accept"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert (response.status_code, response.json()["state"]) == (200, "accepted")
    assert Client().post(url(lead, "accept")).status_code == 401
