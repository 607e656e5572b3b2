"""Files for the office's readers: the yearly report, the unit table and the bulletin.

`render(report, fmt)` takes the yearly report's JSON contract (domain §7) and returns the
file's bytes for fmt in xlsx, docx, pdf or csv; the report page's buttons and the
`annual_report --format` command both call it, so they produce the same files.
CSV holds one table per file: with `table=NAME` that table alone, otherwise a zip with one
CSV per table (`filename()` gives the right extension).
"""

from django.utils.translation import gettext as _

from . import csv, docx, pdf, xlsx
from .tables import Table, annual_tables, report_subtitle, report_title

FORMATS = ("xlsx", "docx", "pdf", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
}


class UnknownFormat(ValueError):
    pass


def _pick(tables: list[Table], table: str | None) -> list[Table]:
    if table is None:
        return tables
    chosen = [t for t in tables if t.name == table]
    if not chosen:
        raise UnknownFormat(
            _("Unknown table %(table)s; choose one of %(names)s.")
            % {"table": table, "names": ", ".join(t.name for t in tables)}
        )
    return chosen


def render_tables(title: str, tables: list[Table], fmt: str, *, table: str | None = None, subtitle: str = "") -> bytes:
    """Any list of tables in a table format (xlsx, pdf, csv)."""
    tables = _pick(tables, table)
    if fmt == "xlsx":
        return xlsx.render_tables(tables)
    if fmt == "pdf":
        return pdf.render_tables(title, tables, subtitle=subtitle)
    if fmt == "csv":
        return csv.render_table(tables[0]) if len(tables) == 1 else csv.render_zip(tables)
    raise UnknownFormat(
        _("Unknown format %(fmt)s; choose one of %(formats)s.") % {"fmt": fmt, "formats": "xlsx, pdf, csv"}
    )


def render(report: dict, fmt: str, *, table: str | None = None) -> bytes:
    """The yearly report as a file: xlsx (one sheet per table), docx (the draft text), pdf, csv."""
    if fmt == "docx":
        return docx.render_draft(report)
    if fmt not in FORMATS:
        raise UnknownFormat(
            _("Unknown format %(fmt)s; choose one of %(formats)s.") % {"fmt": fmt, "formats": ", ".join(FORMATS)}
        )
    return render_tables(
        report_title(report), annual_tables(report), fmt, table=table, subtitle=report_subtitle(report)
    )


def extension(fmt: str, *, table: str | None = None, tables: int = 2) -> str:
    """The file extension of an export: csv of several tables is a zip."""
    return "zip" if fmt == "csv" and table is None and tables > 1 else fmt


def filename(report: dict, fmt: str, *, table: str | None = None) -> str:
    stem = f"{report.get('district', 'report')}-{report.get('year', '')}-{report.get('body', '')}"
    if report.get("kind"):
        stem += f"-{report['kind']}"
    if table:
        stem += f"-{table}"
    return f"{stem}.{extension(fmt, table=table)}"
