"""Every act of the workflow as a POST (issue #18), each one service of `workflow/services/` and nothing more.

Each answers with the changed object through `api.serializers`; an act whose new record has no
shape of its own there (a consultation, an opinion, a progress report, a closing report, a
message) answers with the assignment or the item it changed.
"""

from proposals.attachments import stored
from proposals.models import Attachment
from workflow.models import Reply
from workflow.services import assignment as assigning
from workflow.services import (
    closing,
    consultation,
    extensions,
    feedback,
    followup,
    intake,
    messages,
    opinions,
    replies,
)

from ..serializers import (
    AssignmentSerializer,
    ExtensionSerializer,
    FeedbackSerializer,
    ItemSerializer,
    ReplySerializer,
)
from . import inputs
from .base import Act, act, assignment_of, extension_of, fresh, item_of, now, reply_of

Purpose = Attachment.Purpose

# --- intake (domain §4 step 1) ---------------------------------------------------------------------------------


@act(ItemSerializer, summary="Receive an item (the office records it as handed in)", created=True)
class Receive(Act):
    """The office records an item as handed in, with its files (multipart `attachments`); it awaits review."""

    input = inputs.Receive

    def perform(self, request, target, data):
        files = data.pop("attachments")
        item = intake.receive_item(actor=request.user, now=now(), **data)
        with stored(item=item, uploads=files, purpose=Purpose.ITEM, uploaded_by=request.user):
            return item


@act(ItemSerializer, summary="Register an item (立案)")
class Register(Act):
    """The item will be handled and counted."""

    fetch = staticmethod(item_of)

    def perform(self, request, item, data):
        return intake.register_item(actor=request.user, now=now(), item=item)


@act(ItemSerializer, summary="Reject an item (不立案)")
class Reject(Act):
    """Not registered, with the reason the proposer is told."""

    fetch = staticmethod(item_of)
    input = inputs.Reason

    def perform(self, request, item, data):
        return intake.reject_item(actor=request.user, now=now(), item=item, reason=data["reason"])


@act(ItemSerializer, summary="Merge an item into another (并案)")
class Merge(Act):
    """The item is handled as part of `into`; its proposers receive that reply and rate it."""

    fetch = staticmethod(item_of)
    input = inputs.Merge

    def perform(self, request, item, data):
        return intake.merge_item(actor=request.user, now=now(), item=item, into=data["into"])


# --- assigning (steps 2–3) ---------------------------------------------------------------------------------------


@act(AssignmentSerializer, summary="Assign an item to its units (交办)", created=True, many=True)
class Assign(Act):
    """One lead unit (or several with `split`, 分办) and any co-units (会办); answers with the new assignments."""

    fetch = staticmethod(item_of)
    input = inputs.Assign

    def perform(self, request, item, data):
        return assigning.assign_units(actor=request.user, now=now(), item=item, **data)


@act(ItemSerializer, summary="Make an item a key item (督办)")
class Key(Act):
    """A district leader personally leads the item."""

    fetch = staticmethod(item_of)
    input = inputs.Key

    def perform(self, request, item, data):
        return assigning.mark_key_item(actor=request.user, now=now(), item=item, leader=data["leader"])


@act(AssignmentSerializer, summary="Accept an assignment (接收)")
class Accept(Act):
    """The unit takes the item on; a late acceptance shows as overdue."""

    fetch = staticmethod(assignment_of)

    def perform(self, request, assignment, data):
        return assigning.accept_assignment(actor=request.user, now=now(), assignment=assignment)


@act(AssignmentSerializer, summary="Return an assignment (退回)")
class Return(Act):
    """A unit that is not competent hands the item back within the acceptance window, saying why."""

    fetch = staticmethod(assignment_of)
    input = inputs.Reason

    def perform(self, request, assignment, data):
        return assigning.return_assignment(actor=request.user, now=now(), assignment=assignment, reason=data["reason"])


@act(AssignmentSerializer, summary="Reassign a returned assignment", created=True)
class Reassign(Act):
    """The office hands a returned assignment to another unit; answers with the new assignment."""

    fetch = staticmethod(assignment_of)
    input = inputs.Reassign

    def perform(self, request, assignment, data):
        return assigning.reassign(actor=request.user, now=now(), assignment=assignment, unit=data["unit"])


# --- handling (steps 4–6) ----------------------------------------------------------------------------------------


@act(AssignmentSerializer, summary="Record a consultation with the proposer (办前面商), or their waiver", created=True)
class Consult(Act):
    """The unit records its own; the office records one for the proposer with the scanned record (`form`)."""

    fetch = staticmethod(assignment_of)
    input = inputs.ConsultationInput

    def perform(self, request, assignment, data):
        upload = data.pop("form")
        with stored(
            item=assignment.item,
            uploads=[upload] if upload else [],
            purpose=Purpose.CONSULTATION_FORM,
            uploaded_by=request.user,
        ) as scans:
            consultation.record_consultation(
                actor=request.user, now=now(), assignment=assignment, form=scans[0] if scans else None, **data
            )
        return fresh(assignment)


