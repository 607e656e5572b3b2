"""Deadlines: from a policy and the working-day calendar to Obligation rows, and back to words.

A due date is derived from a *rule* stored on the obligation (where it starts, the period or
the fixed date, and any extension), so the same rule can be derived again when the holiday
table changes and explained to a clerk. The policy is read once, when the obligation opens;
a later policy edit applies to obligations opened after it.

These functions run inside the caller's transaction; the workflow services own the locking.
"""

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Case, Count, DateField, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from proposals.models import Item
from workflow import calendar
from workflow.errors import WorkflowError
from workflow.models import DeadlinePolicy, Obligation
from workflow.models.deadlines import ObligationKind, PeriodStart, PeriodUnit
from workflow.services.events import record_event

OPEN = Q(fulfilled_at__isnull=True, cancelled_at__isnull=True)
# Items locked at a time by a recomputation.
RECOMPUTE_CHUNK = 1000


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str
    start: str


# Domain §4: the periods that apply when a district has no policy of its own.
DEFAULT_PERIODS = {
    ObligationKind.ACCEPTANCE: Period(5, PeriodUnit.WORKING_DAYS, PeriodStart.ASSIGNMENT),
    ObligationKind.CONSULTATION: Period(15, PeriodUnit.WORKING_DAYS, PeriodStart.ACCEPTANCE),
    ObligationKind.CO_OPINION: Period(1, PeriodUnit.MONTHS, PeriodStart.ASSIGNMENT),
    ObligationKind.REPLY: Period(3, PeriodUnit.MONTHS, PeriodStart.ASSIGNMENT),
    ObligationKind.EXTENDED_REPLY: Period(6, PeriodUnit.MONTHS, PeriodStart.ASSIGNMENT),
    ObligationKind.FEEDBACK: Period(1, PeriodUnit.MONTHS, PeriodStart.REPLY_SENT),
    ObligationKind.REHANDLING_REPLY: Period(1, PeriodUnit.MONTHS, PeriodStart.DISAGREEMENT),
    ObligationKind.FOLLOW_UP: Period(1, PeriodUnit.MONTHS, PeriodStart.PREVIOUS_REPORT),
}

# The category's follow-up cadence (OutcomeCategory.FollowUp) in months.
FOLLOW_UP_MONTHS = {"monthly": 1, "quarterly": 3}


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic with the end-of-month clamp: 31 January + 1 month = 28/29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def _local_date(moment):
    return timezone.localdate(moment, timezone.get_default_timezone())


# --- policy -------------------------------------------------------------------------------


def _policies(item, kind):
    """The district's policies for `kind` that may apply to `item`, most specific first."""
    rows = DeadlinePolicy.objects.filter(district_id=item.district_id, kind=kind).filter(
        Q(session__isnull=True, body__in=[item.body, ""])
        | Q(session_id=item.session_id, body=item.body, session__isnull=False)
    )

    def specificity(policy):
        return (policy.session_id is not None, policy.body != "")

    return sorted(rows, key=specificity, reverse=True)


def _scope(policy):
    if policy.session_id is not None:
        return "session"
    return "body" if policy.body else "district"


def _start_date(start, *, assignment, starts_on, now):
    if starts_on is not None:
        return starts_on
    if start == PeriodStart.ASSIGNMENT and assignment is not None:
        return _local_date(assignment.assigned_at)
    if start == PeriodStart.ACCEPTANCE and assignment is not None and assignment.accepted_at is not None:
        return _local_date(assignment.accepted_at)
    return _local_date(now)


