"""Tables: the one shape every spreadsheet, CSV and PDF export is written from.

A report (the JSON contract of domain §7), the per-unit statistics and the bulletin are
first turned into `Table`s here, so each output format has one writer for all of them
and the same figures appear in every file.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# Column kinds: how a value is written (an xlsx number format, a csv text, a pdf cell).
TEXT = "text"
COUNT = "count"
PERCENT = "percent"  # a number in percent (81 means 81%), as the report contract gives it
POINTS = "points"  # a change in percentage points
BY_ROW = "by_row"  # the kind is the row's own (the summary mixes counts and rates)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    name: str  # file and sheet name: ascii, stable, not translated
    title: str
    columns: list[Column]
    rows: list[tuple]
    row_kinds: list[str] = field(default_factory=list)  # used by BY_ROW columns
    precision: int = 1

    def kind_of(self, row_index: int, column_index: int) -> str:
        kind = self.columns[column_index].kind
        if kind == BY_ROW:
            return self.row_kinds[row_index]
        return kind


def cell_text(value, kind, precision, empty="") -> str:
    """A value as people read it: 81%, +3, 210."""
    if value is None:
        return empty
    if kind == PERCENT:
        return f"{value:.{precision}f}%"
    if kind == POINTS:
        return f"{value:+.{precision}f}" if isinstance(value, float) else f"{value:+d}"
    return str(value)


def display_rows(table: "Table", empty="—") -> list[list[tuple[str, bool]]]:
    """Each cell as (text, is a number) for an HTML table, where numbers align right."""
    return [
        [
            (cell_text(value, table.kind_of(r, c), table.precision, empty), table.columns[c].kind != TEXT)
            for c, value in enumerate(row)
        ]
        for r, row in enumerate(table.rows)
    ]


def report_precision(report: dict) -> int:
    """The precision the report was computed at: given, or 1 if any rate has a decimal part."""
    if report.get("precision") in (0, 1):
        return report["precision"]
    values = [report.get(key) for key in RATE_KEYS]
    for rows in (report.get("by_category"), report.get("by_outcome"), report.get("ratings")):
        values += [row.get("percent") for row in rows or ()]
    return 1 if any(isinstance(v, float) and not v.is_integer() for v in values) else 0


RATE_KEYS = ("resolution_rate", "resolution_rate_at_reply", "completion_rate", "disclosure_rate")


def rate_change(report: dict, key: str):
    """The change in points the report gives, or the difference of the two displayed rates."""
    previous = report.get("previous_year") or {}
    if report.get(f"{key}_change") is not None:
        return report[f"{key}_change"]
    if report.get(key) is None or previous.get(key) is None:
        return None
    return round(report[key] - previous[key], report_precision(report))


def summary_rows(report: dict) -> list[tuple[str, str, object, object, object]]:
    """(key, kind, this year, last year, change) for each headline figure of the report."""
    previous = report.get("previous_year") or {}

    def count(key):
        value, before = report.get(key), previous.get(key)
        change = value - before if isinstance(value, int) and isinstance(before, int) else None
        if key == "praised" and report.get("praised_change") is not None:
            change = report["praised_change"]
            before = value - change if before is None else before
        return (key, COUNT, value, before, change)

    def rate(key):
        return (key, PERCENT, report.get(key), previous.get(key), rate_change(report, key))

    return [
        count("total"),
        count("units_involved"),
        count("replied"),
        count("not_replied"),
        rate("resolution_rate"),
        rate("resolution_rate_at_reply"),
        count("closed"),
        rate("completion_rate"),
        count("rated"),
        count("praised"),
        count("key_items"),
        count("key_items_closed"),
        count("disclosed"),
        rate("disclosure_rate"),
        count("outreach"),
    ]


def figure_labels() -> dict[str, str]:
    return {
        "total": _("Items registered"),
        "units_involved": _("Units involved"),
        "replied": _("Items replied"),
        "not_replied": _("Items not yet replied"),
        "resolution_rate": _("Resolution rate"),
        "resolution_rate_at_reply": _("Resolution rate at first reply"),
        "closed": _("Items closed"),
        "completion_rate": _("Completion rate"),
        "rated": _("Items rated"),
        "praised": _("Items praised"),
        "key_items": _("Key items led by district leaders"),
        "key_items_closed": _("Key items closed"),
        "disclosed": _("Replies published"),
        "disclosure_rate": _("Disclosure rate"),
        "outreach": _("Items handed in from residents' QR-code messages"),
    }


def _share_table(name, title, first_label, rows, precision, with_code=False):
    columns = [Column(_("Code")), Column(first_label)] if with_code else [Column(first_label)]
    columns += [Column(_("Items"), COUNT), Column(_("Share"), PERCENT)]
    body = [
        ((row["code"], row["label"]) if with_code else (row["label"],)) + (row["count"], row["percent"])
        for row in rows or ()
    ]
    return Table(name=name, title=title, columns=columns, rows=body, precision=precision)


def annual_tables(report: dict) -> list[Table]:
    """The yearly report as tables: headline figures beside last year's, then the three share tables."""
    precision = report_precision(report)
    labels = figure_labels()
    summary = summary_rows(report)
    previous = report.get("previous_year")
    this_year = str(report.get("year", ""))
    last_year = str(previous.get("year", report["year"] - 1)) if previous else _("Last year")
    return [
        Table(
            name="summary",
            title=_("Headline figures"),
            columns=[
                Column(_("Figure")),
                Column(this_year, BY_ROW),
                Column(last_year, BY_ROW),
                Column(pgettext("compared with last year", "Change"), POINTS),
            ],
            rows=[(labels[key], value, before, change) for key, _kind, value, before, change in summary],
            row_kinds=[kind for _key, kind, *_rest in summary],
            precision=precision,
        ),
        _share_table("categories", _("Items by category"), _("Category"), report.get("by_category"), precision),
        _share_table(
            "outcomes", _("Replies by outcome"), _("Outcome"), report.get("by_outcome"), precision, with_code=True
        ),
        _share_table(
            "ratings", _("Ratings of the replies"), pgettext("feedback", "Rating"), report.get("ratings"), precision
        ),
    ]


def report_subtitle(report: dict) -> str:
    """The line under the title: the figures change while people work, so a copy says when it was taken.

    `received` is this product's addition to the JSON contract; a report without it says less.
    """
    figures = {"as_of": report["as_of"], "received": report.get("received"), "total": report["total"]}
    if figures["received"] is None:
        line = _("As of %(as_of)s: %(total)s items registered.")
    else:
        line = _("As of %(as_of)s: %(received)s items received, %(total)s registered.")
    return _("%(figures)s Percentages of the tables add up to 100.") % {"figures": line % figures}


def report_title(report: dict) -> str:
    """District, year, body and, for a report of one kind (community opinions, city items), that kind."""
    from districts.models import Body
    from proposals.models import Kind

    values = {
        "district": report.get("district_name") or report.get("district", ""),
        "year": report.get("year", ""),
        "body": Body(report["body"]).label if report.get("body") in Body.values else report.get("body", ""),
    }
    kind = report.get("kind")
    if kind:
        values["kind"] = Kind(kind).label if kind in Kind.values else kind
        return _("%(district)s %(year)s %(body)s, %(kind)s: yearly figures") % values
    return _("%(district)s %(year)s %(body)s: yearly figures") % values
