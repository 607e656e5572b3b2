"""The portal's search of a two-character word at 100,000 published replies against the same at 1,000 (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres jianyi_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jianyi_bench \
        .venv/bin/python bench/bench_portal_search.py [--large 100000] [--small 1000] [--repeat 15]

Builds two districts side by side in one database, one with `--small` and one with `--large`
published replies of 1,500 characters (drawn from 400 common characters, without 交), with
set-based SQL: items, their lead assignment, the sent and published reply, and the portal's
index rows (`portal.models.PublishedReply`: the character pairs computed in SQL, checked
against `portal.search.pairs_literal` on a sample). In each district exactly 20 replies hold
交通. Then VACUUM ANALYZE, and `--repeat` rounds, each timing in turn for the small and the
large district: the search's page query (`portal.search.matching`, the rows the list shows)
and the whole search page through Django's test client. It prints the medians, their ratio
(large / small, the goal is at most 1.3) and, for comparison, `LIKE '%交通%'` over the large
district's documents without the pairs, the full scan the index avoids. Exit status 1 when a
ratio is above 1.3.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DEBUG", "1")  # plain HTTP and static files from the finders for the test client
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from districts.models import District, HandlingUnit  # noqa: E402
from portal.models import PublishedReply  # noqa: E402
from portal.search import matching, pairs_literal  # noqa: E402
from workflow.defaults import ensure_body_settings  # noqa: E402
from workflow.models import OutcomeCategory  # noqa: E402

WORD = "交通"
MATCHES = 20
POOL = 500
LENGTH = 1500
GOAL = 1.3
# 400 common characters, 交 left out so that 交通 appears exactly where it is put.
VOCABULARY = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些"
    "然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公"
    "无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将"
    "组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质信规热领七海口东导器压志世金增争济阶油思术极"
    "六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米"
)
VOCABULARY = "".join(dict.fromkeys(c for c in VOCABULARY if c != "交"))[:400]


def district_named(code, name):
    district, _ = District.objects.get_or_create(code=code, defaults={"name": name})
    ensure_body_settings(district)
    unit, _ = HandlingUnit.objects.get_or_create(district=district, name="区基准局", defaults={"sort_order": 0})
    return district, unit


def build(district, unit, n, *, rebuild=False):
    """`n` published replies of `district`, exactly MATCHES of them holding WORD; kept when already there."""
    if not rebuild and PublishedReply.objects.filter(district=district).count() == n:
        print(f"reusing {n:,} published replies of {district.code}")
        return
    started = time.perf_counter()
    category = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")
    every = n // MATCHES
    with transaction.atomic(), connection.cursor() as c:
        items = "SELECT id FROM proposals_item WHERE district_id = %s"
        c.execute(f"DELETE FROM portal_publishedreply WHERE item_id IN ({items})", [district.pk])
        c.execute(
            "DELETE FROM workflow_reply WHERE assignment_id IN "
            f"(SELECT id FROM workflow_assignment WHERE item_id IN ({items}))",
            [district.pk],
        )
        c.execute(f"DELETE FROM workflow_assignment WHERE item_id IN ({items})", [district.pk])
        c.execute("DELETE FROM proposals_item WHERE district_id = %s", [district.pk])
        # A pool of random strings (the subquery names p, so it is drawn again for each row); each reply
        # joins two halves of different pool strings at different places, a title a piece of a third.
        c.execute(
            "CREATE TEMP TABLE bench_pool ON COMMIT DROP AS SELECT p, (SELECT string_agg(chr((%(codes)s::int[])"
            "[1 + floor(random() * %(size)s)::int]), '') FROM generate_series(1, %(length)s) WHERE p >= 0) "
            "AS text FROM generate_series(0, %(pool)s - 1) p",
            {"codes": [ord(ch) for ch in VOCABULARY], "size": len(VOCABULARY), "length": 2 * LENGTH, "pool": POOL},
        )
        c.execute("CREATE UNIQUE INDEX ON bench_pool (p)")
        c.execute(
            "CREATE TEMP TABLE bench_text ON COMMIT DROP AS SELECT g, "
            "'关于' || substr(t.text, 1 + (g * 17) %% %(length)s, 8) || '的建议' AS title, "
            "substr(a.text, 1 + (g * 7) %% %(length)s, %(half)s) "
            "|| substr(b.text, 1 + (g * 13) %% %(length)s, %(half)s) AS text FROM generate_series(1, %(n)s) g "
            "JOIN bench_pool a ON a.p = g %% %(pool)s JOIN bench_pool b ON b.p = (g * 31 + 7) %% %(pool)s "
            "JOIN bench_pool t ON t.p = (g * 17 + 3) %% %(pool)s",
            {"length": LENGTH, "half": LENGTH // 2, "n": n, "pool": POOL},
        )
        c.execute(
            "UPDATE bench_text SET text = overlay(text PLACING %s FROM 1 + (g * 7) %% (%s - 2) FOR 2) "
            "WHERE g %% %s = 0",
            [WORD, LENGTH, every],
        )
        c.execute("CREATE UNIQUE INDEX ON bench_text (g)")
        c.execute("ANALYZE bench_text")
        c.execute(
            """
            INSERT INTO proposals_item (district_id, year, body, kind, number, title, text, review, rejection_reason,
                state, round, is_key, disclosure, is_imported, created_at, updated_at, office_waiting_on,
                office_waits_for, outside_waiting_on, outside_waits_for, replies_in_approval)
            SELECT %s, 2025, 'cppcc', 'proposal', lpad(g::text, 6, '0'), title, '', 'registered', '', 'replied', 1,
                false, 'public', true, now(), now(), 'proposer', 'feedback', 'proposer', 'feedback', '{}'
            FROM bench_text ORDER BY g
            """,
            [district.pk],
        )
        c.execute(
            "INSERT INTO workflow_assignment (item_id, unit_id, role, state, assigned_at, return_reason) "
            "SELECT id, %s, 'lead', 'done', now(), '' FROM proposals_item WHERE district_id = %s",
            [unit.pk, district.pk],
        )
        c.execute(
            """
            INSERT INTO workflow_reply (assignment_id, round, kind, state, version, text, reason, signer, category_id,
                category_at_reply_id, sent_at, published_at)
            SELECT a.id, 1, 'reply', 'sent', 1, t.text, '', '主任', %s, %s,
                now() - interval '1 day' * (t.g %% 300) - interval '1 day', now() - interval '1 day' * (t.g %% 300)
            FROM workflow_assignment a JOIN proposals_item i ON i.id = a.item_id
                JOIN bench_text t ON t.g = i.number::int
            WHERE i.district_id = %s
            """,
            [category.pk, category.pk, district.pk],
        )
        # The GIN index built once after the rows rather than grown row by row (same transaction: never missing).
        c.execute("SET LOCAL maintenance_work_mem = '256MB'")
        c.execute("DROP INDEX portal_pairs_gin")
        # The pairs of the title and of the text (both all letters, so every two neighbours are a pair).
        # Every pair in one pass each: those starting at odd places, then those at even places.
        pairs = (
            "SELECT (regexp_matches({col}, '..', 'g'))[1] UNION SELECT (regexp_matches(substr({col}, 2), '..', 'g'))[1]"
        )
        title_pairs, text_pairs = pairs.format(col="i.title"), pairs.format(col="r.text")
        c.execute(
            f"""
            INSERT INTO portal_publishedreply (reply_id, item_id, district_id, year, body, session_id, category_id,
                unit_id, published_at, document, pairs)
            SELECT r.id, i.id, i.district_id, i.year, i.body, NULL, NULL, a.unit_id, r.published_at,
                i.title || E'\\n' || r.text,
                array_to_tsvector(ARRAY({title_pairs} UNION {text_pairs}))
            FROM workflow_reply r JOIN workflow_assignment a ON a.id = r.assignment_id
                JOIN proposals_item i ON i.id = a.item_id
            WHERE i.district_id = %s
            """,
            [district.pk],
        )
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys checked now: no pending trigger events
        c.execute("CREATE INDEX portal_pairs_gin ON portal_publishedreply USING gin (pairs)")
    print(f"built {n:,} published replies of {district.code} in {time.perf_counter() - started:.0f} s")


def check_pairs(district):
    """The SQL-built pairs are what publishing writes (`portal.search.pairs_literal`)."""
    with connection.cursor() as c:
        for row in PublishedReply.objects.filter(district=district).order_by("?")[:5]:
            c.execute(
                "SELECT %s::tsvector = pairs FROM portal_publishedreply WHERE reply_id = %s",
                [pairs_literal(row.document), row.reply_id],
            )
            assert c.fetchone()[0], f"pairs of reply {row.reply_id} differ from portal.search.pairs_literal"


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="build the data again even when the sizes match")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    sizes = {}
    for code, n in (("pbench-s", args.small), ("pbench-l", args.large)):
        district, unit = district_named(code, f"检索基准{n}区")
        build(district, unit, n, rebuild=args.rebuild)
        check_pairs(district)
        sizes[n] = district
    with connection.cursor() as c:
        for table in ("portal_publishedreply", "proposals_item", "workflow_reply", "workflow_assignment"):
            c.execute(f"VACUUM ANALYZE {table}")
    settings.PORTAL_RATE_LIMIT = "1000000/m"
    client = Client()
    times = {(n, what): [] for n in sizes for what in ("query", "page")}
    for round_ in range(max(args.repeat, 5)):
        # Small then large, then large then small: neither always runs on the other's warmed cache.
        for n, district in sorted(sizes.items(), reverse=round_ % 2 == 1):
            rows = PublishedReply.objects.filter(district=district).select_related("item", "unit")
            ms, found = timed(lambda rows=rows: list(matching(rows, WORD)[:21]))
            assert len(found) == MATCHES, (n, len(found))
            times[n, "query"].append(ms)
            url = reverse("portal:district", args=[district.code])
            ms, response = timed(lambda url=url: client.get(url, {"q": WORD}))
            shown = response.content.decode().count('class="portal-result-title"')
            assert response.status_code == 200 and shown == MATCHES, (n, response.status_code, shown)
            times[n, "page"].append(ms)
    large = sizes[args.large]
    with connection.cursor() as c:
        like_ms, _ = timed(
            lambda: c.execute(
                "SELECT count(*) FROM portal_publishedreply WHERE district_id = %s AND document LIKE %s",
                [large.pk, f"%{WORD}%"],
            )
        )
    plan = matching(PublishedReply.objects.filter(district=large), WORD)[:21].explain().replace("\n", "\n    ")
    print(f"\nsearch of {WORD!r}, {MATCHES} matches in each district, medians of {max(args.repeat, 5)} rounds")
    worst = 0
    for what, label in (("query", "page query"), ("page", "whole page")):
        small_ms, large_ms = median(times[args.small, what]), median(times[args.large, what])
        ratio = large_ms / small_ms
        worst = max(worst, ratio)
        print(
            f"  {label:<11} {args.small:>7,} replies {small_ms:7.2f} ms   {args.large:>7,} replies {large_ms:7.2f} ms"
            f"   ratio {ratio:.2f}"
        )
    print(f"  LIKE '%{WORD}%' over {args.large:,} documents (no index): {like_ms:.0f} ms")
    print(f"  plan of the search at {args.large:,}:\n    {plan}")
    print(f"goal: ratio at most {GOAL} — {'met' if worst <= GOAL else 'NOT met'}")
    sys.exit(0 if worst <= GOAL else 1)


if __name__ == "__main__":
    main()
