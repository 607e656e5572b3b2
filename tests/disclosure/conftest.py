"""Disclosure on request: an item whose reply was sent and may be disclosed on request, an SMS backend that records."""

import pytest

from proposals.models import Item
from tests.conftest import NOW
from tests.workflow.flow import consult, reply
from workflow.models import OutcomeCategory, Reply
from workflow.services import assignment as assign
from workflow.services import disclosure


class RecordingSMSBackend:
    """What the gateway was asked to send, in order."""

    sent = []

    def send(self, phone, template, params, text):
        self.sent.append({"phone": phone, "template": template, "params": params, "text": text})


@pytest.fixture(autouse=True)
def _delivery(settings, tmp_path, monkeypatch):
    from django.utils.functional import empty

    from config.celery import app
    from proposals.models import private_storage

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setattr(private_storage, "_wrapped", empty)  # set up again, under tmp_path
    settings.SMS_BACKEND = "tests.disclosure.conftest.RecordingSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_TEMPLATES = {"disclosure_granted": "SMS_DISCLOSED", "disclosure_refused": "SMS_NOT_DISCLOSED"}
    RecordingSMSBackend.sent = []
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the answer is sent in-process, even when REDIS_URL names a broker
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def sms():
    return RecordingSMSBackend.sent


def send_reply(item, *, office, unit, handler, head, leader, now=NOW):
    """Assign `unit` as the only lead, accept, consult and send a reply (CPPCC A); the item read again."""
    (lead,) = assign.assign_units(actor=office, now=now, item=item, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=now, assignment=lead)
    consult(lead, handler, now)
    category = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")
    reply(lead, handler=handler, head=head, leader=leader, office=office, category=category, now=now)
    return Item.objects.get(pk=item.pk)


@pytest.fixture
def replied(item, office, unit, handler, head, leader):
    """`item` (consent: on request) with its reply sent by `unit`."""
    assert item.disclosure == Item.Disclosure.ON_REQUEST
    return send_reply(item, office=office, unit=unit, handler=handler, head=head, leader=leader)


@pytest.fixture
def requested(replied):
    """A pending request by email."""
    return disclosure.request_disclosure(
        now=NOW, item=replied, name="李明", contact="liming@example.cn", reason="研究社区养老政策"
    )


@pytest.fixture
def letter(replied, handler):
    """The reply's signed letter, a file of its own."""
    from django.core.files.base import ContentFile

    from proposals.models import Attachment

    file = Attachment.objects.create(
        item=replied,
        purpose=Attachment.Purpose.REPLY,
        file=ContentFile(b"%PDF-1.4 signed letter", name="letter.pdf"),
        original_name="答复函.pdf",
        content_type="application/pdf",
        size=22,
        uploaded_by=handler,
    )
    Reply.objects.get(assignment__item=replied).attachments.add(file)
    return file