def _make_rule(*, item, kind, assignment, starts_on, now, follow_up=None):
    """The rule for a new obligation: the most specific usable policy, else the §4 default.

    A fixed date that has already passed when the clock starts (an item assigned after its
    session's common reply date) does not apply; the next policy in line does.
    """
    default = DEFAULT_PERIODS[kind]
    default_start = _start_date(default.start, assignment=assignment, starts_on=starts_on, now=now)
    chosen = None
    for policy in _policies(item, kind):
        if policy.fixed_date is not None and policy.fixed_date < default_start:
            continue
        chosen = policy
        break
    remind_before = chosen.remind_before if chosen else settings.REMINDER_DAYS_BEFORE
    if chosen is not None and chosen.fixed_date is not None:
        return {
            "kind": str(kind),
            "source": _scope(chosen),
            "policy": chosen.pk,
            "start": str(default.start),
            "starts_on": default_start.isoformat(),
            "fixed_date": chosen.fixed_date.isoformat(),
            "remind_before": remind_before,
        }
    period = Period(chosen.amount, chosen.unit, chosen.start) if chosen is not None else default
    if kind == ObligationKind.FOLLOW_UP and follow_up in FOLLOW_UP_MONTHS:
        period = Period(FOLLOW_UP_MONTHS[follow_up], PeriodUnit.MONTHS, period.start)
    start_day = _start_date(period.start, assignment=assignment, starts_on=starts_on, now=now)
    return {
        "kind": str(kind),
        "source": _scope(chosen) if chosen else "default",
        "policy": chosen.pk if chosen else None,
        "start": str(period.start),
        "starts_on": start_day.isoformat(),
        "amount": period.amount,
        "unit": str(period.unit),
        "remind_before": remind_before,
    }


@dataclass(frozen=True)
class Derived:
    starts_on: dt.date
    end: dt.date  # where the period ends, before moving to a working day
    due_on: dt.date
    provisional: bool


def derive(rule) -> Derived:
    """The due date a rule gives with the calendar as it is now."""
    starts_on = dt.date.fromisoformat(rule["starts_on"])
    if rule.get("extended_to"):
        end = due = dt.date.fromisoformat(rule["extended_to"])
    elif rule.get("fixed_date"):
        end = due = dt.date.fromisoformat(rule["fixed_date"])
    else:
        amount, unit = rule["amount"], rule["unit"]
        if unit == PeriodUnit.WORKING_DAYS:
            end = due = calendar.add_workdays(starts_on, amount)
        else:
            if unit == PeriodUnit.CALENDAR_DAYS:
                end = starts_on + dt.timedelta(days=amount)
            else:
                end = add_months(starts_on, amount)
            due = calendar.next_workday(end)
    return Derived(starts_on, end, due, not calendar.has_data_between(starts_on, due))


