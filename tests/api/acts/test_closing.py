"""After the reply, by API: feedback, follow-ups, closing reports, closing, corrections, messages (steps 7–9)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Item
from workflow.models import ClosingReport, Feedback, FollowUp, Message, RatingValue, Reply
from workflow.services import closing, feedback

from .conftest import NOW, category, refused, state_of

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def on_item(item, act):
    return f"/api/v1/items/{item.pk}/{act}/"


def on_assignment(assignment, act):
    return f"/api/v1/assignments/{assignment.pk}/{act}/"


@pytest.fixture
def following_up(sent, proposer_user):
    """The proposer agreed with outcome A (solved, but followed up until the unit's closing report)."""
    item = sent.assignment.item
    rating = RatingValue.objects.get(code="good")
    feedback.record_feedback(actor=proposer_user, now=NOW, item=item, agrees=True, rating=rating)
    return sent.assignment


def test_the_proposer_agrees_and_the_item_is_followed_up(api, proposer_user, sent):
    item = sent.assignment.item
    response = api(proposer_user).post(on_item(item, "feedback"), {"agrees": True, "rating": "good"})
    assert response.status_code == 201, response.content
    assert (response.json()["agrees"], response.json()["rating"]["code"]) == (True, "good")
    assert state_of(item) == Item.State.FOLLOWING_UP
    refused(api(proposer_user).post(on_item(item, "feedback"), {"agrees": True}), 409, code="already_in")


def test_the_office_records_a_paper_form_for_the_proposer(api, office, proposer, sent):
    item = sent.assignment.item
    scan = SimpleUploadedFile("征询意见表.pdf", b"%PDF-1.4 form", content_type="application/pdf")
    data = {"agrees": "false", "comment": "尚未落实", "proposer": proposer.pk, "form": scan}
    response = api(office).post(on_item(item, "feedback"), data, files=True)
    assert response.status_code == 201, response.content
    assert response.json()["on_behalf"] is True
    assert (state_of(item), Item.objects.get(pk=item.pk).round) == (Item.State.HANDLING, 2)


def test_feedback_refusals(api, proposer_user, office, handler, outsider, sent):
    item = sent.assignment.item
    url = on_item(item, "feedback")
    refused(api(proposer_user).post(url, {"agrees": False}), 400, code="reason_missing", field="comment")
    refused(api(proposer_user).post(url, {"rating": "good"}), 400, field="agrees")
    refused(api(proposer_user).post(url, {"agrees": True, "rating": "superb"}), 400, field="rating")
    refused(api(office).post(url, {"agrees": True}), 400, field="proposer")
    refused(api(handler).post(url, {"agrees": True}), 403)
    refused(api(outsider).post(url, {"agrees": True}), 404)
    assert not Feedback.objects.exists()


def test_feedback_waits_for_the_reply(api, proposer_user, accepted):
    lead, _ = accepted
    refused(api(proposer_user).post(on_item(lead.item, "feedback"), {"agrees": True}), 400, code="state")


def test_the_unit_reports_progress_then_its_closing_report_closes_the_item(api, handler, following_up):
    response = api(handler).post(on_assignment(following_up, "follow-ups"), {"progress": "已完成选址"})
    assert (response.status_code, response.json()["id"]) == (201, following_up.pk)
    assert FollowUp.objects.get().progress == "已完成选址"
    response = api(handler).post(on_assignment(following_up, "closing-report"), {"text": "项目已建成"})
    assert (response.status_code, response.json()["state"]) == (201, "done")
    assert state_of(following_up.item) == Item.State.CLOSED
    refused(api(handler).post(on_assignment(following_up, "closing-report"), {"text": "again"}), 400, code="state")


def test_follow_up_refusals(api, handler, office, outsider, accepted, following_up):
    url = on_assignment(following_up, "follow-ups")
    refused(api(handler).post(url, {"progress": ""}), 400, code="text_missing", field="progress")
    refused(api(handler).post(url, {"progress": "x", "convert_to": "Z"}), 400, field="convert_to")
    refused(api(handler).post(url, {"progress": "x", "convert_to": "B"}), 400, code="conversion_backwards")
    refused(api(office).post(url, {"progress": "x"}), 403)
    refused(api(outsider).post(url, {"progress": "x"}), 404)
    assert not FollowUp.objects.exists()


def test_progress_is_reported_on_a_replied_item(api, handler, consulted):
    lead, _ = consulted
    refused(api(handler).post(on_assignment(lead, "follow-ups"), {"progress": "x"}), 400, code="state")


def test_closing_report_refusals(api, handler, office, outsider, sent, following_up):
    url = on_assignment(following_up, "closing-report")
    refused(api(handler).post(url, {}), 400, field="text")
    refused(api(office).post(url, {"text": "x"}), 403)
    refused(api(outsider).post(url, {"text": "x"}), 404)
    assert not ClosingReport.objects.exists()


def test_a_closing_report_comes_while_followed_up(api, handler, sent):
    response = api(handler).post(on_assignment(sent.assignment, "closing-report"), {"text": "x"})
    refused(response, 400, code="state")


def test_the_office_closes_once_the_feedback_window_ended(api, office, handler, outsider, sent, clock):
    item = sent.assignment.item
    refused(api(office).post(on_item(item, "close")), 400, code="feedback_open")
    refused(api(handler).post(on_item(item, "close")), 403)
    refused(api(outsider).post(on_item(item, "close")), 404)
    clock.move_to(NOW + 60 * DAY)
    response = api(office).post(on_item(item, "close"))
    # Outcome A is followed up until the unit's closing report: the office's close moves it there.
    assert (response.status_code, response.json()["state"]) == (200, "following_up")
    refused(api(office).post(on_item(item, "close")), 400, code="closing_report_missing")


def test_closing_a_closed_item_is_a_conflict(api, office, handler, following_up):
    closing.submit_closing_report(actor=handler, now=NOW, assignment=following_up, text="项目已建成")
    refused(api(office).post(on_item(following_up.item, "close")), 409, code="already_closed")


def test_the_office_corrects_the_record(api, office, handler, outsider, sent):
    item = sent.assignment.item
    url = on_item(item, "corrections")
    response = api(office).post(url, {"reason": "标题错字", "title": "关于加强社区养老服务工作的建议"})
    assert (response.status_code, response.json()["title"]) == (201, "关于加强社区养老服务工作的建议")
    response = api(office).post(url, {"reason": "答复类型不当", "reply": sent.pk, "outcome": "B"})
    assert response.status_code == 201, response.content
    reply = Reply.objects.get(pk=sent.pk)
    assert (reply.category.code, reply.category_at_reply.code) == ("B", "A")
    refused(api(office).post(url, {"reason": "", "title": "x"}), 400, code="reason_missing", field="reason")
    refused(api(office).post(url, {"reason": "x"}), 400, field="title")
    refused(api(office).post(url, {"reason": "x", "reply": sent.pk}), 400, field="outcome")
    refused(api(office).post(url, {"reason": "x", "reply": sent.pk, "outcome": "B", "title": "y"}), 400, field="title")
    refused(api(handler).post(url, {"reason": "x", "title": "y"}), 403)
    refused(api(outsider).post(url, {"reason": "x", "title": "y"}), 404)


def test_only_a_sent_reply_is_corrected(api, office, approved):
    url = on_item(approved.assignment.item, "corrections")
    refused(api(office).post(url, {"reason": "x", "reply": approved.pk, "outcome": "B"}), 400, field="reply")
    assert Reply.objects.get(pk=approved.pk).category == category("cppcc", "A")


def test_the_proposer_and_the_unit_write_in_the_units_thread(api, proposer_user, handler, unit, assigned):
    item = assigned[0].item
    response = api(proposer_user).post(on_item(item, "messages"), {"unit": unit.pk, "text": "请问进展如何？"})
    assert (response.status_code, response.json()["id"]) == (201, item.pk)
    assert api(handler).post(on_item(item, "messages"), {"unit": unit.pk, "text": "正在办理"}).status_code == 201
    assert [(m.sender, m.text) for m in Message.objects.order_by("pk")] == [
        ("proposer", "请问进展如何？"),
        ("unit", "正在办理"),
    ]


def test_message_refusals(api, proposer_user, office, co_handler, outsider, unit, handler, following_up):
    item = following_up.item
    url = on_item(item, "messages")
    refused(api(proposer_user).post(url, {"unit": unit.pk, "text": "x" * 2001}), 400, field="text")
    refused(api(proposer_user).post(url, {"unit": 0, "text": "x"}), 400, field="unit")
    refused(api(office).post(url, {"unit": unit.pk, "text": "x"}), 403)
    refused(api(co_handler).post(url, {"unit": unit.pk, "text": "x"}), 404)  # another unit's thread
    refused(api(outsider).post(url, {"unit": unit.pk, "text": "x"}), 404)
    closing.submit_closing_report(actor=handler, now=NOW, assignment=following_up, text="项目已建成")
    refused(api(proposer_user).post(url, {"unit": unit.pk, "text": "谢谢"}), 400, code="closed")
    assert not Message.objects.exists()
