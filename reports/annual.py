"""The yearly report (domain §6): every figure for one district, year, body and kind, as of a date.

Nine queries whatever the number of items or districts: the settings and lists of the
districts (schemes, rating scales, categories), one grouped query over the items, the same
for the previous year, one over the units and two over the obligations, each grouped by
district. District and year are in every `WHERE` so the `item_report_idx` index serves
them. The item query (SQL written out, portable to SQLite) is set-based: it reads the report's
items, their lead assignments and replies, and their feedback once each, works out each lead's
and each item's facts in one pass with window functions and `GROUP BY`, then groups the items
by district and by those facts (registered, closed, key, category, the lead facts, praise,
rating); the database returns one row per combination that occurs (a few hundred, whatever
the number of items) and Python adds those rows up into the figures.

"As of" a date means: replies sent, feedback given, items closed and replies published
before the end of that day, and each reply's category as it stood then (a follow-up
conversion after the date is undone by taking its `converted_from`).
"""

import datetime as dt
from collections import Counter, defaultdict
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext

from deadlines.models import REPLY_KINDS
from districts.models import Body
from outreach.models import Message
from proposals.models import ORDINARY_KINDS, Category, Item, Kind
from submissions.models import Submission
from workflow.errors import WorkflowError
from workflow.models import (
    Assignment,
    BodySetting,
    Feedback,
    FollowUp,
    Obligation,
    OutcomeCategory,
    RatingValue,
    Reply,
)

from .rounding import as_number, change, grouped_table_percents, percent, table_percents

LEAD_ROLES = Assignment.LEAD_ROLES
# Obligation kinds whose on-time rate the report shows, by the name it shows them under.
TIMELINESS_KINDS = {
    "acceptance": ("acceptance",),
    "consultation": ("consultation",),
    "reply": REPLY_KINDS,
}


def default_as_of(year, today=None):
    """Today for the current (or a future) year, 31 December for a past year."""
    today = today or timezone.localdate()
    return today if year >= today.year else dt.date(year, 12, 31)


def no_scheme_error():
    """What every report says of a district whose body has no outcome scheme yet."""
    return WorkflowError(gettext("This district has no outcome scheme for this body yet."), code="no_scheme")


def report_kinds(body, kind=None):
    """The kinds a report covers: the one asked for, or the body's ordinary kinds."""
    if kind is None:
        return tuple(ORDINARY_KINDS[Body(body)])
    return (Kind(kind),)