def remind_time(due_on: dt.date, remind_before: int, now: dt.datetime) -> dt.datetime:
    """REMINDER_TIME on the working day `remind_before` working days before `due_on`, or `now` if past.

    The same clock the reminder sweep uses (settings), so the first reminder and the later ones agree.
    """
    day = calendar.add_workdays(due_on, -remind_before) if remind_before else due_on
    moment = dt.datetime.combine(day, settings.REMINDER_TIME, tzinfo=timezone.get_default_timezone())
    return max(moment, now)


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
    rule = _make_rule(item=item, kind=kind, assignment=assignment, starts_on=starts_on, now=now, follow_up=follow_up)
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
    return Obligation.objects.create(
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


def _open_for(*, item, assignment=None, kinds=None, round=None):
    rows = Obligation.objects.filter(OPEN, item=item)
    if assignment is not None:
        rows = rows.filter(assignment=assignment)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if round is not None:
        rows = rows.filter(round=round)
    return rows


def fulfil_obligations(*, item, kinds, now, assignment=None, round=None) -> int:
    """Mark open obligations done; `on_time` is frozen as "done on or before the due date" (local date)."""
    today = _local_date(now)
    return _open_for(item=item, assignment=assignment, kinds=kinds, round=round).update(
        fulfilled_at=now,
        on_time=Case(When(due_on__gte=today, then=Value(True)), default=Value(False)),
        next_remind_at=None,
    )


def cancel_obligations(*, item, now, assignment=None, kinds=None) -> int:
    """Stop open obligations that are no longer owed (a returned or replaced assignment)."""
    return _open_for(item=item, assignment=assignment, kinds=kinds).update(cancelled_at=now, next_remind_at=None)


def max_extended_due(assignment) -> dt.date:
    """The latest date an extension may give the reply (EXTENDED_REPLY policy, default 6 months)."""
    rule = _make_rule(
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
        Obligation.objects.select_for_update()
        .filter(OPEN, assignment=assignment, kind=ObligationKind.REPLY)
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
        open_rows = Obligation.objects.filter(OPEN).order_by("item_id")
        item_ids = list(open_rows.values_list("item_id", flat=True).distinct())
        for start in range(0, len(item_ids), RECOMPUTE_CHUNK):
            chunk = item_ids[start : start + RECOMPUTE_CHUNK]
            list(Item.objects.filter(pk__in=chunk).order_by("pk").select_for_update(no_key=True).values_list("pk"))
            rows = (
                Obligation.objects.filter(OPEN, item_id__in=chunk)
                .select_related("item", "assignment")
                .select_for_update(of=("self",))
            )
            for obligation in rows:
                moved += _rederive(obligation, version=version, now=now, actor=actor)
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


# --- words ---------------------------------------------------------------------------------


def _period_text(amount, unit):
    if unit == PeriodUnit.WORKING_DAYS:
        return ngettext("%(n)d working day", "%(n)d working days", amount) % {"n": amount}
    if unit == PeriodUnit.CALENDAR_DAYS:
        return ngettext("%(n)d day", "%(n)d days", amount) % {"n": amount}
    return ngettext("%(n)d month", "%(n)d months", amount) % {"n": amount}


def explain(obligation) -> str:
    """How the due date was reached, e.g. "assignment 2026-09-30 + 3 months = 2026-12-30 (working day)"."""
    rule = obligation.rule
    start_label = PeriodStart(rule["start"]).label
    if rule.get("fixed_date"):
        text = gettext("%(start)s %(starts_on)s, fixed due date %(due)s") % {
            "start": start_label,
            "starts_on": rule["starts_on"],
            "due": rule["fixed_date"],
        }
    else:
        values = {
            "start": start_label,
            "starts_on": rule["starts_on"],
            "period": _period_text(rule["amount"], rule["unit"]),
            "end": rule["end"],
        }
        base_due = calendar.next_workday(dt.date.fromisoformat(rule["end"]))
        if rule["unit"] == PeriodUnit.WORKING_DAYS:
            text = gettext("%(start)s %(starts_on)s + %(period)s = %(end)s") % values
        elif base_due.isoformat() == rule["end"]:
            text = gettext("%(start)s %(starts_on)s + %(period)s = %(end)s (working day)") % values
        else:
            values["due"] = base_due.isoformat()
            text = gettext("%(start)s %(starts_on)s + %(period)s = %(end)s, not a working day, so %(due)s") % values
    if rule.get("extended_to"):
        text = gettext("%(text)s; extended to %(due)s (at most %(limit)s)") % {
            "text": text,
            "due": rule["extended_to"],
            "limit": rule["limit"],
        }
    if obligation.provisional:
        text = gettext("%(text)s; provisional: counted Monday to Friday until the official holidays are loaded") % {
            "text": text
        }
    return text


# --- lists ---------------------------------------------------------------------------------


def with_deadlines(items, *, today: dt.date):
    """Annotate items with `open_obligations`, `earliest_due_on`, `is_overdue` and `overdue_workdays`.

    Two queries in all: one for the distinct overdue due dates of these items (their working-day
    counts come from the in-memory calendar), then the list itself with correlated subqueries.
    """
    open_rows = Obligation.objects.filter(OPEN, item=OuterRef("pk")).order_by()
    earliest = open_rows.values("item").annotate(first=Min("due_on")).values("first")
    count = open_rows.values("item").annotate(n=Count("pk")).values("n")
    overdue_dates = (
        Obligation.objects.filter(OPEN, due_on__lt=today, item__in=items.order_by().values("pk"))
        .order_by()
        .values_list("due_on", flat=True)
        .distinct()
    )
    workdays = [
        When(earliest_due_on=day, then=Value(calendar.workdays_between(day, today))) for day in set(overdue_dates)
    ]
    annotated = items.annotate(
        earliest_due_on=Subquery(earliest, output_field=DateField()),
        open_obligations=Coalesce(Subquery(count, output_field=IntegerField()), 0),
    )
    return annotated.annotate(
        is_overdue=Case(
            When(earliest_due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        overdue_workdays=Case(*workdays, default=Value(0), output_field=IntegerField()) if workdays else Value(0),
    )
