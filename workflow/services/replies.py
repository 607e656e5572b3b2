"""The reply (答复, domain §4 step 6): draft, approval chain, sending, publication.

Draft → unit head approves (or sends back) → the responsible district leader signs off when
the category needs it → the office reviews and sends it (or sends it back with a reason).
A draft carries a version; a save or submission based on an older version is a Conflict.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from deadlines.models import REPLY_KINDS, ObligationKind
from proposals.models import Item

from .. import obligations
from ..access import REPLY_HOLDERS
from ..errors import Conflict, WorkflowError
from ..events import record_event
from ..models import Assignment, FollowUp, Obligation, Reply
from ..progress import keeps_list_facts
from . import permissions
from .assignment import awaiting_reassignment
from .closing import current_reply
from .consultation import has_consultation
from .files import check_own_files
from .followup import needs_follow_up, open_follow_up
from .locking import lock_item, reread
from .opinions import missing_opinions
from .outcomes import check_category, check_category_details

IN_APPROVAL = tuple(REPLY_HOLDERS)  # the steps of the approval chain, in order
DRAFT_FIELDS = ("text", "category", "reason", "planned_on", "signer")


def _check_stage(item, assignment, kind):
    """A reply belongs to handling, a second reply to follow-up; checked at every step up to sending,
    so a reply still in approval when the item moves on (e.g. closes) cannot go out afterwards.
    """
    if kind == Reply.Kind.REPLY:
        if item.state != Item.State.HANDLING:
            raise WorkflowError(
                _("A reply goes out only while the item is being handled; the item is: %(state)s.")
                % {"state": item.get_state_display()},
                code="state",
            )
        return
    if item.state != Item.State.FOLLOWING_UP:
        raise WorkflowError(
            _("A second reply goes out only while the item is followed up; the item is: %(state)s.")
            % {"state": item.get_state_display()},
            code="state",
        )
    reply = current_reply(assignment)
    if reply is None or not reply.category.stays_open or reply.category.counts_as_resolved:
        raise WorkflowError(
            _("A second reply reports the delivery of a planned or ongoing outcome; this one has none."),
            code="no_second_reply",
        )


def _check_can_draft(item, assignment, kind):
    if not assignment.is_lead:
        raise WorkflowError(_("Only a lead unit replies; a co-unit sends its opinion."), code="not_lead")
    if assignment.state != Assignment.State.ACCEPTED:
        raise WorkflowError(_("The unit must accept the assignment before replying."), code="not_accepted")
    _check_stage(item, assignment, kind)


@keeps_list_facts
def draft_reply(*, actor, now, assignment, kind=Reply.Kind.REPLY, version=None, attachments=None, **fields) -> Reply:
    """Create the round's draft (version None) or save it over `version`, raising the version by one."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"draft_reply() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        item = lock_item(assignment.item_id)
        assignment = reread(assignment)
        permissions.require_unit(actor, item, assignment)
        if Reply.objects.sent().filter(assignment=assignment, round=item.round, kind=kind).exists():
            raise Conflict(_("This round's reply has already been sent."), code="already_sent")
        _check_can_draft(item, assignment, kind)
        reply = Reply.objects.unsent().filter(assignment=assignment, round=item.round, kind=kind).first()
        if attachments is not None:
            attachments = list(attachments)
            check_own_files(actor=actor, item=item, attachments=attachments, reply=reply)
        if fields.get("category") is not None:
            check_category(item, fields["category"])
        if reply is None:
            if version is not None:
                raise Conflict(_("The draft you edited no longer exists."), code="stale")
            reply = Reply.objects.create(assignment=assignment, round=item.round, kind=kind, drafted_by=actor, **fields)
            action = "reply.drafted"
        else:
            if reply.state != Reply.State.DRAFT:
                raise WorkflowError(_("The reply is being approved; it can be edited once sent back."), code="state")
            if version != reply.version:
                raise Conflict(
                    _("The draft was changed by someone else (version %(current)s); reload it and redo your edit.")
                    % {"current": reply.version},
                    code="stale",
                )
            for field, value in fields.items():
                setattr(reply, field, value)
            reply.version += 1
            reply.save(update_fields=[*fields, "version"])
            action = "reply.edited"
        if attachments is not None:
            reply.attachments.set(attachments)
        record_event(
            item=item, action=action, actor=actor, now=now, assignment=assignment, reply=reply.pk, version=reply.version
        )
    return reply


def _locked_reply(reply):
    item = lock_item(Reply.objects.values_list("assignment__item_id", flat=True).get(pk=reply.pk))
    reply = Reply.objects.select_related("assignment__unit", "category").get(pk=reply.pk)
    return item, reply


def _check_state(reply, expected, *, done_message):
    if reply.state == expected:
        return
    order = [Reply.State.DRAFT, *IN_APPROVAL, Reply.State.SENT]
    if reply.state in order and expected in order and order.index(reply.state) > order.index(expected):
        raise Conflict(done_message, code="already_done")
    raise WorkflowError(_("The reply is not at this step (it is: %(state)s).") % {"state": reply.get_state_display()})


