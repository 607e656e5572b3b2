"""The yearly report on a province-sized data set (PostgreSQL), against the same figures in hand-written SQL.

    createdb -h 127.0.0.1 -U postgres jianyi_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianyi_bench \
        .venv/bin/python bench/bench_annual_report.py [--items 1000000] [--repeat 3]

Builds `--items` imported CPPCC proposals over 16 districts × 5 years with set-based SQL
(INSERT … SELECT generate_series): one lead unit each, a co-unit for one in five, a sent
reply (A 80%, B 7%, C 13%; 2% unreplied), a later B→A conversion for a third of the B
items, feedback with a rating for 93% and praise for a quarter, 5% published, 2% key
items, then VACUUM ANALYZE (autovacuum may be off). Then it times `reports.annual.annual_report`
for one district-year and `annual_reports` for all 16 districts of a year (one call,
grouped by district) against raw SQL computing the same aggregates (this year, last year,
units): `--repeat` rounds (at least 5), each running the four one after the other, so a
noisy shared machine weighs on all of them alike. It prints the median of each and the
ratio of the medians (with the range of the per-round ratios), and the connection's `jit`
setting (config/settings.py turns JIT off; see docs/reports.md).
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from districts.models import District, HandlingUnit, Proposer, User  # noqa: E402
from proposals.models import Category, Item  # noqa: E402
from reports.annual import annual_report, annual_reports, end_of  # noqa: E402
from workflow.defaults import ensure_body_settings  # noqa: E402
from workflow.models import BodySetting  # noqa: E402

DISTRICTS, YEARS, UNITS = 16, (2021, 2022, 2023, 2024, 2025), 50
CATEGORIES = ["经济", "城市建设和管理", "教科文卫体", "综合"]


def build(n_items):
    """Districts, units and categories through the ORM; items and their handling with set-based SQL."""
    call_command("migrate", verbosity=0)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM proposals_item WHERE title LIKE 'bench %%'")
        if c.fetchone()[0] == n_items:
            print(f"reusing {n_items:,} items already built")
            vacuum()
            return
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as c:
            bench_items = "SELECT id FROM proposals_item WHERE title LIKE 'bench %%'"
            c.execute(f"DELETE FROM workflow_followup WHERE item_id IN ({bench_items})")
            c.execute(f"DELETE FROM workflow_feedback WHERE item_id IN ({bench_items})")
            c.execute(
                "DELETE FROM workflow_reply WHERE assignment_id IN "
                f"(SELECT id FROM workflow_assignment WHERE item_id IN ({bench_items}))"
            )
            c.execute(f"DELETE FROM workflow_assignment WHERE item_id IN ({bench_items})")
            c.execute("DELETE FROM proposals_item WHERE title LIKE 'bench %%'")
        user, _ = User.objects.get_or_create(username="bench")
        for d in range(DISTRICTS):
            district, _ = District.objects.get_or_create(code=f"bench{d:02d}", defaults={"name": f"基准{d:02d}区"})
            ensure_body_settings(district)
            for i, name in enumerate(CATEGORIES):
                Category.objects.get_or_create(district=district, name=name, defaults={"sort_order": i})
            for u in range(UNITS):
                HandlingUnit.objects.get_or_create(district=district, name=f"单位{u:02d}", defaults={"sort_order": u})
            Proposer.objects.get_or_create(district=district, body="cppcc", name="委员")
        setting = BodySetting.objects.get(district__code="bench00", body="cppcc")
        outcomes = list(setting.scheme.categories.order_by("sort_order").values_list("id", flat=True))
        ratings = list(setting.rating_scale.values.order_by("sort_order").values_list("id", flat=True))
        with connection.cursor() as c:
            c.execute("""
                CREATE TEMP TABLE bench_d AS
                SELECT (row_number() OVER (ORDER BY code) - 1)::int AS idx, id FROM districts_district
                WHERE code LIKE 'bench%%';
                CREATE TEMP TABLE bench_c AS SELECT district_id, sort_order AS idx, id FROM proposals_category
                WHERE district_id IN (SELECT id FROM bench_d);
                CREATE TEMP TABLE bench_u AS SELECT district_id, sort_order AS idx, id FROM districts_handlingunit
                WHERE district_id IN (SELECT id FROM bench_d);
                CREATE TEMP TABLE bench_p AS SELECT district_id, id FROM districts_proposer
                WHERE district_id IN (SELECT id FROM bench_d);
            """)  # fmt: skip
            c.execute("""
                INSERT INTO proposals_item (district_id, year, body, kind, number, title, text, category_id, review,
                    rejection_reason, state, round, is_key, disclosure, closed_at, is_imported, created_at, updated_at,
                    office_waiting_on, office_waits_for, outside_waiting_on, outside_waits_for, replies_in_approval)
                SELECT d.id, y.year, 'cppcc', 'proposal', lpad(g::text, 8, '0'), 'bench ' || g, '', c.id, 'registered',
                    '', CASE WHEN g %% 20 < 19 THEN 'closed' ELSE 'following_up' END, 1, g %% 50 = 3, 'on_request',
                    CASE WHEN g %% 20 < 19 THEN make_timestamptz(y.year, 9, 1, 12, 0, 0) END, true, now(), now(),
                    -- the list's stored facts: the model's defaults (the report reads none of them)
                    'office', 'review', 'office', 'review', '{}'::jsonb
                FROM generate_series(0, %(n)s - 1) g
                CROSS JOIN LATERAL (SELECT 2021 + (g / 16) %% 5 AS year) y
                JOIN bench_d d ON d.idx = g %% 16
                JOIN bench_c c ON c.district_id = d.id AND c.idx = (g / 80) %% 4
            """, {"n": n_items})  # fmt: skip
            c.execute("""
                INSERT INTO workflow_assignment (item_id, unit_id, role, state, assigned_at, accepted_at, return_reason,
                    assigned_by_id)
                SELECT i.id, u.id, r.role, 'done', make_timestamptz(i.year, 2, 20, 12, 0, 0),
                    make_timestamptz(i.year, 2, 20, 12, 0, 0), '', %(user)s
                FROM proposals_item i
                JOIN bench_d d ON d.id = i.district_id
                CROSS JOIN (VALUES ('lead', 0), ('co', 1)) r(role, shift)
                JOIN bench_u u ON u.district_id = i.district_id AND u.idx = (i.id + r.shift) %% 50
                WHERE i.title LIKE 'bench %%' AND (r.role = 'lead' OR i.id %% 5 = 0)
            """, {"user": user.pk})  # fmt: skip
            c.execute("""
                INSERT INTO workflow_reply (assignment_id, round, kind, state, version, text, category_id,
                    category_at_reply_id, reason, signer, sent_at, published_at)
                SELECT a.id, 1, 'reply', 'sent', 1, '', o.id, o.id, '', '', make_timestamptz(i.year, 5, 1, 12, 0, 0),
                    CASE WHEN i.id %% 20 = 0 THEN make_timestamptz(i.year, 5, 2, 12, 0, 0) END
                FROM workflow_assignment a JOIN proposals_item i ON i.id = a.item_id
                JOIN (SELECT unnest(%(outcomes)s::int[]) AS id, generate_series(0, 2) AS idx) o
                    ON o.idx = CASE WHEN i.id %% 100 < 80 THEN 0 WHEN i.id %% 100 < 87 THEN 1 ELSE 2 END
                WHERE a.role = 'lead' AND i.title LIKE 'bench %%' AND i.id %% 50 <> 7
            """, {"outcomes": outcomes})  # fmt: skip
            c.execute("""
                INSERT INTO workflow_followup (item_id, reply_id, progress, converted_from_id, converted_to_id,
                    reported_by_id, reported_at)
                SELECT a.item_id, r.id, 'bench', r.category_id, %(a)s, %(user)s,
                    make_timestamptz(extract(year FROM r.sent_at)::int, 11, 1, 12, 0, 0)
                FROM workflow_reply r JOIN workflow_assignment a ON a.id = r.assignment_id
                WHERE r.category_id = %(b)s AND a.item_id %% 3 = 0;
                UPDATE workflow_reply SET category_id = %(a)s
                WHERE id IN (SELECT reply_id FROM workflow_followup WHERE progress = 'bench');
            """, {"a": outcomes[0], "b": outcomes[1], "user": user.pk})  # fmt: skip
            c.execute("""
                INSERT INTO workflow_feedback (item_id, round, proposer_id, rating_id, praised, comment, on_behalf,
                    submitted_at, recorded_by_id)
                SELECT i.id, 1, p.id, (%(ratings)s::int[])[1 + (CASE WHEN i.id %% 10 < 8 THEN 0 ELSE i.id %% 4 END)],
                    i.id %% 4 = 0, '', true, make_timestamptz(i.year, 6, 1, 12, 0, 0), %(user)s
                FROM proposals_item i JOIN bench_p p ON p.district_id = i.district_id
                WHERE i.title LIKE 'bench %%' AND i.id %% 100 < 93 AND i.id %% 50 <> 7
            """, {"ratings": ratings, "user": user.pk})  # fmt: skip
            c.execute("DROP TABLE bench_d, bench_c, bench_u, bench_p")
    vacuum()
    print(f"built {n_items:,} items in {time.perf_counter() - started:.0f} s")


def vacuum():
    """VACUUM ANALYZE the tables (autovacuum may be off): statistics, and visibility maps for index-only scans."""
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")


RAW_ITEMS = """
WITH items AS (
    SELECT id, district_id, category_id, closed_at, is_key FROM proposals_item
    WHERE district_id = ANY(%(districts)s) AND year = %(year)s AND body = 'cppcc' AND kind = 'proposal'
      AND review = 'registered'
), leads AS (
    SELECT a.id, a.item_id FROM workflow_assignment a JOIN items i ON i.id = a.item_id
    WHERE a.role IN ('lead', 'split_lead') AND a.state <> 'returned'
), sent AS (
    SELECT r.id, r.assignment_id, r.kind, r.sent_at, r.category_id, r.category_at_reply_id, r.published_at
    FROM workflow_reply r JOIN leads l ON l.id = r.assignment_id
    WHERE r.sent_at IS NOT NULL AND r.sent_at < %(end)s
), latest AS (
    SELECT DISTINCT ON (assignment_id) assignment_id, id, category_id FROM sent
    ORDER BY assignment_id, sent_at DESC, id DESC
), first_sent AS (
    SELECT DISTINCT ON (assignment_id) assignment_id, category_at_reply_id FROM sent
    ORDER BY assignment_id, sent_at, id
), converted AS (
    SELECT DISTINCT ON (f.reply_id) f.reply_id, f.converted_from_id
    FROM workflow_followup f JOIN latest ON latest.id = f.reply_id
    WHERE f.converted_from_id IS NOT NULL AND f.reported_at >= %(end)s
    ORDER BY f.reply_id, f.reported_at, f.id
), replied_leads AS (
    SELECT DISTINCT assignment_id FROM sent WHERE kind = 'reply'
), per_item AS (
    SELECT l.item_id, bool_and(rl.assignment_id IS NOT NULL) AS replied,
           max(now_c.sort_order) AS outcome, max(first_c.sort_order) AS first_outcome
    FROM leads l
    LEFT JOIN replied_leads rl ON rl.assignment_id = l.id
    LEFT JOIN latest ON latest.assignment_id = l.id
    LEFT JOIN converted cv ON cv.reply_id = latest.id
    LEFT JOIN workflow_outcomecategory now_c ON now_c.id = COALESCE(cv.converted_from_id, latest.category_id)
    LEFT JOIN first_sent fs ON fs.assignment_id = l.id
    LEFT JOIN workflow_outcomecategory first_c ON first_c.id = fs.category_at_reply_id
    GROUP BY l.item_id
), rating AS (
    SELECT DISTINCT ON (f.item_id) f.item_id, rv.sort_order
    FROM workflow_feedback f JOIN items i ON i.id = f.item_id LEFT JOIN workflow_ratingvalue rv ON rv.id = f.rating_id
    WHERE f.submitted_at < %(end)s
    ORDER BY f.item_id, f.round DESC, f.rating_id IS NULL, f.submitted_at DESC, f.id DESC
), praised AS (
    SELECT DISTINCT f.item_id FROM workflow_feedback f JOIN items i ON i.id = f.item_id
    WHERE f.praised AND f.submitted_at < %(end)s
), published AS (
    SELECT DISTINCT l.item_id FROM sent s JOIN leads l ON l.id = s.assignment_id WHERE s.published_at < %(end)s
)
SELECT i.district_id, i.category_id, count(*) AS total,
       count(*) FILTER (WHERE p.replied) AS replied,
       count(*) FILTER (WHERE i.closed_at < %(end)s) AS closed,
       count(*) FILTER (WHERE r.sort_order IS NOT NULL) AS rated,
       count(pr.item_id) AS praised,
       count(*) FILTER (WHERE i.is_key) AS key_items,
       count(*) FILTER (WHERE i.is_key AND i.closed_at < %(end)s) AS key_items_closed,
       count(*) FILTER (WHERE p.replied AND pub.item_id IS NOT NULL) AS disclosed,
       count(*) FILTER (WHERE p.replied AND p.outcome = 1) AS outcome_1,
       count(*) FILTER (WHERE p.replied AND p.outcome = 2) AS outcome_2,
       count(*) FILTER (WHERE p.replied AND p.outcome = 3) AS outcome_3,
       count(*) FILTER (WHERE p.replied AND p.first_outcome = 1) AS first_1,
       count(*) FILTER (WHERE p.replied AND p.first_outcome = 2) AS first_2,
       count(*) FILTER (WHERE p.replied AND p.first_outcome = 3) AS first_3,
       count(*) FILTER (WHERE r.sort_order = 1) AS rating_1,
       count(*) FILTER (WHERE r.sort_order = 2) AS rating_2,
       count(*) FILTER (WHERE r.sort_order = 3) AS rating_3,
       count(*) FILTER (WHERE r.sort_order = 4) AS rating_4
