"""The per-unit rollup (reports.models UnitFacts, UnitFactCount): what `reports.units` counts per unit, stored.

One definition of a registered item's per-unit facts: `facts_sql`, rows of (item, unit, measure,
value, n) — the units holding it as lead or co (`led`, `co`), its returned assignments
(`returned`), each active lead's current outcome (`outcome`, the category's id), and
for each active lead the item's rating that counts (`rating`, the value's id), a disagreement
(`disagreement`) and praise (`praised`), as of no date; and the months of the item's first lead
replies (`month`, YYYYMM in the site's time zone, unit `NONE`). `reports.units` answers the same
figures from the base tables, which stay the check: the property test compares the two.

`reports.rollup` keeps these with the yearly rollup in the same calls (`refresh_items`,
`build_year`, `rebuild`), in the service's transaction; a district-year is rolled up for both
when it has its `RolledUpYear`. The obligations' figures are not stored: what depends on the
report date (overdue on it, the longest delay) cannot be, and the on-time flags of the
obligations met cannot be kept exact from here: `replies.send_reply` records `reply.sent` (whose
receiver refreshes the rollup) before it fulfils the reply obligations, so a stored copy missed
the flag until the item's next event (the property test found it). `reports.units` reads them
from the obligations, as the tables' path does.
"""

from collections import Counter, defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum

from districts.models import HandlingUnit
from proposals.models import Item
from workflow.models import Assignment, Feedback, OutcomeCategory, Reply

from .models import NONE, UnitFactCount, UnitFacts

# The measures that make a unit listed: it has (or had, returned) an assignment on the scope's items.
ASSIGNED = ("led", "co", "returned")
MEASURES = (*ASSIGNED, "outcome", "rating", "disagreement", "praised", "month")
_GROUP = ("district_id", "year", "body", "kind")
_COLUMNS = (*_GROUP, "unit", "measure", "value")

# Portable SQL (PostgreSQL, and SQLite ≥ 3.28 for the tests); `facts_sql` fills in the `{…}`.
# Each branch restricts its rows to the items `{items}` itself (no CTE: see reports.annual).
_FACTS_SQL = """
SELECT x.item_id, i.district_id, i.year, i.body, i.kind, x.unit, x.measure, x.value, x.n
FROM (
    -- The units holding the item (not returned): as lead (or split lead) or as co-unit.
    SELECT a.item_id, a.unit_id AS unit, CASE WHEN a.role = %(co)s THEN 'co' ELSE 'led' END AS measure,
        0 AS value, 1 AS n
    FROM {assignment} a JOIN {item} i ON i.id = a.item_id AND {items}
    WHERE a.state <> %(returned)s
    UNION ALL
    -- Its assignments returned, counted per unit.
    SELECT a.item_id, a.unit_id, 'returned', 0, COUNT(*)
    FROM {assignment} a JOIN {item} i ON i.id = a.item_id AND {items}
    WHERE a.state = %(returned)s
    GROUP BY a.item_id, a.unit_id
    UNION ALL
    -- Each active lead's current reply: its latest sent reply (either kind); its category now.
    SELECT a.item_id, a.unit_id, 'outcome', r.category_id, 1
    FROM {assignment} a JOIN {item} i ON i.id = a.item_id AND {items}
    JOIN {reply} r ON r.assignment_id = a.id AND r.state = %(sent)s
    WHERE a.state <> %(returned)s AND a.role IN ({lead_roles})
        AND NOT EXISTS (
            SELECT 1 FROM {reply} later
            WHERE later.assignment_id = a.id AND later.state = %(sent)s AND later.sent_at > r.sent_at
        )
    GROUP BY a.item_id, a.unit_id, r.category_id
    UNION ALL
    -- The item's feedback, for each active lead: the rating that counts (`reports.annual.latest_rating`:
    -- the latest round's, a rated form first, then the latest), a disagreement, praise.
    SELECT a.item_id, a.unit_id, f.measure, f.value, 1
    FROM {assignment} a JOIN (
        SELECT r.item_id, 'rating' AS measure, r.rating AS value
        FROM (
            SELECT f.item_id, FIRST_VALUE(f.rating_id) OVER (
                PARTITION BY f.item_id
                ORDER BY f.round DESC, CASE WHEN f.rating_id IS NULL THEN 1 ELSE 0 END, f.submitted_at DESC, f.id DESC
            ) AS rating
            FROM {feedback} f JOIN {item} i ON i.id = f.item_id AND {items}
        ) r
        WHERE r.rating IS NOT NULL
        GROUP BY r.item_id, r.rating
        UNION ALL
        SELECT f.item_id, 'disagreement', 0
        FROM {feedback} f JOIN {item} i ON i.id = f.item_id AND {items}
        WHERE f.agrees = %(false)s
        GROUP BY f.item_id
        UNION ALL
        SELECT f.item_id, 'praised', 0
        FROM {feedback} f JOIN {item} i ON i.id = f.item_id AND {items}
        WHERE f.praised = %(true)s
        GROUP BY f.item_id
    ) f ON f.item_id = a.item_id
    WHERE a.state <> %(returned)s AND a.role IN ({lead_roles})
    UNION ALL
    -- The months (site time) in which a lead (returned or not) sent the item its first reply.
    SELECT m.item_id, {none}, 'month', m.month, 1
    FROM (
        SELECT a.item_id, {month} AS month
        FROM {assignment} a JOIN {item} i ON i.id = a.item_id AND {items}
        JOIN {reply} r ON r.assignment_id = a.id
        WHERE a.role IN ({lead_roles}) AND r.state = %(sent)s AND r.kind = %(reply)s AND r.round = 1
    ) m
    GROUP BY m.item_id, m.month
) x
JOIN {item} i ON i.id = x.item_id
WHERE i.review = %(registered)s
"""


