"""Build hostile .xlsx files: a sheet written by hand, a zip bomb streamed to disk, a part that lies about its size."""

import io
import struct
import zipfile
from pathlib import Path

from .sheets import HEADER_EN, xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


def cell(ref, value):
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def header_row():
    letters = [chr(65 + i) for i in range(len(HEADER_EN))]
    return '<row r="1">' + "".join(cell(f"{c}1", h) for c, h in zip(letters, HEADER_EN, strict=True)) + "</row>"


def sheet_xml(rows="", dimension=None):
    """A worksheet with the contract's English header in row 1, then `rows` (XML), and an optional <dimension>."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}<sheetData>{header_row()}{rows}</sheetData></worksheet>'.encode()  # noqa: E501


def one_cell_sheet(ref, value="x"):
    """The worksheet XML of the header and one cell at `ref`, in the row the reference names."""
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return sheet_xml(f'<row r="{row}">{cell(ref, value)}</row>')


def xlsx_with_cell(ref, value="x") -> bytes:
    """A workbook whose sheet holds the header and one cell at `ref`: where the hostile sheets differ."""
    return xlsx_with_sheet(one_cell_sheet(ref, value))


def _parts_but_sheet():
    """Every part of a real workbook (openpyxl's) except its sheet, which a test writes itself."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(HEADER_EN, []))) as base:
        return [(info, base.read(info)) for info in base.infolist() if info.filename != SHEET]


def xlsx_with_sheet(xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in _parts_but_sheet():
            archive.writestr(info, data)
        archive.writestr(SHEET, xml)
    return out.getvalue()


def zip_bomb(path: Path, megabytes: int) -> Path:
    """An .xlsx whose sheet is `megabytes` MB of zeros, deflated as it is written: the test never holds it."""
    zeros = b"0" * MB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info, data in _parts_but_sheet():
            archive.writestr(info, data)
        with archive.open(SHEET, "w") as sheet:
            for _ in range(megabytes):
                sheet.write(zeros)
    return path


def declare_size(path: Path, name: str, size: int) -> Path:
    """Make the part `name` declare `size` unpacked bytes, in the central directory and its local header."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        (name_length,) = struct.unpack_from("<H", data, at + 28)
        if data[at + 46 : at + 46 + name_length] == name.encode():
            struct.pack_into("<L", data, at + 24, size)
            (local,) = struct.unpack_from("<L", data, at + 42)
            struct.pack_into("<L", data, local + 22, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path
