"""Merge hints for the review: items like the one being reviewed, of this and earlier years, of both bodies.

The same request often comes from a deputy and a member, or again a year later; the office
should see it before it is assigned twice. Only items the reader may see are searched
(`workflow.selectors.item_scope`).

On PostgreSQL the titles are compared by trigram word similarity (pg_trgm, `<%`), which the GIN
index `item_title_trgm_idx` answers: the cost follows the number of similar titles, not the
number of items. The title is searched without the words every title has ("关于…的建议"), which
would otherwise make every item look alike. On SQLite (development) the fallback counts the
title's character pairs (Chinese has no spaces between words) found in the other titles.
"""

import itertools

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Q

from proposals.models import Item
from workflow.selectors import item_scope

HINTS = 8
# The share of the searched title's trigrams (or character pairs) another title must hold.
THRESHOLD = 0.35
PREFIXES = ("关于",)
SUFFIXES = ("的建议", "的提案", "的意见", "建议", "提案", "意见")
# SQLite fallback: titles read to be scored, at most (a development database is small).
FALLBACK_CANDIDATES = 500


def core_of(title: str) -> str:
    """The title without the words every title has; the whole title when nothing else is left."""
    core = "".join(title.split())
    for prefix in PREFIXES:
        if core.startswith(prefix):
            core = core[len(prefix) :]
    for suffix in SUFFIXES:
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    return core if len(core) >= 2 else "".join(title.split())


def similar_items(user, item, *, limit=HINTS) -> list[Item]:
    """Up to `limit` items `user` may see, of `item`'s year or earlier, most similar title first.

    Each carries `similarity` (0 to 1). One query (two on SQLite), whatever the number of items.
    """
    scope = item_scope(user)
    core = core_of(item.title)
    if scope is None or not core:
        return []
    candidates = Item.objects.filter(scope, year__lte=item.year).exclude(pk=item.pk).select_related("district")
    if connection.vendor == "postgresql":
        return _by_trigrams(candidates, core, limit)
    return _by_character_pairs(candidates, core, limit)


def _by_trigrams(candidates, core, limit):
    found = (
        candidates.filter(title__trigram_word_similar=core)  # title %> core: word_similarity(core, title), indexed
        .annotate(similarity=TrigramWordSimilarity(core, "title"))
        .order_by("-similarity", "-year", "pk")[:limit]
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The operator's threshold, for this transaction only (the default, 0.6, misses near rewordings).
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [THRESHOLD])
        return list(found)


def _pairs(text):
    chars = [c for c in text.lower() if c.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


def _by_character_pairs(candidates, core, limit):
    wanted = _pairs(core)
    if not wanted:
        return []
    shares_one = Q()
    for pair in wanted:
        shares_one |= Q(title__contains=pair)
    scored = []
    for pk, title in candidates.filter(shares_one).values_list("pk", "title")[:FALLBACK_CANDIDATES]:
        share = len(wanted & _pairs(title)) / len(wanted)
        if share >= THRESHOLD:
            scored.append((share, pk))
    scored.sort(key=lambda s: -s[0])
    best = {pk: share for share, pk in scored[:limit]}
    items = list(candidates.filter(pk__in=best))
    for found in items:
        found.similarity = best[found.pk]
    return sorted(items, key=lambda i: (-i.similarity, -i.year, i.pk))
