"""Per-unit statistics for the yearly assessment (考核), and the monthly reply counts of the report page.

One row per unit of the district, in the units' official order, for the items of one
year and body (by default the body's ordinary kinds, as the yearly report). Timeliness
comes from the on-time flags frozen on each obligation when it was fulfilled, never
recomputed; "overdue now" is the open obligations past due on `as_of`, and the longest delay
their oldest due date's working days overdue on `as_of` (`deadlines.calendar.overdue_workdays`,
as the item page, the bulletin and the reminders count).

A fixed number of queries whatever the number of units or items: the body's setting (with
whether its district-year is rolled up), its scheme and rating scale (two), then — from the
tables — the units and one grouped aggregate each over assignments, obligations, current
outcomes, feedback and contact changes.

Where the district-year is rolled up (`reports.unit_rollup`, kept by the services in their
transaction) and nothing about its items happened at or after the end of the report date
(`RolledUpYear.latest_at`, the gate of `reports.rollup.RollupFigures`), the figures come from
its stored counts instead: one grouped query over a few rows per unit and the units listed,
whatever the number of items. The obligations' figures (met on time or late, overdue on the
report date, the longest delay) are read from the obligations on both paths, as are the contact
changes (`reports.unit_rollup` says why). `replies_by_month` has no report date: the
counts answer wherever the district-year is rolled up (and the months are asked in the site's
time zone). The tables' answer stays the check (tests/annual/test_unit_rollup_property.py).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.calendar import overdue_workdays
from deadlines.models import REPLY_KINDS, ObligationKind
from districts.models import HandlingUnit, UnitContact
from proposals.models import Item
from workflow.models import Assignment, BodySetting, Obligation, Reply

from . import unit_rollup
from .annual import default_as_of, end_of, latest_rating, no_scheme_error, report_kinds
from .exports.tables import COUNT, Column, Table
from .models import RolledUpYear

LEAD_ROLES = Assignment.LEAD_ROLES
RETURNED = Assignment.State.RETURNED
# Obligation kinds whose frozen on-time flag the table shows, by column prefix.
TIMED = {
    "accepted": (ObligationKind.ACCEPTANCE,),
    "consulted": (ObligationKind.CONSULTATION,),
    "opinions": (ObligationKind.CO_OPINION,),
    "replies": REPLY_KINDS,
}


@dataclass
class UnitRow:
    unit: HandlingUnit
    led: int = 0
    co: int = 0
    returned: int = 0
    accepted_on_time: int = 0
    accepted_late: int = 0
    consulted_on_time: int = 0
    consulted_late: int = 0
    opinions_on_time: int = 0
    opinions_late: int = 0
    replies_on_time: int = 0
    replies_late: int = 0
    overdue_now: int = 0
    longest_delay: int | None = None  # working days overdue of the oldest open obligation on `as_of`, the report date
    outcomes: dict = field(default_factory=dict)  # outcome code → items
    ratings: dict = field(default_factory=dict)  # rating code → items
    disagreements: int = 0
    praised: int = 0
    contact_changes: int = 0


@dataclass
class UnitStatistics:
    district: object
    year: int
    body: str
    as_of: dt.date
    outcomes: list  # the scheme's categories, in order
    ratings: list  # the scale's values, in order
    rows: list[UnitRow]
    source: str = "tables"  # "rollup" where the stored counts answered (reports.unit_rollup)


def _items(district, year, body, kinds):
    return Item.objects.filter(
        district=district, year=year, body=body, kind__in=kinds, review=Item.Review.REGISTERED
    ).values("pk")


def unit_statistics(*, district, year, body, kind=None, as_of=None) -> UnitStatistics:
    """The units' rows: from the per-unit rollup where it answers (`source` says which), else from the tables."""
    return _unit_statistics(district=district, year=year, body=body, kind=kind, as_of=as_of)


def unit_statistics_from_tables(*, district, year, body, kind=None, as_of=None) -> UnitStatistics:
    """`unit_statistics` from the base tables whatever the rollup holds: the check of the rollup."""
    return _unit_statistics(district=district, year=year, body=body, kind=kind, as_of=as_of, tables=True)


