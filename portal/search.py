"""Chinese words found exactly, at any number of replies: overlapping character pairs.

A trigram index cannot serve a two-character word, and `LIKE '%交通%'` reads every reply. So what
is published is cut into overlapping pairs of letters or digits ("交通拥堵" → 交通 通拥 拥堵), stored
as a tsvector written as a literal (no text-search parser, which does not split Chinese), and a
word asks the GIN index for rows holding all of its pairs; the few rows found are then checked
for the word itself in `document`, so the answer is exact. On SQLite (development) the check
alone runs: `document` contains the word.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.db import connection

from .models import PublishedReply

# A run of letters or digits (CJK characters are letters); anything else ends a word.
_RUN = re.compile(r"[^\W_]+")
MIN_WORD = 2


def normalise(text):
    """Full-width forms folded (ＡＢ１ → ab1) and lower-cased, as stored and as searched."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _pairs(text):
    found = set()
    for run in _RUN.findall(normalise(text)):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def pairs_literal(text):
    """The tsvector of `text` as PostgreSQL reads a literal: each distinct pair, quoted."""
    return " ".join(f"'{pair}'" for pair in sorted(_pairs(text)))


def words(query):
    """The words of a search of two characters or more; shorter ones cannot be looked up."""
    return [w for w in _RUN.findall(normalise(query)) if len(w) >= MIN_WORD]


class PairsQuery(SearchQuery):
    """`pairs @@ '交通' & '通拥'::tsquery`, the literal read as is (no parser, as it was written)."""

    def __init__(self, word):
        super().__init__(" & ".join(f"'{pair}'" for pair in sorted(_pairs(word))))

    def as_sql(self, compiler, connection, **kwargs):
        return "%s::tsquery", [self.source_expressions[0].value]


def matching(queryset, query):
    """`queryset` (of PublishedReply) narrowed to rows whose title or reply holds every word of `query`."""
    for word in words(query):
        if connection.vendor == "postgresql":
            queryset = queryset.filter(pairs=PairsQuery(word))
        queryset = queryset.filter(document__contains=word)
    return queryset


def years(district_id=None):
    """The years with published replies, newest first, in one query whatever the number of rows:
    a loose index scan (a recursive step per year down the year index) instead of reading every
    row for DISTINCT."""
    table = PublishedReply._meta.db_table
    where = "district_id = %s AND " if district_id is not None else ""
    params = [district_id] if district_id is not None else []
    sql = f"""
        WITH RECURSIVE found(year) AS (
            SELECT max(year) FROM {table} WHERE {where}1 = 1
            UNION ALL
            SELECT (SELECT max(year) FROM {table} WHERE {where}year < found.year)
            FROM found WHERE found.year IS NOT NULL
        )
        SELECT year FROM found WHERE year IS NOT NULL
    """  # noqa: S608 (only the table's name and a fixed condition are put in; the district is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, params * 2)
        return [row[0] for row in cursor.fetchall()]
