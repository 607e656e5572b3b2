"""The reports page at 1,000,000 items against 10,000 (PostgreSQL): the rollups' answers, side by side.

    createdb -h 127.0.0.1 -U postgres jianyi_bench_rollup_large   # once each
    createdb -h 127.0.0.1 -U postgres jianyi_bench_rollup_small
    .venv/bin/python bench/bench_report_rollup.py [--large 1000000] [--small 10000] [--repeat 5] \
        [--large-db postgres://…/jianyi_bench_rollup_large] [--small-db postgres://…/jianyi_bench_rollup_small] \
        [--rebuild]

Each data set lives in its own database, built by `bench_annual_report.build` (16 districts ×
5 years of imported CPPCC proposals, set-based SQL), then the rollups (the yearly one and the
per-unit one, `reports.rollup.rebuild` keeps both) are rebuilt from the tables when missing or
with `--rebuild` (timed; `migrate` builds the per-unit one for a data set rolled up before it
came) and the database VACUUM ANALYZEd (autovacuum may be off). One worker process per
database keeps its connection open; the parent asks them in turn, so each round times every
measurement at both sizes one after the other, and a noisy shared machine weighs on both alike.
Measured, for one district-year (year 2025, as of 31 December: the default for a past year),
medians of `--repeat` interleaved rounds:

- `rollup report`: `reports.rollup.annual_report`, what the page and its exports call;
- `tables report`: `reports.annual.annual_report`, the same figures from the base tables (the check);
- `unit figures`: `reports.units.unit_statistics` and `replies_by_month`, the page's other figures,
  from the per-unit rollup (`reports.unit_rollup`) where it answers;
- `page`: GET /reports/ as an office user would, the whole page (rendering included).

It prints each median at both sizes with the ratio of the medians and the range of the
per-round ratios, the queries each takes, and which path (rollup or tables) the report and the
unit figures took; both rollups' answers are checked against the tables' first.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
DB = "postgres://postgres@127.0.0.1:5432/"
YEAR, BODY = 2025, "cppcc"
RUNS = ("rollup report", "tables report", "unit figures", "page")


def worker(n_items, force_rebuild=False):
    """Build the data set in this process's database, then time what the parent asks for, one line each."""
    # This tree's code, even when the virtualenv has the project installed in editable mode from another.
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
    import django

    django.setup()
    from bench_annual_report import build, vacuum
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from districts.models import District, Membership, Role, User
    from reports import annual, rollup, units
    from reports.units import replies_by_month, unit_statistics

    timezone.activate(timezone.get_default_timezone())
    out = sys.stdout
    sys.stdout = sys.stderr  # what build() prints goes to the terminal, not to the parent's pipe
    build(n_items)
    from proposals.models import Item
    from reports.models import ItemFacts, UnitFactCount

    started, rebuilt = time.perf_counter(), None
    # Else rolled up by an earlier run (the per-unit rollup by `migrate`, for a data set rolled up before it).
    if force_rebuild or ItemFacts.objects.count() != Item.objects.count() or not UnitFactCount.objects.exists():
        rollup.rebuild()
        rebuilt = time.perf_counter() - started
    vacuum()
    # The page as served, without the collected static files' manifest (DEBUG is off).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    district = District.objects.get(code="bench00")
    user, _ = User.objects.get_or_create(username="bench")
    Membership.objects.get_or_create(user=user, role=Role.CITY_ADMIN)  # reads every district's reports
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(user)
    query = {"district": district.code, "year": YEAR, "body": BODY}

    def page():
        response = client.get("/reports/", query, secure=True)
        assert response.status_code == 200, response.status_code

    runs = {
        "rollup report": lambda: rollup.annual_report(district=district, year=YEAR, body=BODY)[1],
        "tables report": lambda: annual.annual_report(district=district, year=YEAR, body=BODY),
        "unit figures": lambda: (
            unit_statistics(district=district, year=YEAR, body=BODY),
            replies_by_month(district=district, year=YEAR, body=BODY),
        ),
        "page": page,
    }
    shown, sources = rollup.annual_report(district=district, year=YEAR, body=BODY)
    assert shown == annual.annual_report(district=district, year=YEAR, body=BODY), "the rollup and the tables disagree"
    stats = unit_statistics(district=district, year=YEAR, body=BODY)
    checked = units.unit_statistics_from_tables(district=district, year=YEAR, body=BODY)
    assert stats.rows == checked.rows, "the unit rollup and the tables disagree"
    months, months_source = units._replies_by_month(district=district, year=YEAR, body=BODY)
    assert months == units._replies_by_month(district=district, year=YEAR, body=BODY, tables=True)[0]
    queries = {}
    for name, fn in runs.items():
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries[name] = len(ctx)
    items = shown["received"]
    print(
        json.dumps(
            {
                "ready": True,
                "items_in_district_year": items,
                "rebuild_s": rebuilt,
                "queries": queries,
                "sources": {f"{d}/{y}": s for (d, y), s in sources.items()},
                "unit_sources": {"unit_statistics": stats.source, "replies_by_month": months_source},
            }
        ),
        file=out,
        flush=True,
    )
    for line in sys.stdin:
        name = line.strip()
        started = time.perf_counter()
        runs[name]()
        print(json.dumps({"s": time.perf_counter() - started}), file=out, flush=True)


class Worker:
    def __init__(self, n_items, url, rebuild=False):
        env = {**os.environ, "DATABASE_URL": url}
        self.proc = subprocess.Popen(  # noqa: S603 (this very script, as a worker)
            [sys.executable, __file__, "--worker", str(n_items), *(["--rebuild"] if rebuild else [])],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def read(self):
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"worker exited with {self.proc.wait()}")
        return json.loads(line)

    def time(self, name):
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        return self.read()["s"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large-db", default=DB + "jianyi_bench_rollup_large")
    parser.add_argument("--small-db", default=DB + "jianyi_bench_rollup_small")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (at least 5)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the rollups even when present (timed)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.rebuild)
        return
    if args.repeat < 5:
        parser.error("--repeat: the figures are medians of at least 5 interleaved rounds")
    workers, info = {}, {}
    for size, n, url in (("large", args.large, args.large_db), ("small", args.small, args.small_db)):
        workers[size] = Worker(n, url, args.rebuild)
        info[size] = workers[size].read()  # built and ready before the next one starts building
    for size, n in (("large", args.large), ("small", args.small)):
        i = info[size]
        print(
            f"{size}: {n:,} items, {i['items_in_district_year']:,} in the district-year; rollup rebuilt in "
            f"{i['rebuild_s'] or 0:.1f} s (0: by an earlier run); the report answered from {i['sources']}, "
            f"the unit figures from {i['unit_sources']}; queries {i['queries']}"
        )
    times = {(name, size): [] for name in RUNS for size in workers}
    for _ in range(args.repeat):
        for name in RUNS:
            for size, w in workers.items():
                times[name, size].append(w.time(name))
    for w in workers.values():
        w.close()
    print(f"medians of {args.repeat} interleaved rounds, one district-year ({YEAR}, {BODY}, as of 31 December)")
    print(f"{'':16} {args.large:>12,} {args.small:>10,} {'ratio':>7}  per-round ratios")
    for name in RUNS:
        large, small = times[name, "large"], times[name, "small"]
        ratios = sorted(a / b for a, b in zip(large, small, strict=True))
        print(
            f"{name:16} {median(large) * 1000:9.1f} ms {median(small) * 1000:7.1f} ms "
            f"{median(large) / median(small):6.2f}×  {ratios[0]:.2f}–{ratios[-1]:.2f}×"
        )


if __name__ == "__main__":
    main()