def end_of(day):
    """The first instant after `day` in the site's time zone: "as of" a day includes all of it."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def latest_rating(end, value, *, item=None):
    """`value` of the rating that counts for an item as of `end`, as a subquery (NULL: not rated).

    The latest round's feedback counts (a disagreement opens a new round); within it, with
    several proposers, a rated form before an unrated one, then the latest. `item` is the
    outer reference to the item, by default the outer query's primary key.
    """
    return Subquery(
        Feedback.objects.filter(item=OuterRef("pk") if item is None else item, submitted_at__lt=end)
        .order_by("-round", Case(When(rating__isnull=True, then=Value(1)), default=Value(0)), "-submitted_at", "-pk")
        .values(value)[:1]
    )


# The item query (see `_item_figures`). Set-based: the leads' replies and the feedback are read
# once for the report's items, and what is per lead or per item is computed in one pass over the
# rows (window functions, GROUP BY), rather than by subqueries run once per item. The items'
# filter `{items}` is written out where it is needed, not a CTE: PostgreSQL has no statistics on
# a CTE's rows, so it hashed the whole assignment table instead of the report's items. Portable
# SQL (PostgreSQL, and SQLite ≥ 3.28 for the tests); `_item_sql` fills in the `{…}`.
_ITEM_SQL = """
WITH conversions AS (
    -- Conversions after the date are undone: per reply, the earliest one's `converted_from`.
    SELECT f.reply_id, c.sort_order, ROW_NUMBER() OVER (PARTITION BY f.reply_id ORDER BY f.reported_at, f.id) AS n
    FROM {followup} f JOIN {outcome} c ON c.id = f.converted_from_id
    WHERE f.reported_at >= %(end)s
), lead_replies AS (
    -- Each lead's replies in one pass, sent ones first in the order sent: the first sent (its
    -- category at reply), the latest sent of kind "reply" (whose running count of such replies
    -- reaches the lead's total; its category as of the date is the outcome), any published.
    SELECT a.item_id, a.id AS assignment_id,
        CASE WHEN r.sent_at < %(end)s AND r.kind = %(reply)s THEN 1 ELSE 0 END AS is_reply,
        COALESCE(cv.sort_order, c.sort_order) AS outcome,
        FIRST_VALUE(CASE WHEN r.sent_at < %(end)s THEN fc.sort_order END) OVER sent AS first_outcome,
        SUM(CASE WHEN r.sent_at < %(end)s AND r.kind = %(reply)s THEN 1 ELSE 0 END) OVER sent AS replies_so_far,
        SUM(CASE WHEN r.sent_at < %(end)s AND r.kind = %(reply)s THEN 1 ELSE 0 END) OVER lead AS replies,
        MAX(CASE WHEN r.published_at < %(end)s THEN 1 ELSE 0 END) OVER lead AS published
    FROM {assignment} a JOIN {item} i ON i.id = a.item_id AND {items}
    LEFT JOIN {reply} r ON r.assignment_id = a.id
    LEFT JOIN {outcome} c ON c.id = r.category_id
    LEFT JOIN {outcome} fc ON fc.id = r.category_at_reply_id
    LEFT JOIN conversions cv ON cv.reply_id = r.id AND cv.n = 1
    WHERE a.role IN ({lead_roles}) AND a.state <> %(returned)s
    WINDOW lead AS (PARTITION BY a.item_id, a.id),
        sent AS (lead ORDER BY CASE WHEN r.sent_at < %(end)s THEN 0 ELSE 1 END, r.sent_at, r.id)
), leads AS (
    -- Per item: every lead replied, one published, the least resolved outcome (each lead's latest
    -- reply of kind "reply") and the same at first reply. Aggregates over all the rows rather than
    -- a filter on the window's figures, which the planner cannot estimate.
    SELECT item_id,
        MIN(CASE WHEN replies > 0 THEN 1 ELSE 0 END) AS replied,
        MAX(published) AS published,
        MAX(CASE WHEN is_reply = 1 AND replies_so_far = replies THEN outcome END) AS outcome,
        MAX(first_outcome) AS first_outcome
    FROM lead_replies
    GROUP BY item_id
), feedback AS (
    -- Per item: any praise, and the rating that counts: the first in `latest_rating`'s order.
    SELECT item_id, MAX(praised) AS praised, MAX(rating) AS rating
    FROM (
        SELECT f.item_id, CASE WHEN f.praised THEN 1 ELSE 0 END AS praised,
            {rating} AS rating
        FROM {feedback} f JOIN {item} i ON i.id = f.item_id AND {items} {rating_join}
        WHERE f.submitted_at < %(end)s
    ) AS f
    GROUP BY item_id
), channel AS (
    -- The items handed in from residents' 码上约 messages: their submission holds one or more.
    SELECT DISTINCT s.item_id
    FROM {submission} s JOIN {item} i ON i.id = s.item_id AND {items}
    JOIN {message} m ON m.submission_id = s.id
)
SELECT {select}
FROM {item} i
LEFT JOIN leads l ON l.item_id = i.id
LEFT JOIN feedback fb ON fb.item_id = i.id
LEFT JOIN channel ch ON ch.item_id = i.id
WHERE {items}
{group_by}
"""
# An item's facts: what `_item_figures` adds up. The report groups the items by them; the
# rollup (reports.rollup) stores them per item, from the same query restricted to the item.
FACTS = (
    "i.category_id",
    "i.is_key",
    "CASE WHEN i.review = %(registered)s THEN 1 ELSE 0 END",
    "CASE WHEN i.closed_at < %(end)s THEN 1 ELSE 0 END",
    "l.replied",
    "l.published",
    "l.outcome",
    "l.first_outcome",
    "fb.praised",
    "fb.rating",
    "CASE WHEN ch.item_id IS NULL THEN 0 ELSE 1 END",
)
# The rating that counts (`latest_rating`): the latest round's, a rated form first, then the latest.
_RATING = """FIRST_VALUE(rv.sort_order) OVER (
                PARTITION BY f.item_id
                ORDER BY f.round DESC, CASE WHEN f.rating_id IS NULL THEN 1 ELSE 0 END, f.submitted_at DESC, f.id DESC
            )"""


def _item_sql(districts, year, body, kinds, end, *, ratings):
    """`_ITEM_SQL` and its parameters for these districts and kinds: the items grouped by district and facts."""
    params = {"year": year, "body": str(body)}

    def placeholders(name, values):
        params.update({f"{name}{i}": v for i, v in enumerate(values)})
        return ", ".join(f"%({name}{i})s" for i in range(len(values)))

    items = "i.district_id IN ({districts}) AND i.year = %(year)s AND i.body = %(body)s AND i.kind IN ({kinds})".format(
        districts=placeholders("district", [d.pk for d in districts]),
        kinds=placeholders("kind", [str(k) for k in kinds]),
    )
    facts = ", ".join(FACTS)
    return facts_sql(
        items,
        params,
        end,
        ratings=ratings,
        select=f"i.district_id, {facts}, COUNT(*)",
        group_by=f"GROUP BY i.district_id, {', '.join(str(n) for n in range(2, len(FACTS) + 2))}",
    )


def facts_sql(items, params, end, *, ratings=True, select=None, group_by=""):
    """`_ITEM_SQL` over the items `items` (a condition on `i`, its parameters in `params`), as of `end`.

    By default one row per item: its id, district, year, body, kind and `FACTS`.
    """
    if select is None:
        select = f"i.id, i.district_id, i.year, i.body, i.kind, {', '.join(FACTS)}"
    params = {
        **params,
        "end": connection.ops.adapt_datetimefield_value(end),
        "reply": Reply.Kind.REPLY.value,
        "returned": Assignment.State.RETURNED.value,
        "registered": Item.Review.REGISTERED.value,
    }

    def placeholders(name, values):
        params.update({f"{name}{i}": v for i, v in enumerate(values)})
        return ", ".join(f"%({name}{i})s" for i in range(len(values)))

    sql = _ITEM_SQL.format(
        select=select,
        group_by=group_by,
        items=items,
        item=Item._meta.db_table,
        assignment=Assignment._meta.db_table,
        reply=Reply._meta.db_table,
        followup=FollowUp._meta.db_table,
        outcome=OutcomeCategory._meta.db_table,
        feedback=Feedback._meta.db_table,
        submission=Submission._meta.db_table,
        message=Message._meta.db_table,
        lead_roles=placeholders("role", [str(r) for r in LEAD_ROLES]),
        rating=_RATING if ratings else "CAST(NULL AS INTEGER)",
        rating_join=f"LEFT JOIN {RatingValue._meta.db_table} rv ON rv.id = f.rating_id" if ratings else "",
    )
    return sql, params


def _item_figures(districts, year, body, kinds, end, *, ratings=True):
    """One grouped query: the item counts of each district, keyed by district id (a Counter: absent figures are 0).

    Every item of the set is received; only registered ones count further. The database
    groups the items by district and by their facts (registered, closed, key, category, the
    lead facts, praise, rating) and returns one row per combination that occurs (a few
    hundred); this adds them up. Without `ratings` the rating is left out: the previous
    year's figures don't show it.
    """
    sql, params = _item_sql(districts, year, body, kinds, end, ratings=ratings)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return add_up(cursor.fetchall())


def add_up(rows):
    """The figures of each district from rows of (district id, *FACTS, number of items), keyed by district id."""
    figures = defaultdict(Counter)
    for (
        district_id,
        category_id,
        is_key,
        registered,
        closed,
        replied,
        published,
        outcome,
        first,
        praised,
        rating,
        outreach,
        n,
    ) in rows:
        f = figures[district_id]
        f["received"] += n
        if not registered:
            continue
        replied = bool(replied)
        f["total"] += n
        f["replied"] += n * replied
        f["closed"] += n * bool(closed)
        f["praised"] += n * bool(praised)
        f["key_items"] += n * bool(is_key)
        f["key_items_closed"] += n * bool(is_key and closed)
        f["disclosed"] += n * bool(replied and published)
        f["outreach"] += n * bool(outreach)
        f[f"category_{category_id}" if category_id else "uncategorised"] += n
        if replied:
            f[f"outcome_{outcome}"] += n
            f[f"first_{first}"] += n
        if rating is not None:
            f["rated"] += n
            f[f"rating_{rating}"] += n
    return figures


def _rates(figures, outcomes, precision):
    """The headline rates of one year, as displayed (rounded half-up)."""
    resolved = sum(figures[f"outcome_{o.sort_order}"] for o in outcomes if o.counts_as_resolved)
    resolved_at_reply = sum(figures[f"first_{o.sort_order}"] for o in outcomes if o.counts_as_resolved)
    return {
        "resolution_rate": percent(resolved, figures["replied"], precision),
        "resolution_rate_at_reply": percent(resolved_at_reply, figures["replied"], precision),
        "completion_rate": percent(figures["closed"], figures["total"], precision),
        "disclosure_rate": percent(figures["disclosed"], figures["replied"], precision),
        "key_items_completion_rate": percent(figures["key_items_closed"], figures["key_items"], precision),
    }


def _shift_year_back(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _units(districts, year, body, kinds):
    """Each district's units with an assignment (lead or co, not returned) on the report's items, heaviest first."""
    rows = (
        Assignment.objects.active()
        .filter(
            item__district__in=districts,
            item__year=year,
            item__body=body,
            item__kind__in=kinds,
            item__review=Item.Review.REGISTERED,
        )
        .values("item__district_id", "unit_id", "unit__name")
        .annotate(
            items=Count("item_id", distinct=True),
            lead=Count("item_id", filter=Q(role__in=LEAD_ROLES), distinct=True),
        )
        .order_by("item__district_id", "-items", "unit__sort_order", "unit__name")
    )
    units = defaultdict(list)
    for r in rows:
        units[r["item__district_id"]].append({"unit": r["unit__name"], "items": r["items"], "lead": r["lead"]})
    return units


def _timeliness(districts, year, body, kinds, as_of, end, precision):
    """Each district's on-time rates by obligation kind and its units' overdue counts, keyed by district id."""
    obligations = Obligation.objects.filter(
        item__district__in=districts,
        item__year=year,
        item__body=body,
        item__kind__in=kinds,
        item__review=Item.Review.REGISTERED,
        cancelled_at__isnull=True,
    )
    done = Q(fulfilled_at__isnull=False, fulfilled_at__lt=end)
    by_kind = defaultdict(dict)
    for r in obligations.values("item__district_id", "kind").annotate(
        done=Count("pk", filter=done), on_time=Count("pk", filter=done & Q(on_time=True))
    ):
        by_kind[r["item__district_id"]][r["kind"]] = r
    overdue = defaultdict(list)
    for r in (
        obligations.filter(owner=Obligation.Owner.UNIT)
        .filter((done & Q(on_time=False)) | (~done & Q(due_on__lt=as_of)))
        .values("item__district_id", "unit__name")
        .annotate(n=Count("pk"))
        .order_by("item__district_id", "-n", "unit__name")
    ):
        overdue[r["item__district_id"]].append({"unit": r["unit__name"], "overdue": r["n"]})
    result = {}
    for district in districts:
        rates = {}
        for name, kinds_of in TIMELINESS_KINDS.items():
            counts = by_kind[district.pk]
            n_done = sum(counts.get(k, {}).get("done", 0) for k in kinds_of)
            n_on_time = sum(counts.get(k, {}).get("on_time", 0) for k in kinds_of)
            rates[name] = {
                "done": n_done,
                "on_time": n_on_time,
                "rate": as_number(percent(n_on_time, n_done, precision)),
            }
        rates["overdue_by_unit"] = overdue[district.pk]
        result[district.pk] = rates
    return result


def annual_report(*, district, year, body, kind=None, as_of=None, precision=1) -> dict:
    """The figures of domain §6 as the JSON contract of domain §7 (percent values as JSON numbers)."""
    return annual_reports(districts=[district], year=year, body=body, kind=kind, as_of=as_of, precision=precision)[
        district.code
    ]


@contextmanager
def _one_snapshot():
    """The report's queries read one snapshot, so its figures agree with each other while people work on.

    On PostgreSQL a read-only REPEATABLE READ transaction; inside a caller's transaction, or on
    SQLite (one writer at a time), what that connection already sees.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def annual_reports(*, districts, year, body, kind=None, as_of=None, precision=1, item_figures=None, units=None) -> dict:
    """`annual_report` of each district, keyed by district code, in the same nine queries as one district.

    `item_figures` replaces `_item_figures` and `units` replaces `_units` (same arguments, same
    answer): the rollup's (reports.rollup) read stored counts instead of the tables.
    """
    with _one_snapshot():
        return _annual_reports(
            districts=districts,
            year=year,
            body=body,
            kind=kind,
            as_of=as_of,
            precision=precision,
            item_figures=item_figures or _item_figures,
            units=units or _units,
        )


