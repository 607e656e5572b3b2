"""The yearly rollup (reports.models): kept exact in the transaction that changes an item, and read by the report page.

One definition of an item's facts: `reports.annual.facts_sql`, the yearly report's own
query, restricted to the items that changed (or to a whole district-year when building),
as of no date (`FOREVER`). When the workflow records an event (`workflow.signals.event_recorded`,
sent inside the service's transaction) or imports items (`items_imported`), `refresh_items`
recomputes those items' tuples and, where one changed, moves the item from its old
combination's count to the new one's, in the same transaction. The first item of a district,
year and body that has no rollup yet builds the whole district-year from the tables instead.

`annual_reports` answers from the counts (one small grouped query per year, a few hundred
rows) what `reports.annual.annual_reports` answers from the tables. The counts are the facts
*now*; the report is "as of" a date, so the counts answer only where nothing about the
district-year's items happened at or after the end of that date (`RolledUpYear.latest_at`).
Otherwise — a past year as of 31 December when items changed later (replies and closures of
last year's items in January), a user-chosen date in the past, the previous year as of the
same day a year ago, a district-year not rolled up — that district-year's figures come from
the base tables (`reports.annual`), which stay the check: the property test compares the two.

The per-unit rollup (`reports.unit_rollup`: what `reports.units` counts per unit, and the months of
first replies) is kept by the same calls: `refresh_items`, `build_year` and `rebuild` keep both, and a
district-year's `RolledUpYear` marks both built.
"""

import datetime as dt
import logging
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from proposals.models import Item
from workflow.models import Assignment, Feedback, FollowUp, Reply

from . import annual, unit_rollup
from .models import FACT_FIELDS, NONE, FactCount, ItemFacts, RolledUpYear, UnitFactCount, UnitFacts

logger = logging.getLogger(__name__)

# "As of" no date: later than any time an item's facts can depend on.
FOREVER = timezone.make_aware(dt.datetime(9000, 1, 1))  # noqa: DTZ001 (made aware here)
CHUNK = 500  # items per query when refreshing many (placeholders stay well under SQLite's limit)
_GROUP = ("district_id", "year", "body", "kind")
_FACT_COLUMNS = ", ".join(FACT_FIELDS)


def _as_stored(expression):
    """A fact as the rollup stores it: an integer, NONE for NULL."""
    return f"COALESCE(CAST({expression} AS INTEGER), {NONE})"


_PER_ITEM = "i.id, i.district_id, i.year, i.body, i.kind, " + ", ".join(_as_stored(f) for f in annual.FACTS)

# The latest time the facts of each district-year's items depend on: every time the item
# query compares with its `end` (closed, replies sent and published, feedback, conversions).
_LATEST_SQL = """
SELECT district_id, year, body, MAX(at) FROM (
    SELECT i.district_id, i.year, i.body, i.closed_at AS at FROM {item} i WHERE {items}
    UNION ALL SELECT i.district_id, i.year, i.body, r.sent_at
    FROM {item} i JOIN {assignment} a ON a.item_id = i.id JOIN {reply} r ON r.assignment_id = a.id WHERE {items}
    UNION ALL SELECT i.district_id, i.year, i.body, r.published_at
    FROM {item} i JOIN {assignment} a ON a.item_id = i.id JOIN {reply} r ON r.assignment_id = a.id WHERE {items}
    UNION ALL SELECT i.district_id, i.year, i.body, f.submitted_at
    FROM {item} i JOIN {feedback} f ON f.item_id = i.id WHERE {items}
    UNION ALL SELECT i.district_id, i.year, i.body, f.reported_at
    FROM {item} i JOIN {followup} f ON f.item_id = i.id WHERE {items} AND f.converted_from_id IS NOT NULL
) t
GROUP BY district_id, year, body
"""


