"""Closing (办结, domain §4 step 9) and the office's recorded corrections afterwards."""

from django.db import transaction
from django.utils.translation import gettext as _

from deadlines.models import ObligationKind
from proposals.models import Item

from .. import obligations
from ..errors import Conflict, WorkflowError
from ..events import record_event
from ..models import Assignment, ClosingReport, Obligation, OutcomeCategory, Reply
from ..progress import keeps_list_facts
from . import permissions
from .locking import lock_item, reread, today


def current_reply(assignment):
    """The lead assignment's current reply (`Reply.objects.current()`): its category is the item's outcome."""
    return Reply.objects.current().filter(assignment=assignment).select_related("category", "category_at_reply").first()


def leads_needing_closing_report(item):
    """Lead assignments whose outcome keeps the item open and that have no closing report yet."""
    return list(item.assignments.keeping_open().select_related("unit"))


def close_item_now(*, actor, now, item, reason):
    """Close a locked item: its open obligations end, its assignments are done, unsent replies superseded.

    A reply still in its approval chain (say a second reply overtaken by the unit's closing
    report) could otherwise be neither sent nor sent back once the item is closed.
    """
    item.state = Item.State.CLOSED
    item.closed_at = now
    item.save(update_fields=["state", "closed_at", "updated_at"])
    obligations.cancel_obligations(item=item, now=now)
    item.assignments.active().update(state=Assignment.State.DONE)
    unsent = list(Reply.objects.unsent().filter(assignment__item=item))
    for reply in unsent:
        reply.state = Reply.State.SUPERSEDED
        reply.save(update_fields=["state"])  # through save, so the reply's history records it
    superseded = {"superseded": [r.pk for r in unsent]} if unsent else {}
    record_event(item=item, action="item.closed", actor=actor, now=now, reason=reason, **superseded)


def settle_after_feedback(*, actor, now, item, reason):
    """The proposer agreed, or the window ended without disagreement: close, or follow up what stays open."""
    if leads_needing_closing_report(item):
        item.state = Item.State.FOLLOWING_UP
        item.save(update_fields=["state", "updated_at"])
        record_event(item=item, action="item.following_up", actor=actor, now=now, reason=reason)
    else:
        close_item_now(actor=actor, now=now, item=item, reason=reason)


def _feedback_window_over(item, now):
    """The round's feedback obligation has passed its due date (or was never opened)."""
    open_feedback = Obligation.objects.open().filter(item=item, kind=ObligationKind.FEEDBACK, round=item.round).first()
    return open_feedback is None or open_feedback.due_on < today(now)


def _miss_feedback(*, actor, now, item):
    obligations.cancel_obligations(item=item, now=now, kinds=[ObligationKind.FEEDBACK])
    record_event(item=item, action="feedback.missed", actor=actor, now=now, round=item.round)
    settle_after_feedback(actor=actor, now=now, item=item, reason="feedback_window_ended")


@keeps_list_facts
def close_item(*, actor, now, item) -> Item:
    """The office closes an item whose closing conditions hold (domain §4 step 9); says what is missing otherwise."""
    permissions.require_office(actor, item)
    with transaction.atomic():
        item = lock_item(item.pk)
        if item.state == Item.State.CLOSED:
            raise Conflict(_("This item is already closed."), code="already_closed")
        if item.state == Item.State.REPLIED:
            if not _feedback_window_over(item, now):
                raise WorkflowError(
                    _("The proposer's feedback window is still open; the item closes when they agree or it ends."),
                    code="feedback_open",
                )
            _miss_feedback(actor=actor, now=now, item=item)
        elif item.state == Item.State.FOLLOWING_UP:
            waiting = leads_needing_closing_report(item)
            if waiting:
                raise WorkflowError(
                    _("Waiting for the closing report of: %(units)s.")
                    % {"units": "、".join(str(a.unit) for a in waiting)},
                    code="closing_report_missing",
                )
            close_item_now(actor=actor, now=now, item=item, reason="office")
        else:
            raise WorkflowError(_("Only a replied item can be closed."), code="state")
    return item


def expire_feedback_windows(*, now) -> int:
    """Settle every replied item whose feedback window ended without disagreement; safe to run twice.

    Missing feedback is recorded as such (an event), never as a rating.
    """
    candidates = (
        Obligation.objects.open()
        .filter(kind=ObligationKind.FEEDBACK, due_on__lt=today(now), item__state=Item.State.REPLIED)
        .values_list("item_id", flat=True)
    )
    return sum(_expire_feedback_window(item_id, now=now) for item_id in list(candidates))


@keeps_list_facts
def _expire_feedback_window(item_id, *, now) -> int:
    """One item's own transaction: 1 if its window ended and it was settled, else 0."""
    with transaction.atomic():
        item = lock_item(item_id)
        if item.state == Item.State.REPLIED and _feedback_window_over(item, now):
            _miss_feedback(actor=None, now=now, item=item)
            return 1
    return 0


