"""The dashboard's figures: counted in the database, a fixed number of queries whatever the data.

Every count is one of the item list's filters counted (`web.items.filters`: the stages, overdue,
key items, `OVERDUE_KINDS`, `overdue_at_unit`, `AWAITS_OFFICE`, `feedback_window_ending`), so the
list a count links to shows exactly that many items. Each query starts from what is small or
indexed, through the facts the workflow stores on each item (`workflow.progress`): the district
and year's items (`item_stage_idx`), the overdue ones through their stored next due date (an item
with an overdue obligation has `next_due_on` before today), the office's work through what each
item waits for first (`shown_first`, `item_waits_idx`), pending extensions through their own
index. The condition itself is then checked on those few items only, so a count means exactly
what its list filter means; overdue days are never stored (the due date is).

Counting `*` or the state rather than ids lets PostgreSQL count from `item_stage_idx` alone (district, year, body,
state, with round, key, next due date and leader included): an index-only scan, no row visited.

The queries (`dashboard_figures`):
  1. the items of the district and year by body: counts by stage, overdue, key items;
  2. the overdue items of the body by kind of obligation and by unit owing it (one pass, UNION ALL);
  3. the body's key items by supervising leader;
  4. one row of single counts: the office's work (replies to review, returned assignments,
     extensions to decide), feedback windows ending, and the district's first and last year.

What still grows with the year's open work: each overdue item's obligations are looked up (their
kind and unit are not stored on the item), and each item in flight at the office's steps is
checked for the office's work.
"""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db import connection
from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from districts.models import Body, District, HandlingUnit
from proposals.models import Item
from web.items.filters import (
    AWAITS_OFFICE,
    OVERDUE_KIND_CHOICES,
    OVERDUE_KINDS,
    feedback_window_ending,
    overdue_obligations,
)
from web.items.labels import STAGES
from workflow.models import Reply
from workflow.progress import shown_while_handled

# The stage annotation's values (`selectors.annotate_progress`): the state, a re-handling round apart.
REHANDLING = Q(state=Item.State.HANDLING, round__gt=1)
_STAGE_NAMES = [stage for stage, _label in STAGES]


def _count(queryset):
    """`queryset`'s number of rows as a scalar subquery: one of many counts in a single query."""
    counted = queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass
class Figures:
    bodies: dict  # {body: {stage: n, "total": n, "overdue": n, "key": n}} for the bodies with items this year
    by_kind: list = field(default_factory=list)  # [(group, label, n)] every kind, zeros kept
    by_unit: list = field(default_factory=list)  # [(unit id, unit name, n)] most overdue first
    leaders: list = field(default_factory=list)  # [{"id", "name", "total", "closed", "overdue"}]
    office: dict = field(default_factory=dict)  # {"office_review": n, "reassignment": n, "extension": n}
    feedback_ending: int = 0
    first_year: int | None = None
    last_year: int | None = None


def stage_counts(district, year, today):
    """Query 1: {body: counts} for the district and year, each body with items (the default body is the first).

    Grouped by body and state, the leading columns of `item_stage_idx` after the district and year, so
    the groups come in index order with no sort and each row is read by three counts, not one per
    stage (twice as fast at 12,500 items); the stages are added up here.
    """
    rows = (
        Item.objects.filter(district=district, year=year)
        .order_by()
        .values("body", "state")
        .annotate(
            n=Count("*"),
            rehandling=Count("state", filter=REHANDLING),
            overdue=Count("state", filter=Q(next_due_on__lt=today)),
            key=Count("state", filter=Q(is_key=True)),
        )
    )
    found = {}
    for row in rows:
        counts = found.setdefault(row["body"], dict.fromkeys(("total", "overdue", "key", *_STAGE_NAMES), 0))
        counts["total"] += row["n"]
        counts["overdue"] += row["overdue"]
        counts["key"] += row["key"]
        if row["state"] == Item.State.HANDLING:
            counts["rehandling"] += row["rehandling"]
            counts[Item.State.HANDLING] += row["n"] - row["rehandling"]
        elif row["state"] in counts:
            counts[row["state"]] += row["n"]
    return {body: found[body] for body, _label in Body.choices if body in found}


def _overdue_rows(items, today):
    # The item's stored next due date is before today whenever one of its obligations is overdue: the
    # condition is implied, and lets the overdue items be found through their index.
    return overdue_obligations(today).filter(item__in=items.filter(next_due_on__lt=today).values("pk"))


# Query 2 in one pass over the overdue obligations: the rows are found once (a CTE read twice is
# materialized), then counted by kind and by unit; the unit's name is joined to the counts, not to
# each obligation. Grouped sets are written in SQL: the ORM has no CTE (SQLite runs it too).
OVERDUE_WORK = """
WITH overdue AS ({rows})
SELECT 'kind' AS by_what, grp AS kind, NULL AS unit, '' AS name, 0 AS sort, COUNT(DISTINCT owed_on) AS n
FROM overdue GROUP BY grp
UNION ALL
SELECT 'unit', NULL, u.id, u.name, u.sort_order, counted.n
FROM (SELECT owed_by, COUNT(DISTINCT owed_on) AS n FROM overdue WHERE owed_by IS NOT NULL GROUP BY owed_by) AS counted
JOIN {units} u ON u.id = counted.owed_by
"""


