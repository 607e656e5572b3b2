"""The item list (/items/) on a province-sized data set (PostgreSQL): time and queries per page.

    createdb -h 127.0.0.1 -U postgres jianyi_bench   # once; shared with bench_annual_report.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianyi_bench \\
        .venv/bin/python bench/bench_item_list.py [--items 1000000] [--repeat 3]

Builds (or reuses) the yearly report benchmark's data — `--items` imported proposals over
16 districts × 5 years, one lead unit each — then prints, for an office clerk of one
district (1/16 of the items) and a handler of one of its units, the best of `--repeat`
requests of the list's first page with a few filters, and the number of queries (which
must not grow with the number of items).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DEBUG", "1")  # plain HTTP for the test client
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from bench_annual_report import built_data_set  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from districts.models import District, HandlingUnit, Membership, Role, User  # noqa: E402
from proposals.models import Item  # noqa: E402

QUERIES = ["", "?year=2025", "?year=2025&sort=number", "?overdue=on", "?q=bench 1234", "?page=20&year="]


def person(username, **membership):
    user, _ = User.objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, **membership)
    client = Client()
    client.force_login(user)
    return client


def main():
    args = built_data_set(__doc__)
    district = District.objects.get(code="bench00")
    unit = HandlingUnit.objects.filter(district=district).order_by("sort_order").first()
    people = {
        f"office of one district ({Item.objects.filter(district=district).count():,} items)": person(
            "bench_office", role=Role.OFFICE, district=district
        ),
        f"handler of one unit ({Item.objects.filter(assignments__unit=unit).count():,} items)": person(
            "bench_handler", role=Role.HANDLER, district=district, unit=unit
        ),
    }
    print(f"{'':44} {'query':24} {'best':>8} {'queries':>8}")
    for who, client in people.items():
        for query in QUERIES:
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get("/items/" + query)
                    times.append(time.perf_counter() - started)
                assert response.status_code == 200, (query, response.status_code)
            print(f"{who:44} {query or '(default)':24} {min(times) * 1000:6.0f} ms {len(ctx.captured_queries):8}")


if __name__ == "__main__":
    main()
