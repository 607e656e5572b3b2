"""The reminder sweep: tell the right people what is due, once, and move each obligation on.

An obligation's `next_remind_at` is the time of its next reminder point; the sweep reads
the obligations whose time has come through the partial index `obligation_reminder_due_idx`
(an index lookup however many obligations are open), locks them with their items (skipping
busy ones, see `_lock_due`), decides who is told what, records it all in one
conflict-ignoring insert (`notifications.recording`) and sets each `next_remind_at`
to its next point, or to None after the last one, all in one transaction per batch.

Reminder points of an obligation due on D, each at `settings.REMINDER_TIME` local time:
- "due soon": `remind_before` working days before D (policy, default `REMINDER_DAYS_BEFORE`);
- "due today": on D;
- "overdue": the next working day after D;
- escalation to the unit head: `escalate_to_head_after` working days after D (unit obligations);
- escalation to the office and the supervising leader: `escalate_to_office_after` working days
  after D (unit obligations of key items).
A sweep that comes late sends only the latest of the first three, plus every escalation reached.
Imported history never sends. The office's daily digest and weekly summary per unit are
`send_digests`.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, DateTimeField, Q, Value, When
from django.utils import timezone

from deadlines.calendar import add_workdays, is_workday, next_workday
from deadlines.models import DeadlinePolicy
from notifications.events import proposer_users
from notifications.recording import Notice, record
from workflow import access
from workflow.models import Obligation

from .models import NotificationKind

Kind = NotificationKind
Owner = Obligation.Owner
# At most this many obligations per transaction; a backlog takes several rounds of the loop.
BATCH = 20_000
_STAGES = (Kind.BEFORE_DUE, Kind.DUE_TODAY, Kind.OVERDUE)


@dataclass(frozen=True)
class Steps:
    """The working-day counts of a deadline policy that the reminders read."""

    before: int
    head: int
    office: int


def _default_steps():
    field_default = DeadlinePolicy._meta.get_field
    return Steps(
        before=settings.REMINDER_DAYS_BEFORE,
        head=field_default("escalate_to_head_after").default,
        office=field_default("escalate_to_office_after").default,
    )


@dataclass
class SweepResult:
    obligations: int = 0
    notices: list = field(default_factory=list)
    rows: int = 0


def reminder_at(day):
    """The moment reminders of `day` go out."""
    return timezone.make_aware(dt.datetime.combine(day, settings.REMINDER_TIME), timezone.get_current_timezone())


def reminder_points(due_on, steps, *, owner, is_key):
    """[(day, kind)] of every reminder of an obligation due on `due_on`, in time order."""
    points = [(due_on, Kind.DUE_TODAY), (add_workdays(due_on, 1), Kind.OVERDUE)]
    if steps.before:
        points.append((add_workdays(due_on, -steps.before), Kind.BEFORE_DUE))
    if owner == Owner.UNIT:
        points.append((add_workdays(due_on, steps.head), Kind.ESCALATION_HEAD))
        if is_key:
            points.append((add_workdays(due_on, steps.office), Kind.ESCALATION_OFFICE))
    return sorted(points)


def sweep(*, now, dry_run=False):
    """Record the reminders due at `now`; with `dry_run`, only say what would be recorded."""
    result = SweepResult()
    while True:
        with transaction.atomic():
            batch = _sweep_batch(now=now, dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)
        result.obligations += batch.obligations
        result.notices += batch.notices
        result.rows += batch.rows
        # A dry run changes nothing, so the next batch would be the same one.
        if dry_run or batch.obligations < BATCH:
            return result


# What the sweep reads of a due obligation and its item.
_FIELDS = ("kind", "owner", "unit_id", "due_on", "item_id")
_ITEM_FIELDS = ("district_id", "body", "session_id", "is_key", "is_imported", "supervising_leader_id")


def _lock_due(now):
    """The obligations due at `now`, oldest first, with their items; both rows locked, busy ones skipped.

    The item is locked with its obligation because recording a notice references the item:
    PostgreSQL's foreign-key check takes a KEY SHARE lock on it at commit. A workflow verb
    holds the item first and then changes its obligations; a sweep holding the obligation
    but waiting for the item would deadlock with it. Here nothing waits: an obligation whose
    item or row is busy is skipped and swept in the next run, and a verb that comes second
    waits for the item until this batch commits. `no_key` (FOR NO KEY UPDATE) lets others
    keep inserting rows that reference these items (events, event notices) meanwhile.

    The statement runs as index lookups only (`_by_index_lookups`), so its cost follows what
    is due, not what is open.
    """
    due = (
        Obligation.objects.open()
        .filter(next_remind_at__lte=now)
        .order_by("next_remind_at")
        .select_related("item")
        .only(*_FIELDS, *(f"item__{name}" for name in _ITEM_FIELDS))
        .select_for_update(of=("self", "item"), skip_locked=True, no_key=True)[:BATCH]
    )
    with _by_index_lookups():
        return list(due)


# PostgreSQL planner methods switched off while the due rows are selected (`_by_index_lookups`).
_PLANNER_OFF = ("enable_hashjoin", "enable_mergejoin", "enable_sort")


@contextmanager
def _by_index_lookups():
    """On PostgreSQL, read the due obligations in index order and find each one's item by primary key, whatever is due.

    Left to itself the planner joins by hashing every item as soon as it expects more than a few
    hundred due rows, and it expects them from column statistics that can be far off (1,225 for
    100 due among 1,000,000 open obligations): the selection then reads all the items — 52 ms at
    100,000 items where the lookups take under 1 ms — and grows with them, not with what is due.
    It also prefers a bitmap scan of every due row and a sort, where reading
    `obligation_reminder_due_idx` in order lets the LIMIT stop at BATCH rows (a backlog).
    Hash join, merge join and sort are switched off for this statement only (SET LOCAL, inside the
    batch's transaction, set back right after), which leaves one plan: a nested loop over the
    index in `next_remind_at` order, each item by its primary key, under the row locks. The
    statement, and so which rows it locks and skips, is unchanged. `bench/bench_reminders.py` and
    `tests/reminders/test_postgres.py` check the plan.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {name} = off" for name in _PLANNER_OFF))
        yield
        # Not on an error: the transaction is then rolled back, and the settings with it.
        cursor.execute("; ".join(f"SET LOCAL {name} TO DEFAULT" for name in _PLANNER_OFF))


def _sweep_batch(*, now, dry_run):
    obligations = _lock_due(now)
    steps_for = _policy_lookup({obligation.item.district_id for obligation in obligations})
    plans, next_at = [], {}
    points_memo = {}
    for obligation in obligations:
        item = obligation.item
        if item.is_imported:
            next_at[obligation.pk] = None
            continue
        steps = steps_for(obligation)
        key = (obligation.due_on, steps, obligation.owner, item.is_key)
        if key not in points_memo:
            points_memo[key] = [
                (reminder_at(day), kind) for day, kind in reminder_points(*key[:2], owner=key[2], is_key=key[3])
            ]
        reached = [kind for at, kind in points_memo[key] if at <= now]
        later = [at for at, kind in points_memo[key] if at > now]
        next_at[obligation.pk] = later[0] if later else None
        stages = [kind for kind in reached if kind in _STAGES]
        kinds = stages[-1:] + [kind for kind in reached if kind not in _STAGES]
        plans.extend((obligation, kind) for kind in kinds)
    notices = _notices(plans)
    result = SweepResult(obligations=len(obligations), notices=notices)
    if not dry_run and obligations:
        result.rows = record(notices, now=now)
        _advance(next_at)
    return result


def _policy_lookup(district_ids):
    """A function giving an obligation its policy's Steps: session, then body, then district; one query."""
    table = {
        (p["district_id"], p["body"], p["session_id"], p["kind"]): Steps(
            p["remind_before"], p["escalate_to_head_after"], p["escalate_to_office_after"]
        )
        for p in DeadlinePolicy.objects.filter(district_id__in=district_ids).values(
            "district_id",
            "body",
            "session_id",
            "kind",
            "remind_before",
            "escalate_to_head_after",
            "escalate_to_office_after",
        )
    }
    default = _default_steps()

    def steps_for(obligation):
        item = obligation.item
        district, body, session, kind = item.district_id, item.body, item.session_id, obligation.kind
        for key in ((district, body, session, kind), (district, body, None, kind), (district, "", None, kind)):
            if key in table:
                return table[key]
        return default

    return steps_for


def _notices(plans):
    """Notices for [(obligation, kind)], with every recipient looked up in two queries."""
    if not plans:
        return []
    people = access.people(
        unit_ids={obligation.unit_id for obligation, _kind in plans if obligation.unit_id},
        district_ids={obligation.item.district_id for obligation, _kind in plans},
    )
    proposers = proposer_users(
        {obligation.item_id for obligation, _kind in plans if obligation.owner == Owner.PROPOSER}
    )
    notices = []
    # No days overdue in `params`: notifications.texts counts them from the due date when it words the notice.
    for obligation, kind in plans:
        office = access.office_people(people, obligation.item.district_id)
        if kind == Kind.ESCALATION_HEAD:
            recipients = access.unit_heads(people, obligation.unit_id) or office
        elif kind == Kind.ESCALATION_OFFICE:
            leader = obligation.item.supervising_leader_id
            recipients = office + ([leader] if leader else [])
        elif obligation.owner == Owner.UNIT:
            recipients = access.unit_people(people, obligation.unit_id)
        elif obligation.owner == Owner.PROPOSER:
            recipients = proposers.get(obligation.item_id, [])
        else:
            recipients = office
        notices.extend(
            Notice(
                recipient_id=user_id,
                kind=kind,
                due_on=obligation.due_on,
                item_id=obligation.item_id,
                obligation_id=obligation.pk,
            )
            for user_id in recipients
        )
    return notices


def _advance(next_at):
    """Set every swept obligation's next reminder time in one UPDATE."""
    by_time = {}
    for pk, at in next_at.items():
        by_time.setdefault(at, []).append(pk)
    Obligation.objects.filter(pk__in=list(next_at)).update(
        next_remind_at=Case(
            *(When(pk__in=pks, then=Value(at)) for at, pks in by_time.items() if at is not None),
            default=Value(None),
            output_field=DateTimeField(),
        )
    )


def send_digests(*, now):
    """The office's daily digest of newly overdue items and, on the week's first working day, the summary per unit.

    Sent on working days from `REMINDER_TIME`; recorded once per day however often it runs.
    """
    today = timezone.localdate(now)
    if not is_workday(today) or now < reminder_at(today):
        return 0
    notices = _daily_digest(today)
    if today == next_workday(today - dt.timedelta(days=today.weekday())):
        notices += _weekly_summary(today)
    with transaction.atomic():
        return record(notices, now=now)


def _open_obligations():
    return Obligation.objects.open().filter(item__is_imported=False)


def _daily_digest(today):
    """Obligations that became overdue since the last working day's digest, per district, to its office."""
    since = add_workdays(today, -1)
    rows = (
        _open_obligations()
        .filter(due_on__gte=since, due_on__lt=today)
        .order_by("item__number", "due_on")
        .values("item__district_id", "item_id", "item__number", "item__title", "unit__name", "kind", "due_on")
    )
    by_district = {}
    for row in rows:
        by_district.setdefault(row["item__district_id"], []).append(
            {
                "item": row["item_id"],
                "number": row["item__number"],
                "title": row["item__title"],
                "unit": row["unit__name"] or "",
                "what": row["kind"],
                "due": row["due_on"].isoformat(),
            }
        )
    return _to_office(by_district, Kind.OFFICE_DIGEST, today)


def _weekly_summary(today):
    """Open and overdue obligations per unit, per district, to its office."""
    rows = (
        _open_obligations()
        .filter(owner=Owner.UNIT)
        .values("unit__district_id", "unit__name", "unit__sort_order")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("unit__district_id", "unit__sort_order", "unit__name")
    )
    by_district = {}
    for row in rows:
        by_district.setdefault(row["unit__district_id"], []).append(
            {"unit": row["unit__name"], "open": row["open"], "overdue": row["overdue"]}
        )
    return _to_office(by_district, Kind.WEEKLY_SUMMARY, today)


def _to_office(rows_by_district, kind, today):
    people = access.people(district_ids=set(rows_by_district))
    return [
        Notice(recipient_id=user_id, kind=kind, due_on=today, params={"rows": rows})
        for district_id, rows in rows_by_district.items()
        for user_id in access.office_people(people, district_id)
    ]
