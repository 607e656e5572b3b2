"""On the real PostgreSQL (and Redis): concurrent sweeps, a sweep meeting a workflow verb on the same item,
constant query count, the selection's plan, a real worker end to end."""

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deadlines import calendar
from notifications import reminders
from notifications.models import Notification, NotificationKind
from notifications.reminders import sweep
from proposals.models import Item
from tests.factories import ItemFactory
from workflow.models import Obligation
from workflow.services import assignment
from workflow.services.locking import lock_item

from .conftest import MONDAY, at
from .interleave import interleave

ROOT = Path(__file__).resolve().parents[2]
# A plain week: Monday–Friday with or without the holiday table.
DUE = dt.date(2026, 11, 18)


def obligations(district, unit, count, *, due_on=DUE, due=None):
    """`count` obligations due on `due_on`, on items of their own; the first `due` (all by default) remind before
    that day's reminder time, the others on later days."""
    items = Item.objects.bulk_create(ItemFactory.build_batch(count, district=district))
    first = at(due_on) - dt.timedelta(days=20)
    return Obligation.objects.bulk_create(
        Obligation(
            item=item,
            kind="reply",
            owner="unit",
            unit=unit,
            starts_on=due_on - dt.timedelta(days=90),
            due_on=due_on,
            next_remind_at=first if due is None or n < due else at(due_on) + dt.timedelta(days=1 + n % 300),
        )
        for n, item in enumerate(items)
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_record_each_notice_once(district, unit, handler, second_handler):
    rows = obligations(district, unit, 30)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            sweep(now=at(DUE, 9, 30))
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    with mock.patch("notifications.delivery.enqueue"):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    # 30 obligations × 2 handlers × (in-app, email, SMS for the one with a phone and email)
    per_obligation = Notification.objects.filter(obligation=rows[0]).count()
    assert Notification.objects.count() == 30 * per_obligation
    assert Notification.objects.filter(kind="due_today").count() == Notification.objects.count()
    assert not Obligation.objects.filter(next_remind_at__lte=at(DUE, 9, 30)).exists()


# Thursday 12 March 2026: `lead`'s acceptance (due Monday 9 March) is overdue.
LATE = MONDAY + dt.timedelta(days=10)


def overdue_channels(user):
    rows = Notification.objects.filter(recipient=user, kind=NotificationKind.OVERDUE)
    return sorted(rows.values_list("channel", flat=True))


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_and_a_verb_on_the_same_item_do_not_deadlock(lead, handler, monkeypatch):
    """The sweep locks an obligation and, recording, references its item; the verb locks the item, then the
    obligation. Holding the obligation without the item, the sweep deadlocked with the verb at commit."""
    Obligation.objects.filter(assignment=lead).update(next_remind_at=MONDAY)
    with mock.patch("notifications.delivery.enqueue"):
        swept, accepted = interleave(
            monkeypatch,
            first=lambda: sweep(now=LATE),
            pause_at=(reminders, "record"),  # the due rows are locked, nothing recorded yet
            then=lambda: assignment.accept_assignment(actor=handler, now=LATE, assignment=lead),
        )
        assert not isinstance(swept, Exception), swept
        assert not isinstance(accepted, Exception), accepted
        assert swept.obligations == 2  # acceptance and reply
        assert overdue_channels(handler) == ["email", "in_app", "sms"]  # recorded once, nothing lost
        assert sweep(now=LATE).obligations == 0
    assert overdue_channels(handler) == ["email", "in_app", "sms"]
    assert Obligation.objects.get(assignment=lead, kind="acceptance").fulfilled_at == LATE


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_passes_over_an_item_a_verb_holds_and_reminds_on_the_next_run(lead, handler):
    Obligation.objects.filter(assignment=lead).update(next_remind_at=MONDAY)
    held, release = threading.Event(), threading.Event()

    def verb():
        try:
            with transaction.atomic():
                lock_item(lead.item_id)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=verb)
    holder.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with mock.patch("notifications.delivery.enqueue"):
            passed = sweep(now=LATE)
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(10)
    assert (passed.obligations, passed.rows, overdue_channels(handler)) == (0, 0, [])
    assert waited < 5  # skipped, not waited for
    with mock.patch("notifications.delivery.enqueue"):
        assert sweep(now=LATE).obligations == 2
    assert overdue_channels(handler) == ["email", "in_app", "sms"]