_RAISE_LATEST = """INSERT INTO {table} (district_id, year, body, latest_at) VALUES (%s, %s, %s, %s)
ON CONFLICT (district_id, year, body) DO UPDATE SET latest_at = CASE
    WHEN excluded.latest_at IS NULL THEN {table}.latest_at
    WHEN {table}.latest_at IS NULL OR excluded.latest_at > {table}.latest_at THEN excluded.latest_at
    ELSE {table}.latest_at END"""
_CLAIM = """INSERT INTO {table} (district_id, year, body) VALUES (%s, %s, %s)
ON CONFLICT (district_id, year, body) DO NOTHING"""
_TAKE = "UPDATE {table} SET n = n + %s WHERE {key} AND n >= %s"
_ADD = """INSERT INTO {table} ({columns}, n) VALUES ({values})
ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + excluded.n"""
_DELETE = "DELETE FROM {table} WHERE {where}"
_INSERT_FACTS = "INSERT INTO {table} (item_id, {columns}) {query}"
_COUNT = "INSERT INTO {counts} ({columns}, n) SELECT {columns}, COUNT(*) FROM {facts} WHERE {where} GROUP BY {columns}"


def _count_sql(where):
    """The counts of the ItemFacts rows `where` selects, inserted into FactCount."""
    return _COUNT.format(
        counts=FactCount._meta.db_table,
        facts=ItemFacts._meta.db_table,
        columns=", ".join((*_GROUP, *FACT_FIELDS)),
        where=where,
    )


def _latest_sql(items):
    return _LATEST_SQL.format(
        items=items,
        item=Item._meta.db_table,
        reply=Reply._meta.db_table,
        assignment=Assignment._meta.db_table,
        feedback=Feedback._meta.db_table,
        followup=FollowUp._meta.db_table,
    )


def _ids_condition(ids, params):
    params.update({f"id{n}": pk for n, pk in enumerate(ids)})
    return "i.id IN ({})".format(", ".join(f"%(id{n})s" for n in range(len(ids))))


def _year_condition(district_id, year, body, params, alias="i."):
    params.update({"r_district": district_id, "r_year": year, "r_body": body})
    return f"{alias}district_id = %(r_district)s AND {alias}year = %(r_year)s AND {alias}body = %(r_body)s"


def _upsert_latest(cursor, rows):
    """Raise each district-year's `latest_at` to at least these (district, year, body, latest) rows', creating it.

    `latest` as the database gave it: a datetime, or on SQLite the stored text, passed back as it is.
    """
    cursor.executemany(
        _RAISE_LATEST.format(table=RolledUpYear._meta.db_table),
        [
            (d, y, b, at if isinstance(at, str) else connection.ops.adapt_datetimefield_value(at))
            for d, y, b, at in rows
        ],
    )


def _add_counts(cursor, deltas, model=FactCount, columns=(*_GROUP, *FACT_FIELDS)):
    """Add each delta to its combination's count, in one order (so concurrent writers take the rows' locks alike).

    Returns the (district, year, body) whose counts lacked a combination an item left: the
    rollup of that year was wrong (changed outside the services), for the caller to rebuild.
    `model` and `columns`: the counts (FactCount, or the per-unit UnitFactCount) and their key.
    """
    table = model._meta.db_table
    broken = set()
    for key, delta in sorted(deltas.items()):
        if delta < 0:  # an UPDATE: an INSERT's proposed row would fail the check on n before any conflict
            cursor.execute(
                _TAKE.format(table=table, key=" AND ".join(f"{c} = %s" for c in columns)), [delta, *key, -delta]
            )
            if cursor.rowcount != 1:
                broken.add(key[:3])
        elif delta > 0:
            cursor.execute(
                _ADD.format(table=table, columns=", ".join(columns), values=", ".join(["%s"] * (len(columns) + 1))),
                [*key, delta],
            )
    return broken


