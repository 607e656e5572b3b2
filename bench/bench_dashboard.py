"""The office's dashboard (/office/) at 1,000,000 items against 50 items in the district (PostgreSQL).

    .venv/bin/python bench/bench_dashboard.py [--repeat 9] [--warmup 3] [--rebuild]

Two databases of the yearly report benchmark's shape (`bench_annual_report.build`: imported
proposals over 16 districts × 5 years, one lead unit each), copied from those of
`bench_list_load.py` when they exist (CREATE DATABASE … TEMPLATE), else built:

    jianyi_bench_dash_small   800 items: 50 in the measured district (bench00), 10 in its 2025
    jianyi_bench_dash_1m      1,000,000 items: 62,500 in bench00, 12,500 in its 2025

The imported items owe nothing, so each database then gets open work with set-based SQL: every
item followed up (5%) owes a follow-up report, every 50th item of 2025 is back in handling and
owes its reply, every 500th has an extension request pending; about half of the due dates are
past (overdue). The stored list facts of the measured district's open items (next due date, what
each waits for and on whom) are then stored as the services would (`store_list_facts`), and the
other districts' next due dates set from their obligations. Then VACUUM ANALYZE.

One child process per database (Django set up for it, DEBUG off) logs in an office clerk of
bench00 and answers "run" with the time of one GET /office/?year=2025&body=cppcc (the test client,
in-process: the view, its queries and the template). The parent sends `--warmup` runs to each, then
`--repeat` rounds (at least 5) that run both, small then large or large then small by turns, so that
noise on a shared machine weighs on both alike. It prints the median of each, the ratio of the
medians (with the range of the per-round ratios), and each query of one run with its time.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PG = "postgres://postgres@127.0.0.1:5432/"
SECRET_KEY = "bench-dashboard-only-secret-key-not-for-any-deployment-0123456789"  # noqa: S105 - bench only
DISTRICT, YEAR, USERNAME = "bench00", 2025, "bench_dash_office"
PATH = f"/office/?year={YEAR}&body=cppcc"
# name: (database, items, the list-load benchmark's database of the same data to copy)
DATABASES = {
    "50 items": ("jianyi_bench_dash_small", 800, "jianyi_bench_load_small"),
    "1M items": ("jianyi_bench_dash_1m", 1_000_000, "jianyi_bench_load_1m"),
}
MARKER = "bench dashboard work"

OPEN_WORK = """
UPDATE proposals_item SET state = 'handling', closed_at = NULL
WHERE title LIKE 'bench %%' AND year = %(year)s AND id %% 50 = 11;

INSERT INTO workflow_obligation (item_id, assignment_id, kind, round, owner, unit_id, starts_on, rule, due_on,
    provisional, fulfilled_at, on_time, cancelled_at, next_remind_at, calendar_version, created_at)
SELECT i.id, a.id, CASE WHEN i.state = 'handling' THEN 'reply' ELSE 'follow_up' END, 1, 'unit', a.unit_id,
    make_date(i.year, 2, 20), jsonb_build_object('note', %(marker)s::text),
    GREATEST(make_date(i.year, 2, 20), CURRENT_DATE - 30 + (i.id %% 60)::int), false, NULL, NULL, NULL, NULL, 0, now()
FROM proposals_item i JOIN workflow_assignment a ON a.item_id = i.id AND a.role = 'lead'
WHERE i.title LIKE 'bench %%' AND i.state IN ('following_up', 'handling');

INSERT INTO workflow_extension (assignment_id, reason, requested_until, requested_by_id, requested_at, state,
    granted_until, decided_by_id, decided_at, decision_note)
SELECT a.id, %(marker)s, make_date(i.year, 8, 1), NULL, now(), 'pending', NULL, NULL, NULL, ''
FROM proposals_item i JOIN workflow_assignment a ON a.item_id = i.id AND a.role = 'lead'
WHERE i.title LIKE 'bench %%' AND i.state = 'handling' AND i.id %% 500 = 11;

UPDATE proposals_item i SET next_due_on = o.first
FROM (SELECT item_id, min(due_on) AS first FROM workflow_obligation
      WHERE fulfilled_at IS NULL AND cancelled_at IS NULL GROUP BY item_id) o
