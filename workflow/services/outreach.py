"""码上约 (issue #20): a deputy's QR code, the residents' messages, and what the deputy does with them.

Who acts: a proposer login acts for the deputies and members it holds an active proposer membership
of (`selectors.proposer_ids`); a message of another deputy is "not found". A resident acts without a
login, through a live code only, and at most `PER_CODE` messages per code within `PERIOD` (the view
also counts per address). A message is never deleted: it is answered, closed as needing no action or
hidden as spam (with who, when and why), or turned, alone or with others, into a draft suggestion of
the deputy's through `submissions.create_draft`, and the resident then reads the item's stage in plain
words (`stage_for_resident`). Every act of the deputy is written to the audit log.
"""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.context import names_actor
from audit.log import Action, record
from deadlines.rules import local_date
from districts.models import Body, Proposer
from districts.phones import is_phone
from outreach.models import ANSWER_MAX, MESSAGE_MAX, Code, DistrictSetting, Message
from proposals.models import ORDINARY_KINDS, Item
from submissions.models import Submission

from ..access import is_office
from ..errors import NotAllowed, NotFound, WorkflowError
from ..selectors import proposer_ids
from ..signals import resident_answered
from . import submissions

# Short, typed from paper if need be, and not guessable: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
PER_CODE = 20  # messages one code takes within PERIOD
PERIOD = dt.timedelta(hours=1)
NEIGHBOURHOOD_MAX = 100
TITLE_CHARS = 40  # of the first message, as the draft's title


class TooMany(WorkflowError):
    """Too many messages within the period: the resident is asked to try later."""

    status = 429

    def __init__(self, message, *, code="too_many", field=None):
        super().__init__(message, code=code, field=field)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _n in range(CODE_LENGTH))


def normal_code(text) -> str:
    """A code as typed or scanned: upper case, no spaces."""
    return "".join(str(text).split()).upper()


# --- who -------------------------------------------------------------------------------------


def with_code_allowed(proposers):
    """`proposers` each annotated `may_have_code`, in the same query: deputies always, CPPCC members
    where their district enables it, never a group or an inactive proposer."""
    enabled = DistrictSetting.objects.filter(district_id=OuterRef("district_id"), members_enabled=True)
    allowed = Q(kind=Proposer.Kind.PERSON, is_active=True) & (Q(body=Body.NPC) | Exists(enabled))
    return proposers.annotate(may_have_code=ExpressionWrapper(allowed, output_field=BooleanField()))


def _require_for(actor, proposer):
    if proposer.pk not in proposer_ids(actor):
        raise NotFound(_("This deputy does not exist or is not yours."))


def _message_not_found():
    return NotFound(_("This message does not exist or is not yours."))


def _lock(actor, message) -> Message:
    found = Message.objects.select_for_update().filter(pk=message.pk, proposer_id__in=proposer_ids(actor)).first()
    if found is None:
        raise _message_not_found()
    return found


def _require_waiting(message):
    if message.state != Message.State.WAITING:
        raise WorkflowError(
            _("This message was already dealt with: %(state)s.") % {"state": message.get_state_display()},
            code="message_state",
        )


# --- the deputy's code -----------------------------------------------------------------------


def live_code(proposer) -> Code | None:
    return Code.objects.filter(proposer=proposer, revoked_at__isnull=True).first()


def _revoke(actor, now, code):
    code.revoked_at = now
    code.revoked_by = actor
    code.save(update_fields=["revoked_at", "revoked_by"])
    record(action=Action.CHANGED, obj=code, change="revoked")


@names_actor
def issue_code(*, actor, now, proposer) -> Code:
    """A new code for `proposer`: the live one, if any, is revoked and says so to whoever scans it."""
    _require_for(actor, proposer)
    allowed = with_code_allowed(Proposer.objects.filter(pk=proposer.pk)).values_list("may_have_code", flat=True)
    if not allowed.get():
        raise NotAllowed(_("Only deputies, and CPPCC members where the district enables it, have a QR code."))
    with transaction.atomic():
        Proposer.objects.select_for_update().filter(pk=proposer.pk).first()  # two issues at once: one after the other
        old = live_code(proposer)
        if old is not None:
            _revoke(actor, now, old)
        while True:
            try:
                with transaction.atomic():
                    code = Code.objects.create(proposer=proposer, code=new_code(), issued_at=now, issued_by=actor)
                break
            except IntegrityError:  # the one chance in 10^14 that the code exists: draw again
                continue
        record(action=Action.CREATED, obj=code)
    return code


@names_actor
def revoke_code(*, actor, now, proposer) -> Code:
    """Stop the live code: scanned, it says it is no longer in use and takes no message."""
    _require_for(actor, proposer)
    with transaction.atomic():
        code = Code.objects.select_for_update().filter(proposer=proposer, revoked_at__isnull=True).first()
        if code is None:
            raise WorkflowError(_("There is no code in use to revoke."), code="no_code")
        _revoke(actor, now, code)
    return code


