"""Recording past handling from a spreadsheet (domain §7): replies, feedback, closure, publication.

The workflow's preconditions (a consultation before a reply, the approval chain, the
windows) do not apply to history: the rows are written directly, in bulk, with their
simple-history records, and every item gets an `item.imported` event saying so. No
obligation is opened for them, so they never set off a reminder.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from proposals.models import Item

from ..models import Assignment, Event, Feedback, Reply

# Past handling has dates, not times: record each act at noon, so it falls on its day in any report.
NOON = dt.time(12)


@dataclass
class HistoricalRecord:
    """One imported item and what the spreadsheet says happened to it."""

    item: Item
    row: int
    lead_units: list
    co_units: list
    assigned_on: dt.date | None
    replied_on: dt.date
    outcome: object  # OutcomeCategory
    planned_on: dt.date | None = None
    rating: object = None  # RatingValue
    praised: bool = False
    disclosed: bool = False
    proposer: object = None  # the lead Proposer, who gave the feedback


def moment(day):
    return timezone.make_aware(dt.datetime.combine(day, NOON))


def historical_state(*, outcome, closed):
    """Where a past item stands: closed, still followed up (its category stays open), or awaiting feedback."""
    if closed:
        return Item.State.CLOSED
    if outcome.stays_open:
        return Item.State.FOLLOWING_UP
    return Item.State.REPLIED


def record_imported(*, actor, now, source, items, history):
    """An `item.imported` event for each of `items` (live and past), and the handling rows of `history`."""
    past = {h.item.pk: h for h in history}
    Event.objects.bulk_create(
        Event(
            item=item,
            action="item.imported",
            actor=actor,
            at=now,
            data={"source": source, "row": row, "historical": item.pk in past},
        )
        for item, row in items
    )
    if not history:
        return
    assignments, leads_of = [], []
    for h in history:
        assigned_at = moment(h.assigned_on or h.replied_on)
        lead_role = Assignment.Role.SPLIT_LEAD if len(h.lead_units) > 1 else Assignment.Role.LEAD
        for units, role in ((h.lead_units, lead_role), (h.co_units, Assignment.Role.CO)):
            for unit in units:
                a = Assignment(
                    item=h.item,
                    unit=unit,
                    role=role,
                    state=Assignment.State.DONE,
                    assigned_at=assigned_at,
                    accepted_at=assigned_at,
                    assigned_by=actor,
                )
                assignments.append(a)
                if role != Assignment.Role.CO:
                    leads_of.append((a, h))
    bulk_create_with_history(assignments, Assignment, default_user=actor, default_date=now)
    replies = []
    for a, h in leads_of:
        sent_at = moment(h.replied_on)
        replies.append(
            Reply(
                assignment=a,
                round=1,
                kind=Reply.Kind.REPLY,
                state=Reply.State.SENT,
                category=h.outcome,
                category_at_reply=h.outcome,
                planned_on=h.planned_on,
                sent_at=sent_at,
                sent_by=actor,
                published_at=sent_at if h.disclosed else None,
                published_by=actor if h.disclosed else None,
            )
        )
    bulk_create_with_history(replies, Reply, default_user=actor, default_date=now)
    feedback = [
        Feedback(
            item=h.item,
            round=1,
            proposer=h.proposer,
            rating=h.rating,
            praised=h.praised,
            recorded_by=actor,
            on_behalf=True,
            submitted_at=moment(h.replied_on),
        )
        for h in history
        if h.rating is not None or h.praised
    ]
    bulk_create_with_history(feedback, Feedback, default_user=actor, default_date=now)
