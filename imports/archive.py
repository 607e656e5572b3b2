"""The pass an .xlsx goes through before any reader builds its rows: true unpacked sizes, then the sheet's extent.

A 5 KB file can name row 100,000,000 or column AAAAAAA, and 3 MB can unpack to gigabytes;
openpyxl, the reader in xlsx.py and calamine all allocate in proportion to what the file
claims. So every part is inflated here in chunks and counted against the size it declares
(declared sizes can lie; the declared sizes are held to the limits first), and the sheet's XML
is parsed as a stream that checks its declared dimension, every row number and every cell
reference, building nothing. Once this passes, zipfile's reads (bounded
by the declared sizes) are bounded by the limits too.
"""

import io
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from . import limits as refuse
from .xlsx import MAIN, Unsupported, first_sheet_path

CHUNK = 64 * 1024
# An .xlsx holds a few dozen parts; thousands are only there to make the central directory costly.
MAX_PARTS = 1000
LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # ZIP local file header (APPNOTE 4.3.7): 30 bytes
CELL_REF = re.compile(r"([A-Z]+)([0-9]*)")
BEYOND = 10**10  # the position of a reference too long to be within any limit
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
# How expat names the sheet's elements with namespaces on: "<namespace> <name>".
# Transitional (what Excel saves by default) and Strict Open XML: a sheet in either is checked.
NAMESPACES = (MAIN[1:-1], "http://purl.oclc.org/ooxml/spreadsheetml/main")
ROW, CELL, DIMENSION = ({f"{ns} {n}" for ns in NAMESPACES} for n in ("row", "c", "dimension"))


@dataclass(frozen=True)
class Extent:
    """The last row and column a checked sheet uses: what a reader may be asked for at most."""

    rows: int
    columns: int


def _inflate(data, info):
    """The part's bytes in chunks, read from the compressed stream itself, whatever the part declares."""
    if info.flag_bits & 0x1:
        raise zipfile.BadZipFile("encrypted")
    header = LOCAL_HEADER.unpack_from(data, info.header_offset)
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile("no local header")
    start = info.header_offset + LOCAL_HEADER.size + header[-2] + header[-1]
    raw = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, len(raw), CHUNK):
            yield bytes(raw[at : at + CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("compression Excel does not use")
    inflater, at = zlib.decompressobj(-zlib.MAX_WBITS), 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            chunk = inflater.unconsumed_tail
        else:
            chunk, at = raw[at : at + CHUNK], at + CHUNK
        out = inflater.decompress(chunk, CHUNK)  # never more than CHUNK bytes at once
        if out:
            yield out
        elif not chunk:
            raise zipfile.BadZipFile("truncated")


def _check_sizes(data, archive, limits):
    """Refuse parts that declare too much, then parts that hold other than they declare."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise refuse.too_many_parts(len(infos), MAX_PARTS)
    for info in infos:
        if info.file_size > limits.part_bytes:
            raise refuse.part_too_large(info.filename, limits.part_bytes)
    if sum(info.file_size for info in infos) > limits.total_bytes:
        raise refuse.total_too_large(limits.total_bytes)
    for info in infos:
        size, crc = 0, 0
        for chunk in _inflate(data, info):
            size += len(chunk)
            if size > info.file_size:
                raise refuse.part_lies(info.filename, info.file_size)  # stops here: never past the limit
            crc = zlib.crc32(chunk, crc)
        if size != info.file_size or crc != info.CRC:
            raise refuse.part_lies(info.filename, info.file_size)


def _position(ref):
    """(row, column) of a cell reference such as B12; the row is None when the reference has none."""
    match = CELL_REF.fullmatch(ref)
    if match is None:
        raise refuse.unreadable()
    letters, digits = match.groups()
    column = 0
    for ch in letters[:4]:
        column = column * 26 + ord(ch) - 64
    if len(letters) > 3:
        column = BEYOND
    row = (BEYOND if len(digits) > 9 else int(digits)) if digits else None
    return row, column


class _SheetCheck:
    """expat's handlers for the sheet: they build nothing, so memory stays flat however long the sheet is."""

    def __init__(self, limits):
        self.limits, self.dimension = limits, None
        self.last_row = self.last_column = self.row = self.cells = 0

    def start(self, name, attrs):
        limits = self.limits
        if name in CELL:
            self.cells += 1
            ref = attrs.get("r")
            cell_row, column = _position(ref) if ref else (None, self.cells)
            if column > limits.columns:
                raise refuse.too_many_columns(ref[:20] if ref else column, limits.columns)
            if cell_row is not None and cell_row > limits.rows:
                raise refuse.too_many_rows(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")[:20], limits.rows)
            self.last_column = max(self.last_column, column)
        elif name in ROW:
            number = attrs.get("r")
            if number is None:
                self.row += 1
            elif number.isdigit() and len(number) <= 9:
                self.row = int(number)
            else:
                raise refuse.too_many_rows(number[:20], limits.rows)
            if self.row > limits.rows:
                raise refuse.too_many_rows(self.row, limits.rows)
            self.last_row, self.cells = max(self.last_row, self.row), 0
        elif name in DIMENSION:
            self.dimension = attrs.get("ref") or ""


def _check_sheet(chunks, limits):
    """Stream the sheet's XML: its dimension, each row number and each cell reference within the limits."""
    check = _SheetCheck(limits)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = check.start
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:  # entity tricks; Excel writes none
            raise refuse.unreadable()
        tail = window[-16:]
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    if check.dimension is not None:  # after the cells, whose refusals say more about a sheet truly too large
        _check_dimension(check.dimension, limits)
    return Extent(rows=check.last_row, columns=check.last_column)


def _check_dimension(ref, limits):
    last_row, last_column = _position(ref.rpartition(":")[2])
    if (last_row or 0) > limits.rows or last_column > limits.columns:
        raise refuse.dimension_too_large(ref[:30], limits)


def _sheet_paths(archive):
    """The first sheet, which the readers read; every worksheet when the workbook does not say which is first."""
    try:
        return [first_sheet_path(archive)]
    except (Unsupported, KeyError, ET.ParseError):
        return [name for name in archive.namelist() if WORKSHEET.fullmatch(name)]


def check_xlsx(data: bytes, limits) -> Extent:
    """Refuse an .xlsx beyond the limits, in memory and time bounded by them; the sheet's extent if within."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_sizes(data, archive, limits)
            rows = columns = 0
            for path in _sheet_paths(archive):
                with archive.open(path) as part:
                    extent = _check_sheet(iter(lambda part=part: part.read(CHUNK), b""), limits)
                rows, columns = max(rows, extent.rows), max(columns, extent.columns)
    except (
        zipfile.BadZipFile,
        zlib.error,
        struct.error,
        KeyError,
        ET.ParseError,
        expat.ExpatError,
        OSError,
        ValueError,
    ) as exc:
        raise refuse.unreadable() from exc
    return Extent(rows=rows, columns=columns)
