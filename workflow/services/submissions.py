"""Items handed in online (issue #17): a proposer's draft, its co-signers, submission and registration.

A submission is not an item (`submissions.models`): nothing of an item's life sees it until the
office registers it, which creates the item through `intake.receive_item` with the number the
office gives, so it is then reviewed (立案 / 不立案 / 并案) like an item handed in on paper.

Who acts: a proposer login acts for every proposer it holds an active proposer membership of (a
deputy for themselves, a group's staff for the group); the office of the submission's district for
the office's acts. Co-signers are invited among the active deputies or members of the same district
and body; each has until the co-sign window ends (a deadline policy, default 3 working days,
`deadlines.rules.cosign_answer_by`) to confirm or decline. The office may confirm for one who never
logs in. Those who declined or did not answer are left out of the item.
"""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.context import names_actor
from deadlines.rules import cosign_answer_by, local_date
from districts.models import Proposer
from proposals.attachments import validate_upload
from proposals.models import Attachment, Item, kind_fits_body
from submissions.models import CoSignInvitation, Submission, SubmissionFile

from ..access import is_office
from ..errors import Conflict, NotAllowed, NotFound, WorkflowError
from ..selectors import office_submissions, proposer_ids
from ..signals import invited
from . import intake

Invitation = CoSignInvitation.State

# What the proposer may change in a draft (`edit_draft`).
DRAFT_FIELDS = ("kind", "title", "text", "category", "session", "disclosure")


# --- who -------------------------------------------------------------------------------------


def _not_found():
    return NotFound(_("This submission does not exist or is not yours."))


def _lock(submission) -> Submission:
    try:
        return Submission.objects.select_for_update().get(pk=submission.pk)
    except Submission.DoesNotExist:
        raise _not_found() from None


def _require_owner(actor, submission):
    """The actor acts for the submission's lead proposer; anyone else is told it does not exist."""
    if submission.lead_id not in proposer_ids(actor):
        raise _not_found()


def _require_office(actor, submission):
    if not (actor is None or office_submissions(actor).filter(pk=submission.pk).exists()):
        raise _not_found()
    if not is_office(actor, submission.district_id):
        raise NotAllowed(_("Only the district office may do this."))


def _require_state(submission, *states, message):
    if submission.state not in states:
        raise WorkflowError(message, code="submission_state")


# --- the proposer's draft ---------------------------------------------------------------------


def _check_fields(lead, fields):
    kind = fields.get("kind")
    if kind is not None and not kind_fits_body(kind, lead.body):
        raise WorkflowError(_("This kind of item does not belong to that body."), code="kind_body", field="kind")
    for name in ("category", "session"):
        chosen = fields.get(name)
        if chosen is not None and chosen.district_id != lead.district_id:
            raise WorkflowError(_("Choose a category and a session of your district."), field=name)
    session = fields.get("session")
    if session is not None and session.body != lead.body:
        raise WorkflowError(_("Choose a session of your body."), field="session")


@names_actor
def create_draft(*, actor, now, lead, kind, title="", text="", category=None, session=None, disclosure=None):
    """A new draft of `lead` (a proposer the actor acts for); nothing reaches the office yet."""
    if lead.pk not in proposer_ids(actor):
        raise NotAllowed(_("Only a deputy or member, or their group's staff, may hand in items."))
    fields = {"kind": kind, "title": title, "text": text, "category": category, "session": session}
    _check_fields(lead, fields)
    return Submission.objects.create(
        district_id=lead.district_id,
        body=lead.body,
        lead=lead,
        disclosure=disclosure or Item.Disclosure.ON_REQUEST,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **fields,
    )