@pytest.mark.services
@pytest.mark.django_db
def test_the_sweeps_query_count_does_not_grow_with_the_obligations(district, unit, other_unit, handler, office):
    calendar.is_workday(DUE)  # the calendar index is loaded once per process, not per sweep

    def count_queries(now):
        with mock.patch("notifications.delivery.enqueue"), CaptureQueriesContext(connection) as queries:
            result = sweep(now=now)
        return len(queries), result

    obligations(district, unit, 3)
    few, result = count_queries(at(DUE, 9))
    assert result.obligations == 3
    obligations(district, unit, 40, due_on=DUE + dt.timedelta(days=1))
    obligations(district, other_unit, 40, due_on=DUE + dt.timedelta(days=2))
    many, result = count_queries(at(DUE + dt.timedelta(days=2), 9))
    assert result.obligations == 83
    # BEGIN; planner settings, select the due obligations (locked), settings back; policies; handlers, heads
    # and office; users with their preferences; one INSERT … ON CONFLICT DO NOTHING RETURNING; one UPDATE of
    # next_remind_at; COMMIT.
    assert many == few


def lock_due_plan(now):
    """The plan of the sweep's selection at `now`: `_lock_due`'s statements replayed, the select under EXPLAIN."""
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with transaction.atomic():
        with connection.execute_wrapper(capture):
            locked = reminders._lock_due(now)
        transaction.set_rollback(True)
    plan = None
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            explain = "FOR NO KEY UPDATE" in sql
            cursor.execute(("EXPLAIN " if explain else "") + sql, params)
            if explain:
                plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert plan, statements  # the locking select was among them
    return len(locked), plan


def analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_obligation; ANALYZE proposals_item")


def assert_index_plan(plan):
    """The due obligations read in order from the partial index, each one's item by its primary key: nothing
    read in full (no Seq Scan, Hash Join or Merge Join) and no Sort of every due row."""
    assert "obligation_reminder_due_idx" in plan, plan
    assert "proposals_item_pkey" in plan, plan
    for method in ("Seq Scan", "Hash Join", "Merge Join", "Sort"):
        assert method not in plan, plan


@pytest.mark.services
@pytest.mark.django_db
def test_the_sweep_finds_what_is_due_through_the_index_and_its_items_by_key(district, unit):
    obligations(district, unit, 3000, due=5)
    analyze()
    locked, plan = lock_due_plan(at(DUE))
    assert locked == 5
    assert_index_plan(plan)


@pytest.mark.services
@pytest.mark.django_db
def test_the_plan_holds_when_the_statistics_expect_many_due(district, unit):
    """Statistics lag behind: the planner expects a third of the obligations due, only 5 are. Left to itself it
    then hashes every item (as it did at 1,000,000 open obligations with 100 due, expecting 1,225)."""
    rows = obligations(district, unit, 3000, due=1000)
    analyze()
    later = at(DUE) + dt.timedelta(days=7)
    Obligation.objects.filter(pk__in=[row.pk for row in rows[5:1000]]).update(next_remind_at=later)
    locked, plan = lock_due_plan(at(DUE))
    assert locked == 5
    assert_index_plan(plan)


def _worker_env():
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        SECRET_KEY=settings.SECRET_KEY,
        SMS_QUIET_HOURS="",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DEBUG="0",
    )
    return env


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_a_reminder_end_to_end(district, unit, handler, monkeypatch):
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    app.control.purge()
    due = timezone.localdate() - dt.timedelta(days=30)
    obligation = obligations(district, unit, 1, due_on=due)[0]
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            "celery",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        sweep(now=timezone.now())  # commits, then hands the email and the SMS to the broker
        deadline = time.monotonic() + 90
        states = []
        while time.monotonic() < deadline:
            states = sorted(
                Notification.objects.filter(obligation=obligation, channel__in=["email", "sms"]).values_list(
                    "channel", "state"
                )
            )
            if states and all(state in {"sent", "failed", "delivery_unknown"} for _channel, state in states):
                break
            time.sleep(0.5)
        assert states == [("email", "sent"), ("sms", "sent")]
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "deliver_notification" in output
