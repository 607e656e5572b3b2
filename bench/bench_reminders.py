"""Benchmark: the reminder sweep over many open obligations on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres jianyi_bench_reminders
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianyi_bench_reminders \\
        .venv/bin/python bench/bench_reminders.py --obligations 1000000 --due 10000

Generates the rows set-based (generate_series), then times one sweep — find what is due
through the partial index and lock it with its items, decide recipients, record the
notifications in one insert, advance each obligation — and prints the milliseconds and the query count. A second sweep
at the same moment must find nothing and record nothing. Handing rows to Celery is left
out (no broker): that is one message per row after commit, outside the transaction.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from deadlines import calendar  # noqa: E402
from districts.models import District, HandlingUnit, Membership, Role, User  # noqa: E402
from notifications.models import Notification  # noqa: E402
from notifications.reminders import reminder_at, sweep  # noqa: E402
from workflow.models import Obligation  # noqa: E402

UNITS = 60
ITEMS = 100_000
TODAY = dt.date(2026, 11, 18)  # a Wednesday in a plain week


def generate(obligations, due):
    """Wipe the benchmark's rows and generate districts, units, handlers, items and obligations."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE workflow_notification, workflow_obligation, proposals_item RESTART IDENTITY CASCADE")
    Membership.objects.filter(user__username__startswith="bench-").delete()
    User.objects.filter(username__startswith="bench-").delete()
    HandlingUnit.objects.filter(district__code="bench").delete()
    district, _ = District.objects.get_or_create(code="bench", defaults={"name": "基准区"})
    units = HandlingUnit.objects.bulk_create(
        HandlingUnit(district=district, name=f"基准第{n}局", sort_order=n) for n in range(UNITS)
    )
    for unit in units:
        user = User.objects.create(username=f"bench-{unit.pk}", email=f"u{unit.pk}@example.cn", phone="13800000000")
        Membership.objects.create(user=user, role=Role.HANDLER, district=district, unit=unit)
    first_unit = units[0].pk
    due_at = reminder_at(TODAY)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO proposals_item (district_id, year, body, kind, number, title, text, review,
                rejection_reason, state, round, is_key, disclosure, is_imported, created_at, updated_at)
            SELECT %s, 2026, 'cppcc', 'proposal', lpad(n::text, 6, '0'), '关于第' || n || '号事项的建议', '',
                'registered', '', 'handling', 1, n %% 20 = 0, 'on_request', false, now(), now()
            FROM generate_series(1, %s) AS n
            """,
            [district.pk, ITEMS],
        )
        # Obligation n: item n mod ITEMS, unit n mod UNITS; the first `due` are due now, the rest
        # have their next reminder spread over the coming year.
        cursor.execute(
            """
            INSERT INTO workflow_obligation (item_id, kind, round, owner, unit_id, starts_on, rule, due_on,
                provisional, next_remind_at, calendar_version, created_at)
            SELECT (SELECT min(id) FROM proposals_item) + (n %% %s),
                (ARRAY['acceptance','consultation','co_opinion','reply','follow_up'])[1 + n %% 5],
                1 + n / %s, 'unit', %s + (n %% %s), %s::date - 90, '{}'::jsonb, %s::date, false,
                CASE WHEN n < %s THEN %s::timestamptz - interval '1 minute'
                     ELSE %s::timestamptz + (n %% 365) * interval '1 day' + interval '1 hour' END,
                0, now()
            FROM generate_series(0, %s - 1) AS n
            """,
            [ITEMS, ITEMS, first_unit, UNITS, TODAY, TODAY, due, due_at, due_at, obligations],
        )
        cursor.execute("ANALYZE workflow_obligation; ANALYZE proposals_item; ANALYZE workflow_notification")


def timed_sweep(now):
    with mock.patch("notifications.delivery.enqueue"), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = sweep(now=now)
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--obligations", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="sweeps to time (the median is printed)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generate(args.obligations, args.due)
    print(
        f"generated {args.obligations:,} open obligations ({args.due:,} due) in {time.perf_counter() - started:.1f} s"
    )
    calendar.is_workday(TODAY)  # load the calendar index, as a running worker has it
    now = reminder_at(TODAY) + dt.timedelta(minutes=5)
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id FROM workflow_obligation WHERE next_remind_at <= %s "
            "AND fulfilled_at IS NULL AND cancelled_at IS NULL ORDER BY next_remind_at LIMIT 20000",
            [now],
        )
        plan = [row[0].strip() for row in cursor.fetchall()]
    scan = next(line for line in plan if "Scan" in line)
    print(f"find what is due: {scan.split('(')[0].strip()}, {plan[-1]}")
    timings = []
    for run in range(args.repeat):
        if run:
            reset(args.due, now)
        result, elapsed, queries = timed_sweep(now)
        timings.append(elapsed)
        print(
            f"sweep {run + 1}: {result.obligations:,} obligations due, {result.rows:,} notification rows, "
            f"{elapsed:.0f} ms, {queries} queries"
        )
    print(f"median sweep: {statistics.median(timings):.0f} ms")
    again, elapsed, queries = timed_sweep(now)
    print(f"second sweep at the same time: {again.obligations} due, {elapsed:.0f} ms, {queries} queries")
    print(
        f"stored: {Notification.objects.count():,} notifications; "
        f"{Obligation.objects.filter(next_remind_at__lte=now).count()} obligations still due"
    )


def reset(due, now):
    """Undo a sweep: the same obligations due again, no notifications."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE workflow_notification")
        cursor.execute(
            "UPDATE workflow_obligation SET next_remind_at = %s WHERE id <= %s", [now - dt.timedelta(minutes=6), due]
        )


if __name__ == "__main__":
    main()
