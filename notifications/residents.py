"""The text to a resident whose 码上约 message was answered: a notice to a phone number, not to a user.

`workflow.signals.resident_answered` is sent inside the answering transaction with the
resident's `phone`, the `district_id`, the `path` of their private page and the answer's
moment `answered_at`. On commit one SMS notice is recorded, keyed by (phone, path, answered_at)
— `notification_once_per_phone_notice` — so recording the same answer again adds nothing,
while a later answer to the same message is another moment and texts again. Nothing is
recorded if the answer rolls back. A number that is not a mainland mobile (a landline left
on the form) cannot take a text: it is logged and the answer stands, read at the private page.
Delivery is the reminders' (`notifications.delivery`): quiet hours, retries, resend. The words
are in the site's language (`LANGUAGE_CODE`): a resident has no account, a district no language.
"""

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from districts.phones import mobile_digits

from .models import NotificationKind
from .recording import Notice, record

logger = logging.getLogger(__name__)


def schedule_resident_answer(sender=None, *, phone, path, answered_at, **kwargs):
    """Receiver of `workflow.signals.resident_answered`: text the resident once the answer commits."""
    if not path.startswith("/"):
        raise ValueError(f"The resident's page must be a site path, not {path!r}.")
    phone = mobile_digits(phone)
    if phone is None:
        logger.info("The answer at %s is not texted: the resident's number is not a mobile number.", path)
        return
    transaction.on_commit(partial(notify_resident, phone=phone, path=path, answered_at=answered_at))


def notify_resident(*, phone, path, answered_at, now=None):
    """Record the resident's notice for the answer of `answered_at` (safe twice: the second records nothing)."""
    now = now or timezone.now()
    notice = Notice(
        phone=phone,
        kind=NotificationKind.RESIDENT_ANSWER,
        due_on=timezone.localdate(answered_at),
        params={"path": path, "answered_at": answered_at.isoformat()},
    )
    with transaction.atomic():
        return record([notice], now=now)
