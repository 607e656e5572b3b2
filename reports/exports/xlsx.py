"""Excel workbook: one sheet per table, real numbers with percent formats, frozen header rows."""

import io
import unicodedata
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .tables import COUNT, PERCENT, POINTS, Table

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def _display_width(text) -> int:
    """Width in Excel character units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _fraction(value):
    """A percent figure (81 or 80.9) as the fraction Excel formats as a percent, without float noise."""
    return float(Decimal(str(value)) / 100)


def text_cell(cell, value) -> None:
    """Text as a string cell, never a formula: names come from imported spreadsheets and may start with =."""
    cell.value = str(value)
    cell.data_type = "s"


def _write(ws, table: Table):
    for c, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=1, column=c)
        text_cell(cell, column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=False)
    decimals = "0." + "0" * table.precision if table.precision else "0"
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            kind = table.kind_of(r, c)
            cell = ws.cell(row=r + 2, column=c + 1)
            if isinstance(value, str):
                text_cell(cell, value)
            else:
                cell.value = _fraction(value) if kind == PERCENT else value
            if kind == PERCENT:
                cell.number_format = decimals + "%"
            elif kind == POINTS:
                places = decimals if table.row_kinds and table.row_kinds[r] == PERCENT else "0"
                cell.number_format = f"+{places};-{places};0"
            elif kind == COUNT:
                cell.number_format = "0"
    for c, column in enumerate(table.columns, start=1):
        widest = max([_display_width(column.label)] + [_display_width(row[c - 1]) for row in table.rows if row[c - 1]])
        ws.column_dimensions[get_column_letter(c)].width = min(max(widest + 2, 8), 60)
    ws.freeze_panes = "A2"


def render_tables(tables: list[Table]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        # Sheet names: at most 31 characters and none of []:*?/\ (Excel's rules).
        title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or table.name
        _write(wb.create_sheet(title), table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
