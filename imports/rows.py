"""Turn a table into validated rows, collecting every problem before anything is written."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from districts.models import Body, HandlingUnit, Proposer
from proposals.models import ORDINARY_KINDS, Category, Item, Kind, Session, kind_fits_body
from workflow.models import BodySetting, OutcomeCategory, RatingValue

from . import columns
from .errors import ImportRejected, RowError
from .readers import Table


@dataclass
class ParsedRow:
    row: int
    number: str
    title: str
    body: str
    kind: str
    year: int
    session: str = ""
    proposers: list[str] = field(default_factory=list)
    category: str = ""
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    assigned_on: dt.date | None = None
    replied_on: dt.date | None = None
    outcome: OutcomeCategory | None = None
    planned_on: dt.date | None = None
    closed: bool = False
    rating: RatingValue | None = None
    disclosed: bool = False
    key_item: bool = False
    praised: bool = False

    @property
    def historical(self):
        """A row with a reply date records past handling; one without enters the live workflow."""
        return self.replied_on is not None

    @property
    def key(self):
        return (self.year, self.body, self.kind, self.number)


def _map_header(header, row):
    """{field: column index} and the errors of the header row (spreadsheet row `row`)."""
    found, errors = {}, []
    for index, text in enumerate(header):
        name = columns.header_field(text)
        if name is None:
            continue  # extra columns (序号, 备注…) are common and harmless
        if name in found:
            errors.append(RowError(row, text, _("This column appears twice.")))
        found[name] = index
    for name in columns.REQUIRED:
        if name not in found:
            zh, en = columns.COLUMNS[name]
            errors.append(RowError(row, f"{zh} / {en}", _("A required column is missing.")))
    return found, errors


# The model field each text column is stored in: a longer value is refused here, not by the database at confirm.
STORED_IN = {
    "number": (Item, "number"),
    "title": (Item, "title"),
    "session": (Session, "label"),
    "category": (Category, "name"),
    "proposers": (Proposer, "name"),
    "lead_units": (HandlingUnit, "name"),
    "co_units": (HandlingUnit, "name"),
}


def _too_long(name, value):
    """The reason a parsed cell (or one of its names) does not fit its field, or None."""
    if name not in STORED_IN:
        return None
    model, field_name = STORED_IN[name]
    limit = model._meta.get_field(field_name).max_length
    for part in value if isinstance(value, list) else [value]:
        if len(part) > limit:
            return _("%(value)s… is %(length)s characters long; at most %(limit)s fit.") % {
                "value": part[:20],
                "length": len(part),
                "limit": limit,
            }
    return None


def _lookups(district):
    """For each body the district has set up: its outcome categories and rating values by code and label."""
    result = {}
    for setting in BodySetting.objects.filter(district=district).select_related("scheme", "rating_scale"):
        outcomes = {}
        for c in setting.scheme.categories.all():
            outcomes[c.code.lower()] = outcomes[c.label] = c
        ratings = {}
        for r in setting.rating_scale.values.all():
            ratings[r.code.lower()] = ratings[r.label] = r
        result[setting.body] = (outcomes, ratings)
    return result


def _look_up(value, values):
    """The outcome or rating value a cell names, by label or by code in any case; None if it names none."""
    return (values.get(value) or values.get(value.lower())) if value else None


def _check_row(r, unread, header_of, lookups, errors, today):
    """Cross-column rules; the looked-up outcome and rating are set on the row.

    A rule that needs a cell in `unread` (one that could not be read) is skipped: that cell
    already has its error, and a guess at its value would only add wrong ones.
    """

    def error(name, message):
        errors.append(RowError(r.row, header_of(name), message))

    for name in ("assigned_on", "replied_on"):
        day = getattr(r, name)
        if day and day > today:
            error(name, _("%(date)s is in the future: only what has happened can be recorded.") % {"date": day})
    if set(r.lead_units) & set(r.co_units):
        error("co_units", _("A unit cannot be both lead and co-handling unit."))

    outcome_given = bool(r.outcome)
    if "body" not in unread:
        if not kind_fits_body(r.kind, r.body):  # an unread kind is "", which any body takes
            error("kind", _("This kind of item does not belong to the body %(body)s.") % {"body": r.body})
        if r.body not in lookups:
            error("body", _("The district has no outcome scheme for this body."))
            return
        outcomes, ratings = lookups[r.body]
        outcome, rating = _look_up(r.outcome, outcomes), _look_up(r.rating, ratings)
        if r.outcome and outcome is None:
            error("outcome", _("%(value)r is not an outcome of this body's scheme.") % {"value": r.outcome})
        if r.rating and rating is None:
            error("rating", _("%(value)r is not a value of this body's rating scale.") % {"value": r.rating})
        r.outcome, r.rating = outcome, rating
    if "replied_on" in unread:
        return  # past or live: the rules below depend on it
    if r.historical:
        if not outcome_given:
            error("outcome", _("A replied row needs its outcome."))
        if (r.rating or r.praised) and not r.proposers and "proposers" not in unread:
            error("proposers", _("A rating or praise needs the proposer who gave it."))
        if r.assigned_on and r.replied_on < r.assigned_on:
            error("replied_on", _("The reply date is before the assignment date."))
        return
    # A live row enters the workflow at assignment: it has no reply, outcome or feedback yet.
    for name, present in (
        ("outcome", r.outcome),
        ("rating", r.rating),
        ("planned_on", r.planned_on),
        ("closed", r.closed),
        ("disclosed", r.disclosed),
        ("praised", r.praised),
    ):
        if present:
            error(name, _("Only a replied row (with a reply date) can have this."))
    if unread & {"kind", "lead_units", "co_units"}:
        return
    if r.kind == Kind.CITY_CO:
        if r.lead_units or not r.co_units:
            error("co_units", _("A city item the district co-handles needs co-handling units and no lead unit."))
    elif not r.lead_units:
        error("lead_units", _("A row not yet replied needs its lead unit."))


# What a row holds in place of a required cell that could not be read, so its other cells are still checked.
UNREAD_REQUIRED = {"number": "", "title": "", "body": "", "kind": "", "year": 0}


def parse_rows(table: Table, *, district, today) -> list[ParsedRow]:
    """The table's rows, validated as of `today`; raises ImportRejected listing every problem if any row is bad.

    Every problem of a row is listed at once, even beside a cell that could not be read, so
    one correction of the file is enough.
    """
    found, errors = _map_header(table.header, table.header_row)
    if errors:
        raise ImportRejected(errors)

    def header_of(name):
        return table.header[found[name]] if name in found else columns.COLUMNS[name][0]

    lookups = _lookups(district)
    parsed, checked = [], []
    for number, values in table.rows:
        cells, unread = {}, set()
        for name, index in found.items():
            value = values[index] if index < len(values) else None
            try:
                cells[name] = columns.PARSERS[name](value)
                if reason := _too_long(name, cells[name]):
                    raise columns.BadCell(reason)
            except columns.BadCell as exc:
                cells.pop(name, None)
                errors.append(RowError(number, table.header[index], str(exc)))
                unread.add(name)
        if "body" in unread:
            unread.add("kind")  # the default kind is the body's
        elif not cells.get("kind") and "kind" not in unread:
            cells["kind"] = ORDINARY_KINDS[Body(cells["body"])][0]
        r = ParsedRow(row=number, **{**{n: v for n, v in UNREAD_REQUIRED.items() if n in unread}, **cells})
        _check_row(r, unread, header_of, lookups, errors, today)
        if not unread & {"number", "year", "body", "kind"}:
            checked.append(r)
        if not unread:
            parsed.append(r)

    first_row = {}
    for r in checked:
        if r.key in first_row:
            errors.append(
                RowError(
                    r.row,
                    header_of("number"),
                    _("Number %(number)s is already used in row %(row)s.")
                    % {"number": r.number, "row": first_row[r.key]},
                )
            )
        else:
            first_row[r.key] = r.row
    existing = set(
        Item.objects.filter(district=district, number__in={r.number for r in checked}).values_list(
            "year", "body", "kind", "number"
        )
    )
    for r in checked:
        if r.key in existing:
            errors.append(
                RowError(
                    r.row,
                    header_of("number"),
                    _("Number %(number)s of %(year)s already exists in the district.")
                    % {"number": r.number, "year": r.year},
                )
            )
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row or 0))
    return parsed