@names_actor
def set_members_enabled(*, actor, now, district, enabled) -> DistrictSetting:
    """The district office decides whether its CPPCC members have codes too; their live codes stop when it says no."""
    if not is_office(actor, district.pk):
        raise NotAllowed(_("Only the district office may do this."))
    with transaction.atomic():
        setting, _created = DistrictSetting.objects.select_for_update().get_or_create(district=district)
        setting.members_enabled = bool(enabled)
        setting.save(update_fields=["members_enabled"])
        record(action=Action.CHANGED, obj=district, change="outreach_members", enabled=setting.members_enabled)
        if not setting.members_enabled:
            live = Code.objects.filter(
                proposer__district=district, proposer__body=Body.CPPCC, revoked_at__isnull=True
            ).select_for_update()
            for code in live:
                _revoke(actor, now, code)
    return setting


# --- the resident ----------------------------------------------------------------------------


def code_for_link(text) -> Code:
    """The code a link names, live or revoked (the page says which); NotFound for an unknown one."""
    found = Code.objects.select_related("proposer").filter(code=normal_code(text)[:16]).first()
    if found is None:
        raise NotFound(_("This code does not exist. Check the link or scan the poster again."))
    return found


def _clean_phone(phone):
    phone = phone.strip()
    if phone and not is_phone(phone):
        raise WorkflowError(_("Enter a phone number in digits, or leave it empty."), code="phone", field="phone")
    return phone


def receive(*, now, code, text, neighbourhood="", phone="", may_contact=False) -> Message:
    """A resident's message through `code` (the form's one-time token keeps a second submit from adding one)."""
    text = text.strip()
    neighbourhood = neighbourhood.strip()
    if not text:
        raise WorkflowError(_("Write your message."), code="text_missing", field="text")
    if len(text) > MESSAGE_MAX:
        raise WorkflowError(
            _("A message holds at most %(n)s characters.") % {"n": MESSAGE_MAX}, code="text_long", field="text"
        )
    if len(neighbourhood) > NEIGHBOURHOOD_MAX:
        raise WorkflowError(
            _("Name your neighbourhood in at most %(n)s characters.") % {"n": NEIGHBOURHOOD_MAX},
            code="neighbourhood_long",
            field="neighbourhood",
        )
    phone = _clean_phone(phone)
    if may_contact and not phone:
        raise WorkflowError(
            _("Leave a phone number to be contacted, or untick the box."), code="phone_missing", field="phone"
        )
    with transaction.atomic():
        code = Code.objects.select_for_update().select_related("proposer").get(pk=code.pk)  # orders the count below
        if not code.live:
            raise WorkflowError(_("This code is no longer in use: it takes no message."), code="code_revoked")
        if Message.objects.filter(code=code, received_at__gt=now - PERIOD).count() >= PER_CODE:
            raise TooMany(_("This deputy received many messages in the last hour. Please try again later."))
        while True:
            try:
                with transaction.atomic():
                    return Message.objects.create(
                        code=code,
                        proposer=code.proposer,
                        district_id=code.proposer.district_id,
                        text=text,
                        neighbourhood=neighbourhood,
                        phone=phone,
                        may_contact=bool(may_contact and phone),
                        private_code=new_code(),
                        received_at=now,
                    )
            except IntegrityError:  # a private code drawn twice: draw again
                continue


def message_for_resident(private_code) -> Message:
    found = Message.objects.select_related("submission__item", "proposer").filter(
        private_code=normal_code(private_code)[:16]
    )
    message = found.first()
    if message is None:
        raise NotFound(_("No message has this code. Check the link you were given."))
    return message


# What the resident reads about the item their message became: plain words, nothing of its handling.
ITEM_STAGES = {
    Item.State.RECEIVED: gettext_lazy("The district office has received your deputy's suggestion and is reviewing it."),
    Item.State.REGISTERED: gettext_lazy("The suggestion is registered; the office is choosing who will handle it."),
    Item.State.HANDLING: gettext_lazy("The suggestion is being handled by the responsible government departments."),
    Item.State.REPLIED: gettext_lazy("The departments have replied to your deputy, who is reading the reply."),
    Item.State.FOLLOWING_UP: gettext_lazy("The departments have replied and are following up on what they promised."),
    Item.State.CLOSED: gettext_lazy("The suggestion has been handled to the end."),
    Item.State.REJECTED: gettext_lazy("The district office did not take up the suggestion as an item."),
    Item.State.MERGED: gettext_lazy("The suggestion was joined with a similar one and is handled with it."),
}


