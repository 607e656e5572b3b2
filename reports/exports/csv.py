"""CSV: one file per table, UTF-8 with a BOM so that Excel opens Chinese text correctly."""

import csv
import io
import zipfile

from .tables import TEXT, Table, cell_text

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """Text Excel will not run as a formula: names come from imported spreadsheets and may start with = or @."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value, kind, precision) -> str:
    """Numbers as people read them (-3 stays a number); text neutralised."""
    text = cell_text(value, kind, precision)
    return neutralised(text) if kind == TEXT else text


def render_table(table: Table) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralised(str(column.label)) for column in table.columns])
    for r, row in enumerate(table.rows):
        writer.writerow([_cell(value, table.kind_of(r, c), table.precision) for c, value in enumerate(row)])
    return buffer.getvalue().encode("utf-8")


def render_zip(tables: list[Table]) -> bytes:
    """Several tables: a zip holding one CSV per table, named after the table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.name}.csv", render_table(table))
    return buffer.getvalue()
