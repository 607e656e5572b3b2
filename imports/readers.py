"""Read a spreadsheet into a header and rows of cell values; a title or notes above the header are skipped.

.xlsx through openpyxl (dates and numbers arrive as Python values); .csv as UTF-8 with or
without a byte order mark, or GB18030 as Chinese Excel saves it. The old binary .xls is
refused with the advice to save it as .xlsx, since reading it needs another library
and Excel converts it in one step. Every file is read within the limits of `limits.py`: an
.xlsx passes `archive.check_xlsx` before a reader builds a row, a .csv is read row by row.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

from . import columns
from .archive import check_xlsx
from .errors import ImportRejected, RowError
from .limits import Limits, cell_too_long, too_many_columns, too_many_rows

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls (and .doc) files
ENCODINGS = ("utf-8-sig", "gb18030")


# Offices' sheets often open with a title (2023年区政协提案办理情况汇总表) and notes above the header.
HEADER_SEARCH = 10


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet row number, cell values)
    header_row: int  # its spreadsheet row number


def _read_xlsx(data, limits):
    from . import xlsx

    extent = check_xlsx(data, limits)
    try:
        return xlsx.read_rows(data)
    except (xlsx.Unsupported, zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, SyntaxError):
        pass  # openpyxl reads it, or says it cannot
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected.whole_file(_("This is not a readable .xlsx file.")) from exc
    try:
        # Bounded by the checked extent, not by the size the sheet declares.
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=extent.rows or 1, max_col=extent.columns or 1))
    finally:
        workbook.close()
    return rows


def _read_csv(data, limits):
    from openpyxl.utils import get_column_letter

    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRejected.whole_file(
            _("The .csv file is neither UTF-8 nor GB18030 text; save it again as CSV UTF-8.")
        )
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for values in reader:
            if len(rows) == limits.rows:
                raise too_many_rows(len(rows) + 1, limits.rows)
            if len(values) > limits.columns:
                raise too_many_columns(f"{get_column_letter(len(values))}{reader.line_num}", limits.columns)
            rows.append(values)
    except csv.Error as exc:  # a field past the csv module's own bound (a cell, or an unclosed quote to the end)
        raise ImportRejected.whole_file(
            _(
                "Line %(line)s of the .csv file cannot be read: "
                "a cell longer than %(limit)s characters, or an unclosed quote."
            )
            % {"line": reader.line_num, "limit": limits.cell_chars}
        ) from exc
    return rows


def _blank(values):
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_table(filename: str, data: bytes) -> Table:
    """The first sheet (or the CSV) as a header and its non-blank rows, numbered as the spreadsheet shows them."""
    suffix = PurePath(filename or "").suffix.lower()
    limits = Limits.from_settings()
    if suffix == ".xls" or data.startswith(OLE_MAGIC):
        raise ImportRejected.whole_file(
            _("Old .xls files cannot be read: open the file in Excel and save it as .xlsx.")
        )
    if suffix == ".xlsx":
        rows = _read_xlsx(data, limits)
    elif suffix == ".csv":
        rows = _read_csv(data, limits)
    else:
        raise ImportRejected.whole_file(_("Upload an .xlsx or .csv file."))
    numbered = [(n, list(values)) for n, values in enumerate(rows, 1) if not _blank(values)]
    if not numbered:
        raise ImportRejected.whole_file(_("The file is empty."))
    _check_cells(numbered, limits.cell_chars)
    start = _header_index(numbered)
    (header_row, header), *body = numbered[start:]
    return Table(header=[str(h).strip() if h is not None else "" for h in header], rows=body, header_row=header_row)


def _check_cells(numbered, limit):
    """Refuse cells longer than any column takes, before rows are parsed (which hold each column to its field)."""
    from openpyxl.utils import get_column_letter

    errors = [
        RowError(n, get_column_letter(index + 1), cell_too_long(len(value), limit))
        for n, values in numbered
        for index, value in enumerate(values)
        if isinstance(value, str) and len(value) > limit
    ]
    if errors:
        raise ImportRejected(errors)


def _header_index(numbered):
    """The header: of the top rows, the one naming the most columns of the contract (the first of equals).

    Rows above it are a title or notes. A header lacking a required column is still found,
    so the user is told what it lacks on the right row.
    """
    named = [
        len({columns.header_field(str(v)) for v in values if v is not None} - {None})
        for _n, values in numbered[:HEADER_SEARCH]
    ]
    return named.index(max(named))