def _check_complete(item, reply):
    if not reply.text.strip():
        raise WorkflowError(_("The reply has no text."), code="text_missing", field="text")
    check_category(item, reply.category)
    check_category_details(reply.category, planned_on=reply.planned_on, reason=reply.reason)
    if reply.kind == Reply.Kind.SECOND:
        return
    if not has_consultation(reply.assignment, reply.round):
        raise WorkflowError(
            _("Record a consultation with the proposer, or their waiver, before replying."),
            code="consultation_missing",
        )
    waiting = list(missing_opinions(item).select_related("unit"))
    if waiting:
        raise WorkflowError(
            _("The reply waits for the opinion of: %(units)s.") % {"units": "、".join(str(a.unit) for a in waiting)},
            code="opinions_missing",
        )


@keeps_list_facts
def submit_reply(*, actor, now, reply, version=None) -> Reply:
    """The handler submits the draft to the unit head; `version` guards against submitting a stale view."""
    with transaction.atomic():
        item, reply = _locked_reply(reply)
        permissions.require_unit(actor, item, reply.assignment)
        _check_state(reply, Reply.State.DRAFT, done_message=_("This reply has already been submitted."))
        _check_stage(item, reply.assignment, reply.kind)
        if version is not None and version != reply.version:
            raise Conflict(_("The draft changed since you opened it; reload it before submitting."), code="stale")
        _check_complete(item, reply)
        reply.state = Reply.State.AWAITING_HEAD
        reply.save(update_fields=["state"])
        record_event(
            item=item, action="reply.submitted", actor=actor, now=now, assignment=reply.assignment, reply=reply.pk
        )
    return reply


@keeps_list_facts
def approve_reply(*, actor, now, reply) -> Reply:
    """签发 by the unit head; a category needing it goes on to the responsible district leader."""
    with transaction.atomic():
        item, reply = _locked_reply(reply)
        permissions.require_reply_holder(actor, item, reply, Reply.State.AWAITING_HEAD)
        _check_state(reply, Reply.State.AWAITING_HEAD, done_message=_("This reply has already been approved."))
        _check_stage(item, reply.assignment, reply.kind)
        reply.head_approved_by = actor
        reply.head_approved_at = now
        reply.state = (
            Reply.State.AWAITING_LEADER if reply.category.needs_leader_signoff else Reply.State.AWAITING_OFFICE
        )
        reply.save(update_fields=["head_approved_by", "head_approved_at", "state"])
        record_event(
            item=item, action="reply.approved", actor=actor, now=now, assignment=reply.assignment, reply=reply.pk
        )
    return reply


def _check_needs_leader(reply):
    """A category without the leader's step skips it: saying "already signed off" there would be untrue."""
    if reply.category is not None and not reply.category.needs_leader_signoff:
        raise WorkflowError(
            _("A reply with the outcome “%(category)s” needs no district leader's sign-off; nothing to sign.")
            % {"category": reply.category},
            code="no_signoff_needed",
        )


@keeps_list_facts
def sign_off_reply(*, actor, now, reply) -> Reply:
    """阅批 by the district leader responsible for the unit (e.g. every 留作参考 reply)."""
    with transaction.atomic():
        item, reply = _locked_reply(reply)
        permissions.require_reply_holder(actor, item, reply, Reply.State.AWAITING_LEADER)
        _check_needs_leader(reply)
        _check_state(reply, Reply.State.AWAITING_LEADER, done_message=_("This reply has already been signed off."))
        _check_stage(item, reply.assignment, reply.kind)
        reply.leader_signed_by = actor
        reply.leader_signed_at = now
        reply.state = Reply.State.AWAITING_OFFICE
        reply.save(update_fields=["leader_signed_by", "leader_signed_at", "state"])
        record_event(
            item=item, action="reply.signed_off", actor=actor, now=now, assignment=reply.assignment, reply=reply.pk
        )
    return reply


@keeps_list_facts
def send_back_reply(*, actor, now, reply, reason) -> Reply:
    """Whoever holds the reply in the chain returns it to the unit's draft, saying why (e.g. 答复类型不当)."""
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the reply is sent back."), code="reason_missing", field="reason")
    with transaction.atomic():
        item, reply = _locked_reply(reply)
        if reply.state not in IN_APPROVAL:
            permissions.require_visible(actor, item)
            raise WorkflowError(_("Only a reply being approved can be sent back."), code="state")
        permissions.require_reply_holder(actor, item, reply, reply.state)
        _check_stage(item, reply.assignment, reply.kind)
        from_state = reply.state
        reply.state = Reply.State.DRAFT
        reply.head_approved_by = reply.leader_signed_by = None
        reply.head_approved_at = reply.leader_signed_at = None
        reply.version += 1
        reply.save(
            update_fields=[
                "state",
                "head_approved_by",
                "head_approved_at",
                "leader_signed_by",
                "leader_signed_at",
                "version",
            ]
        )
        record_event(
            item=item,
            action="reply.sent_back",
            actor=actor,
            now=now,
            assignment=reply.assignment,
            reply=reply.pk,
            step=from_state,
            reason=reason,
        )
    return reply


