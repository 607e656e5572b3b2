"""Read a spreadsheet into a header and rows of cell values; a title or notes above the header are skipped.

.xlsx through openpyxl (dates and numbers arrive as Python values); .csv as UTF-8 with or
without a byte order mark, or GB18030 as Chinese Excel saves it. The old binary .xls is
refused with the advice to save it as .xlsx, since reading it needs another library
and Excel converts it in one step.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

from . import columns
from .errors import ImportRejected, RowError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls (and .doc) files
ENCODINGS = ("utf-8-sig", "gb18030")


# Offices' sheets often open with a title (2023年区政协提案办理情况汇总表) and notes above the header.
HEADER_SEARCH = 10


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet row number, cell values)
    header_row: int  # its spreadsheet row number


def _refuse(message):
    return ImportRejected([RowError(None, "", message)])


def _read_xlsx(data):
    from . import xlsx

    try:
        return xlsx.read_rows(data)
    except (xlsx.Unsupported, zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, SyntaxError):
        pass  # openpyxl reads it, or says it cannot
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _refuse(_("This is not a readable .xlsx file.")) from exc
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    return rows


def _read_csv(data):
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(_("The .csv file is neither UTF-8 nor GB18030 text; save it again as CSV UTF-8."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _blank(values):
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_table(filename: str, data: bytes) -> Table:
    """The first sheet (or the CSV) as a header and its non-blank rows, numbered as the spreadsheet shows them."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xls" or data.startswith(OLE_MAGIC):
        raise _refuse(_("Old .xls files cannot be read: open the file in Excel and save it as .xlsx."))
    if suffix == ".xlsx":
        rows = _read_xlsx(data)
    elif suffix == ".csv":
        rows = _read_csv(data)
    else:
        raise _refuse(_("Upload an .xlsx or .csv file."))
    numbered = [(n, list(values)) for n, values in enumerate(rows, 1) if not _blank(values)]
    if not numbered:
        raise _refuse(_("The file is empty."))
    start = _header_index(numbered)
    (header_row, header), *body = numbered[start:]
    return Table(header=[str(h).strip() if h is not None else "" for h in header], rows=body, header_row=header_row)


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