def _unit_statistics(*, district, year, body, kind, as_of, tables=False) -> UnitStatistics:
    kinds = report_kinds(body, kind)
    as_of = as_of or default_as_of(year)
    rolled = RolledUpYear.objects.filter(district=OuterRef("district"), year=year, body=OuterRef("body"))
    try:
        setting = (
            BodySetting.objects.select_related("scheme", "rating_scale")
            .annotate(rolled_up=Exists(rolled), rolled_latest=Subquery(rolled.values("latest_at")[:1]))
            .get(district=district, body=body)
        )
    except BodySetting.DoesNotExist:  # the same answer as the yearly report's
        raise no_scheme_error() from None
    outcomes = list(setting.scheme.categories.order_by("sort_order"))
    ratings = list(setting.rating_scale.values.order_by("sort_order"))
    latest = setting.rolled_latest
    if not tables and setting.rolled_up and (latest is None or latest < end_of(as_of)):
        source = "rollup"
        rows = unit_rollup.unit_rows(district, year, body, kinds, ratings, UnitRow)
    else:
        source = "tables"
        rows = _rows_from_tables(district, year, body, kinds, as_of, ratings)
    _obligation_figures(rows, _items(district, year, body, kinds), as_of)

    # A change is a new contact person who replaced an earlier one during the year.
    earlier = UnitContact.objects.filter(unit=OuterRef("unit"), started_on__lt=OuterRef("started_on"))
    for r in (
        UnitContact.objects.filter(unit__district=district, started_on__year=year)
        .filter(Exists(earlier))
        .values("unit_id")
        .annotate(n=Count("pk"))
    ):
        if r["unit_id"] in rows:
            rows[r["unit_id"]].contact_changes = r["n"]

    return UnitStatistics(
        district=district,
        year=year,
        body=body,
        as_of=as_of,
        outcomes=outcomes,
        ratings=ratings,
        rows=list(rows.values()),
        source=source,
    )


def _obligation_figures(rows, items, as_of):
    """The units' obligations met on time or late by TIMED kind, and open ones overdue on `as_of`, from the obligations.

    On both paths (see `reports.unit_rollup`: the on-time flags cannot be kept exact there).
    """
    timed = {}
    for prefix, obligation_kinds in TIMED.items():
        timed[f"{prefix}_on_time"] = Count("pk", filter=Q(kind__in=obligation_kinds, on_time=True))
        timed[f"{prefix}_late"] = Count("pk", filter=Q(kind__in=obligation_kinds, on_time=False))
    overdue = Obligation.OPEN & Q(due_on__lt=as_of)
    obligations = Obligation.objects.filter(item__in=items, owner=Obligation.Owner.UNIT, unit__isnull=False)
    for r in obligations.values("unit_id").annotate(
        **timed, overdue_now=Count("pk", filter=overdue), oldest_due=Min("due_on", filter=overdue)
    ):
        row = rows.get(r["unit_id"])
        if row is None:
            continue
        for name in timed:
            setattr(row, name, r[name])
        row.overdue_now = r["overdue_now"]
        row.longest_delay = overdue_workdays(r["oldest_due"], as_of) if r["oldest_due"] else None


def _rows_from_tables(district, year, body, kinds, as_of, ratings):
    """The units' rows (but the obligations' figures and contact changes) from the base tables: the rollup's check."""
    items = _items(district, year, body, kinds)
    assignments = Assignment.objects.filter(item__in=items)
    units = list(
        HandlingUnit.objects.filter(district=district)
        .filter(Q(is_active=True) | Q(pk__in=assignments.values("unit_id")))
        .order_by("sort_order", "name")
    )
    rows = {unit.pk: UnitRow(unit=unit) for unit in units}

    for r in assignments.values("unit_id").annotate(
        led=Count("item_id", filter=Assignment.ACTIVE_LEAD, distinct=True),
        co=Count("item_id", filter=Assignment.ACTIVE & Q(role=Assignment.Role.CO), distinct=True),
        returned=Count("pk", filter=Q(state=RETURNED)),
    ):
        row = rows[r["unit_id"]]
        row.led, row.co, row.returned = r["led"], r["co"], r["returned"]

    lead = assignments.active_leads()
    later = Reply.objects.sent().filter(assignment=OuterRef("assignment"), sent_at__gt=OuterRef("sent_at"))
    current = Reply.objects.sent().filter(assignment__in=lead).exclude(Exists(later))
    for r in current.values("assignment__unit_id", "category__code").annotate(
        n=Count("assignment__item", distinct=True)
    ):
        rows[r["assignment__unit_id"]].outcomes[r["category__code"]] = r["n"]

    # One rating per item, the one the yearly report counts.
    end = end_of(as_of)
    rated = lead.annotate(rating=latest_rating(end, "rating_id", item=OuterRef("item_id")))
    given = Q(item__feedback__submitted_at__lt=end)
    for r in rated.values("unit_id").annotate(
        **{f"rating_{v.code}": Count("item_id", filter=Q(rating=v.pk), distinct=True) for v in ratings},
        disagreements=Count("item_id", filter=given & Q(item__feedback__agrees=False), distinct=True),
        praised=Count("item_id", filter=given & Q(item__feedback__praised=True), distinct=True),
    ):
        row = rows[r["unit_id"]]
        row.ratings = {v.code: r[f"rating_{v.code}"] for v in ratings}
        row.disagreements, row.praised = r["disagreements"], r["praised"]
    return rows