FROM items i
LEFT JOIN per_item p ON p.item_id = i.id
LEFT JOIN rating r ON r.item_id = i.id
LEFT JOIN praised pr ON pr.item_id = i.id
LEFT JOIN published pub ON pub.item_id = i.id
GROUP BY i.district_id, i.category_id
"""
RAW_UNITS = """
SELECT i.district_id, a.unit_id, count(DISTINCT a.item_id),
       count(DISTINCT a.item_id) FILTER (WHERE a.role IN ('lead', 'split_lead'))
FROM workflow_assignment a JOIN proposals_item i ON i.id = a.item_id
WHERE i.district_id = ANY(%(districts)s) AND i.year = %(year)s AND i.body = 'cppcc' AND i.kind = 'proposal'
  AND i.review = 'registered' AND a.state <> 'returned'
GROUP BY i.district_id, a.unit_id
"""


def raw_report(districts, year, as_of):
    """The same figures in hand-written SQL: this year by district and category, last year, units."""
    with connection.cursor() as c:
        c.execute(RAW_ITEMS, {"districts": districts, "year": year, "end": end_of(as_of)})
        rows = c.fetchall()
        c.execute(RAW_ITEMS, {"districts": districts, "year": year - 1, "end": end_of(as_of.replace(year=year - 1))})
        c.fetchall()
        c.execute(RAW_UNITS, {"districts": districts, "year": year})
        c.fetchall()
    return rows


def interleaved(repeat, runs):
    """Each of `runs` (name: function) once per round, `repeat` rounds; the seconds of each run, by name."""
    times = {name: [] for name in runs}
    for _ in range(repeat):
        for name, fn in runs.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return times


def built_data_set(doc):
    """`--items` and `--repeat` from the command line, once the data set of that size is built (PostgreSQL)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (at least 5)")
    args = parser.parse_args()
    if args.repeat < 5:
        parser.error("--repeat: the figures are medians of at least 5 interleaved rounds")
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    build(args.items)
    return args


