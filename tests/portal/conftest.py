"""Published replies built through the services, as the office and a unit make them."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from proposals.models import Attachment, Item
from workflow.models import OutcomeCategory
from workflow.services import assignment as assign
from workflow.services import intake, replies

from ..workflow.flow import consult, receive

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_numbers = itertools.count(100)


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    cache.clear()  # the rate limit counts per address in the cache: each test starts afresh


def document(item, user, name, purpose=Attachment.Purpose.REPLY):
    return Attachment.objects.create(
        item=item,
        purpose=purpose,
        file=ContentFile(b"%PDF-1.4 reply letter", name="letter.pdf"),
        original_name=name,
        content_type="application/pdf",
        size=21,
        uploaded_by=user,
    )


def handle(
    office,
    handler,
    head,
    proposer,
    unit,
    *,
    title,
    text="经研究，答复如下……",
    disclosure=Item.Disclosure.PUBLIC,
    send=True,
    publish=True,
    files=(),
    public_files=(),
    **fields,
):
    """An item of `proposer` that `unit` leads: its reply drafted, sent and published as far as asked.

    `files` are the reply's documents; those named in `public_files` are published with it.
    Returns the reply.
    """
    received = receive(
        office, proposer, now=NOW, number=f"{next(_numbers):04d}", title=title, disclosure=disclosure, **fields
    )
    item = intake.register_item(actor=office, now=NOW, item=received)
    (lead,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    category = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")
    attached = {name: document(item, handler, name) for name in files}
    reply = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=lead,
        text=text,
        category=category,
        signer="主任",
        attachments=attached.values(),
    )
    if not send:
        return reply
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    reply = replies.send_reply(actor=office, now=NOW, reply=reply)
    if publish:
        reply = replies.publish_reply(
            actor=office, now=NOW, reply=reply, attachments=[attached[name] for name in public_files]
        )
    return reply


@pytest.fixture
def make_reply(office, handler, head, proposer, unit):
    """`make_reply(title=..., text=..., ...)`: see `handle`; the district's office, unit and proposer by default."""

    def make(**kwargs):
        people = {"office": office, "handler": handler, "head": head, "proposer": proposer, "unit": unit}
        return handle(**{**people, **kwargs})

    return make
