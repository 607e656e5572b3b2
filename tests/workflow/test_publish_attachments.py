"""Publishing a reply (公开) with the files the office chooses: only the reply's own, the rest stay private."""

import pytest
from django.utils import translation

from proposals.models import Attachment
from workflow.errors import WorkflowError
from workflow.models import Reply
from workflow.services import replies

from .conftest import NOW, attachment, category
from .flow import consult, reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_with_files(accepted, handler, head, office):
    """A sent reply with two documents of its own; the item has a scanned form besides."""
    consult(accepted, handler, NOW)
    sent = reply(accepted, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    letter, annex = (attachment(accepted.item, Attachment.Purpose.REPLY, handler) for _ in range(2))
    annex.original_name = "内部附件.pdf"
    annex.save(update_fields=["original_name"])
    sent.attachments.set([letter, annex])
    return sent, letter, annex


def test_the_office_publishes_the_files_it_chooses_and_keeps_the_others_private(sent_with_files, office):
    sent, letter, _annex = sent_with_files
    published = replies.publish_reply(actor=office, now=NOW, reply=sent, attachments=[letter, letter])
    assert published.published_at == NOW
    assert list(published.public_attachments.all()) == [letter]
    event = published.assignment.item.events.get(action="reply.published")
    assert event.data["attachments"] == [letter.pk]


def test_nothing_is_published_with_the_reply_unless_chosen(sent_with_files, office):
    sent, _letter, _annex = sent_with_files
    published = replies.publish_reply(actor=office, now=NOW, reply=sent)
    assert published.published_at == NOW and not published.public_attachments.exists()


def test_a_file_that_is_not_the_replys_is_refused_and_nothing_is_published(sent_with_files, office, handler):
    sent, letter, _annex = sent_with_files
    scan = attachment(sent.assignment.item, Attachment.Purpose.FEEDBACK_FORM, handler)
    scan.original_name = "征询意见表.pdf"
    scan.save(update_fields=["original_name"])
    with translation.override("en"), pytest.raises(WorkflowError) as exc:
        replies.publish_reply(actor=office, now=NOW, reply=sent, attachments=[letter, scan])
    assert (exc.value.code, exc.value.field) == ("attachment_not_of_reply", "attachments")
    assert "征询意见表.pdf" in str(exc.value)
    sent = Reply.objects.get(pk=sent.pk)
    assert sent.published_at is None and not sent.public_attachments.exists()