@keeps_list_facts
def send_reply(*, actor, now, reply) -> Reply:
    """The office sends the approved reply to the proposer; the category at reply is frozen here."""
    with transaction.atomic():
        item, reply = _locked_reply(reply)
        permissions.require_reply_holder(actor, item, reply, Reply.State.AWAITING_OFFICE)
        _check_state(reply, Reply.State.AWAITING_OFFICE, done_message=_("This reply has already been sent."))
        _check_stage(item, reply.assignment, reply.kind)
        _check_complete(item, reply)
        assignment = reply.assignment
        reply.state = Reply.State.SENT
        reply.sent_by = actor
        reply.sent_at = now
        reply.category_at_reply = reply.category
        reply.save(update_fields=["state", "sent_by", "sent_at", "category_at_reply"])
        record_event(
            item=item,
            action="reply.sent",
            actor=actor,
            now=now,
            assignment=assignment,
            reply=reply.pk,
            kind=reply.kind,
            round=reply.round,
            category=reply.category.code,
        )
        if reply.kind == Reply.Kind.SECOND:
            _convert_by_second_reply(actor=actor, now=now, item=item, second=reply)
            return reply
        obligations.fulfil_obligations(item=item, kinds=REPLY_KINDS, now=now, assignment=assignment, round=reply.round)
        replied = Reply.objects.sent().filter(round=item.round, kind=Reply.Kind.REPLY)
        unreplied = item.assignments.active_leads().exclude(pk__in=replied.values("assignment_id"))
        # A split lead that returned the item and awaits reassignment has not answered: no feedback on half an answer.
        returned_lead = awaiting_reassignment(item).filter(role__in=Assignment.LEAD_ROLES)
        if not unreplied.exists() and not returned_lead.exists():
            item.state = Item.State.REPLIED
            item.save(update_fields=["state", "updated_at"])
            obligations.open_obligation(
                item=item, kind=ObligationKind.FEEDBACK, now=now, round=item.round, owner=Obligation.Owner.PROPOSER
            )
            # Follow-up starts once the item as a whole is replied (a split lead may still be drafting before).
            for lead in item.assignments.active_leads().select_related("unit"):
                sent = current_reply(lead)
                if needs_follow_up(sent.category):
                    open_follow_up(item, lead, sent.category, now)
            record_event(item=item, action="item.replied", actor=actor, now=now, round=item.round)
    return reply


def _convert_by_second_reply(*, actor, now, item, second):
    """两次答复: the delivery converts the current category of the unit's reply; history keeps both."""
    original = current_reply(second.assignment)
    if original.category_id != second.category_id:
        FollowUp.objects.create(
            item=item,
            reply=original,
            progress=second.text,
            converted_from=original.category,
            converted_to=second.category,
            reported_by=actor,
            reported_at=now,
        )
        before = original.category.code
        original.category = second.category
        original.planned_on = second.planned_on
        original.save(update_fields=["category", "planned_on"])
        # After the save: receivers of the event (the report's rollup) read the converted category.
        record_event(
            item=item,
            action="reply.converted",
            actor=actor,
            now=now,
            assignment=second.assignment,
            reply=original.pk,
            before=before,
            after=second.category.code,
        )
    obligations.fulfil_obligations(item=item, kinds=[ObligationKind.FOLLOW_UP], now=now, assignment=second.assignment)


@keeps_list_facts
def publish_reply(*, actor, now, reply, attachments=()) -> Reply:
    """公开: the office publishes a sent reply on the portal when the proposer's consent allows.

    `attachments`: which of the reply's own files the portal shows with it; the others (and all of
    them when none is chosen) stay private. A file of the item that is not the reply's is refused.
    """
    with transaction.atomic():
        item, reply = _locked_reply(reply)
        permissions.require_office(actor, item)
        if reply.state != Reply.State.SENT:
            raise WorkflowError(_("Only a sent reply can be published."), code="state")
        if reply.published_at is not None:
            raise Conflict(_("This reply is already published."), code="already_published")
        if item.disclosure == Item.Disclosure.PRIVATE:
            raise WorkflowError(_("The proposer did not consent to publication."), code="no_consent")
        chosen = list(dict.fromkeys(attachments))
        own = set(reply.attachments.values_list("pk", flat=True))
        foreign = [a for a in chosen if a.pk not in own]
        if foreign:
            raise WorkflowError(
                _("Only the reply's own files can be published with it, not: %(files)s.")
                % {"files": "、".join(a.original_name for a in foreign)},
                code="attachment_not_of_reply",
                field="attachments",
            )
        reply.published_at = now
        reply.published_by = actor
        reply.save(update_fields=["published_at", "published_by"])
        reply.public_attachments.set(chosen)
        record_event(
            item=item,
            action="reply.published",
            actor=actor,
            now=now,
            assignment=reply.assignment,
            reply=reply.pk,
            attachments=[a.pk for a in chosen],
        )
    return reply
