"""依申请公开: a member of the public asks for a reply the proposer consented to disclose on request.

Only an item whose consent is "on request" and whose current reply was sent, not published (the
portal shows a published one to anyone), can be asked for; anything else is "not found". The
request reaches the office of the item's district, which grants it (the replies are sent to the
requester's email or phone on commit, by the notifications app: nothing is published) or refuses
it with a reason. Each step is on the item's timeline without the requester's name or contact.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from audit.context import names_actor
from districts.phones import mobile_digits
from proposals.models import Attachment, Item

from ..errors import Conflict, WorkflowError, item_not_found
from ..events import record_event
from ..models import DisclosureRequest, Reply
from . import permissions
from .locking import lock_item, reread


def requestable_replies(item):
    """The item's current replies that a granted request sends: sent, and not on the portal already."""
    return (
        Reply.objects.current()
        .filter(assignment__item=item, published_at__isnull=True)
        .select_related("assignment__unit")
        .order_by("assignment__assigned_at", "pk")
    )


def requestable_files(item):
    """The files of `requestable_replies(item)`: what the office may send with a granted answer."""
    own = Reply.attachments.through.objects.filter(reply__in=requestable_replies(item)).values("attachment_id")
    return Attachment.objects.filter(pk__in=own).order_by("pk")


def requestable_items():
    """Items whose reply the public may ask for: consent "on request", a current reply sent and not published.

    For the portal to list them (number and title only) with a link to the request form.
    """
    replies = Reply.objects.current().filter(published_at__isnull=True).values("assignment__item_id")
    return Item.objects.filter(disclosure=Item.Disclosure.ON_REQUEST, pk__in=replies)


def requestable_item(pk) -> Item:
    """One of `requestable_items`, else NotFound exactly like a missing item."""
    try:
        return requestable_items().select_related("district").get(pk=pk)
    except (Item.DoesNotExist, ValueError, TypeError):
        raise item_not_found() from None


def contact_channel(contact) -> str:
    """How the answer goes to `contact`: by email or by SMS; anything else is refused, naming the field."""
    contact = contact.strip()
    if mobile_digits(contact):
        return DisclosureRequest.Channel.SMS
    try:
        validate_email(contact)
    except ValidationError:
        raise WorkflowError(
            _("Give an email address or an 11-digit mobile number, so that the office can answer you."),
            code="contact_invalid",
            field="contact",
        ) from None
    return DisclosureRequest.Channel.EMAIL


def _required(value, field, message):
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, code=f"{field}_missing", field=field)
    return value


def request_disclosure(*, now, item, name, contact, reason) -> DisclosureRequest:
    """A member of the public (no account, so no actor) asks for the item's reply.

    The same contact asking again while its request waits is a Conflict: the office answers once.
    """
    name = _required(name, "name", _("Give your name."))
    contact = _required(contact, "contact", _("Give an email address or a mobile number."))
    reason = _required(reason, "reason", _("Say why you ask for this reply."))
    channel = contact_channel(contact)
    if channel == DisclosureRequest.Channel.SMS:
        contact = mobile_digits(contact)
    with transaction.atomic():
        item = lock_item(item.pk)
        item = requestable_item(item.pk)
        if DisclosureRequest.objects.filter(
            item=item, contact__iexact=contact, state=DisclosureRequest.State.PENDING
        ).exists():
            raise Conflict(
                _("You have already asked for this reply; the office will answer you at this contact."),
                code="already_requested",
            )
        request = DisclosureRequest.objects.create(
            item=item, name=name, contact=contact, channel=channel, reason=reason, requested_at=now
        )
        record_event(item=item, action="disclosure.requested", actor=None, now=now, request=request.pk)
    return request


def _check_files(request, replies, attachments):
    """The chosen files must be the granted replies' own, and go by email (an SMS carries no file)."""
    chosen = list(dict.fromkeys(attachments))
    if not chosen:
        return chosen
    if request.channel != DisclosureRequest.Channel.EMAIL:
        raise WorkflowError(
            _("Files go by email only; this requester gave a mobile number."), code="files_by_sms", field="attachments"
        )
    own = set(Reply.attachments.through.objects.filter(reply__in=replies).values_list("attachment_id", flat=True))
    foreign = [a for a in chosen if a.pk not in own]
    if foreign:
        raise WorkflowError(
            _("Only the replies' own files can be sent with them, not: %(files)s.")
            % {"files": "、".join(a.original_name for a in foreign)},
            code="attachment_not_of_reply",
            field="attachments",
        )
    return chosen


@names_actor
def decide_disclosure(*, actor, now, request, grant, reason="", attachments=()) -> DisclosureRequest:
    """The office of the item's district grants (the replies go to the requester) or refuses with a reason.

    `attachments`: which of the replies' own files go with them by email (none unless chosen). A
    second decision is a Conflict; a grant after the proposer's consent was corrected away from
    "on request", or with no sent reply left to send, is refused.
    """
    with transaction.atomic():
        item = lock_item(request.item_id)
        permissions.require_office(actor, item)
        request = reread(request)
        if request.state != DisclosureRequest.State.PENDING:
            raise Conflict(_("This request has already been decided."), code="already_decided")
        reason = (reason or "").strip()
        replies, files = [], []
        if grant:
            if item.disclosure != Item.Disclosure.ON_REQUEST:
                raise WorkflowError(
                    _("The proposer's consent is now: %(consent)s; the reply cannot be sent on request.")
                    % {"consent": item.get_disclosure_display()},
                    code="no_consent",
                )
            replies = list(requestable_replies(item))
            if not replies:
                raise WorkflowError(_("The item has no sent reply to send."), code="no_reply")
            files = _check_files(request, replies, attachments)
            request.state = DisclosureRequest.State.GRANTED
        else:
            if not reason:
                raise WorkflowError(_("Say why the request is refused."), code="reason_missing", field="reason")
            request.state = DisclosureRequest.State.REFUSED
            request.refusal_reason = reason
        request.decided_by = actor
        request.decided_at = now
        request.save(update_fields=["state", "refusal_reason", "decided_by", "decided_at"])
        request.replies.set(replies)
        request.attachments.set(files)
        record_event(
            item=item,
            action="disclosure.granted" if grant else "disclosure.refused",
            actor=actor,
            now=now,
            request=request.pk,
            replies=[reply.pk for reply in replies],
            attachments=[a.pk for a in files],
        )
    return request
