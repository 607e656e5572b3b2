"""The dashboard's figures: counted in the database, a fixed number of queries whatever the data.

Every count is one of the item list's filters counted (`web.items.filters`: the stages, overdue,
key items, `OVERDUE_KINDS`, `overdue_at_unit`, `AWAITS_OFFICE`, `feedback_window_ending`), so the
list a count links to shows exactly that many items. Each query starts from what is small or
indexed: the district and year's items (`item_report_idx`), the overdue ones through their stored
next due date (`item_next_due_idx`: an item with an overdue obligation has `next_due_on` before
today), pending extensions and replies at the office through their own indexes.

Counting `*` or the state rather than ids lets PostgreSQL count from `item_stage_idx` alone (district, year, body,
state, with round, key, next due date and leader included): an index-only scan, no row visited.

The queries (`dashboard_figures`):
  1. the items of the district and year by body: counts by stage, overdue, key items;
  2. the overdue items of the body by kind of obligation and by unit owing it (UNION ALL);
  3. the body's key items by supervising leader;
  4. one row of single counts: the office's work (replies to review, returned assignments,
     extensions to decide), feedback windows ending, and the district's first and last year.
"""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce

from districts.models import Body, District
from proposals.models import Item
from web.items.filters import (
    AWAITS_OFFICE,
    OVERDUE_KIND_CHOICES,
    OVERDUE_KINDS,
    feedback_window_ending,
    overdue_obligations,
)
from web.items.labels import STAGES

# The stage annotation's values (`selectors.annotate_progress`): the state, a re-handling round apart.
REHANDLING = Q(state=Item.State.HANDLING, round__gt=1)


def _stage_condition(stage) -> Q:
    if stage == "rehandling":
        return REHANDLING
    if stage == Item.State.HANDLING:
        return Q(state=stage) & ~REHANDLING
    return Q(state=stage)


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
    """Query 1: {body: counts} for the district and year, each body with items (the default body is the first)."""
    aggregates = {stage: Count("state", filter=_stage_condition(stage)) for stage, _label in STAGES}
    rows = (
        Item.objects.filter(district=district, year=year)
        .order_by()
        .values("body")
        .annotate(
            total=Count("*"),
            overdue=Count("state", filter=Q(next_due_on__lt=today)),
            key=Count("state", filter=Q(is_key=True)),
            **aggregates,
        )
    )
    found = {row.pop("body"): row for row in rows}
    return {body: found[body] for body, _label in Body.choices if body in found}


def _overdue_rows(items, today):
    # The item's stored next due date is before today whenever one of its obligations is overdue: the
    # condition is implied, and lets the overdue items be found through their index.
    return overdue_obligations(today).filter(item__in=items.filter(next_due_on__lt=today).values("pk"))


def overdue_work(items, today):
    """Query 2: overdue items by kind of obligation and by unit, the two groupings in one UNION ALL.

    Returns (by kind: [(group, label, overdue items)] in the order of `OVERDUE_KIND_CHOICES`, zeros
    kept; by unit: [(unit id, name, overdue items)] of the units owing overdue work, most first).
    """
    group = Case(
        *(When(kind__in=kinds, then=Value(name)) for name, kinds in OVERDUE_KINDS.items()),
        output_field=CharField(),
    )
    columns = ("by", "key", "name", "sort")
    kinds = (
        _overdue_rows(items, today)
        .order_by()
        .annotate(by=Value("kind"), key=group, name=Value(""), sort=Value(0))
        .values(*columns)
        .annotate(n=Count("item", distinct=True))
    )
    units = (
        _overdue_rows(items, today)
        .filter(unit__isnull=False)
        .order_by()
        .annotate(by=Value("unit"), key=Cast("unit_id", CharField()), name=F("unit__name"), sort=F("unit__sort_order"))
        .values(*columns)
        .annotate(n=Count("item", distinct=True))
    )
    rows = list(kinds.union(units, all=True))
    counts = {row["key"]: row["n"] for row in rows if row["by"] == "kind"}
    by_kind = [(name, label, counts.get(name, 0)) for name, label in OVERDUE_KIND_CHOICES]
    owing = sorted((r for r in rows if r["by"] == "unit"), key=lambda r: (-r["n"], r["sort"], r["name"]))
    return by_kind, [(int(r["key"]), r["name"], r["n"]) for r in owing]


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


def single_counts(district, items, today):
    """Query 4: one row of counts: the office's work, feedback windows ending, the district's years."""
    years = Item.objects.filter(district=OuterRef("pk")).order_by()
    counts = {name: _count(items.filter(condition())) for name, condition in AWAITS_OFFICE.items()}
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
