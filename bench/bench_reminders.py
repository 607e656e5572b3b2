"""Benchmark: the reminder sweep's selection of what is due, at two sizes side by side (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres jianyi_bench_rem
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianyi_bench_rem \\
        .venv/bin/python bench/bench_reminders.py [--sizes 10000 1000000] [--due 100 1000 10000] [--runs 9] [--sweeps 3]

Builds one data set per size of `--sizes` (open obligations), each in its own schema of the
database (`bench_rem_<size>`, built and migrated by a child process whose search_path is
that schema; kept and reused by the next run, `--rebuild` builds them again), set-based in
SQL (generate_series): one item per 10 obligations (at least as many items as the largest
`--due`), 60 units with one handler each. Obligation n (n < the largest `--due`) reminds at
T + n seconds, so a sweep at T + d seconds has exactly d obligations due, each on its own
item, in the same places of the table at every size; the others remind later in the year.
Then VACUUM ANALYZE (autovacuum may be off), every run.

The selection timed is the sweep's own: the statements `notifications.reminders._lock_due`
sends, captured from the ORM (`execute_wrapper`) and replayed as they are — its planner
settings, then the select with `FOR NO KEY UPDATE … SKIP LOCKED` — in a transaction rolled
back. For each number due, the sizes take turns `--runs` times (after one warm-up each); the
median per size is printed, and the ratio of each size to the smallest as the median of the
runs' ratios (a run times the sizes one right after the other, under the same load of a
shared machine). Every plan (EXPLAIN ANALYZE, rolled back) must read the due obligations in
order through `obligation_reminder_due_idx` and each one's item through `proposals_item_pkey`:
no Seq Scan, Hash Join, Merge Join or Sort. Each plan's nodes are printed, and in full the
plan at the largest size and smallest number due. A wrong plan makes the bench exit with
status 1, after printing everything.

Then `--sweeps` whole sweeps at the largest size and largest number due (find, decide,
record every notification in one insert, advance; undone after each) and a second sweep at
the same moment, which must find nothing; then CLUSTER puts the swept rows back in place.
Handing rows to Celery is left out (no broker): that is one message per row after commit,
outside the transaction.

On the development machine (2 shared cores, shared with other work) a first run takes
70–80 s (building the 1,000,000 obligations 45–60 s, each whole sweep 3–5 s); a run reusing
the data about 20 s, 10 s with `--sweeps 0`.
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

UNITS = 60
TODAY = dt.date(2026, 11, 18)  # a Wednesday in a plain week
# The first candidate's reminder: 3 hours before REMINDER_TIME, so T + the largest --due seconds is still before it.
LEAD = dt.timedelta(hours=3)
DATA_VERSION = "bench_reminders 2"  # the schema's comment: which layout its rows have
PLAN_MUST_USE = ("obligation_reminder_due_idx", "proposals_item_pkey")
PLAN_MUST_NOT = ("Seq Scan", "Hash Join", "Merge Join", "Sort")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000], help="open obligations")
    parser.add_argument("--due", type=int, nargs="+", default=[100, 1_000, 10_000], help="obligations due")
    parser.add_argument("--runs", type=int, default=9, help="interleaved timed runs per size and number due")
    parser.add_argument("--sweeps", type=int, default=3, help="whole sweeps to time at the largest size")
    parser.add_argument("--rebuild", action="store_true", help="build the data sets again")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)  # build this size's schema (a child process)
    args = parser.parse_args()
    args.sizes, args.due = sorted(set(args.sizes)), sorted(set(args.due))
    if args.runs < 5:
        parser.error("--runs: at least 5 (the machine is shared; one run means nothing)")
    if args.due[-1] > args.sizes[0]:
        parser.error("every size must hold the largest number due")
    return args


def schema(size):
    return f"bench_rem_{size}"


def search_path(options, name):
    """Django database OPTIONS whose connections see the tables of schema `name`."""
    return {**options, "options": f"{options.get('options', '')} -c search_path={name}".strip()}


import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

ARGS = parse_args() if __name__ == "__main__" else None
if ARGS:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://...")
    # The ORM works on one data set: the largest (the whole sweep), or the one a child process builds.
    # The settings set `options` themselves, so DATABASE_URL cannot carry the search_path.
    OPTIONS = settings.DATABASES["default"].get("OPTIONS", {})
    settings.DATABASES["default"]["OPTIONS"] = search_path(OPTIONS, schema(ARGS.build or ARGS.sizes[-1]))

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from deadlines import calendar  # noqa: E402
from districts.models import District, HandlingUnit, Membership, Role, User  # noqa: E402
from notifications import reminders  # noqa: E402
from notifications.models import Notification  # noqa: E402
from workflow.models import Obligation  # noqa: E402


def first_reminder():
    return reminders.reminder_at(TODAY) - LEAD


def moment_with_due(due):
    """The sweep's `now` at which exactly `due` obligations are due."""
    return first_reminder() + dt.timedelta(seconds=due - 1, milliseconds=500)


