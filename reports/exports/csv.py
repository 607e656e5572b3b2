"""CSV: one file per table, UTF-8 with a BOM so that Excel opens Chinese text correctly."""

import csv
import io
import zipfile

from .tables import Table, cell_text

BOM = "\ufeff"


def render_table(table: Table) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.label for column in table.columns])
    for r, row in enumerate(table.rows):
        writer.writerow([cell_text(value, table.kind_of(r, c), table.precision) for c, value in enumerate(row)])
    return buffer.getvalue().encode("utf-8")


def render_zip(tables: list[Table]) -> bytes:
    """Several tables: a zip holding one CSV per table, named after the table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.name}.csv", render_table(table))
    return buffer.getvalue()
