"""Extensions of the reply deadline: requested in advance by the unit, decided by the office (domain §4 step 6)."""

from django.db import transaction
from django.utils.translation import gettext as _

from deadlines.models import ObligationKind
from proposals.models import Item

from .. import obligations
from ..errors import Conflict, WorkflowError
from ..events import record_event
from ..models import Assignment, Extension, Obligation, Reply
from ..progress import keeps_list_facts
from . import permissions
from .locking import lock_item, reread, today


def _open_reply_obligation(assignment, round):
    return (
        Obligation.objects.open()
        .filter(assignment=assignment, round=round, kind__in=[ObligationKind.REPLY, ObligationKind.EXTENDED_REPLY])
        .order_by("-due_on")
        .first()
    )


@keeps_list_facts
def request_extension(*, actor, now, assignment, until, reason) -> Extension:
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the unit needs more time."), code="reason_missing", field="reason")
    with transaction.atomic():
        item = lock_item(assignment.item_id)
        assignment = reread(assignment)
        permissions.require_unit(actor, item, assignment)
        if item.state != Item.State.HANDLING or not assignment.is_lead:
            raise WorkflowError(_("Only a lead unit still handling the item can ask for more time."), code="state")
        if assignment.state != Assignment.State.ACCEPTED:
            raise WorkflowError(_("The unit must accept the assignment first."), code="not_accepted")
        if Reply.objects.sent().filter(assignment=assignment, round=item.round).exists():
            raise WorkflowError(_("The reply has already been sent."), code="already_sent")
        if Extension.objects.filter(assignment=assignment, state=Extension.State.PENDING).exists():
            raise Conflict(_("An extension request is already awaiting the office's decision."), code="pending")
        due = _open_reply_obligation(assignment, item.round)
        if due is None:
            raise WorkflowError(_("Only the first reply's deadline can be extended."), code="no_deadline")
        if due.due_on < today(now):
            raise WorkflowError(
                _("An extension must be requested before the reply is due (%(date)s).") % {"date": due.due_on},
                code="too_late",
            )
        limit = obligations.max_extended_due(assignment)
        if not due.due_on < until <= limit:
            raise WorkflowError(
                _("The new due date must fall after %(due)s and no later than %(limit)s.")
                % {"due": due.due_on, "limit": limit},
                code="until_out_of_range",
                field="until",
            )
        extension = Extension.objects.create(
            assignment=assignment, reason=reason, requested_until=until, requested_by=actor, requested_at=now
        )
        record_event(
            item=item,
            action="extension.requested",
            actor=actor,
            now=now,
            assignment=assignment,
            extension=extension,
            until=until,
            reason=reason,
        )
    return extension


@keeps_list_facts
def decide_extension(*, actor, now, extension, grant, until=None, note="") -> Extension:
    """The office grants (possibly a shorter date) or refuses; a second decision is a Conflict."""
    with transaction.atomic():
        item = lock_item(extension.assignment.item_id)
        permissions.require_office(actor, item)
        extension = reread(extension)
        if extension.state != Extension.State.PENDING:
            raise Conflict(_("This extension request has already been decided."), code="already_decided")
        if grant:
            until = until or extension.requested_until
            obligations.extend_reply(assignment=extension.assignment, until=until, now=now, actor=actor)
            extension.state = Extension.State.GRANTED
            extension.granted_until = until
        else:
            if not (note or "").strip():
                raise WorkflowError(_("Say why the extension is refused."), code="reason_missing", field="note")
            extension.state = Extension.State.REFUSED
        extension.decided_by = actor
        extension.decided_at = now
        extension.decision_note = note
        extension.save(update_fields=["state", "granted_until", "decided_by", "decided_at", "decision_note"])
        record_event(
            item=item,
            action="extension.granted" if grant else "extension.refused",
            actor=actor,
            now=now,
            assignment=extension.assignment,
            extension=extension,
            until=extension.granted_until,
            note=note,
        )
    return extension