CORRECTABLE_ITEM_FIELDS = {"title", "text", "category", "session", "disclosure", "submitted_on"}


def _require_reason(reason):
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the record is corrected."), code="reason_missing", field="reason")


def _value(v):
    return v.pk if hasattr(v, "pk") else v


@keeps_list_facts
def correct_item(*, actor, now, item, reason, **changes) -> Item:
    """The office corrects an item's record; the event keeps both values (nothing is overwritten silently)."""
    _require_reason(reason)
    unknown = set(changes) - CORRECTABLE_ITEM_FIELDS
    if unknown or not changes:
        raise WorkflowError(_("These fields cannot be corrected: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    permissions.require_office(actor, item)
    with transaction.atomic():
        item = lock_item(item.pk)
        if changes.get("category") is not None and changes["category"].district_id != item.district_id:
            raise WorkflowError(_("The category must belong to the item's district."), field="category")
        before = {f: _value(getattr(item, f)) for f in changes}
        for field, value in changes.items():
            setattr(item, field, value)
        item.save(update_fields=[*changes, "updated_at"])
        withdrawn = {}
        if changes.get("disclosure") == Item.Disclosure.PRIVATE:
            withdrawn["unpublished"] = _unpublish_replies(item)
        record_event(
            item=item,
            action="item.corrected",
            actor=actor,
            now=now,
            reason=reason,
            before=before,
            after={f: _value(v) for f, v in changes.items()},
            **withdrawn,
        )
    return item


def _unpublish_replies(item):
    """Consent withdrawn: the portal stops showing the item's replies. Returns the ids taken down."""
    published = list(Reply.objects.filter(assignment__item=item, published_at__isnull=False).order_by("pk"))
    for reply in published:
        reply.published_at = reply.published_by = None
        reply.save(update_fields=["published_at", "published_by"])
    return [reply.pk for reply in published]


@keeps_list_facts
def correct_reply(*, actor, now, reply, reason, category: OutcomeCategory) -> Reply:
    """The office corrects a sent reply's current category (e.g. 答复类型不当 found after closing).

    The category at the time of the reply stays frozen for resolution_rate_at_reply.
    """
    _require_reason(reason)
    from .outcomes import check_category

    with transaction.atomic():
        item = lock_item(reply.assignment.item_id)
        permissions.require_office(actor, item)
        reply = reread(reply)
        if reply.state != Reply.State.SENT:
            raise WorkflowError(_("Only a sent reply can be corrected; send a draft back instead."), code="state")
        check_category(item, category)
        before = reply.category_id
        reply.category = category
        reply.save(update_fields=["category"])
        record_event(
            item=item,
            action="reply.corrected",
            actor=actor,
            now=now,
            assignment=reply.assignment,
            reply=reply.pk,
            reason=reason,
            before=before,
            after=category.pk,
        )
    return reply


@keeps_list_facts
def submit_closing_report(*, actor, now, assignment, text) -> ClosingReport:
    """结案报告 of a lead unit whose category stayed open; the item closes with the last one.

    When it may come is `Assignment.objects.closing_report_due()`, which the item page reads too: at
    once for a category that counts as resolved, after the second reply (两次答复) for one that does not.
    """
    if not (text or "").strip():
        raise WorkflowError(_("Write the closing report."), code="text_missing", field="text")
    with transaction.atomic():
        item = lock_item(assignment.item_id)
        assignment = reread(assignment)
        permissions.require_unit(actor, item, assignment)
        if item.state != Item.State.FOLLOWING_UP:
            raise WorkflowError(_("A closing report is submitted while the item is followed up."), code="state")
        if ClosingReport.objects.filter(assignment=assignment).exists():
            raise Conflict(_("This unit's closing report is already in."), code="already_in")
        own = Assignment.objects.filter(pk=assignment.pk)
        if not own.keeping_open().exists():
            raise WorkflowError(_("This unit has nothing left open to report on."), code="nothing_open")
        if not own.closing_report_due().exists():
            raise WorkflowError(
                _("Send the second reply reporting the delivery before the closing report."),
                code="second_reply_missing",
            )
        report = ClosingReport.objects.create(
            item=item, assignment=assignment, text=text, submitted_by=actor, submitted_at=now
        )
        obligations.fulfil_obligations(item=item, kinds=[ObligationKind.FOLLOW_UP], now=now, assignment=assignment)
        record_event(item=item, action="closing_report.submitted", actor=actor, now=now, assignment=assignment)
        if not leads_needing_closing_report(item):
            close_item_now(actor=actor, now=now, item=item, reason="closing_reports")
    return report