def prepare(size, candidates, rebuild):
    """A connection alias to the schema of `size`, built first in a child process unless it already holds the data."""
    alias = "default" if size == ARGS.sizes[-1] else f"size_{size}"
    if alias not in connections.settings:
        connections.settings[alias] = {**connections.settings["default"], "OPTIONS": search_path(OPTIONS, schema(size))}
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT obj_description(oid) FROM pg_namespace WHERE nspname = %s", [schema(size)])
        built = (cursor.fetchone() or [None])[0]
    if built == data_version(size, candidates) and not rebuild:
        print(f"{size:>9,} open obligations: reusing schema {schema(size)}")
        return alias
    started = time.perf_counter()
    command = [sys.executable, __file__, "--build", str(size), "--sizes", str(size), "--due", str(candidates)]
    subprocess.run(command, check=True)  # noqa: S603
    print(f"{size:>9,} open obligations: built schema {schema(size)} in {time.perf_counter() - started:.0f} s")
    return alias


def data_version(size, candidates):
    return f"{DATA_VERSION} obligations={size} candidates={candidates}"


def build(size, candidates):
    """Create, migrate and fill the schema of `size`, the default alias's (in a child process of its own)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema(size)}")
    call_command("migrate", verbosity=0)
    generate(size, candidates)
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA {schema(size)} IS %s", [data_version(size, candidates)])


def generate(obligations, candidates):
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
    users = User.objects.bulk_create(
        User(username=f"bench-{unit.pk}", email=f"u{unit.pk}@example.cn", phone="13800000000") for unit in units
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.HANDLER, district=district, unit=unit)
        for user, unit in zip(users, units, strict=True)
    )
    items = max(obligations // 10, candidates)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO proposals_item (district_id, year, body, kind, number, title, text, review,
                rejection_reason, state, round, is_key, disclosure, is_imported, created_at, updated_at)
            SELECT %s, 2026, 'cppcc', 'proposal', lpad(n::text, 7, '0'), '关于第' || n || '号事项的建议', '',
                'registered', '', 'handling', 1, n %% 20 = 0, 'on_request', false, now(), now()
            FROM generate_series(1, %s) AS n
            """,
            [district.pk, items],
        )
        # Obligation n: item n mod items, unit n mod UNITS. The first `candidates` remind one
        # second apart from first_reminder(), the rest over the coming year.
        cursor.execute(
            """
            INSERT INTO workflow_obligation (item_id, kind, round, owner, unit_id, starts_on, rule, due_on,
                provisional, next_remind_at, calendar_version, created_at)
            SELECT (SELECT min(id) FROM proposals_item) + (n %% %s),
                (ARRAY['acceptance','consultation','co_opinion','reply','follow_up'])[1 + n %% 5],
                1 + n / %s, 'unit', %s + (n %% %s), %s::date - 90, '{}'::jsonb, %s::date, false,
                CASE WHEN n < %s THEN %s::timestamptz + n * interval '1 second'
                     ELSE %s::timestamptz + (n %% 365) * interval '1 day' + interval '1 hour' END,
                0, now()
            FROM generate_series(0, %s - 1) AS n
            """,
            [
                *(items, items, units[0].pk, UNITS, TODAY, TODAY),
                *(candidates, first_reminder(), reminders.reminder_at(TODAY), obligations),
            ],
        )


