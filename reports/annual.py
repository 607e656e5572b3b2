"""The yearly report (domain §6): every figure for one district, year, body and kind, as of a date.

Nine queries whatever the number of items or districts: the settings and lists of the
districts (schemes, rating scales, categories), one grouped query over the items, the same
for the previous year, one over the units and two over the obligations, each grouped by
district. District and year are in every `WHERE` so the `item_report_idx` index serves
them. The item query groups the items by district and by their per-item facts (registered,
closed, key, category, the lead facts, praise, rating): the lead facts come from one
correlated subquery over the item's leads, praise and rating from one each, so each is
evaluated once per item; the database returns one row per combination that occurs (a few
hundred, whatever the number of items) and Python adds those rows up into the figures.

"As of" a date means: replies sent, feedback given, items closed and replies published
before the end of that day, and each reply's category as it stood then (a follow-up
conversion after the date is undone by taking its `converted_from`).
"""

import datetime as dt
from collections import Counter, defaultdict
from contextlib import contextmanager
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext

from deadlines.models import REPLY_KINDS
from districts.models import Body
from proposals.models import ORDINARY_KINDS, Category, Item, Kind
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


def _lead_assignments():
    return Assignment.objects.active_leads().filter(item=OuterRef("pk"))


# An outcome's place in its scheme (its sort_order, a PositiveSmallIntegerField) + 1, or 0 for none, is below this.
_ORDER_BASE = 2**15 + 1


class LeadFacts(NamedTuple):
    """An item's facts from its lead assignments, as of the report's date."""

    replied: bool  # every lead has sent a reply
    published: bool  # a lead's reply is published
    outcome: int | None  # the least resolved of the leads' outcomes (the latest in scheme order: 分办)
    first_outcome: int | None  # the same at each lead's first reply


def _lead_facts(end):
    """The item's `LeadFacts` as of `end`, packed into one integer by one subquery over its leads.

    One walk over the leads instead of a subquery per fact (each runs once per item, which
    is the report's time), returning an integer rather than a JSON object (about 10% slower
    to build and group by at 200,000 items). `_unpack` reads it back; NULL without a lead.
    """
    sent = Reply.objects.filter(assignment=OuterRef("pk"), sent_at__isnull=False, sent_at__lt=end)
    conversion_after = (
        FollowUp.objects.filter(reply=OuterRef("pk"), converted_from__isnull=False, reported_at__gte=end)
        .order_by("reported_at", "pk")
        .values("converted_from__sort_order")[:1]
    )
    # The outcome is the latest reply's category: a second reply (两次答复) converts that category
    # rather than replacing it, and an office correction changes that reply, not the second one.
    latest_order = (
        sent.filter(kind=Reply.Kind.REPLY)
        .order_by("-sent_at", "-pk")
        .annotate(o=Coalesce(Subquery(conversion_after), F("category__sort_order")))
        .values("o")[:1]
    )
    first_order = sent.order_by("sent_at", "pk").values("category_at_reply__sort_order")[:1]
    published = Reply.objects.filter(assignment=OuterRef("pk"), published_at__isnull=False, published_at__lt=end)

    def least_resolved(order):
        return Cast(Coalesce(Max(Subquery(order)) + 1, 0), BigIntegerField())

    packed = (
        (least_resolved(latest_order) * _ORDER_BASE + least_resolved(first_order)) * 2
        + Min(_as_int(Exists(sent.filter(kind=Reply.Kind.REPLY))))
    ) * 2 + Max(_as_int(Exists(published)))
    return Subquery(_lead_assignments().order_by().values("item").annotate(facts=packed).values("facts"))


def _unpack(packed):
    """The `LeadFacts` that `_lead_facts` packed; an item without a lead has none replied."""
    if packed is None:
        return LeadFacts(False, False, None, None)
    orders, replied_published = divmod(packed, 4)
    outcome, first_outcome = divmod(orders, _ORDER_BASE)
    return LeadFacts(
        replied=bool(replied_published & 2),
        published=bool(replied_published & 1),
        outcome=outcome - 1 if outcome else None,
        first_outcome=first_outcome - 1 if first_outcome else None,
    )


def _as_int(condition):
    return Cast(condition, IntegerField())


def _is(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())


def _item_figures(districts, year, body, kinds, end, *, ratings=True):
    """One grouped query: the item counts of each district, keyed by district id (a Counter: absent figures are 0).

    Every item of the set is received; only registered ones count further. Without `ratings`
    the rating is left out: the previous year's figures don't show it, and each per-item fact
    is a subquery run once per item.
    """
    feedback = Feedback.objects.filter(item=OuterRef("pk"), submitted_at__lt=end)
    facts = {
        "is_registered": _is(Q(review=Item.Review.REGISTERED)),
        "is_closed": _is(Q(closed_at__isnull=False, closed_at__lt=end)),
        "lead_facts": _lead_facts(end),
        # Whether some row's pk is found; not EXISTS, which PostgreSQL hashes over the whole table.
        # Unordered: the models' default orderings would join the item and district tables in.
        "is_praised": IsNull(Subquery(feedback.filter(praised=True).order_by().values("pk")[:1]), False),
    }
    if ratings:
        facts["rating"] = latest_rating(end, "rating__sort_order")
    rows = (
        Item.objects.filter(district__in=districts, year=year, body=body, kind__in=kinds)
        .order_by()
        .annotate(**facts)
        # Each fact is selected once and grouped by its position, so it is evaluated once per item.
        .values("district_id", "category_id", "is_key", *facts)
        .annotate(n=Count("pk"))
    )
    figures = defaultdict(Counter)
    for row in rows:
        f, n = figures[row["district_id"]], row["n"]
        f["received"] += n
        if not row["is_registered"]:
            continue
        leads = _unpack(row["lead_facts"])
        replied = leads.replied
        f["total"] += n
        f["replied"] += n * replied
        f["closed"] += n * bool(row["is_closed"])
        f["praised"] += n * bool(row["is_praised"])
        f["key_items"] += n * bool(row["is_key"])
        f["key_items_closed"] += n * bool(row["is_key"] and row["is_closed"])
        f["disclosed"] += n * bool(replied and leads.published)
        f[f"category_{row['category_id']}" if row["category_id"] else "uncategorised"] += n
        if replied:
            f[f"outcome_{leads.outcome}"] += n
            f[f"first_{leads.first_outcome}"] += n
        if row.get("rating") is not None:
            f["rated"] += n
            f[f"rating_{row['rating']}"] += n
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


def annual_reports(*, districts, year, body, kind=None, as_of=None, precision=1) -> dict:
    """`annual_report` of each district, keyed by district code, in the same nine queries as one district."""
    with _one_snapshot():
        return _annual_reports(districts=districts, year=year, body=body, kind=kind, as_of=as_of, precision=precision)


def _annual_reports(*, districts, year, body, kind, as_of, precision) -> dict:
    districts = list(districts)
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

    figures = _item_figures(districts, year, body, kinds, end)
    previous_as_of = _shift_year_back(as_of)
    previous = _item_figures(districts, year - 1, body, kinds, end_of(previous_as_of), ratings=False)
    units = _units(districts, year, body, kinds)
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
        **{name: num(value) for name, value in rates.items()},
    }