def main():
    args = built_data_set(__doc__)
    districts = list(District.objects.filter(code__startswith="bench").order_by("code"))
    year, as_of = YEARS[-1], dt.date(YEARS[-1], 12, 31)
    one = districts[0]
    per_district_year = Item.objects.filter(district=one, year=year).count()
    report = annual_report(district=one, year=year, body="cppcc", as_of=as_of)
    raw_rows = raw_report([one.pk], year, as_of)  # (district, category, total, replied, closed, rated, …)
    raw_sums = [sum(r[i] for r in raw_rows) for i in (2, 3, 4, 5)]
    assert raw_sums == [report[k] for k in ("total", "replied", "closed", "rated")], "the report and raw SQL disagree"
    assert report["total"] == per_district_year
    all_reports = annual_reports(districts=districts, year=year, body="cppcc", as_of=as_of)
    assert all_reports[one.code] == report, "annual_reports and annual_report disagree"
    raw_totals = {}
    for r in raw_report([d.pk for d in districts], year, as_of):
        raw_totals[r[0]] = raw_totals.get(r[0], 0) + r[2]
    assert {d.pk: raw_totals.get(d.pk, 0) for d in districts} == {
        d.pk: all_reports[d.code]["total"] for d in districts
    }, "the reports and raw SQL disagree"
    print(
        f"data: {args.items:,} items, {per_district_year:,} in one district-year; report: total {report['total']}, "
        f"replied {report['replied']}, resolution {report['resolution_rate']}% "
        f"(at reply {report['resolution_rate_at_reply']}%), rated {report['rated']} (raw SQL agrees)"
    )
    all_pks = [d.pk for d in districts]
    times = interleaved(
        args.repeat,
        {
            ("one district-year", "orm"): lambda: annual_report(district=one, year=year, body="cppcc", as_of=as_of),
            ("one district-year", "raw"): lambda: raw_report([one.pk], year, as_of),
            ("all 16 districts of a year", "orm"): lambda: annual_reports(
                districts=districts, year=year, body="cppcc", as_of=as_of
            ),
            ("all 16 districts of a year", "raw"): lambda: raw_report(all_pks, year, as_of),
        },
    )
    with connection.cursor() as c:
        c.execute("SHOW jit")
        print(f"jit = {c.fetchone()[0]}; medians of {args.repeat} interleaved rounds")
    print(f"{'':28} {'report (ORM)':>14} {'raw SQL':>10} {'ratio':>7}  per-round ratios")
    for name in ("one district-year", "all 16 districts of a year"):
        orm, raw = times[name, "orm"], times[name, "raw"]
        ratios = sorted(o / r for o, r in zip(orm, raw, strict=True))
        print(
            f"{name:28} {median(orm) * 1000:11.0f} ms {median(raw) * 1000:7.0f} ms {median(orm) / median(raw):6.2f}×"
            f"  {ratios[0]:.2f}–{ratios[-1]:.2f}×"
        )


if __name__ == "__main__":
    timezone.activate(timezone.get_default_timezone())
    main()