def _local_month_sql(column, params):
    """`column`'s month in the site's time zone as YYYYMM, an integer; its parameters added to `params`."""
    tz = settings.TIME_ZONE
    parts = []
    for lookup in ("year", "month"):
        sql, values = connection.ops.datetime_extract_sql(lookup, column, (), tz)
        pieces = sql.split("%s")
        sql = pieces[0] + "".join(f"%(m_{lookup}{n})s{piece}" for n, piece in enumerate(pieces[1:]))
        params.update({f"m_{lookup}{n}": v for n, v in enumerate(values)})
        parts.append(f"CAST({sql} AS INTEGER)")
    return f"({parts[0]} * 100 + {parts[1]})"


def facts_sql(items, params):
    """`_FACTS_SQL` over the items `items` (a condition on `i`, its parameters in `params`): their per-unit facts.

    One row per (item, unit, measure, value) with its n, and the item's district, year, body and kind.
    """
    params = {
        **params,
        "co": Assignment.Role.CO.value,
        "returned": Assignment.State.RETURNED.value,
        "sent": Reply.State.SENT.value,
        "reply": Reply.Kind.REPLY.value,
        "registered": Item.Review.REGISTERED.value,
        "true": True,
        "false": False,
    }

    def placeholders(name, values):
        params.update({f"{name}{i}": v for i, v in enumerate(values)})
        return ", ".join(f"%({name}{i})s" for i in range(len(values)))

    sql = _FACTS_SQL.format(
        items=items,
        item=Item._meta.db_table,
        assignment=Assignment._meta.db_table,
        reply=Reply._meta.db_table,
        feedback=Feedback._meta.db_table,
        lead_roles=placeholders("role", [str(r) for r in Assignment.LEAD_ROLES]),
        month=_local_month_sql("r.sent_at", params),
        none=NONE,
    )
    return sql, params


# --- keeping it (called by reports.rollup) --------------------------------------------------------------

_INSERT = "INSERT INTO {table} (item_id, {columns}, n) {query}"
_COUNT = "INSERT INTO {counts} ({columns}, n) SELECT {columns}, SUM(n) FROM {facts} WHERE {where} GROUP BY {columns}"


def delete(cursor, where, params):
    """Delete the facts and counts that `where` (a condition on district_id, year, body) selects."""
    for model in (UnitFacts, UnitFactCount):
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", params)  # noqa: S608 (our tables)


def build(cursor, items, params, where, where_params):
    """Insert the facts of the items `items` (a condition on `i`), then the counts of the facts `where` selects."""
    sql, facts_params = facts_sql(items, params)
    cursor.execute(_INSERT.format(table=UnitFacts._meta.db_table, columns=", ".join(_COLUMNS), query=sql), facts_params)
    cursor.execute(
        _COUNT.format(
            counts=UnitFactCount._meta.db_table,
            facts=UnitFacts._meta.db_table,
            columns=", ".join(_COLUMNS),
            where=where,
        ),
        where_params,
    )


def refresh(cursor, ids, items, params, rolled_up, add_counts):
    """Move the items `ids` (the condition `items` on `i`) whose per-unit facts changed, where rolled up.

    `rolled_up`: the (district, year, body) that were rolled up before this call (the others
    were built from the tables just now). `add_counts(cursor, deltas, model, columns)` adds the
    deltas to the counts (reports.rollup). Returns the (district, year, body) whose counts
    lacked a row an item left: wrong, for the caller to rebuild.
    """
    sql, facts_params = facts_sql(items, params)
    cursor.execute(sql, facts_params)
    new = defaultdict(Counter)
    for pk, *key, n in cursor.fetchall():
        new[pk][tuple(key)] += n
    old = defaultdict(Counter)
    for pk, *key, n in UnitFacts.objects.filter(item_id__in=ids).values_list("item_id", *_COLUMNS, "n"):
        old[pk][tuple(key)] += n
    deltas, changed, rows = Counter(), [], []
    for pk in ids:
        now = {key: n for key, n in new[pk].items() if key[:3] in rolled_up}
        if now == dict(old[pk]) or (new[pk] and not now):
            continue  # unchanged, or in a year built just now
        for key, n in old[pk].items():
            deltas[key] -= n
        for key, n in now.items():
            deltas[key] += n
        changed.append(pk)
        rows += [UnitFacts(item_id=pk, n=n, **dict(zip(_COLUMNS, key, strict=True))) for key, n in now.items()]
    if not changed:
        return set()
    broken = add_counts(cursor, deltas, UnitFactCount, _COLUMNS)
    UnitFacts.objects.filter(item_id__in=changed).delete()
    UnitFacts.objects.bulk_create(rows)
    return broken


