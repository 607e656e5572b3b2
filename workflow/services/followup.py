"""Follow-up of outcomes that stay open (跟踪, domain §4 step 8): progress reports and conversions.

The second reply (两次答复) goes through the reply chain (`replies`, kind "second"); the
closing report is in `closing`.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from deadlines.models import ObligationKind
from proposals.models import Item

from .. import obligations
from ..errors import WorkflowError
from ..events import record_event
from ..models import FollowUp, Obligation, Reply
from ..progress import keeps_list_facts
from . import permissions
from .closing import current_reply
from .locking import lock_item, reread
from .outcomes import check_category, check_category_details

FOLLOW_UP_STATES = (Item.State.REPLIED, Item.State.FOLLOWING_UP)


def open_follow_up(item, assignment, category, now):
    """The next progress report, at the category's cadence (monthly or quarterly)."""
    obligations.open_obligation(
        item=item,
        kind=ObligationKind.FOLLOW_UP,
        now=now,
        assignment=assignment,
        round=item.round,
        owner=Obligation.Owner.UNIT,
        unit=assignment.unit,
        follow_up=category.follow_up,
    )


def needs_follow_up(category):
    return category.stays_open and category.follow_up != category.FollowUp.NONE


@keeps_list_facts
def report_progress(*, actor, now, assignment, progress, convert_to=None, planned_on=None, reason="") -> FollowUp:
    """A progress report on an open outcome; `convert_to` moves the current category towards resolved
    (planned → solved, for reference → planned). The category at reply stays frozen.
    """
    if not (progress or "").strip():
        raise WorkflowError(_("Describe the progress."), code="text_missing", field="progress")
    with transaction.atomic():
        item = lock_item(assignment.item_id)
        assignment = reread(assignment)
        permissions.require_unit(actor, item, assignment)
        if item.state not in FOLLOW_UP_STATES:
            raise WorkflowError(_("Progress is reported on a replied item that is still open."), code="state")
        reply = current_reply(assignment) if assignment.is_lead else None
        if reply is None:
            raise WorkflowError(_("This unit has sent no reply to follow up."), code="no_reply")
        before = reply.category
        if convert_to is not None:
            check_category(item, convert_to)
            if convert_to.sort_order >= before.sort_order:
                raise WorkflowError(
                    _("A follow-up converts the outcome only towards resolved (e.g. planned → solved)."),
                    code="conversion_backwards",
                    field="convert_to",
                )
            check_category_details(convert_to, planned_on=planned_on, reason=reason)
        elif not before.stays_open:
            raise WorkflowError(_("This outcome needs no follow-up."), code="nothing_open")
        report = FollowUp.objects.create(
            item=item,
            reply=reply,
            progress=progress,
            converted_from=before if convert_to else None,
            converted_to=convert_to,
            reported_by=actor,
            reported_at=now,
        )
        obligations.fulfil_obligations(item=item, kinds=[ObligationKind.FOLLOW_UP], now=now, assignment=assignment)
        if convert_to is not None:
            reply.category = convert_to
            reply.planned_on = planned_on if convert_to.needs_planned_date else reply.planned_on
            reply.reason = reason or reply.reason
            reply.save(update_fields=["category", "planned_on", "reason"])
        second_sent = Reply.objects.sent().filter(assignment=assignment, kind=Reply.Kind.SECOND)
        if needs_follow_up(reply.category) and not second_sent.exists():
            open_follow_up(item, assignment, reply.category, now)
        record_event(
            item=item,
            action="follow_up.converted" if convert_to else "follow_up.reported",
            actor=actor,
            now=now,
            assignment=assignment,
            follow_up=report,
            before=before.code,
            after=reply.category.code,
        )
    return report