def reset(alias, candidates):
    """Undo sweeps: no notifications, the candidates' reminders back where generate() put them."""
    with connections[alias].cursor() as cursor:
        cursor.execute("TRUNCATE workflow_notification")
        cursor.execute(
            """
            UPDATE workflow_obligation SET next_remind_at = %s::timestamptz + (id - 1) * interval '1 second'
            WHERE id <= %s AND next_remind_at IS DISTINCT FROM %s::timestamptz + (id - 1) * interval '1 second'
            """,
            [first_reminder(), candidates, first_reminder()],
        )


def vacuum_analyze(alias):
    """VACUUM ANALYZE (autovacuum may be off), index entries of dead rows removed even when few."""
    with connections[alias].cursor() as cursor:
        for table in ("workflow_obligation", "proposals_item", "workflow_notification"):
            cursor.execute(f"VACUUM (ANALYZE, INDEX_CLEANUP ON) {table}")


def lock_due_statements(now):
    """[(sql, params)]: what `_lock_due(now)` sends to the database, captured in a rolled-back transaction."""
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(capture):
        reminders._lock_due(now)
        transaction.set_rollback(True)
    return statements


def replay(alias, statements, explain=False):
    """Run `statements` in a transaction rolled back: (milliseconds, rows of the selection).

    The selection is the statement that locks (`FOR NO KEY UPDATE`), else the last one; with
    `explain` it runs under EXPLAIN ANALYZE and its plan's lines are returned as its rows.
    """
    selection = next(
        (index for index, (sql, _params) in enumerate(statements) if "FOR NO KEY UPDATE" in sql),
        len(statements) - 1,
    )
    with transaction.atomic(using=alias):
        raw = connections[alias].connection  # psycopg's own connection: no debug logging in the timing
        with raw.cursor() as cursor:
            started = time.perf_counter()
            for index, (sql, params) in enumerate(statements):
                if explain and index == selection:
                    sql = "EXPLAIN (ANALYZE, BUFFERS) " + sql
                cursor.execute(sql, params)
                rows = cursor.fetchall() if cursor.description else []
                if index == selection:
                    result = rows
            elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True, using=alias)
    return elapsed, result


def plan_problems(plan):
    text = "\n".join(plan)
    return [f"uses {bad}" for bad in PLAN_MUST_NOT if bad in text] + [
        f"does not use {name}" for name in PLAN_MUST_USE if name not in text
    ]


def nodes(plan):
    """The plan's node names, outermost first: 'Limit > LockRows > Nested Loop > …'."""
    names = []
    for line in plan:
        node = line.strip().removeprefix("->").strip()
        if line is plan[0] or line.lstrip().startswith("->"):
            names.append(node.split("  (")[0])
    return " > ".join(names)