@names_actor
def edit_draft(*, actor, now, submission, **fields) -> Submission:
    """Change the draft's kind, title, text, suggested category, session or disclosure consent."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"not a draft's field: {sorted(unknown)}")
    with transaction.atomic():
        submission = _lock(submission)
        _require_owner(actor, submission)
        _require_state(
            submission, Submission.State.DRAFT, message=_("Only a draft can be edited; this one was handed in.")
        )
        _check_fields(submission.lead, fields)
        for name, value in fields.items():
            setattr(submission, name, value)
        submission.updated_at = now
        submission.save(update_fields=[*fields, "updated_at"])
    return submission


@names_actor
def add_file(*, actor, now, submission, uploaded_file) -> SubmissionFile:
    """Attach a file to the draft, checked as every attachment is (`proposals.attachments.validate_upload`)."""
    with transaction.atomic():
        submission = _lock(submission)
        _require_owner(actor, submission)
        _require_state(
            submission, Submission.State.DRAFT, message=_("Only a draft can be edited; this one was handed in.")
        )
        try:
            content_type = validate_upload(uploaded_file)
        except ValidationError as exc:
            raise WorkflowError(" ".join(exc.messages), code="file_refused", field="file") from None
        original_name = PurePath(uploaded_file.name).name
        # Stored under a random name, as attachments are: names never collide nor reach the file system.
        uploaded_file.name = f"{uuid.uuid4().hex}{PurePath(original_name).suffix.lower()}"
        return SubmissionFile.objects.create(
            submission=submission,
            file=uploaded_file,
            original_name=original_name[:255],
            content_type=content_type,
            size=uploaded_file.size,
            uploaded_by=actor,
            uploaded_at=now,
        )


@names_actor
def invite(*, actor, now, submission, proposer) -> CoSignInvitation:
    """Ask a deputy or member of the same body to co-sign (联名); they answer within the co-sign window."""
    with transaction.atomic():
        submission = _lock(submission)
        _require_owner(actor, submission)
        _require_state(
            submission,
            Submission.State.DRAFT,
            message=_("Co-signers are invited while the item is a draft; this one was handed in."),
        )
        fits = (
            proposer.district_id == submission.district_id
            and proposer.body == submission.body
            and proposer.kind == Proposer.Kind.PERSON
            and proposer.is_active
        )
        if not fits:
            raise WorkflowError(
                _("Invite a deputy or member of your own body to co-sign."), code="cosigner_foreign", field="proposer"
            )
        if proposer.pk == submission.lead_id:
            raise WorkflowError(_("You cannot invite yourself to co-sign."), code="cosigner_self", field="proposer")
        if submission.invitations.filter(proposer=proposer).exists():
            raise WorkflowError(
                _("%(name)s is already invited.") % {"name": proposer.name}, code="cosigner_twice", field="proposer"
            )
        invitation = CoSignInvitation.objects.create(
            submission=submission,
            proposer=proposer,
            invited_at=now,
            answer_by=cosign_answer_by(submission=submission, now=now),
        )
        invited.send(sender=CoSignInvitation, invitation=invitation)
    return invitation


@names_actor
def submit(*, actor, now, submission) -> Submission:
    """Hand the draft in: it reaches the office's queue and can no longer be edited, only withdrawn."""
    with transaction.atomic():
        submission = _lock(submission)
        _require_owner(actor, submission)
        _require_state(submission, Submission.State.DRAFT, message=_("This submission was already handed in."))
        if not submission.title.strip():
            raise WorkflowError(_("An item needs a title."), code="title_missing", field="title")
        if not submission.text.strip():
            raise WorkflowError(
                _("Write the text of the item before handing it in."), code="text_missing", field="text"
            )
        submission.state = Submission.State.SUBMITTED
        submission.submitted_at = submission.updated_at = now
        submission.save(update_fields=["state", "submitted_at", "updated_at"])
    return submission


@names_actor
def withdraw(*, actor, now, submission) -> Submission:
    """Take the draft or the submitted item back, until the office registers it; open invitations lapse."""
    with transaction.atomic():
        submission = _lock(submission)
        _require_owner(actor, submission)
        _require_state(
            submission,
            Submission.State.DRAFT,
            Submission.State.SUBMITTED,
            message=_("Only a draft or an item not yet registered can be withdrawn."),
        )
        submission.state = Submission.State.WITHDRAWN
        submission.withdrawn_at = submission.updated_at = now
        submission.save(update_fields=["state", "withdrawn_at", "updated_at"])
        submission.invitations.filter(state=Invitation.PENDING).update(state=Invitation.LAPSED)
    return submission


# --- co-signers' answers ---------------------------------------------------------------------


