"""The item list (/items/), first page, at 62,500 items in the district against 50, with open work (PostgreSQL).

    .venv/bin/python bench/bench_item_list.py [--rounds 7] [--rebuild]

Works on copies (CREATE DATABASE … TEMPLATE, made once and kept; `--rebuild` copies them again) of
the load benchmark's two databases (`bench_list_load.DATABASES`, built once with set-based SQL by
`bench_annual_report.build`), so that its migrations and facts never change what others measure:

    jianyi_bench_items_small  copy of jianyi_bench_load_small: 800 items, 50 in bench00
    jianyi_bench_items_1m     copy of jianyi_bench_load_1m: 1,000,000 items, 62,500 in bench00
                              (16 districts × 5 years)

(A source that does not exist yet is built first, as `bench_list_load.py` does.)

In both, `add_open_work` gives bench00 the work of a district in mid-year, not only closed items:
a fifth of its items are handled again (round 2) with the reply owed (its due date between 20
days ago and 40 days ahead: a third overdue), a reply at each approval step (the unit head, the
district leader, the office), a lead assignment returned to the office and not reassigned, an
assignment awaiting acceptance; one in twenty is followed up and owes a follow-up report. Each item's
stored next due date is the earliest of its open obligations, as the services keep it; then
VACUUM ANALYZE (autovacuum may be off), also after migrating a copy.

It then times GET /items/ (the first page, default filters) for an office clerk of bench00 and
a handler of its first unit in each database: `--rounds` interleaved rounds (at least 5), each
requesting every (reader, database) once after one untimed request (the reconnection to that
database), and prints the medians side by side, the ratio, the range of the per-round ratios,
and the queries of each page (which must not grow with the number of items). The handler is
compared twice: ("handler*", the issue's measure: the same page with 50 items) with a full page there,
the handler of a unit given every one of the small district's 50 items (`fill_unit`, in the small copy
only), and, for reference, with the page of its own unit's 1 item (a page that renders 49 rows fewer).
"""

import argparse
import os
import sys
import time
from pathlib import Path
from statistics import median

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DEBUG", "1")  # plain HTTP for the test client
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jianyi_bench_load_small")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DISTRICT = "bench00"
# Open work, by the item's id modulo 100 (of bench00's items, kept closed or followed up by the build).
OPEN_WORK = """
CREATE TEMP TABLE bench_open AS
SELECT i.id, i.id %% 100 AS bucket, a.id AS lead_id, a.unit_id
FROM proposals_item i
JOIN workflow_assignment a ON a.item_id = i.id AND a.role = 'lead'
WHERE i.district_id = %(district)s AND i.title LIKE 'bench %%' AND i.id %% 100 < 25;

-- 0-19: handled again (round 2: the proposer disagreed), so the round-1 reply stays as sent.
UPDATE proposals_item SET state = 'handling', round = 2, closed_at = NULL
WHERE id IN (SELECT id FROM bench_open WHERE bucket < 20);
-- 20-24: a planned outcome being followed up (its follow-up report owed below).
UPDATE proposals_item SET state = 'following_up', closed_at = NULL
WHERE id IN (SELECT id FROM bench_open WHERE bucket >= 20);

-- 16-17: the lead unit returned it; the office has not reassigned it yet.
UPDATE workflow_assignment SET state = 'returned', returned_at = now(), return_reason = '不属于本单位职责'
WHERE id IN (SELECT lead_id FROM bench_open WHERE bucket IN (16, 17));

-- 18-19: awaiting the unit's acceptance again.
UPDATE workflow_assignment SET state = 'pending', accepted_at = NULL
WHERE id IN (SELECT lead_id FROM bench_open WHERE bucket IN (18, 19));

-- 10-15: a round-2 reply at an approval step.
INSERT INTO workflow_reply (assignment_id, round, kind, state, version, text, reason, signer)
SELECT lead_id, 2, 'reply', CASE WHEN bucket < 13 THEN 'awaiting_head' WHEN bucket = 13 THEN 'awaiting_leader'
    ELSE 'awaiting_office' END, 1, '经研究，答复如下', '', ''
FROM bench_open WHERE bucket BETWEEN 10 AND 15;

-- What is owed: the reply (0-15), the acceptance (18-19), a follow-up report (items followed up).
INSERT INTO workflow_obligation (item_id, assignment_id, kind, round, owner, unit_id, starts_on, rule, due_on,
    provisional, calendar_version, created_at)
SELECT id, lead_id, CASE WHEN bucket >= 18 THEN 'acceptance' ELSE 'reply' END, 2, 'unit', unit_id,
    current_date - 90, '{"bench": true}'::jsonb, current_date + (id %% 60)::int - 20, false, 0, now()
FROM bench_open WHERE bucket < 16 OR bucket IN (18, 19)
UNION ALL
SELECT i.id, a.id, 'follow_up', 1, 'unit', a.unit_id, current_date - 90, '{"bench": true}'::jsonb,
    current_date + (i.id %% 90)::int - 10, false, 0, now()
FROM proposals_item i JOIN workflow_assignment a ON a.item_id = i.id AND a.role = 'lead'
WHERE i.district_id = %(district)s AND i.title LIKE 'bench %%' AND i.state = 'following_up';

UPDATE proposals_item i SET next_due_on = o.due_on
FROM (SELECT item_id, min(due_on) AS due_on FROM workflow_obligation
      WHERE fulfilled_at IS NULL AND cancelled_at IS NULL GROUP BY item_id) o
WHERE o.item_id = i.id AND i.district_id = %(district)s;
DROP TABLE bench_open;
"""


