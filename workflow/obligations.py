"""Obligations: open, fulfil, cancel, extend and re-derive the due dates items' handlers owe.

The rules (which policy, which period, which working day) are `deadlines.rules`; this module
stores what they give on Obligation rows and records the timeline event when a date moves.
These functions run inside the caller's transaction; the workflow services own the locking.
"""

import datetime as dt
import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import BooleanField, Case, DateField, F, Min, OuterRef, Subquery, Value, When
from django.db.models.query import ModelIterable
from django.utils.translation import gettext

from deadlines import calendar
from deadlines.models import ObligationKind
from deadlines.rules import derive, local_date, make_rule, remind_time
from proposals.models import Item
from workflow.errors import WorkflowError
from workflow.events import record_event
from workflow.models import Assignment, Obligation

# Items locked at a time by a recomputation.
RECOMPUTE_CHUNK = 1000


# --- obligations ---------------------------------------------------------------------------


def open_obligation(
    *,
    item,
    kind,
    now,
    assignment=None,
    round=1,
    starts_on=None,
    owner=None,
    unit=None,
    follow_up=None,
) -> Obligation:
    """Open one obligation with its due date, rule, reminder time and calendar version.

    `follow_up` is the outcome category's cadence ("monthly" / "quarterly") for FOLLOW_UP.
    The owner defaults to the proposer for feedback, the assignment's unit when there is one,
    and the office otherwise.
    """
    kind = ObligationKind(kind)
    rule = make_rule(item=item, kind=kind, assignment=assignment, starts_on=starts_on, now=now, follow_up=follow_up)
    derived = derive(rule)
    rule["end"] = derived.end.isoformat()
    if owner is None:
        if kind == ObligationKind.FEEDBACK:
            owner = Obligation.Owner.PROPOSER
        elif assignment is not None or unit is not None:
            owner = Obligation.Owner.UNIT
        else:
            owner = Obligation.Owner.OFFICE
    if unit is None and owner == Obligation.Owner.UNIT and assignment is not None:
        unit = assignment.unit
    obligation = Obligation.objects.create(
        item=item,
        assignment=assignment,
        kind=kind,
        round=round,
        owner=owner,
        unit=unit,
        starts_on=derived.starts_on,
        rule=rule,
        due_on=derived.due_on,
        provisional=derived.provisional,
        next_remind_at=remind_time(derived.due_on, rule["remind_before"], now),
        calendar_version=calendar.calendar_version(),
    )
    store_next_due([item.pk])
    return obligation


