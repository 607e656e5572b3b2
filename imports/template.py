"""The import template: an empty sheet with the contract's Chinese headers, and a sheet saying what each holds.

Required headers carry an asterisk, as Chinese templates mark them; the reader ignores it.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .columns import COLUMN_HELP, COLUMNS, REQUIRED

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def template_workbook() -> bytes:
    """The .xlsx an office fills in: headers on the first sheet, the column notes in the reader's language."""
    workbook = Workbook()
    items = workbook.active
    items.title = _("Items to import")
    for c, (name, (zh, _en)) in enumerate(COLUMNS.items(), start=1):
        cell = items.cell(row=1, column=c, value=f"{zh}*" if name in REQUIRED else zh)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        column = items.column_dimensions[cell.column_letter]
        column.width = 16 if name != "title" else 40
        if name == "number":
            column.number_format = "@"  # text, or Excel turns 001 into 1
    items.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Instructions"))
    notes.append([_("Chinese header"), _("English header"), _("Content")])
    for cell in notes[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for name, (zh, en) in COLUMNS.items():
        notes.append([zh, en, str(COLUMN_HELP[name])])
    for letter, width in (("A", 16), ("B", 16), ("C", 90)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
