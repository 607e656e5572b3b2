"""Benchmark: the review's merge hints (`web.office.intake.similar.similar_items`) at 1,000,000 items (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres jianyi_bench_hints
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianyi_bench_hints \\
        .venv/bin/python bench/bench_merge_hints.py [--items 1000000] [--runs 9] [--rebuild]

Migrates the database, then (once; `--rebuild` to start again) adds `--items` items set-based in
SQL over 16 districts, 5 years and both bodies, with titles built like real ones from a few
hundred words ("关于" + verb + place + subject + aspect + "的建议/的提案"), so titles share words
as real ones do; then VACUUM ANALYZE. For a few titles of one district, times the hint query as
an office clerk of that district runs it (median of `--runs`, after a warm-up) and prints the
plan (EXPLAIN ANALYZE), which must read `item_title_trgm_idx`: a plan without it makes the bench
exit with status 1. Each title's time is the whole call (the reader's scope, the transaction that
sets the threshold, the query, the rows made into items); the plan's execution time follows it.

Measured on the shared 2-core development machine (load average 8-10 from other work), five titles:
a whole call 10-58 ms (medians of 9 per title; 30-104 ms in a busier run), the query alone
0.9-36 ms (about 110 ms when the heap pages are not in memory yet); the index finds 100-1,100
titles of all 16 districts, a filter keeps the reader's district's.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

VERBS = [
    "加强",
    "完善",
    "推进",
    "优化",
    "改善",
    "规范",
    "提升",
    "加快",
    "健全",
    "落实",
    "支持",
    "促进",
    "解决",
    "探索",
    "强化",
    "扩大",
    "深化",
    "保障",
    "鼓励",
    "整治",
]
PLACES = [
    "七宝",
    "莘庄",
    "虹桥",
    "梅陇",
    "吴泾",
    "马桥",
    "浦江",
    "颛桥",
    "华漕",
    "江川",
    "古美",
    "新虹",
    "浦锦",
    "南京西路",
    "曹家渡",
    "石门二路",
    "朱泾",
    "枫泾",
    "张堰",
    "亭林",
]
SUBJECTS = [
    "社区养老",
    "老旧小区",
    "停车",
    "垃圾分类",
    "学前教育",
    "义务教育",
    "医疗服务",
    "家庭医生",
    "公共交通",
    "地铁接驳",
    "河道",
    "绿化",
    "菜场",
    "物业管理",
    "加装电梯",
    "非机动车",
    "菜市场",
    "文化设施",
    "体育场馆",
    "就业",
    "创业",
    "营商环境",
    "中小企业",
    "科技创新",
    "人才公寓",
    "保障房",
    "租赁住房",
    "食品安全",
    "消防安全",
    "燃气安全",
    "防汛",
    "道路",
    "交通拥堵",
    "学校周边",
    "残疾人",
    "托育",
    "心理健康",
    "历史风貌",
    "文旅",
    "夜间经济",
    "农村",
    "乡村振兴",
    "农民增收",
    "集体经济",
    "生态",
    "环境",
    "噪声",
    "油烟",
    "污水",
    "雨污混接",
]
ASPECTS = [
    "服务",
    "管理",
    "体系",
    "设施",
    "机制",
    "建设",
    "治理",
    "监管",
    "配套",
    "水平",
    "质量",
    "能力",
    "保障",
    "政策",
    "规划",
    "环境",
    "条件",
    "功能",
]


def _array(words):
    return "ARRAY[" + ",".join(f"'{w}'" for w in words) + "]"


def _bench_district(cursor, n):
    cursor.execute("SELECT id FROM districts_district WHERE code = %s", [f"b{n}"])
    return cursor.fetchone()[0]


def build(cursor, n):
    cursor.execute("SELECT count(*) FROM proposals_item")
    if cursor.fetchone()[0] >= n:
        return False
    cursor.execute(
        "INSERT INTO districts_district (code, name, sort_order, is_active) "
        "SELECT 'b' || g, 'bench' || g, g, true FROM generate_series(1, 16) g ON CONFLICT DO NOTHING"
    )
    # Columns not set here are copied from one item made by the ORM, so new columns keep their defaults.
    from proposals.models import Item

    template = Item.objects.create(
        district_id=_bench_district(cursor, 1), year=2022, body="npc", kind="suggestion", number="template", title="t"
    )
    varied = {
        "district_id": "d.id",
        "year": "2022 + (g / 16) %% 5",
        "body": "b.body",
        "kind": "b.kind",
        "number": "lpad(((g / 160) + 1)::text, 6, '0')",
        "title": f"""'关于' || ({_array(VERBS)})[1 + (hashint4(g) & 65535) %% {len(VERBS)}]
            || ({_array(PLACES)})[1 + (hashint4(g + 1000000000) & 65535) %% {len(PLACES)}]
            || ({_array(SUBJECTS)})[1 + (hashint4(-g) & 65535) %% {len(SUBJECTS)}]
            || ({_array(ASPECTS)})[1 + (hashint4(g - 1000000000) & 65535) %% {len(ASPECTS)}]
            || CASE WHEN b.body = 'npc' THEN '的建议' ELSE '的提案' END""",
        "state": "'handling'",
        "review": "'registered'",
    }
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'proposals_item'")
    columns = [c for (c,) in cursor.fetchall() if c != "id"]
    values = ", ".join(varied.get(c, f"t.{c}") for c in columns)
    cursor.execute(
        f"""
        INSERT INTO proposals_item ({", ".join(columns)})
        SELECT {values}
        FROM generate_series(0, %s - 1) g
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM districts_district WHERE code LIKE 'b%%') d
            ON d.n = g %% 16
        JOIN (VALUES (0, 'npc', 'suggestion'), (1, 'cppcc', 'proposal')) b(k, body, kind) ON b.k = (g / 80) %% 2
        CROSS JOIN (SELECT * FROM proposals_item WHERE id = %s) t
        """,
        [n, template.pk],
    )
    Item.objects.filter(pk=template.pk).delete()
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from districts.models import District, Membership, Role
    from districts.models import User as UserModel
    from proposals.models import Item
    from web.office.intake.similar import THRESHOLD, core_of, similar_items

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        if args.rebuild:
            bench = "SELECT id FROM districts_district WHERE code LIKE 'b%'"
            cursor.execute(f"DELETE FROM proposals_item WHERE district_id IN ({bench})")
        started = time.perf_counter()
        if build(cursor, args.items):
            cursor.execute("VACUUM ANALYZE proposals_item")
            print(f"built {args.items:,} items in {time.perf_counter() - started:.0f} s")
        cursor.execute("SELECT count(*) FROM proposals_item")
        print(f"items: {cursor.fetchone()[0]:,}")

    district = District.objects.get(code="b1")
    clerk, _ = UserModel.objects.get_or_create(username="bench_hints_clerk", defaults={"full_name": "bench"})
    Membership.objects.get_or_create(user=clerk, role=Role.OFFICE, district=district)
    items = list(
        Item.objects.filter(district=district, year=2026).order_by("pk")[:: max(1, args.items // 160 // 5)][:5]
    )
    ok = True
    for item in items:
        similar_items(clerk, item)  # warm-up
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            hints = similar_items(clerk, item)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"\n{item.title} (searched as {core_of(item.title)!r}): {len(hints)} hints, "
            f"median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f})"
        )
        for hint in hints[:3]:
            print(f"    {hint.similarity:.2f} {hint.year} {hint.body} {hint.title}")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [THRESHOLD])
            queryset = Item.objects.filter(
                district=district, year__lte=item.year, title__trigram_word_similar=core_of(item.title)
            ).exclude(pk=item.pk)
            from django.contrib.postgres.search import TrigramWordSimilarity

            queryset = queryset.annotate(similarity=TrigramWordSimilarity(core_of(item.title), "title")).order_by(
                "-similarity", "-year", "pk"
            )[:8]
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        executed = [line.strip() for line in plan.splitlines() if line.startswith("Execution Time")]
        print(f"    the query alone (EXPLAIN ANALYZE): {executed[0] if executed else '?'}")
        if item is items[0]:
            print(plan)
        if "item_title_trgm_idx" not in plan:
            print("the plan does not use item_title_trgm_idx:\n" + plan)
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
