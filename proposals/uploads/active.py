"""Active content in Office documents: macros and ActiveX controls, which run when the file is opened.

Office Open XML (.docx, .xlsx, and any such document inside an archive) is looked at by the archive
walk (`.archives`), which hands each part's name here and the `[Content_Types].xml` part's content:
a `vbaProject.bin` part, a `macrosheets/` (Excel 4.0 macros) or `activeX/` folder, or a declared
macro or ActiveX content type (which any part name can carry) refuses the file.

A legacy compound file (.doc, .xls) carries VBA macros in a storage named `Macros` (Word) or
`_VBA_PROJECT_CUR` (Excel); its directory entries are 128-byte records at 128-byte aligned
offsets, so reading the file in aligned chunks finds them without a library (olefile would parse
the same directory, to the same answer). Excel 4.0 macro sheets inside an .xls are records of its
workbook stream, which would take a BIFF parser: those are left to the virus scanner.
"""

import re
import struct
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MACROS = gettext_lazy("macros")
ACTIVEX = gettext_lazy("ActiveX controls")

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file's signature
CONTENT_TYPES = "[Content_Types].xml"
_MACRO_PARTS = frozenset({"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"})
_ACTIVE_TYPES = re.compile(r"vbaProject|vbaData|macroEnabled|macrosheet|ms-office\.activeX", re.IGNORECASE)
_CHARACTER_REFERENCE = re.compile(r"&#(x[0-9a-f]+|[0-9]+);", re.IGNORECASE)
# A directory entry's name (UTF-16LE, NUL-terminated) for the storages that hold a VBA project.
_VBA_STORAGE = re.compile(
    b"(?:" + b"|".join(re.escape(n.encode("utf-16-le")) for n in ("_VBA_PROJECT_CUR", "Macros")) + b")\x00\x00",
    re.IGNORECASE,
)
_ENTRY = 128
_CHUNK = 1024 * 1024  # a multiple of _ENTRY, so no entry straddles two chunks


def refusal(name, what):
    """The refusal of `name` for holding `what` (one of this package's phrases)."""
    return ValidationError(
        _("“%(name)s” cannot be attached: it contains %(content)s, which attachments may not hold."),
        code="active_content",
        params={"name": name, "content": what},
    )


def check_office_part(name, part):
    """Refuse the upload `name` for the name of one of its container's parts, if that part is macros or ActiveX."""
    path = PurePosixPath(part)
    if path.name.lower() in _MACRO_PARTS:
        raise refusal(name, MACROS)
    folders = {folder.lower() for folder in path.parts[:-1]}
    if "macrosheets" in folders:  # Excel 4.0 macro sheets, which run without VBA
        raise refusal(name, MACROS)
    if "activex" in folders:
        raise refusal(name, ACTIVEX)


def check_content_types(name, data):
    """Refuse the upload `name` if its `[Content_Types].xml` (`data`) declares macros or ActiveX for any part."""
    text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", errors="replace")
    text = _CHARACTER_REFERENCE.sub(_character, text)
    if found := _ACTIVE_TYPES.search(text):
        raise refusal(name, ACTIVEX if found[0].lower().endswith("activex") else MACROS)


def _character(reference):
    number = reference[1]
    code = int(number[1:], 16) if number[0] in "xX" else int(number)
    return chr(min(code, 0x10FFFF))


def check_compound_file(name, stream):
    """Refuse `stream` if it is a compound file (.doc, .xls) with a VBA project's storage; leaves it at its start."""
    stream.seek(0)
    offset = 0
    try:
        if stream.read(len(OLE)) != OLE:
            return
        stream.seek(0)
        while chunk := stream.read(_CHUNK):
            for found in _VBA_STORAGE.finditer(chunk):
                at = found.start()
                if (offset + at) % _ENTRY == 0 and at + 0x43 <= len(chunk):
                    length, kind = struct.unpack_from("<HB", chunk, at + 0x40)
                    if length == found.end() - at and kind == 1:  # the name's bytes with its NUL; a storage
                        raise refusal(name, MACROS)
            offset += len(chunk)
    finally:
        stream.seek(0)