def units_table(stats: UnitStatistics) -> Table:
    """The statistics as a table for the page and every export."""
    columns = [
        Column(_("Unit")),
        Column(_("Items led"), COUNT),
        Column(_("Items co-handled"), COUNT),
        Column(_("Accepted on time"), COUNT),
        Column(_("Accepted late"), COUNT),
        Column(_("Returned"), COUNT),
        Column(_("Consultations on time"), COUNT),
        Column(_("Consultations late"), COUNT),
        Column(_("Co-unit opinions on time"), COUNT),
        Column(_("Co-unit opinions late"), COUNT),
        Column(_("Replies on time"), COUNT),
        Column(_("Replies late"), COUNT),
        Column(_("Overdue on the report date"), COUNT),
        Column(_("Longest delay (working days)"), COUNT),
    ]
    columns += [Column(f"{o.code} {o.label}", COUNT) for o in stats.outcomes]
    columns += [Column(v.label, COUNT) for v in stats.ratings]
    columns += [
        Column(_("Disagreements"), COUNT),
        Column(_("Praised"), COUNT),
        Column(_("Contact person changes"), COUNT),
    ]
    rows = [
        (
            str(r.unit),
            r.led,
            r.co,
            r.accepted_on_time,
            r.accepted_late,
            r.returned,
            r.consulted_on_time,
            r.consulted_late,
            r.opinions_on_time,
            r.opinions_late,
            r.replies_on_time,
            r.replies_late,
            r.overdue_now,
            r.longest_delay,
            *(r.outcomes.get(o.code, 0) for o in stats.outcomes),
            *(r.ratings.get(v.code, 0) for v in stats.ratings),
            r.disagreements,
            r.praised,
            r.contact_changes,
        )
        for r in stats.rows
    ]
    return Table(name="units", title=_("Figures by unit"), columns=columns, rows=rows, precision=0)


def replies_by_month(*, district, year, body, kind=None) -> list[tuple[str, int]]:
    """Items first answered in each month (YYYY-MM), from January of the year to the last month with a reply."""
    return _replies_by_month(district=district, year=year, body=body, kind=kind)[0]


def _replies_by_month(*, district, year, body, kind=None, tables=False):
    """`replies_by_month` and where it came from: "rollup" (the stored counts) or "tables" (always with `tables`)."""
    kinds = report_kinds(body, kind)
    rolled = RolledUpYear.objects.filter(district=district, year=year, body=body).exists()
    if not tables and rolled and timezone.get_current_timezone_name() == timezone.get_default_timezone_name():
        source = "rollup"
        counts = {f"{m // 100}-{m % 100:02d}": n for m, n in unit_rollup.months(district, year, body, kinds).items()}
    else:
        source = "tables"
        counts = _months_from_tables(district, year, body, kinds)
    last = max([f"{year}-12", *counts]) if counts else f"{year}-12"
    months, (y, m) = [], (year, 1)
    while f"{y}-{m:02d}" <= last:
        months.append((f"{y}-{m:02d}", counts.get(f"{y}-{m:02d}", 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months, source


def _months_from_tables(district, year, body, kinds):
    """{YYYY-MM: items first answered that month} from the base tables: the check of the rollup's months."""
    items = _items(district, year, body, kinds)
    first = (
        Reply.objects.sent()
        .filter(assignment__item__in=items, assignment__role__in=LEAD_ROLES, kind=Reply.Kind.REPLY, round=1)
        .annotate(month=TruncMonth("sent_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("assignment__item", distinct=True))
        .order_by("month")
    )
    return {r["month"].strftime("%Y-%m"): r["n"] for r in first}