@act(AssignmentSerializer, summary="Send a co-unit's opinion (会办意见)", created=True)
class Opinion(Act):
    """A co-handling unit's opinion to the lead unit, with its files (multipart `attachments`)."""

    fetch = staticmethod(assignment_of)
    input = inputs.Opinion

    def perform(self, request, assignment, data):
        with stored(
            item=assignment.item, uploads=data["attachments"], purpose=Purpose.OTHER, uploaded_by=request.user
        ) as files:
            opinions.submit_opinion(
                actor=request.user, now=now(), assignment=assignment, text=data["text"], attachments=files
            )
        return fresh(assignment)


@act(AssignmentSerializer, summary="Waive a co-unit's opinion")
class WaiveOpinion(Act):
    """The office lets the lead reply go out without this co-unit's opinion, saying why."""

    fetch = staticmethod(assignment_of)
    input = inputs.Reason

    def perform(self, request, assignment, data):
        opinions.waive_opinion(actor=request.user, now=now(), assignment=assignment, reason=data["reason"])
        return fresh(assignment)


@act(ExtensionSerializer, summary="Ask for more time to reply", created=True)
class RequestExtension(Act):
    """Before the reply is due, a lead unit asks the office for a later date."""

    fetch = staticmethod(assignment_of)
    input = inputs.ExtensionInput

    def perform(self, request, assignment, data):
        return extensions.request_extension(actor=request.user, now=now(), assignment=assignment, **data)


@act(ExtensionSerializer, summary="Grant or refuse an extension")
class DecideExtension(Act):
    """The office grants (possibly a shorter `until`) or refuses, saying why in `note`."""

    fetch = staticmethod(extension_of)
    input = inputs.Decide

    def perform(self, request, extension, data):
        return extensions.decide_extension(actor=request.user, now=now(), extension=extension, **data)


# --- the reply (step 6) ------------------------------------------------------------------------------------------


def _draft(request, assignment, data, kind):
    files = data.pop("attachments")
    with stored(item=assignment.item, uploads=files, purpose=Purpose.REPLY, uploaded_by=request.user) as uploaded:
        return replies.draft_reply(
            actor=request.user, now=now(), assignment=assignment, kind=kind, attachments=uploaded, **data
        )


@act(ReplySerializer, summary="Draft the reply", created=True)
class DraftReply(Act):
    """The round's reply draft, with its documents (multipart `attachments`); 409 when there is one already."""

    fetch = staticmethod(assignment_of)
    input = inputs.Draft

    def perform(self, request, assignment, data):
        return _draft(request, assignment, data, Reply.Kind.REPLY)


@act(ReplySerializer, summary="Draft the second reply (两次答复)", created=True)
class DraftSecondReply(Act):
    """While the item is followed up: the reply reporting a planned or ongoing outcome delivered."""

    fetch = staticmethod(assignment_of)
    input = inputs.Draft

    def perform(self, request, assignment, data):
        return _draft(request, assignment, data, Reply.Kind.SECOND)


@act(ReplySerializer, summary="Edit a reply draft", method="patch")
class EditReply(Act):
    """Only the fields sent change; `version` must be the draft's (409 otherwise). New files are added to those
    kept (`keep`, default all)."""

    fetch = staticmethod(reply_of)
    input = inputs.Edit
    http_method_names = ["patch", "options"]

    def patch(self, request, id):
        return self.respond(request, id, partial=True)

    def perform(self, request, reply, data):
        keep = data.pop("keep", None)
        files = data.pop("attachments", [])
        version = data.pop("version")
        with stored(
            item=reply.assignment.item, uploads=files, purpose=Purpose.REPLY, uploaded_by=request.user
        ) as uploaded:
            attachments = None
            if uploaded or keep is not None:
                attachments = [*(reply.attachments.all() if keep is None else keep), *uploaded]
            return replies.draft_reply(
                actor=request.user,
                now=now(),
                assignment=reply.assignment,
                kind=reply.kind,
                version=version,
                attachments=attachments,
                **data,
            )


@act(ReplySerializer, summary="Submit the draft to the unit head")
class SubmitReply(Act):
    """`version` (optional) guards against submitting a draft that changed since it was read."""

    fetch = staticmethod(reply_of)
    input = inputs.Submit

    def perform(self, request, reply, data):
        return replies.submit_reply(actor=request.user, now=now(), reply=reply, version=data["version"])


