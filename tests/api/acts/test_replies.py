"""The reply by API: draft, edit, submit, approve, sign off, send back, send, publish (domain §4 step 6)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Attachment, Item
from workflow.models import Reply
from workflow.services import replies

from .conftest import NOW, category, refused, reply_state, state_of

pytestmark = pytest.mark.django_db


def drafting(assignment):
    return f"/api/v1/assignments/{assignment.pk}/replies/"


def at(reply, act=""):
    return f"/api/v1/replies/{reply.pk}/" + (f"{act}/" if act else "")


def document():
    return SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 reply", content_type="application/pdf")


def test_the_unit_drafts_the_reply_with_its_document(api, handler, consulted):
    lead, _ = consulted
    data = {"text": "经研究，答复如下", "category": "A", "signer": "主任", "attachments": [document()]}
    response = api(handler).post(drafting(lead), data, files=True)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["version"], body["category"]["code"]) == ("draft", 1, "A")
    assert [a["name"] for a in body["attachments"]] == ["答复函.pdf"]
    refused(api(handler).post(drafting(lead), data | {"attachments": []}), 409, code="stale")


def test_drafting_refusals(api, handler, co_handler, office, outsider, assigned):
    lead, co = assigned
    refused(api(handler).post(drafting(lead), {"text": "x"}), 400, code="not_accepted")
    refused(api(co_handler).post(drafting(co), {"text": "x"}), 400, code="not_lead")
    refused(api(handler).post(drafting(lead), {"category": "Z"}), 400, field="category")
    refused(api(office).post(drafting(lead), {"text": "x"}), 403)
    refused(api(co_handler).post(drafting(lead), {"text": "x"}), 404)
    refused(api(outsider).post(drafting(lead), {"text": "x"}), 404)


def test_the_unit_edits_its_draft_by_version(api, handler, draft):
    response = api(handler).patch(at(draft), {"version": 1, "text": "修改后的答复"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["text"], body["category"]["code"], body["signer"]) == (2, "修改后的答复", "A", "主任")
    refused(api(handler).patch(at(draft), {"version": 1, "text": "晚了一步"}), 409, code="stale")
    refused(api(handler).patch(at(draft), {"text": "无版本"}), 400, field="version")
    assert api(handler).post(at(draft), {"version": 2}).status_code == 405


def test_editing_refusals(api, handler, co_handler, office, outsider, submitted):
    refused(api(handler).patch(at(submitted), {"version": 1, "text": "x"}), 400, code="state")
    refused(api(office).patch(at(submitted), {"version": 1, "text": "x"}), 403)
    refused(api(co_handler).patch(at(submitted), {"version": 1, "text": "x"}), 404)  # another unit's draft
    refused(api(outsider).patch(at(submitted), {"version": 1, "text": "x"}), 404)


def test_submit_approve_and_send(api, handler, head, office, draft):
    assert api(handler).post(at(draft, "submit"), {"version": 1}).json()["state"] == "awaiting_head"
    assert api(head).post(at(draft, "approve")).json()["state"] == "awaiting_office"
    response = api(office).post(at(draft, "send"))
    assert (response.status_code, response.json()["state"]) == (200, "sent")
    assert response.json()["category_at_reply"]["code"] == "A"
    assert state_of(draft.assignment.item) == Item.State.REPLIED


def test_submitting_refusals(api, handler, office, outsider, accepted, draft):
    refused(api(handler).post(at(draft, "submit"), {"version": "one"}), 400, field="version")
    refused(api(handler).post(at(draft, "submit"), {"version": 7}), 409, code="stale")
    refused(api(office).post(at(draft, "submit")), 403)
    refused(api(outsider).post(at(draft, "submit")), 404)
    api(handler).post(at(draft, "submit"))
    refused(api(handler).post(at(draft, "submit")), 409, code="already_done")


def test_a_reply_waits_for_the_consultation(api, handler, accepted):
    lead, _ = accepted
    reply = replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="x", category=category("cppcc", "A"))
    refused(api(handler).post(at(reply, "submit")), 400, code="consultation_missing")
    assert reply_state(reply) == "draft"


def test_approving_refusals(api, handler, head, outsider, draft):
    refused(api(head).post(at(draft, "approve")), 400, code="invalid")  # still a draft
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    refused(api(handler).post(at(draft, "approve")), 403)
    refused(api(outsider).post(at(draft, "approve")), 404)
    api(head).post(at(draft, "approve"))
    refused(api(head).post(at(draft, "approve")), 409, code="already_done")


def test_the_leader_signs_off_a_reply_for_reference(api, handler, head, leader, office, outsider, draft):
    replies.draft_reply(actor=handler, now=NOW, assignment=draft.assignment, version=1, category=category("cppcc", "C"))
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    refused(api(leader).post(at(draft, "sign-off")), 400, code="invalid")  # at the head's step
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    refused(api(head).post(at(draft, "sign-off")), 403)
    refused(api(outsider).post(at(draft, "sign-off")), 404)
    response = api(leader).post(at(draft, "sign-off"))
    assert (response.status_code, response.json()["state"]) == (200, "awaiting_office")


def test_no_sign_off_for_an_outcome_that_needs_none(api, leader, approved):
    refused(api(leader).post(at(approved, "sign-off")), 400, code="no_signoff_needed")


def test_the_head_sends_back_saying_why(api, handler, head, outsider, submitted):
    refused(api(head).post(at(submitted, "send-back"), {}), 400, field="reason")
    refused(api(handler).post(at(submitted, "send-back"), {"reason": "x"}), 403)
    refused(api(outsider).post(at(submitted, "send-back"), {"reason": "x"}), 404)
    response = api(head).post(at(submitted, "send-back"), {"reason": "答复类型不当"})
    assert (response.status_code, response.json()["state"], response.json()["version"]) == (200, "draft", 2)
    refused(api(head).post(at(submitted, "send-back"), {"reason": "again"}), 400, code="state")


def test_sending_refusals(api, handler, office, outsider, submitted):
    refused(api(office).post(at(submitted, "send")), 400, code="invalid")  # the head has not approved
    refused(api(handler).post(at(submitted, "send")), 403)
    refused(api(outsider).post(at(submitted, "send")), 404)


def test_the_office_publishes_a_sent_reply_with_its_file(api, handler, office, outsider, sent):
    refused(api(office).post(at(sent, "publish"), {"attachments": ["x"]}), 400, field="attachments")
    refused(api(handler).post(at(sent, "publish")), 403)
    refused(api(outsider).post(at(sent, "publish")), 404)
    response = api(office).post(at(sent, "publish"))
    assert response.status_code == 200 and response.json()["published_at"]
    refused(api(office).post(at(sent, "publish")), 409, code="already_published")


def test_only_a_sent_reply_is_published(api, office, approved):
    refused(api(office).post(at(approved, "publish")), 400, code="state")
    assert Reply.objects.get(pk=approved.pk).published_at is None


def test_a_second_reply_only_while_followed_up(api, handler, office, outsider, sent):
    lead = sent.assignment
    url = f"/api/v1/assignments/{lead.pk}/second-reply/"
    refused(api(handler).post(url, {"text": "x", "category": "A"}), 400, code="state")
    refused(api(handler).post(url, {"category": "Z"}), 400, field="category")
    refused(api(office).post(url, {"text": "x"}), 403)
    refused(api(outsider).post(url, {"text": "x"}), 404)


def test_a_refused_draft_keeps_none_of_its_files(api, handler, assigned, tmp_path):
    lead, _ = assigned  # not accepted yet: the service refuses after the upload was stored
    response = api(handler).post(drafting(lead), {"text": "x", "attachments": [document()]}, files=True)
    refused(response, 400, code="not_accepted")
    assert not Attachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