def measure_selection(aliases, due_levels, runs):
    """Time the selection at every size and number due; check its plans. Return the plan problems found."""
    sizes = list(aliases)
    problems = []
    print(
        f"\nthe sweep's selection (_lock_due), rolled back, {runs} runs taking turns: ms at each size (median);"
        f" against the smallest size, the median of the runs' ratios (lowest–highest)"
    )
    header = "".join(f"{f'{size:,} open':>16}" for size in sizes)
    ratios = "".join(f"{f'{size:,}/{sizes[0]:,}':>26}" for size in sizes[1:])
    print(f"{'due':>8}{header}{ratios}")
    plans = {}
    for due in due_levels:
        statements = lock_due_statements(moment_with_due(due))
        times = {size: [] for size in sizes}
        for run in range(runs + 1):  # run 0 warms up
            order = sizes if run % 2 else sizes[::-1]
            for size in order:
                elapsed, rows = replay(aliases[size], statements)
                if len(rows) != due:
                    sys.exit(f"{size:,} open, {due:,} due: the selection returned {len(rows):,} rows")
                if run:
                    times[size].append(elapsed)
        line = "".join(f"{statistics.median(times[size]):>16.1f}" for size in sizes)
        for size in sizes[1:]:
            each = [mine / smallest for mine, smallest in zip(times[size], times[sizes[0]], strict=True)]
            line += f"{statistics.median(each):>14.2f} ({min(each):.2f}–{max(each):.2f})"
        print(f"{due:>8,}{line}")
        for size in sizes:
            _elapsed, plan = replay(aliases[size], statements, explain=True)
            plans[size, due] = [row[0] for row in plan]
            problems += [f"{size:,} open, {due:,} due: plan {p}" for p in plan_problems(plans[size, due])]
    print("\nplans (node by node):")
    for (size, due), plan in plans.items():
        print(f"  {size:>9,} open, {due:>6,} due: {nodes(plan)}")
    print(f"\nplan at {sizes[-1]:,} open obligations, {due_levels[0]:,} due:")
    print("\n".join("  " + line for line in plans[sizes[-1], due_levels[0]]))
    print("\nstatements of _lock_due:\n" + "\n".join(f"  {sql}" for sql, _params in statements))
    return problems


def timed_sweep(now):
    with mock.patch("notifications.delivery.enqueue"), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = reminders.sweep(now=now)
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, len(queries)


def measure_sweeps(size, due, sweeps, candidates):
    now = moment_with_due(due)
    print(f"\nwhole sweeps at {size:,} open obligations, {due:,} due:")
    timings = []
    for run in range(sweeps):
        result, elapsed, queries = timed_sweep(now)
        timings.append(elapsed)
        print(
            f"sweep {run + 1}: {result.obligations:,} obligations due, {result.rows:,} notification rows, "
            f"{elapsed:.0f} ms, {queries} queries"
        )
        if run < sweeps - 1:
            reset("default", candidates)
    print(f"median sweep: {statistics.median(timings):.0f} ms")
    again, elapsed, queries = timed_sweep(now)
    print(f"second sweep at the same time: {again.obligations} due, {elapsed:.0f} ms, {queries} queries")
    print(
        f"stored: {Notification.objects.count():,} notifications; "
        f"{Obligation.objects.filter(next_remind_at__lte=now).count()} obligations still due"
    )
    reset("default", candidates)
    # The sweeps moved the candidates' rows to the end of the table: put them back in place, as
    # built, so that the next run compares the sizes with the due rows laid out alike.
    with connection.cursor() as cursor:
        cursor.execute("CLUSTER workflow_obligation USING workflow_obligation_pkey")
    return [] if again.obligations == 0 and again.rows == 0 else ["the second sweep found something due"]


def main():
    if ARGS.build:
        build(ARGS.build, ARGS.due[-1])
        return
    started = time.perf_counter()
    candidates = ARGS.due[-1]
    aliases = {size: prepare(size, candidates, ARGS.rebuild) for size in ARGS.sizes}
    for alias in aliases.values():
        reset(alias, candidates)
        vacuum_analyze(alias)
    calendar.is_workday(TODAY)  # load the calendar index, as a running worker has it
    problems = measure_selection(aliases, ARGS.due, ARGS.runs)
    if ARGS.sweeps:
        problems += measure_sweeps(ARGS.sizes[-1], ARGS.due[-1], ARGS.sweeps, candidates)
    print(f"\ntook {time.perf_counter() - started:.0f} s")
    if problems:
        print("\nFAILED:\n" + "\n".join(f"  {problem}" for problem in problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
