"""Time "15 working days after" with our calendar against the chinesecalendar package's own.

    .venv/bin/python bench/bench_workdays.py            # in-memory SQLite, seeded from the package
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_workdays.py   # an existing, migrated database

Prints microseconds per call; the dates are every day of 2004-2026 (shuffled), starting from
working days and holidays alike.
"""

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
IN_MEMORY = "DATABASE_URL" not in os.environ
if IN_MEMORY:
    os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django  # noqa: E402

django.setup()

import chinese_calendar  # noqa: E402
from django.db import connection  # noqa: E402

from deadlines import calendar  # noqa: E402
from deadlines.models import CalendarYear, Holiday  # noqa: E402


def seed_in_memory():
    with connection.schema_editor() as editor:
        editor.create_model(Holiday)
        editor.create_model(CalendarYear)
    # Plain bulk inserts: the benchmark has no history tables.
    schedule = calendar.package_schedule()
    for rows in schedule.values():
        Holiday.objects.bulk_create(Holiday(date=day, is_workday=working, name=name) for day, working, name in rows)
    CalendarYear.objects.bulk_create(CalendarYear(year=year, source="chinesecalendar") for year in schedule)


def per_call(function, days, repeat):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        for day in days:
            function(day)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best / len(days) * 1e6


def main():
    if IN_MEMORY:
        seed_in_memory()
    first, last = dt.date(2004, 1, 1), dt.date(2026, 12, 1)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days)]
    random.seed(15)
    random.shuffle(days)

    calendar.invalidate()
    started = time.perf_counter()
    calendar.calendar_version()
    build_ms = (time.perf_counter() - started) * 1e3

    ours = per_call(lambda day: calendar.add_workdays(day, 15), days, repeat=5)
    between = per_call(lambda day: calendar.workdays_between(day, day + dt.timedelta(days=30)), days, repeat=5)
    check = per_call(calendar.is_workday, days, repeat=5)
    sample = days[:2000]  # the package's own lookup is slow; a sample is enough
    package = per_call(lambda day: chinese_calendar.find_workday(15, day), sample, repeat=3)
    package_check = per_call(chinese_calendar.is_workday, sample, repeat=3)

    where = f"{connection.vendor}{' (in memory)' if IN_MEMORY else ''}"
    years = calendar.LAST_DAY.year - calendar.FIRST_DAY.year + 1
    print(f"database: {where}, {Holiday.objects.count()} calendar rows")
    print(f"index build (table read + {years} years of counts): {build_ms:.1f} ms")
    print(f"15 working days after  ours {ours:7.2f} µs/call   find_workday(15, day) {package:7.2f} µs/call")
    print(f"is a working day       ours {check:7.2f} µs/call   is_workday(day)       {package_check:7.2f} µs/call")
    print(f"working days between   ours {between:7.2f} µs/call")
    print(f"speed-up on 15 working days: {package / ours:.0f}x")


if __name__ == "__main__":
    main()
