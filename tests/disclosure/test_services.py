"""依申请公开 in the workflow: who may ask for what, the office's one decision, the answer sent on commit."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from proposals.models import Item
from tests.conftest import NOW
from workflow import timeline
from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError
from workflow.models import DisclosureRequest, Event, Reply
from workflow.selectors import visible_events
from workflow.services import disclosure, replies

from .conftest import RecordingSMSBackend

pytestmark = pytest.mark.django_db

LATER = NOW.replace(day=20)


def ask(item, **fields):
    values = {"name": "李明", "contact": "liming@example.cn", "reason": "研究社区养老政策", **fields}
    return disclosure.request_disclosure(now=LATER, item=item, **values)


def decide(request, actor, *, grant=True, reason=""):
    return disclosure.decide_disclosure(actor=actor, now=LATER, request=request, grant=grant, reason=reason)


@pytest.mark.parametrize("typed", [" 138-0013 8000 ", "+86 138 0013 8000"])
def test_a_request_reaches_the_office_and_the_timeline_keeps_no_personal_data(replied, typed):
    request = ask(replied, contact=typed)

    assert (request.state, request.channel, request.contact) == ("pending", "sms", "13800138000")
    event = Event.objects.get(item=replied, action="disclosure.requested")
    assert event.data == {"request": request.pk}
    assert event.actor is None


@pytest.mark.parametrize("consent", [Item.Disclosure.PUBLIC, Item.Disclosure.PRIVATE])
def test_only_a_reply_disclosed_on_request_can_be_asked_for(replied, consent):
    Item.objects.filter(pk=replied.pk).update(disclosure=consent)

    with pytest.raises(NotFound):
        ask(replied)
    with pytest.raises(NotFound):
        disclosure.requestable_item(replied.pk)


def test_an_item_without_a_sent_reply_cannot_be_asked_for(accepted):
    with pytest.raises(NotFound):
        ask(accepted[0].item)


def test_a_reply_already_on_the_portal_is_not_asked_for(replied, office):
    replies.publish_reply(actor=office, now=LATER, reply=Reply.objects.get(assignment__item=replied))

    with pytest.raises(NotFound):
        ask(replied)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"contact": ""}, "contact"),
        ({"contact": "liming at example"}, "contact"),
        ({"contact": "12345"}, "contact"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_input_is_refused_naming_the_field(replied, fields, field):
    with pytest.raises(WorkflowError) as refused:
        ask(replied, **fields)

    assert refused.value.field == field
    assert not DisclosureRequest.objects.exists()


def test_the_same_contact_asking_again_while_waiting_is_a_conflict(replied):
    ask(replied)

    with translation.override("en"), pytest.raises(Conflict, match="already asked"):
        ask(replied, contact="LiMing@example.cn")
    ask(replied, contact="someone@example.cn")  # another person may ask
    assert DisclosureRequest.objects.count() == 2


def test_granting_sends_the_reply_by_email_without_publishing_it(
    requested, office, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide(requested, office)

    reply = Reply.objects.get(assignment__item=requested.item)
    assert decided.state == "granted"
    assert list(decided.replies.all()) == [reply]
    assert reply.published_at is None
    (mail,) = mailoutbox
    assert mail.to == ["liming@example.cn"]
    assert reply.text in mail.body and requested.item.number in mail.subject
    requested.refresh_from_db()
    assert requested.answered_at is not None and requested.answer_error == ""
    event = Event.objects.get(action="disclosure.granted")
    assert event.data == {"request": requested.pk, "replies": [reply.pk], "attachments": []}


def test_granting_a_request_by_phone_sends_an_sms(replied, office, sms, django_capture_on_commit_callbacks):
    request = ask(replied, contact="13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        decide(request, office)

    (message,) = sms
    assert message["phone"] == "13800138000"
    assert message["template"] == "SMS_DISCLOSED"
    assert message["params"]["number"] == replied.number
    assert Reply.objects.get(assignment__item=replied).text in message["text"]


def test_refusing_needs_a_reason_and_tells_the_requester_why(
    requested, office, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("en"), pytest.raises(WorkflowError, match="Say why") as refused:
        decide(requested, office, grant=False)
    assert refused.value.field == "reason"

    with django_capture_on_commit_callbacks(execute=True):
        decided = decide(requested, office, grant=False, reason="申请人未说明用途")

    assert (decided.state, decided.refusal_reason) == ("refused", "申请人未说明用途")
    (mail,) = mailoutbox
    assert "申请人未说明用途" in mail.body
    assert Reply.objects.get(assignment__item=requested.item).text not in mail.body


def test_only_the_office_of_the_items_district_decides(requested, handler, proposer_user, outsider):
    with pytest.raises(NotAllowed):
        decide(requested, handler)
    with pytest.raises(NotAllowed):
        decide(requested, proposer_user)
    with pytest.raises(NotFound):
        decide(requested, outsider)
    requested.refresh_from_db()
    assert requested.state == "pending"


def test_a_second_decision_is_a_conflict(requested, office):
    decide(requested, office, grant=False, reason="不符合条件")

    with pytest.raises(Conflict):
        decide(requested, office)


def test_a_grant_after_the_consent_was_withdrawn_is_refused(requested, office):
    Item.objects.filter(pk=requested.item_id).update(disclosure=Item.Disclosure.PRIVATE)

    with translation.override("en"), pytest.raises(WorkflowError, match="consent") as refused:
        decide(requested, office)
    assert refused.value.code == "no_consent"


def test_a_failed_sending_is_noted_for_the_office(replied, office, monkeypatch, django_capture_on_commit_callbacks):
    def broken(self, *args):
        raise OSError("gateway down")

    monkeypatch.setattr(RecordingSMSBackend, "send", broken)
    request = ask(replied, contact="13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        decide(request, office)

    request.refresh_from_db()
    assert request.answered_at is None and "gateway down" in request.answer_error


def test_the_answer_is_sent_once(requested, office, mailoutbox, django_capture_on_commit_callbacks):
    from notifications.disclosure import send_answer

    with django_capture_on_commit_callbacks(execute=True):
        decide(requested, office)

    assert send_answer(requested.pk, now=LATER) == "skipped"
    assert len(mailoutbox) == 1


def test_the_proposer_and_the_unit_read_the_steps_without_who_asked(requested, office, proposer_user, handler):
    decide(requested, office)

    for reader in (proposer_user, handler):
        events = visible_events(reader).filter(item=requested.item, action__startswith="disclosure.")
        with translation.override("en"):
            sentences = [timeline.describe(event) for event in events.select_related("assignment__unit")]
        assert sentences == [
            "A member of the public asked for the reply (disclosure on request)",
            "The office granted a request for the reply: it was sent to the requester",
        ]
        assert not any("李明" in s or "liming" in s for s in sentences)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_deciding_at_once_one_wins(requested, office, mailoutbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(i, grant):
        try:
            barrier.wait()
            results[i] = decide(requested, office, grant=grant, reason="" if grant else "不符合条件")
        except Exception as exc:  # the loser's Conflict is the result under test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, i == 0)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [r for r in results if isinstance(r, DisclosureRequest)]
    assert len(winners) == 1 and isinstance(next(r for r in results if r not in winners), Conflict), results
    requested.refresh_from_db()
    assert requested.state == winners[0].state
    assert Event.objects.filter(action__in=["disclosure.granted", "disclosure.refused"]).count() == 1
    assert len(mailoutbox) == 1  # the winner's answer only


def test_the_files_the_office_chooses_go_with_the_email(
    requested, letter, office, mailoutbox, settings, tmp_path, django_capture_on_commit_callbacks
):
    assert list(disclosure.requestable_files(requested.item)) == [letter]
    with django_capture_on_commit_callbacks(execute=True):
        decided = disclosure.decide_disclosure(
            actor=office, now=LATER, request=requested, grant=True, attachments=[letter, letter]
        )

    assert list(decided.attachments.all()) == [letter]
    (mail,) = mailoutbox
    assert mail.attachments == [("答复函.pdf", b"%PDF-1.4 signed letter", "application/pdf")]
    assert "答复函.pdf" in mail.body


def test_files_are_refused_by_sms_and_when_not_the_replys(replied, letter, office, handler):
    from django.core.files.base import ContentFile

    from proposals.models import Attachment

    by_phone = ask(replied, contact="13800138000")
    with pytest.raises(WorkflowError) as refused:
        disclosure.decide_disclosure(actor=office, now=LATER, request=by_phone, grant=True, attachments=[letter])
    assert (refused.value.code, refused.value.field) == ("files_by_sms", "attachments")

    text = Attachment.objects.create(
        item=replied,
        file=ContentFile(b"%PDF-1.4 item", name="item.pdf"),
        original_name="原件.pdf",
        content_type="application/pdf",
        size=13,
        uploaded_by=handler,
    )
    by_email = ask(replied)
    with pytest.raises(WorkflowError) as refused:
        disclosure.decide_disclosure(actor=office, now=LATER, request=by_email, grant=True, attachments=[text])
    assert (refused.value.code, refused.value.field) == ("attachment_not_of_reply", "attachments")
    assert "原件.pdf" in str(refused.value)
    assert DisclosureRequest.objects.filter(state="pending").count() == 2


def test_the_portal_can_list_what_may_be_asked_for(replied, office):
    assert list(disclosure.requestable_items()) == [replied]
    replies.publish_reply(actor=office, now=LATER, reply=Reply.objects.get(assignment__item=replied))
    assert not disclosure.requestable_items().exists()
