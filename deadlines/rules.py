"""Deadline rules: from a district's policy and the working-day calendar to a due date, and back to words.

A due date is derived from a *rule* (where it starts, the period or the fixed date, and any
extension), a plain dict stored on the obligation by the workflow, so the same rule can be
derived again when the holiday table changes and explained to a clerk. The policy is read
once, when the rule is made; a later policy edit applies to rules made after it.

Nothing here writes: the workflow's obligations module stores what these functions compute.
"""

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from . import calendar
from .models import COSIGN_WINDOW, DeadlinePolicy, ObligationKind, PeriodStart, PeriodUnit


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
    COSIGN_WINDOW: Period(3, PeriodUnit.WORKING_DAYS, PeriodStart.INVITATION),
}

# The category's follow-up cadence (OutcomeCategory.FollowUp) in months.
FOLLOW_UP_MONTHS = {"monthly": 1, "quarterly": 3}


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic with the end-of-month clamp: 31 January + 1 month = 28/29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def local_date(moment):
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
        return local_date(assignment.assigned_at)
    if start == PeriodStart.ACCEPTANCE and assignment is not None and assignment.accepted_at is not None:
        return local_date(assignment.accepted_at)
    return local_date(now)


def make_rule(*, item, kind, assignment, starts_on, now, follow_up=None):
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


# --- words ---------------------------------------------------------------------------------


def _period_text(amount, unit):
    if unit == PeriodUnit.WORKING_DAYS:
        return ngettext("%(n)d working day", "%(n)d working days", amount) % {"n": amount}
    if unit == PeriodUnit.CALENDAR_DAYS:
        return ngettext("%(n)d day", "%(n)d days", amount) % {"n": amount}
    return ngettext("%(n)d month", "%(n)d months", amount) % {"n": amount}


def explain(obligation) -> str:
    """How the due date was reached, e.g. "assignment 2026-09-30 + 3 months = 2026-12-30 (working day)".

    `obligation` is anything with the stored `rule` and its `provisional` flag (the workflow's Obligation).
    """
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


def cosign_answer_by(*, submission, now) -> dt.date:
    """The last day a proposer invited `now` to co-sign `submission` may confirm or decline.

    `submission` is anything with `district_id`, `body` and `session_id`: the district's policy for the
    co-sign window applies as for an item's obligations (default: 3 working days after the invitation).
    """
    rule = make_rule(item=submission, kind=COSIGN_WINDOW, assignment=None, starts_on=local_date(now), now=now)
    return derive(rule).due_on