def earliest_open_due():
    """An expression on Item: the earliest due date among its open obligations (None when it owes nothing)."""
    earliest = (
        Obligation.objects.open()
        .filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    return Subquery(earliest, output_field=DateField())


# The items whose next due date the running workflow verb stores when it ends (`next_due_kept_in`).
_kept_by_verb = ContextVar("next_due_kept_by_verb", default=None)


@contextmanager
def next_due_kept_in(item_ids: set):
    """Within: `store_next_due` only adds its items to `item_ids`, whose next due date the caller stores when done.

    A workflow verb stores all its items' list facts when it ends, the next due date among them
    (`workflow.progress.keeps_list_facts`): each obligation it opens or ends writing the date too
    would repeat the same UPDATEs.
    """
    token = _kept_by_verb.set(item_ids)
    try:
        yield
    finally:
        _kept_by_verb.reset(token)


def store_next_due(item_ids) -> None:
    """Write each item's earliest open due date onto it (`Item.next_due_on`, what the lists sort on).

    Called wherever an obligation opens, ends or moves, in the same transaction, so the stored
    date is never stale; `tests/workflow/test_state_machine.py` checks it against the
    obligations after every step. Inside a workflow verb it writes nothing: the verb stores the
    date with the item's other list facts when it ends (`next_due_kept_in`), once. Outside one (the
    recomputation after a holiday-table change) it writes the date and its assignments' copies.
    """
    kept_by_verb = _kept_by_verb.get()
    if kept_by_verb is not None:
        kept_by_verb.update(item_ids)
        return
    Item.objects.filter(pk__in=item_ids).update(next_due_on=earliest_open_due())
    copy_next_due(item_ids)


def copy_next_due(item_ids) -> None:
    """Copy each item's stored next due date onto its assignments (`Assignment.item_next_due_on`).

    A unit's list walks its assignments in that order (`workflow.selectors.listed_items`).
    """
    stored = Item.objects.filter(pk=OuterRef("item_id")).values("next_due_on")[:1]
    Assignment.objects.filter(item_id__in=item_ids).update(item_next_due_on=Subquery(stored, output_field=DateField()))


def _open_for(*, item, assignment=None, kinds=None, round=None):
    rows = Obligation.objects.open().filter(item=item)
    if assignment is not None:
        rows = rows.filter(assignment=assignment)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if round is not None:
        rows = rows.filter(round=round)
    return rows


def fulfil_obligations(*, item, kinds, now, assignment=None, round=None) -> int:
    """Mark open obligations done; `on_time` is frozen as "done on or before the due date" (local date)."""
    today = local_date(now)
    done = _open_for(item=item, assignment=assignment, kinds=kinds, round=round).update(
        fulfilled_at=now,
        on_time=Case(When(due_on__gte=today, then=Value(True)), default=Value(False)),
        next_remind_at=None,
    )
    if done:
        store_next_due([item.pk])
    return done


def cancel_obligations(*, item, now, assignment=None, kinds=None) -> int:
    """Stop open obligations that are no longer owed (a returned or replaced assignment)."""
    stopped = _open_for(item=item, assignment=assignment, kinds=kinds).update(cancelled_at=now, next_remind_at=None)
    if stopped:
        store_next_due([item.pk])
    return stopped


def max_extended_due(assignment) -> dt.date:
    """The latest date an extension may give the reply (EXTENDED_REPLY policy, default 6 months)."""
    rule = make_rule(
        item=assignment.item,
        kind=ObligationKind.EXTENDED_REPLY,
        assignment=assignment,
        starts_on=None,
        now=assignment.assigned_at,
    )
    return derive(rule).due_on


def extend_reply(*, assignment, until: dt.date, now, actor=None) -> Obligation:
    """Move the assignment's open reply obligation to `until`, within the extension limit."""
    obligation = (
        Obligation.objects.open()
        .select_for_update()
        .filter(assignment=assignment, kind=ObligationKind.REPLY)
        .order_by("-round")
        .first()
    )
    if obligation is None:
        raise WorkflowError(gettext("This assignment has no open reply deadline to extend."), code="no_open_reply")
    limit = max_extended_due(assignment)
    if until > limit:
        raise WorkflowError(
            gettext("The reply can be extended to %(limit)s at the latest.") % {"limit": limit.isoformat()},
            code="extension_too_long",
            field="until",
        )
    if until <= obligation.due_on:
        raise WorkflowError(
            gettext("The new due date must be after the current one, %(due)s.")
            % {"due": obligation.due_on.isoformat()},
            code="extension_not_later",
            field="until",
        )
    old = obligation.due_on
    rule = dict(obligation.rule, extended_to=until.isoformat(), extended_from=old.isoformat(), limit=limit.isoformat())
    derived = derive(rule)
    obligation.rule = rule
    obligation.due_on = derived.due_on
    obligation.provisional = derived.provisional
    obligation.calendar_version = calendar.calendar_version()
    obligation.next_remind_at = remind_time(derived.due_on, rule["remind_before"], now)
    obligation.save(update_fields=["rule", "due_on", "provisional", "calendar_version", "next_remind_at"])
    store_next_due([obligation.item_id])
    record_event(
        item=obligation.item,
        assignment=assignment,
        action="deadline.extended",
        actor=actor,
        now=now,
        obligation=obligation.pk,
        kind=obligation.kind,
        old=old,
        new=derived.due_on,
        limit=limit,
    )
    return obligation


def recompute_open_obligations(*, now, actor=None) -> int:
    """Derive every open obligation again after the holiday table changed; returns how many moved.

    Fulfilled and cancelled obligations keep their dates (their timeliness is history). Each
    move is an event "deadline.moved" on the item's timeline, with the old and new dates.

    Locks as the workflow verbs do, the item first: a chunk of items in id order (as merges
    lock two), then their open obligations. Holding obligations before items would deadlock
    with a verb that holds the item and changes an obligation, since each event recorded here
    references the item (a KEY SHARE lock at commit). Nothing is skipped: every open due date
    must move, so this waits for a verb in progress.
    """
    version = calendar.calendar_version()
    moved = 0
    with transaction.atomic():
        open_rows = Obligation.objects.open().order_by("item_id")
        item_ids = list(open_rows.values_list("item_id", flat=True).distinct())
        for start in range(0, len(item_ids), RECOMPUTE_CHUNK):
            chunk = item_ids[start : start + RECOMPUTE_CHUNK]
            list(Item.objects.filter(pk__in=chunk).order_by("pk").select_for_update(no_key=True).values_list("pk"))
            rows = (
                Obligation.objects.open()
                .filter(item_id__in=chunk)
                .select_related("item", "assignment")
                .select_for_update(of=("self",))
            )
            moved_here = sum(_rederive(obligation, version=version, now=now, actor=actor) for obligation in rows)
            if moved_here:
                store_next_due(chunk)
            moved += moved_here
    return moved


def _rederive(obligation, *, version, now, actor):
    """Bring one locked obligation up to the current calendar; 1 if its due date moved, else 0."""
    derived = derive(obligation.rule)
    if (
        derived.due_on == obligation.due_on
        and derived.provisional == obligation.provisional
        and obligation.calendar_version == version
    ):
        return 0
    old = obligation.due_on
    obligation.rule = dict(obligation.rule, end=derived.end.isoformat())
    obligation.due_on = derived.due_on
    obligation.provisional = derived.provisional
    obligation.calendar_version = version
    fields = ["rule", "due_on", "provisional", "calendar_version"]
    if derived.due_on != old:
        obligation.next_remind_at = remind_time(derived.due_on, obligation.rule["remind_before"], now)
        fields.append("next_remind_at")
        record_event(
            item=obligation.item,
            assignment=obligation.assignment,
            action="deadline.moved",
            actor=actor,
            now=now,
            obligation=obligation.pk,
            kind=obligation.kind,
            old=old,
            new=derived.due_on,
            calendar_version=version,
        )
    obligation.save(update_fields=fields)
    return int(derived.due_on != old)


# --- lists ---------------------------------------------------------------------------------


def with_deadlines(items, *, today: dt.date):
    """Annotate items with `earliest_due_on` and `is_overdue`, and give each row read `overdue_workdays`.

    `earliest_due_on` is the stored `Item.next_due_on` (`store_next_due`), so sorting and filtering
    on it use an index instead of a subquery per item; `is_overdue` compares it with `today`.
    `overdue_workdays` is never stored (it changes every day) nor computed in SQL: each row read
    gets `deadlines.calendar.overdue_workdays(next_due_on, today)`, the one definition of days
    overdue that the bulletin and the reminders use too, from the in-memory calendar. So the
    list's SQL is the same whatever the dates (no CASE per overdue date, no extra query). Rows
    read as values (`values()`) don't have it.
    """
    annotated = items.annotate(
        earliest_due_on=F("next_due_on"),
        is_overdue=Case(
            When(next_due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )
    if issubclass(annotated._iterable_class, ModelIterable):
        annotated._iterable_class = _overdue_rows(today)
    return annotated


class _OverdueRows(ModelIterable):
    """Model rows, each given `overdue_workdays` as of `today` from its stored next due date."""

    today = None

    def __iter__(self):
        for item in super().__iter__():
            due = item.next_due_on
            item.overdue_workdays = 0 if due is None else calendar.overdue_workdays(due, self.today)
            yield item


@functools.lru_cache(maxsize=16)
def _overdue_rows(today):
    return type("OverdueRows", (_OverdueRows,), {"today": today})