def _answer(actor, now, invitation, state, *, by_office):
    with transaction.atomic():
        submission = _lock(invitation.submission)  # the submission's lock orders answers and registration
        invitation = CoSignInvitation.objects.select_for_update().get(pk=invitation.pk)
        if by_office:
            _require_office(actor, submission)
        elif invitation.proposer_id not in proposer_ids(actor):
            raise NotFound(_("This invitation does not exist or is not yours."))
        if invitation.state != Invitation.PENDING:
            raise WorkflowError(
                _("This invitation was already answered: %(state)s.") % {"state": invitation.get_state_display()},
                code="invitation_answered",
            )
        if submission.state not in (Submission.State.DRAFT, Submission.State.SUBMITTED):
            raise WorkflowError(
                _("The item is no longer open to co-signers: %(state)s.") % {"state": submission.get_state_display()},
                code="submission_state",
            )
        if local_date(now) > invitation.answer_by:
            raise WorkflowError(
                _("The co-sign window ended on %(date)s; the item goes on without this co-signer.")
                % {"date": invitation.answer_by.isoformat()},
                code="window_ended",
            )
        invitation.state = state
        invitation.answered_at = now
        invitation.answered_by = actor
        invitation.by_office = by_office
        invitation.save(update_fields=["state", "answered_at", "answered_by", "by_office"])
    return invitation


@names_actor
def confirm(*, actor, now, invitation) -> CoSignInvitation:
    """The invited deputy or member (or their group's staff) co-signs."""
    return _answer(actor, now, invitation, Invitation.CONFIRMED, by_office=False)


@names_actor
def decline(*, actor, now, invitation) -> CoSignInvitation:
    """The invited deputy or member does not co-sign; the item goes on without them."""
    return _answer(actor, now, invitation, Invitation.DECLINED, by_office=False)


@names_actor
def confirm_for(*, actor, now, invitation) -> CoSignInvitation:
    """The office records the confirmation of a co-signer who does not log in (by phone or on paper)."""
    return _answer(actor, now, invitation, Invitation.CONFIRMED, by_office=True)


# --- the office ------------------------------------------------------------------------------


@names_actor
def register(*, actor, now, submission, number, category=None, session=None) -> Item:
    """The office registers a handed-in submission as an item with `number`; it then awaits review (立案).

    The confirmed co-signers become the item's proposers after the lead; those who declined or did
    not answer are left out (their open invitations lapse). While a co-signer's window is still
    open, the office waits or confirms for them: registering would leave them out. The draft's files
    become the item's attachments. `category` and `session` default to the proposer's choice.
    """
    with transaction.atomic():
        submission = _lock(submission)  # a second registration waits here, then finds it registered
        _require_office(actor, submission)
        if submission.state == Submission.State.REGISTERED:
            raise Conflict(
                _("This submission was already registered as item %(number)s.") % {"number": submission.item.number},
                code="submission_registered",
            )
        _require_state(
            submission,
            Submission.State.SUBMITTED,
            message=_("Only a handed-in submission can be registered; this one was withdrawn."),
        )
        today = local_date(now)
        waiting = submission.invitations.filter(state=Invitation.PENDING, answer_by__gte=today).order_by("answer_by")
        first = waiting.select_related("proposer").first()
        if first is not None:
            raise WorkflowError(
                _(
                    "%(name)s may still answer until %(date)s: confirm for them, or register after that day "
                    "to leave them out."
                )
                % {"name": first.proposer.name, "date": first.answer_by.isoformat()},
                code="cosign_window_open",
            )
        cosigners = [
            i.proposer for i in submission.invitations.filter(state=Invitation.CONFIRMED).select_related("proposer")
        ]
        item = intake.receive_item(
            actor=actor,
            now=now,
            district=submission.district,
            year=local_date(submission.submitted_at).year,
            body=submission.body,
            kind=submission.kind,
            number=number,
            title=submission.title,
            text=submission.text,
            session=session if session is not None else submission.session,
            category=category if category is not None else submission.category,
            proposers=cosigners,
            lead_proposer=submission.lead,
            disclosure=submission.disclosure,
            submitted_on=local_date(submission.submitted_at),
            submission=submission,  # registered with the item, before the item's first event
        )
        for kept in submission.files.filter(attachment__isnull=True):
            # The item's attachment names the stored file: nothing is copied, the bytes stay where they were.
            kept.attachment = Attachment.objects.create(
                item=item,
                purpose=Attachment.Purpose.ITEM,
                file=kept.file.name,
                original_name=kept.original_name,
                content_type=kept.content_type,
                size=kept.size,
                uploaded_by=kept.uploaded_by,
            )
            kept.save(update_fields=["attachment"])
        submission.invitations.filter(state=Invitation.PENDING).update(state=Invitation.LAPSED)
    return item