def build_year(district_id, year, body):
    """(Re)build one district, year and body's rollup from the tables: its items' facts, counts and latest time."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (ItemFacts, FactCount):
            params = {}
            where = _year_condition(district_id, year, body, params, "")
            cursor.execute(_DELETE.format(table=model._meta.db_table, where=where), params)
        params = {}
        _build(cursor, _year_condition(district_id, year, body, params), params)
        where = _year_condition(district_id, year, body, {}, "")
        cursor.execute(_count_sql(where), params)
        unit_rollup.delete(cursor, where, params)
        unit_rollup.build(cursor, _year_condition(district_id, year, body, {}), params, where, params)


def _build(cursor, items, params):
    """Insert the facts of the items `items` (a condition on `i`) into ItemFacts and raise their latest times."""
    sql, facts_params = annual.facts_sql(items, params, FOREVER, select=_PER_ITEM)
    cursor.execute(
        _INSERT_FACTS.format(table=ItemFacts._meta.db_table, columns=", ".join((*_GROUP, *FACT_FIELDS)), query=sql),
        facts_params,
    )
    cursor.execute(_latest_sql(items), params)
    _upsert_latest(cursor, cursor.fetchall())


def rebuild():
    """Build the whole rollup again from the tables (deployment, or after editing data outside the services)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the services wait while it is rebuilt
            cursor.execute(
                "LOCK TABLE {} IN EXCLUSIVE MODE".format(
                    ", ".join(m._meta.db_table for m in (ItemFacts, FactCount, RolledUpYear, UnitFacts, UnitFactCount))
                )
            )
        for model in (ItemFacts, FactCount, RolledUpYear, UnitFacts, UnitFactCount):
            cursor.execute(_DELETE.format(table=model._meta.db_table, where="1 = 1"))
        _build(cursor, "1 = 1", {})
        cursor.execute(_count_sql("1 = 1"))
        unit_rollup.build(cursor, "1 = 1", {}, "1 = 1", {})


def refresh_items(item_ids):
    """Bring the rollup up to date with these items, in the caller's transaction.

    A district-year with no rollup yet is built whole from the tables (its first item, or
    items written before the rollup existed); otherwise each item whose facts changed
    moves from its old combination's count to its new one's.
    """
    item_ids = sorted(set(item_ids))
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(item_ids), CHUNK):
            _refresh(cursor, item_ids[start : start + CHUNK])


def _refresh(cursor, ids):
    params = {}
    items = _ids_condition(ids, params)
    sql, facts_params = annual.facts_sql(items, params, FOREVER, select=_PER_ITEM)
    cursor.execute(sql, facts_params)
    new = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
    cursor.execute(_latest_sql(items), params)
    latest = cursor.fetchall()
    years = {(d, y, b) for d, y, b, _at in latest}
    rolled_up = _claim_years(cursor, years)
    for district_id, year, body in sorted(years - rolled_up):
        build_year(district_id, year, body)
    old = {
        row[0]: tuple(row[1:])
        for row in ItemFacts.objects.filter(item_id__in=ids).values_list("item_id", *_GROUP, *FACT_FIELDS)
    }
    deltas, changed = Counter(), []
    for pk, facts in new.items():
        if facts[:3] not in rolled_up or old.get(pk) == facts:
            continue  # built just now, or unchanged
        if pk in old:
            deltas[old[pk]] -= 1
        deltas[facts] += 1
        changed.append(ItemFacts(item_id=pk, **dict(zip((*_GROUP, *FACT_FIELDS), facts, strict=True))))
    broken = set()
    if changed:
        broken = _add_counts(cursor, deltas)
        ItemFacts.objects.bulk_create(
            changed, update_conflicts=True, unique_fields=["item"], update_fields=[*_GROUP, *FACT_FIELDS]
        )
    broken |= unit_rollup.refresh(cursor, ids, items, params, rolled_up, _add_counts)
    for district_id, year, body in sorted(broken):
        logger.warning("The report rollup of district %s, %s %s was wrong: rebuilt", district_id, year, body)
        build_year(district_id, year, body)
    _upsert_latest(cursor, latest)


