"""How much one import may read (settings IMPORT_MAX_*), and the refusals that name each limit.

An upload of a few MB can describe a sheet of billions of cells; every reader allocates in
proportion to what the file claims. These bounds keep one import's memory and time small
whatever the file says, and tell the user which bound the file crossed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ImportRejected

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    part_bytes: int
    total_bytes: int
    rows: int
    columns: int
    cell_chars: int

    @classmethod
    def from_settings(cls):
        return cls(
            part_bytes=settings.IMPORT_MAX_PART_BYTES,
            total_bytes=settings.IMPORT_MAX_UNZIPPED_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        )


def _megabytes(size):
    return f"{size / MB:g}"


def unreadable():
    return ImportRejected.whole_file(_("This is not a readable .xlsx file."))


def part_too_large(name, limit):
    return ImportRejected.whole_file(
        _("The part %(part)s of the file unpacks to more than %(limit)s MB, the limit for one part.")
        % {"part": name, "limit": _megabytes(limit)}
    )


def total_too_large(limit):
    return ImportRejected.whole_file(
        _("The file unpacks to more than %(limit)s MB in all, the limit for one import.") % {"limit": _megabytes(limit)}
    )


def part_lies(name, declared):
    return ImportRejected.whole_file(
        _("The part %(part)s does not hold the %(size)s bytes it declares: the file is damaged or forged.")
        % {"part": name, "size": declared}
    )


def too_many_parts(count, limit):
    return ImportRejected.whole_file(
        _("The file holds %(count)s parts; an .xlsx to import holds at most %(limit)s.")
        % {"count": count, "limit": limit}
    )


def too_many_rows(row, limit):
    """`row`: the row number, or the reference of a cell beyond the last row."""
    return ImportRejected.whole_file(
        _("The sheet reaches row %(row)s; at most %(limit)s rows are read from one file: split it.")
        % {"row": row, "limit": limit}
    )


def too_many_columns(where, limit):
    """`where`: the cell's reference, or its position in a row whose cells name none."""
    return ImportRejected.whole_file(
        _("The sheet has a cell at %(cell)s, beyond the %(limit)s columns that are read.")
        % {"cell": where, "limit": limit}
    )


def dimension_too_large(ref, limits):
    return ImportRejected.whole_file(
        _("The sheet declares its size as %(ref)s, beyond the limit of %(rows)s rows and %(columns)s columns.")
        % {"ref": ref, "rows": limits.rows, "columns": limits.columns}
    )


def cell_too_long(length, limit):
    """The reason of a RowError: a cell longer than any column takes."""
    return _("The cell holds %(length)s characters; at most %(limit)s are read.") % {"length": length, "limit": limit}