def add_open_work(district_code=DISTRICT):
    """Give the district's bench items open work (once: an obligation the bench made says it is done)."""
    from proposals.models import Item
    from workflow.models import Obligation

    district_id = Item.objects.filter(district__code=district_code).values_list("district_id", flat=True).first()
    if district_id is None or Obligation.objects.filter(item__district_id=district_id, rule__bench=True).exists():
        return False
    with connection.cursor() as c:
        c.execute(OPEN_WORK, {"district": district_id})
    return True


def store_facts(district_code=DISTRICT):
    """Store what the lists read (what an item waits for, on whom) as the services would, when it is stale.

    The build's SQL and `add_open_work` write the items' rows directly: when the stored facts of a
    sample of the district's items differ from the facts derived from scratch, every item's are stored.
    """
    from proposals.models import Item

    try:
        from workflow import progress
    except ImportError:  # before the lists read stored facts
        return False
    store, derive, stored = (
        getattr(progress, n, None) for n in ("store_list_facts", "derive_list_facts", "stored_list_facts")
    )
    if store is None:
        return False
    ids = list(Item.objects.filter(district__code=district_code).order_by("pk").values_list("pk", flat=True))
    sample = ids[:: max(1, len(ids) // 500)]
    if derive and stored and derive(sample) == stored(sample):
        return False
    for start in range(0, len(ids), 5000):
        store(ids[start : start + 5000])
    return True


RAW_TABLES = ("proposals_item", "workflow_assignment", "workflow_reply", "workflow_followup", "workflow_feedback")


def copies(rebuild):
    """{label: (copy, n_items)}: our copies of the load benchmark's databases, made when missing."""
    import psycopg2
    from bench_list_load import DATABASES, PG, ensure_database, ensure_databases

    ensure_databases(False)
    made = {}
    conn = psycopg2.connect(PG + "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as c:
            for label, (source, n_items) in DATABASES.items():
                database = source.replace("_load_", "_items_")
                ensure_database(c, database, rebuild=rebuild, template=source)
                made[label] = (database, n_items)
    finally:
        conn.close()
    return made


def pending_migrations():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def defaults_for_raw_inserts():
    """Give the columns the build's INSERTs don't name (added since it was written) their model's default.

    Django keeps defaults out of the database; the bench's set-based INSERTs name the columns they
    knew, so a NOT NULL column added later would refuse them. Bench databases only.
    """
    from django.apps import apps
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    models = {m._meta.db_table: m for m in apps.get_models()}
    with connection.cursor() as c:
        for table in RAW_TABLES:
            c.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_nullable = 'NO' AND column_default IS NULL",
                [table],
            )
            missing = {row[0] for row in c.fetchall()}
            for field in models[table]._meta.concrete_fields:
                if field.column in missing and field.has_default():
                    value = field.get_db_prep_save(field.get_default(), connection)
                    c.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{field.column}" SET DEFAULT %s', [value])


def switch(database):
    """Point the default connection at `database` (the next query reconnects)."""
    connection.close()
    connection.settings_dict["NAME"] = database


# In the small database only: a unit that holds every item of the district (a co-unit, done), so that its
# handler's first page is full (50 rows) as at 1,000,000 items: the same page, rendered alike, to compare.
FULL_UNIT = """
INSERT INTO workflow_assignment (item_id, unit_id, role, state, assigned_at, accepted_at, return_reason)
SELECT i.id, %(unit)s, 'co', 'done', now(), now(), '' FROM proposals_item i
WHERE i.district_id = %(district)s AND NOT EXISTS (
    SELECT 1 FROM workflow_assignment a WHERE a.item_id = i.id AND a.unit_id = %(unit)s AND a.state <> 'returned')
RETURNING item_id
"""


def fill_unit(district, unit):
    """Give `unit` every item of `district` it lacks (`FULL_UNIT`), their list facts stored; True if any."""
    from workflow.progress import store_list_facts

    with connection.cursor() as c:
        c.execute(FULL_UNIT, {"district": district.pk, "unit": unit.pk})
        ids = [row[0] for row in c.fetchall()]
    store_list_facts(ids)
    return bool(ids)


def prepare(database, n_items, *, full=False):
    """The data set, its open work and the readers, in `database`; their logged-in clients and the counts.

    `full`: also a handler of a unit holding every item of the district (`fill_unit`), "handler_full".
    """
    import bench_annual_report

    from districts.models import District, HandlingUnit, Membership, Role, User
    from proposals.models import Item
    from workflow.selectors import unit_items

    switch(database)
    migrated = pending_migrations()
    defaults_for_raw_inserts()
    bench_annual_report.build(n_items)
    district = District.objects.get(code=DISTRICT)
    unit, second = HandlingUnit.objects.filter(district=district).order_by("sort_order")[:2]
    if add_open_work() | store_facts() | migrated | (full and fill_unit(district, second)):
        bench_annual_report.vacuum()
    readers = {}
    roles = [
        ("office", {"role": Role.OFFICE, "district": district}),
        ("handler", {"role": Role.HANDLER, "district": district, "unit": unit}),
    ]
    if full:
        roles.append(("handler_full", {"role": Role.HANDLER, "district": district, "unit": second}))
    for name, membership in roles:
        user, _ = User.objects.get_or_create(username=f"bench_list_{name}")
        Membership.objects.get_or_create(user=user, **membership)
        client = Client()
        client.force_login(user)
        readers[name] = client
    counts = {
        "office": Item.objects.filter(district=district).count(),
        "handler": Item.objects.filter(pk__in=unit_items(unit.pk)).count(),
        "handler_full": Item.objects.filter(pk__in=unit_items(second.pk)).count(),
        "open": Item.objects.filter(district=district, state__in=["handling", "following_up"]).count(),
    }
    return readers, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (at least 5)")
    parser.add_argument("--rebuild", action="store_true", help="drop and build both databases again")
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("--rounds: the figures are medians of at least 5 interleaved rounds")
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL.")
    sides = {}
    for i, (label, (database, n_items)) in enumerate(copies(args.rebuild).items()):
        started = time.perf_counter()
        readers, counts = prepare(database, n_items, full=i == 0)
        sides[label] = (database, readers, counts)
        print(
            f"{database}: {counts['office']:,} items in {DISTRICT} ({counts['open']:,} handled or followed up), "
            f"{counts['handler']:,} for the handler ({time.perf_counter() - started:.0f} s)"
        )
    times = {(who, label): [] for who in ("office", "handler") for label in sides}
    small, large = list(sides)
    times["handler_full", small] = []
    queries = {}
    for _ in range(args.rounds):
        for who, label in times:
            database, readers, _counts = sides[label]
            switch(database)
            readers[who].get("/items/")  # untimed: the reconnection
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = readers[who].get("/items/")
                times[who, label].append(time.perf_counter() - started)
            assert response.status_code == 200 and b"bench " in response.content, (who, label, response.status_code)
            queries[who, label] = len(ctx.captured_queries)
    print(f"GET /items/ (first page, default filters); medians of {args.rounds} interleaved rounds")
    header = {label: f"{label} ({sides[label][2]['office']:,} in {DISTRICT})" for label in sides}
    print(f"{'':10}{header[small]:>30}{header[large]:>34}{'ratio':>8}  per-round ratios   queries")
    # The handler twice: against the page of its unit's 1 item at the small side, and against the full
    # page (50 rows) of a unit holding the small district's 50 items: the same rows to render.
    for who, small_who, name in (("office", "office", "office"), ("handler", "handler", "handler"),
                                 ("handler", "handler_full", "handler*")):  # fmt: skip
        a, b = times[small_who, small], times[who, large]
        ratios = sorted(y / x for x, y in zip(a, b, strict=True))
        print(
            f"{name:10}{median(a) * 1000:27.1f} ms{median(b) * 1000:31.1f} ms{median(b) / median(a):7.2f}×"
            f"  {ratios[0]:.2f}–{ratios[-1]:.2f}×{queries[small_who, small]:8} / {queries[who, large]}"
        )
        items = (sides[small][2][small_who], sides[large][2][who])
        print(f"{'':10}{f'({items[0]:,} items)':>30}{f'({items[1]:,} items)':>34}")
    print("handler*: a unit holding all 50 items of the small district, so both pages show 50 rows (the target)")
    print("handler:  the unit's own 1 item at the small side (a page of 1 row, for reference)")


if __name__ == "__main__":
    main()