def _annual_reports(*, districts, year, body, kind, as_of, precision, item_figures, units) -> dict:
    districts = list(districts)
    if not districts:
        return {}  # no report to make, and `IN ()` is not SQL everywhere
    kinds = report_kinds(body, kind)
    as_of = as_of or default_as_of(year)
    end = end_of(as_of)
    settings = {
        s.district_id: s
        for s in BodySetting.objects.filter(district__in=districts, body=body).select_related("scheme", "rating_scale")
    }
    if any(d.pk not in settings for d in districts):
        raise no_scheme_error()
    outcomes, ratings, categories = defaultdict(list), defaultdict(list), defaultdict(list)
    for o in OutcomeCategory.objects.filter(scheme__in={s.scheme_id for s in settings.values()}).order_by("sort_order"):
        outcomes[o.scheme_id].append(o)
    for r in RatingValue.objects.filter(scale__in={s.rating_scale_id for s in settings.values()}).order_by(
        "sort_order"
    ):
        ratings[r.scale_id].append(r)
    for c in Category.objects.filter(district__in=districts).order_by("sort_order", "name"):
        categories[c.district_id].append(c)

    figures = item_figures(districts, year, body, kinds, end)
    previous_as_of = _shift_year_back(as_of)
    previous = item_figures(districts, year - 1, body, kinds, end_of(previous_as_of), ratings=False)
    units = units(districts, year, body, kinds)
    timeliness = _timeliness(districts, year, body, kinds, as_of, end, precision)
    return {
        d.code: _report(
            district=d,
            year=year,
            body=body,
            kind=kind,
            kinds=kinds,
            as_of=as_of,
            previous_as_of=previous_as_of,
            precision=precision,
            outcomes=outcomes[settings[d.pk].scheme_id],
            ratings=ratings[settings[d.pk].rating_scale_id],
            categories=categories[d.pk],
            received=figures[d.pk]["received"],
            figures=figures[d.pk],
            previous=previous[d.pk],
            units=units[d.pk],
            timeliness=timeliness[d.pk],
        )
        for d in districts
    }