WHERE o.item_id = i.id;
"""


def child_env(database):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=PG + database,
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


# --- In a child process, one per database ---------------------------------------------------------


def _setup():
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(ROOT))
    import bench_annual_report  # sets Django up for DATABASE_URL

    return bench_annual_report


def store_facts():
    """Store the list facts of the measured district's open items, as the services would have.

    OPEN_WORK writes the rows directly (items handled again, obligations owed): what those items
    wait for, on whom, and their next due date are stored from them (`workflow.progress`), so the
    dashboard's figures read what they would read in production.
    """
    from proposals.models import Item
    from workflow.progress import HANDLING_STATES, store_list_facts

    open_items = Item.objects.filter(district__code=DISTRICT, state__in=HANDLING_STATES)
    store_list_facts(list(open_items.values_list("pk", flat=True)))


def prepare(n_items):
    """Build (or reuse) the items, add the open work once, VACUUM ANALYZE; print what the district holds."""
    bench_annual_report = _setup()
    from django.db import connection, transaction

    from districts.models import District, Membership, Role, User
    from proposals.models import Item

    bench_annual_report.build(n_items)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM workflow_extension WHERE reason = %s", [MARKER])
        if not c.fetchone()[0]:
            with transaction.atomic():
                c.execute(OPEN_WORK, {"year": YEAR, "marker": MARKER})
                store_facts()
            bench_annual_report.vacuum()
    district = District.objects.get(code=DISTRICT)
    user, _ = User.objects.get_or_create(username=USERNAME)
    Membership.objects.get_or_create(user=user, role=Role.OFFICE, district=district)
    items = Item.objects.filter(district=district)
    print(
        json.dumps(
            {
                "items": Item.objects.count(),
                "district": items.count(),
                "district_year": items.filter(year=YEAR, body="cppcc").count(),
                "overdue": items.filter(year=YEAR, body="cppcc", next_due_on__lt=time.strftime("%Y-%m-%d")).count(),
            }
        )
    )


def serve():
    """Answer each "run" line with one GET of the dashboard: {"ms", "queries"}; "explain" adds each query's time."""
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from districts.models import User

    # No collectstatic here: static URLs without the manifest (as the tests do).
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    override_settings(STORAGES=plain).enable()
    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    for line in sys.stdin:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(PATH)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            print(json.dumps({"error": response.status_code}), flush=True)
            continue
        answer = {"ms": elapsed * 1000, "queries": len(ctx.captured_queries)}
        if line.strip() == "explain":
            answer["each"] = [(float(q["time"]) * 1000, q["sql"][:110]) for q in ctx.captured_queries]
        print(json.dumps(answer), flush=True)


# --- In the parent ----------------------------------------------------------------------------------


def ensure_databases(rebuild):
    """Copy each database from the list-load benchmark's when it exists (fast), else leave it to be built."""
    import psycopg2
    from bench_list_load import ensure_database

    conn = psycopg2.connect(PG + "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as c:
            for database, _n, source in DATABASES.values():
                if ensure_database(c, database, rebuild=rebuild, template=source) == "copied":
                    print(f"copied {source} to {database}", flush=True)
    finally:
        conn.close()


def start(database):
    return subprocess.Popen(  # noqa: S603 - our own interpreter and this script, fixed arguments
        [sys.executable, __file__, "--serve"],
        env=child_env(database),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def ask(child, line="run"):
    child.stdin.write(line + "\n")
    child.stdin.flush()
    answer = json.loads(child.stdout.readline())
    if "error" in answer:
        sys.exit(f"the dashboard answered {answer['error']}")
    return answer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="interleaved rounds (at least 5)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="drop the two databases and build them again")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare(args.prepare)
    if args.serve:
        return serve()
    if args.repeat < 5:
        parser.error("--repeat: the figures are medians of at least 5 interleaved rounds")
    ensure_databases(args.rebuild)
    for name, (database, n_items, _source) in DATABASES.items():
        out = subprocess.run(  # noqa: S603 - our own interpreter and this script, fixed arguments
            [sys.executable, __file__, "--prepare", str(n_items)],
            env=child_env(database),
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout
        facts = json.loads(out.strip().splitlines()[-1])
        print(
            f"{name}: {facts['items']:,} items, {facts['district']:,} in {DISTRICT}, {facts['district_year']:,} "
            f"in its {YEAR} (CPPCC), {facts['overdue']:,} of them overdue",
            flush=True,
        )
    children = {name: start(database) for name, (database, _n, _s) in DATABASES.items()}
    try:
        for child in children.values():
            for _ in range(args.warmup):
                ask(child)
        times = {name: [] for name in children}
        queries = {}
        for round_ in range(args.repeat):
            order = list(children) if round_ % 2 == 0 else list(reversed(children))
            for name in order:
                answer = ask(children[name])
                times[name].append(answer["ms"])
                queries[name] = answer["queries"]
        small, large = (times[name] for name in DATABASES)
        ratios = sorted(big / little for little, big in zip(small, large, strict=True))
        print(f"GET {PATH}, medians of {args.repeat} interleaved rounds")
        for name in DATABASES:
            print(f"  {name:10} {median(times[name]):7.1f} ms  {queries[name]} queries")
        print(f"  ratio {median(large) / median(small):.2f}×  (per round {ratios[0]:.2f}–{ratios[-1]:.2f}×)")
        for name in DATABASES:
            print(f"each query at {name} (one run):")
            for ms, sql in ask(children[name], "explain")["each"]:
                print(f"  {ms:6.1f} ms  {sql}")
    finally:
        for child in children.values():
            child.stdin.close()
            child.wait(timeout=30)


if __name__ == "__main__":
    main()