# --- reading (reports.units) ----------------------------------------------------------------------------

_READ = """
SELECT c.unit, c.measure, c.value, oc.code, SUM(c.n)
FROM {counts} c LEFT JOIN {outcome} oc ON c.measure = 'outcome' AND oc.id = c.value
WHERE c.district_id = %(district)s AND c.year = %(year)s AND c.body = %(body)s AND c.kind IN ({kinds})
    AND c.n > 0 AND c.measure <> 'month'
GROUP BY c.unit, c.measure, c.value, oc.code
"""


def unit_rows(district, year, body, kinds, ratings, row_class):
    """The rows of `reports.units.unit_statistics` from the counts (two queries, whatever the number of items).

    The counts of the district-year's units (one grouped query over a few rows per unit) and the
    units listed (active, or counted as holding or having returned an assignment). The obligations'
    figures and the contact changes are the caller's.
    """
    params = {"district": district.pk, "year": year, "body": str(body)}
    params.update({f"kind{i}": str(k) for i, k in enumerate(kinds)})
    sql = _READ.format(
        counts=UnitFactCount._meta.db_table,
        outcome=OutcomeCategory._meta.db_table,
        kinds=", ".join(f"%(kind{i})s" for i in range(len(kinds))),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = cursor.fetchall()
    listed = {unit for unit, measure, _v, _c, n in counted if measure in ASSIGNED and n}
    units = list(
        HandlingUnit.objects.filter(district=district)
        .filter(Q(is_active=True) | Q(pk__in=sorted(listed)))
        .order_by("sort_order", "name")
    )
    rows = {unit.pk: row_class(unit=unit) for unit in units}
    rated = defaultdict(Counter)
    for unit, measure, value, code, n in counted:
        row = rows.get(unit)
        if row is None:
            continue  # an obligation of a unit not listed, as the tables leave it out
        if measure == "outcome":
            row.outcomes[code] = row.outcomes.get(code, 0) + n
        elif measure == "rating":
            rated[unit][value] += n
        elif measure == "disagreement":
            row.disagreements += n
        elif measure == "praised":
            row.praised += n
        else:
            setattr(row, measure, getattr(row, measure) + n)
    for row in rows.values():
        if row.led:  # the tables give a rating per value to each unit leading an item
            row.ratings = {v.code: rated[row.unit.pk][v.pk] for v in ratings}

    return rows


_UNIT_LISTS = """
SELECT c.district_id, u.name, SUM(c.n) AS items, SUM(CASE WHEN c.measure = 'led' THEN c.n ELSE 0 END) AS lead
FROM {counts} c JOIN {unit} u ON u.id = c.unit
WHERE c.district_id IN ({districts}) AND c.year = %(year)s AND c.body = %(body)s AND c.kind IN ({kinds})
    AND c.measure IN ('led', 'co') AND c.n > 0
GROUP BY c.district_id, u.id, u.name, u.sort_order
ORDER BY c.district_id, items DESC, u.sort_order, u.name
"""


def unit_lists(districts, year, body, kinds):
    """`reports.annual._units` from the counts: each district's units holding its items, heaviest first (one query).

    A unit holds an item once at most (`assignment_unit_once_per_item`), as lead or as co-unit:
    its items are its `led` and `co` counts added, its leads the `led` ones.
    """
    params = {"year": year, "body": str(body)}
    params.update({f"district{i}": d.pk for i, d in enumerate(districts)})
    params.update({f"kind{i}": str(k) for i, k in enumerate(kinds)})
    sql = _UNIT_LISTS.format(
        counts=UnitFactCount._meta.db_table,
        unit=HandlingUnit._meta.db_table,
        districts=", ".join(f"%(district{i})s" for i in range(len(districts))),
        kinds=", ".join(f"%(kind{i})s" for i in range(len(kinds))),
    )
    units = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for district_id, name, items, lead in cursor.fetchall():
            units[district_id].append({"unit": name, "items": items, "lead": lead})
    return units


def months(district, year, body, kinds):
    """{YYYYMM: items first answered that month} from the counts (one query)."""
    return dict(
        UnitFactCount.objects.filter(
            district=district, year=year, body=body, kind__in=[str(k) for k in kinds], measure="month", n__gt=0
        )
        .values_list("value")
        .annotate(total=Sum("n"))
        .order_by()
    )
