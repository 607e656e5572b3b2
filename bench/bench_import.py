"""Import 10,000 rows (past years, with replies, feedback and publication) and print rows per second.

    .venv/bin/python bench/bench_import.py [--rows 10000] [--live 0] [--profile 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianyi_bench .venv/bin/python bench/bench_import.py

Without DATABASE_URL it uses a throwaway SQLite file. The database is migrated first; each
run imports into a new district, so runs can be repeated.
"""

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")

import django

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from districts.models import District  # noqa: E402
from imports.service import run_import  # noqa: E402
from workflow.defaults import ensure_body_settings  # noqa: E402

HEADER = ["案号", "标题", "类型", "年度", "届次", "提出人", "类别", "主办单位", "会办单位", "交办日期", "答复日期",
          "办理结果", "是否办结", "评价", "是否公开", "领导督办", "表扬"]  # fmt: skip
CATEGORIES = ["经济", "城市建设和管理", "教科文卫体", "综合"]


def sheet(rows, live):
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet()
    ws.append(HEADER)
    for i in range(rows):
        past = i >= live
        year = 2020 + i % 5
        ws.append(
            [
                f"{i + 1:05d}",
                f"关于第{i + 1}件事项的提案",
                "提案",
                year,
                "六届一次",
                f"委员{i % 400}、委员{(i + 7) % 400}",
                CATEGORIES[i % 4],
                f"区第{i % 60}单位",
                f"区第{(i + 1) % 60}单位" if i % 5 == 0 else None,
                dt.datetime(year, 2, 20),
                dt.datetime(year, 5, 1 + i % 28) if past else None,
                ("A", "B", "C")[i % 3] if past else None,
                ("是" if i % 3 != 1 else "否") if past else None,
                ("好", "较好", "一般", "差")[i % 4] if past else None,
                ("是" if i % 20 == 0 else "否") if past else None,
                "是" if i % 50 == 0 else "否",
                ("是" if i % 4 == 0 else "否") if past else None,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--live", type=int, default=0, help="how many rows have no reply date (enter the workflow)")
    parser.add_argument("--profile", type=int, default=0, help="print the N slowest functions of the import (cProfile)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    n = District.objects.count()
    district = District.objects.create(code=f"bench{n}", name=f"基准区{n}")
    ensure_body_settings(district)
    data = sheet(args.rows, args.live)
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    plan = run_import(actor=None, now=timezone.now(), district=district, filename="bench.xlsx", data=data)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"database: {connection.vendor}")
    print(f"rows: {len(plan.rows)} ({plan.historical} past, {plan.live} live), file {len(data) / 1e6:.1f} MB")
    print(f"import: {elapsed:.2f} s = {len(plan.rows) / elapsed:,.0f} rows/s")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