def _claim_years(cursor, years):
    """Of these (district, year, body), those rolled up already; the others are marked so, for the caller to build.

    Inserting the mark first serialises two transactions building the same year: the second
    waits for the first to commit, then finds the year rolled up.
    """
    if not years:
        return set()
    table = RolledUpYear._meta.db_table
    fresh = set()
    for district_id, year, body in sorted(years):
        cursor.execute(_CLAIM.format(table=table), [district_id, year, body])
        if cursor.rowcount == 1:
            fresh.add((district_id, year, body))
    return set(years) - fresh


# --- reading ---------------------------------------------------------------------------------


class RollupFigures:
    """`reports.annual`'s item figures from the rollup where it answers, from the tables elsewhere; notes which."""

    def __init__(self):
        self.sources = {}  # (district id, year) → "rollup" or "tables"
        self.rolled_up = {}  # year → ids of the districts whose year is in the rollup (read with the figures)

    def __call__(self, districts, year, body, kinds, end, *, ratings=True):
        latest = dict(
            RolledUpYear.objects.filter(district__in=districts, year=year, body=body).values_list(
                "district_id", "latest_at"
            )
        )
        self.rolled_up[year] = set(latest)
        answered = [d for d in districts if d.pk in latest and (latest[d.pk] is None or latest[d.pk] < end)]
        rest = [d for d in districts if d not in answered]
        for d in answered:
            self.sources[d.pk, year] = "rollup"
        for d in rest:
            self.sources[d.pk, year] = "tables"
        figures = defaultdict(Counter)
        if answered:
            figures.update(annual.add_up(self._rows(answered, year, body, kinds)))
        if rest:
            figures.update(annual._item_figures(rest, year, body, kinds, end, ratings=ratings))
        return figures

    def units(self, districts, year, body, kinds):
        """`annual._units` from the per-unit counts for the districts whose year is rolled up, else the tables.

        The units holding the items are facts now, as in the tables, so no report date gates them:
        a district-year in the rollup answers (known from the figures' query, no query of its own).
        """
        rolled_up = self.rolled_up.get(year, set())
        answered = [d for d in districts if d.pk in rolled_up]
        rest = [d for d in districts if d.pk not in rolled_up]
        units = defaultdict(list)
        if answered:
            units.update(unit_rollup.unit_lists(answered, year, body, kinds))
        if rest:
            units.update(annual._units(rest, year, body, kinds))
        return units

    @staticmethod
    def _rows(districts, year, body, kinds):
        """(district id, *FACTS, items) of these districts' counts, the kinds added together."""

        def fact(value):
            return None if value == NONE else value

        rows = (
            FactCount.objects.filter(
                district__in=districts, year=year, body=body, kind__in=[str(k) for k in kinds], n__gt=0
            )
            .values_list("district_id", *FACT_FIELDS)
            .annotate(total=Sum("n"))
            .order_by()
        )
        return [(row[0], *(fact(v) for v in row[1:-1]), row[-1]) for row in rows]


def annual_reports(*, districts, year, body, kind=None, as_of=None, precision=1):
    """`reports.annual.annual_reports` from the rollup where it answers, and where each year's figures came from.

    Returns (reports by district code, sources) where sources maps (district id, year) to
    "rollup" or "tables", for this year and the previous one.
    """
    figures = RollupFigures()
    reports = annual.annual_reports(
        districts=districts,
        year=year,
        body=body,
        kind=kind,
        as_of=as_of,
        precision=precision,
        item_figures=figures,
        units=figures.units,
    )
    return reports, figures.sources


def annual_report(*, district, year, body, kind=None, as_of=None, precision=1):
    """`reports.annual.annual_report` from the rollup where it answers, and where each year's figures came from."""
    reports, sources = annual_reports(
        districts=[district], year=year, body=body, kind=kind, as_of=as_of, precision=precision
    )
    return reports[district.code], sources