def _report(
    *,
    district,
    year,
    body,
    kind,
    kinds,
    as_of,
    previous_as_of,
    precision,
    outcomes,
    ratings,
    categories,
    received,
    figures,
    previous,
    units,
    timeliness,
):
    """One district's report from its figures: rates, percents and the §7 layout."""
    rates = _rates(figures, outcomes, precision)
    previous_rates = _rates(previous, outcomes, precision) if previous["total"] else None

    category_rows = [(c.name, c.name, figures[f"category_{c.pk}"]) for c in categories]
    if figures["uncategorised"]:
        category_rows.append((None, gettext("No category"), figures["uncategorised"]))
    category_percents = table_percents([n for _c, _l, n in category_rows], precision)

    outcome_counts = [figures[f"outcome_{o.sort_order}"] for o in outcomes]
    outcome_percents = grouped_table_percents(outcome_counts, [o.counts_as_resolved for o in outcomes], precision)
    rating_counts = [figures[f"rating_{r.sort_order}"] for r in ratings]
    rating_percents = table_percents(rating_counts, precision)

    def num(value):
        return as_number(value, precision)

    def prev_change(name):
        return num(change(rates[name], previous_rates[name])) if previous_rates else None

    return {
        "district": district.code,
        "district_name": district.name,
        "year": year,
        "body": str(body),
        "kind": str(kind) if kind else None,
        "kinds": [str(k) for k in kinds],
        "as_of": as_of.isoformat(),
        "precision": precision,
        "received": received,
        "total": figures["total"],
        "replied": figures["replied"],
        "not_replied": figures["total"] - figures["replied"],
        "units_involved": len(units),
        "units": units,
        "by_category": [
            {"code": code, "label": label, "count": n, "percent": num(p)}
            for (code, label, n), p in zip(category_rows, category_percents, strict=True)
        ],
        "by_outcome": [
            {"code": o.code, "label": o.label, "resolved": o.counts_as_resolved, "count": n, "percent": num(p)}
            for o, n, p in zip(outcomes, outcome_counts, outcome_percents, strict=True)
        ],
        "resolution_rate": num(rates["resolution_rate"]),
        "resolution_rate_at_reply": num(rates["resolution_rate_at_reply"]),
        "resolution_rate_change": prev_change("resolution_rate"),
        "closed": figures["closed"],
        "completion_rate": num(rates["completion_rate"]),
        "completion_rate_change": prev_change("completion_rate"),
        "rated": figures["rated"],
        "ratings": [
            {"code": r.code, "label": r.label, "count": n, "percent": num(p)}
            for r, n, p in zip(ratings, rating_counts, rating_percents, strict=True)
        ],
        "praised": figures["praised"],
        "praised_change": figures["praised"] - previous["praised"] if previous["total"] else None,
        "key_items": figures["key_items"],
        "key_items_closed": figures["key_items_closed"],
        "disclosed": figures["disclosed"],
        "outreach": figures["outreach"],
        "disclosure_rate": num(rates["disclosure_rate"]),
        "disclosure_rate_change": prev_change("disclosure_rate"),
        "timeliness": timeliness,
        "previous_year": _previous_year(year - 1, previous_as_of, previous, previous_rates, num),
    }


def _previous_year(year, as_of, figures, rates, num):
    if rates is None:
        return None
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "total": figures["total"],
        "replied": figures["replied"],
        "closed": figures["closed"],
        "praised": figures["praised"],
        "key_items": figures["key_items"],
        "key_items_closed": figures["key_items_closed"],
        "disclosed": figures["disclosed"],
        "outreach": figures["outreach"],
        **{name: num(value) for name, value in rates.items()},
    }