def stage_for_resident(message) -> str:
    """Where the message stands, as the resident reads it at their private link."""
    if message.state == Message.State.WAITING:
        return _("Your deputy has not answered yet.")
    if message.state == Message.State.ANSWERED:
        return _("Your deputy has answered.")
    if message.state in (Message.State.DISMISSED, Message.State.HIDDEN):
        return _("Your deputy has read your message and closed it.")
    submission = message.submission
    if submission.state == Submission.State.DRAFT:
        return _("Your deputy is writing a suggestion to the district government from your message.")
    if submission.state == Submission.State.SUBMITTED:
        return _("Your deputy has handed in a suggestion from your message; the district office is recording it.")
    if submission.state == Submission.State.WITHDRAWN:
        return _("Your deputy decided not to hand in the suggestion after all.")
    return str(ITEM_STAGES[submission.item.state])


# --- the deputy's inbox ----------------------------------------------------------------------


def mark_read(*, actor, now, message) -> None:
    """The deputy opened the message: the inbox stops showing it as new (not an act: no audit row)."""
    if message.read_at is None and message.proposer_id in proposer_ids(actor):
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)


def _act(message, actor, now, state, **fields):
    message.state = state
    message.acted_at = now
    message.acted_by = actor
    message.read_at = message.read_at or now
    for name, value in fields.items():
        setattr(message, name, value)
    message.save(update_fields=["state", "acted_at", "acted_by", "read_at", *fields])
    record(action=Action.CHANGED, obj=message, change=state)


@names_actor
def answer(*, actor, now, message, text) -> Message:
    """Answer at the resident's private link; a resident who left a phone and consent is texted (on commit)."""
    text = text.strip()
    if not text:
        raise WorkflowError(_("Write the answer."), code="answer_missing", field="text")
    if len(text) > ANSWER_MAX:
        raise WorkflowError(
            _("An answer holds at most %(n)s characters.") % {"n": ANSWER_MAX}, code="answer_long", field="text"
        )
    with transaction.atomic():
        message = _lock(actor, message)
        _require_waiting(message)
        _act(message, actor, now, Message.State.ANSWERED, answer=text)
        if message.phone and message.may_contact:
            resident_answered.send(
                sender=Message,
                phone=message.phone,
                district_id=message.district_id,
                path=resident_path(message),
                answered_at=now,
            )
    return message


def resident_path(message) -> str:
    """The site path of the resident's private page, for the text message that tells them of the answer."""
    return reverse("outreach:resident", args=[message.private_code])


def _close(actor, now, message, reason, state):
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Say why, in a few words."), code="reason_missing", field="reason")
    if len(reason) > ANSWER_MAX:
        raise WorkflowError(_("The reason is too long."), code="reason_long", field="reason")
    with transaction.atomic():
        message = _lock(actor, message)
        _require_waiting(message)
        _act(message, actor, now, state, reason=reason)
    return message


@names_actor
def dismiss(*, actor, now, message, reason) -> Message:
    """Close the message as needing no action, with the reason."""
    return _close(actor, now, message, reason, Message.State.DISMISSED)


@names_actor
def hide(*, actor, now, message, reason) -> Message:
    """Hide the message as spam: kept, out of the inbox's list, with who, when and why."""
    return _close(actor, now, message, reason, Message.State.HIDDEN)


@names_actor
def turn_into_suggestion(*, actor, now, messages) -> Submission:
    """One draft suggestion of the deputy's from these waiting messages (one deputy's), prefilled with their text.

    The draft is `submissions.create_draft`'s, so the deputy edits, invites co-signers and hands it
    in as any other; each message then shows the item's stage to its resident.
    """
    ids = sorted({m.pk for m in messages})
    if not ids:
        raise WorkflowError(_("Choose at least one message."), code="messages_missing", field="messages")
    with transaction.atomic():
        locked = list(
            Message.objects.select_for_update()
            .filter(pk__in=ids, proposer_id__in=proposer_ids(actor))
            .order_by("received_at", "pk")
        )
        if len(locked) != len(ids):
            raise _message_not_found()
        if len({m.proposer_id for m in locked}) != 1:
            raise WorkflowError(
                _("Choose messages to one deputy: a suggestion has one lead."), code="messages_mixed", field="messages"
            )
        for message in locked:
            _require_waiting(message)
        lead = Proposer.objects.get(pk=locked[0].proposer_id)
        text = "\n\n".join(_quoted(m) for m in locked)
        first_line = locked[0].text.splitlines()[0].strip()
        draft = submissions.create_draft(
            actor=actor,
            now=now,
            lead=lead,
            kind=ORDINARY_KINDS[lead.body][0],
            title=first_line[:TITLE_CHARS],
            text=text,
        )
        for message in locked:
            _act(message, actor, now, Message.State.SUGGESTION, submission=draft)
    return draft


def _quoted(message):
    where = f" · {message.neighbourhood}" if message.neighbourhood else ""
    head = _("A resident wrote on %(date)s%(where)s:") % {
        "date": local_date(message.received_at).isoformat(),
        "where": where,
    }
    return f"{head}\n{message.text}"