@act(ReplySerializer, summary="Approve the reply (the unit head, 签发)")
class ApproveReply(Act):
    fetch = staticmethod(reply_of)

    def perform(self, request, reply, data):
        return replies.approve_reply(actor=request.user, now=now(), reply=reply)


@act(ReplySerializer, summary="Sign off the reply (the district leader, 阅批)")
class SignOffReply(Act):
    """Only for outcomes that need the responsible district leader."""

    fetch = staticmethod(reply_of)

    def perform(self, request, reply, data):
        return replies.sign_off_reply(actor=request.user, now=now(), reply=reply)


@act(ReplySerializer, summary="Send the reply back to the unit's draft")
class SendBackReply(Act):
    """Whoever holds the reply in its approval chain returns it, saying why."""

    fetch = staticmethod(reply_of)
    input = inputs.Reason

    def perform(self, request, reply, data):
        return replies.send_back_reply(actor=request.user, now=now(), reply=reply, reason=data["reason"])


@act(ReplySerializer, summary="Send the reply to the proposer (the office)")
class SendReply(Act):
    fetch = staticmethod(reply_of)

    def perform(self, request, reply, data):
        return replies.send_reply(actor=request.user, now=now(), reply=reply)


@act(ReplySerializer, summary="Publish a sent reply on the portal (公开)")
class PublishReply(Act):
    """When the proposer consented; `attachments`: which of the reply's files the portal shows."""

    fetch = staticmethod(reply_of)
    input = inputs.Publish

    def perform(self, request, reply, data):
        return replies.publish_reply(actor=request.user, now=now(), reply=reply, attachments=data["attachments"])


# --- feedback, follow-up, closing (steps 7–9) ----------------------------------------------------------------------


@act(FeedbackSerializer, summary="Give feedback on the reply (征询意见表)", created=True)
class GiveFeedback(Act):
    """By the proposer, or by the office for them (`proposer` and the scanned `form`). A disagreement re-opens
    handling. A login speaking for several of the item's proposers names whose form it is (`proposer`); after the
    window's last day a proposer is refused (`window_closed`), the office may still record a paper form."""

    fetch = staticmethod(item_of)
    input = inputs.FeedbackInput

    def perform(self, request, item, data):
        upload = data.pop("form")
        with stored(
            item=item, uploads=[upload] if upload else [], purpose=Purpose.FEEDBACK_FORM, uploaded_by=request.user
        ) as scans:
            return feedback.record_feedback(
                actor=request.user, now=now(), item=item, form=scans[0] if scans else None, **data
            )


@act(AssignmentSerializer, summary="Report progress on an open outcome (跟踪)", created=True)
class FollowUp(Act):
    """`convert_to` moves the outcome towards resolved (planned → solved)."""

    fetch = staticmethod(assignment_of)
    input = inputs.FollowUpInput

    def perform(self, request, assignment, data):
        followup.report_progress(actor=request.user, now=now(), assignment=assignment, **data)
        return fresh(assignment)


@act(AssignmentSerializer, summary="Submit the closing report (结案报告)", created=True)
class ClosingReport(Act):
    """The item closes with the last lead unit's report."""

    fetch = staticmethod(assignment_of)
    input = inputs.ClosingReportInput

    def perform(self, request, assignment, data):
        closing.submit_closing_report(actor=request.user, now=now(), assignment=assignment, text=data["text"])
        return fresh(assignment)


@act(ItemSerializer, summary="Close an item (办结)")
class Close(Act):
    """The office closes an item whose closing conditions hold; the refusal says what is missing."""

    fetch = staticmethod(item_of)

    def perform(self, request, item, data):
        return closing.close_item(actor=request.user, now=now(), item=item)


@act(ItemSerializer, summary="Correct the record", created=True)
class Correct(Act):
    """The office corrects fields of the item's record, or (`reply`, `outcome`) a sent reply's outcome; the
    timeline keeps both values and the reason."""

    fetch = staticmethod(item_of)
    input = inputs.Correction

    def perform(self, request, item, data):
        reason = data.pop("reason")
        if "reply" in data:
            closing.correct_reply(
                actor=request.user, now=now(), reply=data["reply"], reason=reason, category=data["outcome"]
            )
            return item
        return closing.correct_item(actor=request.user, now=now(), item=item, reason=reason, **data)


@act(ItemSerializer, summary="Write in a unit's thread with the proposers", created=True)
class Message(Act):
    """As whichever side the caller is on; the other side is told."""

    fetch = staticmethod(item_of)
    input = inputs.MessageInput

    def perform(self, request, item, data):
        messages.send_message(actor=request.user, now=now(), item=item, unit=data["unit"], text=data["text"])
        return item
