"""Fixtures for the workflow: an item at each stage, built through the services themselves."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from proposals.models import Attachment, Item
from workflow.models import OutcomeCategory
from workflow.services import assignment as assign
from workflow.services import intake

from .flow import consult, receive

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.SECURE_SSL_REDIRECT = False
    # The fixed users' passwords are hashed per test; the production hasher costs ~0.5 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now():
    return NOW


def category(scheme, code):
    return OutcomeCategory.objects.get(scheme__code=scheme, code=code)


def attachment(item, purpose=Attachment.Purpose.FEEDBACK_FORM, user=None):
    return Attachment.objects.create(
        item=item,
        purpose=purpose,
        file=ContentFile(b"%PDF-1.4 scanned", name="form.pdf"),
        original_name="form.pdf",
        content_type="application/pdf",
        size=16,
        uploaded_by=user,
    )


@pytest.fixture
def received(office, proposer):
    return receive(
        office, proposer, now=NOW, number="0001", title="关于加强社区养老服务的建议", disclosure=Item.Disclosure.PUBLIC
    )


@pytest.fixture
def registered(received, office):
    return intake.register_item(actor=office, now=NOW, item=received)


@pytest.fixture
def lead(registered, office, unit, leader):
    """The item assigned to `unit` as its only lead unit (the unit has a responsible leader)."""
    (a,) = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit])
    return a


@pytest.fixture
def accepted(lead, handler):
    return assign.accept_assignment(actor=handler, now=NOW, assignment=lead)


@pytest.fixture
def handled(registered, office, unit, co_unit, handler, co_handler):
    """`unit` leads and `co_unit` co-handles the item; both accepted, consulted, the co-unit's opinion is in."""
    from workflow.services import opinions

    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
    consult(lead, handler, NOW)
    return lead