def overdue_work(items, today):
    """Query 2: overdue items by kind of obligation and by unit, both counted from one pass (a UNION ALL).

    Returns (by kind: [(group, label, overdue items)] in the order of `OVERDUE_KIND_CHOICES`, zeros
    kept; by unit: [(unit id, name, overdue items)] of the units owing overdue work, most first).
    Each overdue item (its stored next due date before today: `item_stage_idx`) has its obligations
    looked up once, through the obligations' item index.
    """
    group = Case(
        *(When(kind__in=kinds, then=Value(name)) for name, kinds in OVERDUE_KINDS.items()),
        output_field=CharField(),
    )
    rows = _overdue_rows(items, today).order_by().annotate(owed_on=F("item_id"), owed_by=F("unit_id"), grp=group)
    sql, params = rows.values("owed_on", "owed_by", "grp").query.sql_with_params()
    query = OVERDUE_WORK.format(rows=sql, units=connection.ops.quote_name(HandlingUnit._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    counts = {kind: n for by_what, kind, _unit, _name, _sort, n in found if by_what == "kind"}
    by_kind = [(name, label, counts.get(name, 0)) for name, label in OVERDUE_KIND_CHOICES]
    owing = sorted((r for r in found if r[0] == "unit"), key=lambda r: (-r[5], r[4], r[3]))
    return by_kind, [(unit, name, n) for _by, _kind, unit, name, _sort, n in owing]


def key_items_by_leader(items, today):
    """Query 3: the key items by supervising leader (None: no leader named), with how many are closed and overdue."""
    rows = (
        items.filter(is_key=True)
        .order_by()
        .values("supervising_leader", "supervising_leader__full_name", "supervising_leader__username")
        .annotate(
            total=Count("*"),
            closed=Count("state", filter=Q(state=Item.State.CLOSED)),
            overdue=Count("state", filter=Q(next_due_on__lt=today)),
        )
    )
    leaders = [
        {
            "id": r["supervising_leader"],
            "name": r["supervising_leader__full_name"] or r["supervising_leader__username"],
            "total": r["total"],
            "closed": r["closed"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]
    return sorted(leaders, key=lambda r: (r["id"] is None, r["name"] or ""))


def shown_first(code) -> list[Q]:
    """Filters on Item for the stored facts an item in flight meeting `code`'s condition may show: `code` last.

    The office's items in flight are found by these (waiting on, waits for) pairs in
    `item_waits_idx` (`progress.shown_while_handled`), and only those showing an earlier step are
    checked for `code`'s condition itself, instead of every handled item of the year.
    """
    return [
        Q(office_waiting_on=on, office_waits_for=waits_for)
        for on, waits_for in shown_while_handled(code, Reply.objects.all())
    ]


# Per count of the office's work (`AWAITS_OFFICE`): the code of `waits` it is, and what else its
# condition implies of the stored facts (a reply of the current round in the approval chain is in
# `replies_in_approval`); None: not from the stored facts (an extension request is not in `waits`).
OFFICE_WORK_SHOWS = {
    "office_review": ("office_review", ~Q(replies_in_approval={})),
    "reassignment": ("reassignment", Q()),
    "extension": None,
}


def office_work(items, name):
    """The items awaiting the office's `name` work (`AWAITS_OFFICE`), found through their stored facts.

    An item showing the work's own code meets its condition (the stored facts are the first match
    of `waits`); one showing an earlier code is checked for the condition.
    """
    condition = AWAITS_OFFICE[name]()
    if OFFICE_WORK_SHOWS[name] is None:
        return items.filter(condition)
    code, implied = OFFICE_WORK_SHOWS[name]
    *earlier, shows = shown_first(code)
    return items.filter(shows | (reduce(operator.or_, earlier) & implied & condition))


def single_counts(district, items, today):
    """Query 4: one row of counts: the office's work, feedback windows ending, the district's years."""
    years = Item.objects.filter(district=OuterRef("pk")).order_by()
    counts = {name: _count(office_work(items, name)) for name in AWAITS_OFFICE}
    return (
        District.objects.filter(pk=district.pk)
        .values()
        .annotate(
            **counts,
            feedback_ending=_count(items.filter(feedback_window_ending(today))),
            first_year=Subquery(years.order_by("year").values("year")[:1]),
            last_year=Subquery(years.order_by("-year").values("year")[:1]),
        )
        .values(*counts, "feedback_ending", "first_year", "last_year")
        .get()
    )


def dashboard_figures(district, year, body, today, bodies=None) -> Figures:
    """Every figure of the dashboard for `district`, `year` and `body` (four queries; three if `bodies` is given)."""
    bodies = stage_counts(district, year, today) if bodies is None else bodies
    items = Item.objects.filter(district=district, year=year, body=body)
    single = single_counts(district, items, today)
    by_kind, by_unit = overdue_work(items, today)
    return Figures(
        bodies=bodies,
        by_kind=by_kind,
        by_unit=by_unit,
        leaders=key_items_by_leader(items, today),
        office={name: single[name] for name in AWAITS_OFFICE},
        feedback_ending=single["feedback_ending"],
        first_year=single["first_year"],
        last_year=single["last_year"],
    )
