"""依申请公开 in a browser: a member of the public asks for a reply on a phone, the office grants it, the SMS goes out.

The requester mistypes the mobile number first (the reason shows beside the field, what was typed
is kept), then sends; the office clerk sees the request counted in her queue, reads who asks and
why and the reply a grant sends, grants, and the requester's phone receives the reply's text (the
recording SMS backend). The proposer's item page then tells the steps without the requester.
Screenshots at 1366x768 and 390x844 go to /tmp/shots/disclosure-*.png (SHOTS to move them).
"""

import pytest

from tests.disclosure.conftest import RecordingSMSBackend, send_reply
from workflow.models import DisclosureRequest, Reply

from .screens import SIZES, as_another, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("disclosure")


@pytest.fixture
def sms(settings, monkeypatch):
    from config.celery import app

    settings.SMS_BACKEND = "tests.disclosure.conftest.RecordingSMSBackend"
    settings.SMS_TEMPLATES = {"disclosure_granted": "SMS_DISCLOSED"}
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    RecordingSMSBackend.sent = []
    return RecordingSMSBackend.sent


def test_the_public_asks_on_a_phone_and_the_office_grants(
    browser, page, server, sms, item, office, unit, handler, head, leader, proposer_user
):
    replied = send_reply(item, office=office, unit=unit, handler=handler, head=head, leader=leader)
    reply = Reply.objects.get(assignment__item=replied)

    # A member of the public, on a phone, opens the form the portal links to.
    page.set_viewport_size(SIZES["phone"])
    page.goto(f"{server.url}/public/items/{replied.pk}/request/")
    assert replied.title in page.inner_text("main")
    assert reply.text not in page.inner_text("main")
    page.fill("input[name=name]", "李明")
    page.fill("input[name=contact]", "1380013800")  # a digit short
    page.fill("textarea[name=reason]", "研究社区养老政策")
    with page.expect_navigation():
        page.click("form.disclosure-form button[type=submit]")
    assert page.locator(".field-contact .field-error").is_visible()
    assert page.input_value("input[name=name]") == "李明"
    shoot(page, "request-refused")
    page.set_viewport_size(SIZES["phone"])
    page.fill("input[name=contact]", "13800138000")
    with page.expect_navigation():
        page.click("form.disclosure-form button[type=submit]")
    assert page.url == f"{server.url}/public/items/{replied.pk}/request/sent/"
    shoot(page, "request-sent")
    assert DisclosureRequest.objects.get().state == "pending"

    # The office clerk finds it counted in her queue, reads it and grants it.
    context, clerk = as_another(browser, server, "office")
    clerk.goto(f"{server.url}/office/disclosure/")
    assert clerk.get_attribute(".decisions-summary", "data-count") == "1"
    assert "李明" in clerk.inner_text("table.decisions-table")
    shoot(clerk, "queue")
    clerk.click("table.decisions-table a.button")
    assert "13800138000" in clerk.inner_text(".decisions-main")
    assert reply.text in clerk.inner_text(".decisions-main")
    clerk.check("input[name=decision][value=grant]")
    shoot(clerk, "decide")
    with clerk.expect_navigation():
        clerk.click("form.decisions-form button[type=submit]")
    assert clerk.url == f"{server.url}/office/disclosure/"
    assert clerk.get_attribute(".notice [data-count]", "data-count") == "0"
    shoot(clerk, "queue-after")
    context.close()

    # The requester's phone received the reply; nothing was published.
    (message,) = sms
    assert message["phone"] == "13800138000" and message["template"] == "SMS_DISCLOSED"
    assert reply.text in message["text"]
    reply.refresh_from_db()
    assert reply.published_at is None
    assert DisclosureRequest.objects.get().answered_at is not None

    # The proposer reads on the item's timeline that the reply was asked for and sent, not to whom.
    context, member = as_another(browser, server, "member")
    member.goto(f"{server.url}/items/{replied.pk}/")
    timeline = member.inner_text("ol.item-timeline")
    assert "李明" not in timeline and "13800138000" not in timeline
    assert member.locator("ol.item-timeline li[data-action='disclosure.granted']").count() == 1
    context.close()


def test_the_office_sends_the_reply_letter_by_email(
    browser, page, server, settings, tmp_path, monkeypatch, mailoutbox, item, office, unit, handler, head, leader
):
    from django.core.files.base import ContentFile
    from django.utils.functional import empty

    from config.celery import app
    from proposals.models import Attachment, private_storage
    from workflow.services import disclosure

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setattr(private_storage, "_wrapped", empty)
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    replied = send_reply(item, office=office, unit=unit, handler=handler, head=head, leader=leader)
    letter = Attachment.objects.create(
        item=replied,
        purpose=Attachment.Purpose.REPLY,
        file=ContentFile(b"%PDF-1.4 signed letter", name="letter.pdf"),
        original_name="答复函.pdf",
        content_type="application/pdf",
        size=22,
        uploaded_by=handler,
    )
    Reply.objects.get(assignment__item=replied).attachments.add(letter)
    request = disclosure.request_disclosure(
        now=replied.created_at, item=replied, name="王芳", contact="wangfang@example.cn", reason="课题研究"
    )

    context, clerk = as_another(browser, server, "office")
    clerk.goto(f"{server.url}/office/disclosure/{request.pk}/")
    clerk.check("input[name=decision][value=grant]")
    clerk.check(f"input[name=attachments][value='{letter.pk}']")
    shoot(clerk, "decide-email")
    with clerk.expect_navigation():
        clerk.click("form.decisions-form button[type=submit]")
    context.close()

    (mail,) = mailoutbox
    assert mail.to == ["wangfang@example.cn"]
    assert [name for name, _content, _type in mail.attachments] == ["答复函.pdf"]
