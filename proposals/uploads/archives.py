"""A look inside ZIP containers (.docx, .xlsx, .ofd and .zip) without unpacking them to disk.

Every member is read through the decompressor and counted as it comes, so a "zip bomb" stops at
ATTACHMENT_UNZIPPED_MAX_BYTES whatever the sizes the archive claims; every member is checked for
programs (a document can embed one as an object) and for macros or ActiveX controls (`.active`:
by the parts' names, the declared content types, and any compound file inside), archives inside are
looked into down to MAX_NESTING levels, and archives of kinds that cannot be looked into are refused.
"""

import io
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import active, executables
from .names import extension as extension_of

ZIP_EXTENSIONS = frozenset({"zip", "docx", "xlsx", "ofd"})
# The part each container cannot be without (ECMA-376 for Office, GB/T 33190 for OFD).
REQUIRED_PARTS = {
    "docx": ("[Content_Types].xml", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "ofd": ("OFD.xml",),
}
MAX_NESTING = 2  # an uploaded zip may hold a zip holding a .docx, no deeper
MAX_MEMBERS = 2000
_OPAQUE = {  # archives whose members cannot be checked here
    "extensions": frozenset(
        ["rar", "7z", "tar", "gz", "tgz", "bz2", "xz", "cab", "iso", "arj", "lzh", "lha", "z", "zst"]
    ),
    "magics": (b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF", b"\x28\xb5\x2f\xfd"),
}
_CHUNK = 1024 * 1024


class Budget:
    """The unzipped bytes still allowed for the whole upload, all levels together (a PDF's streams too)."""

    def __init__(self, name):
        self.name = name
        self.left = settings.ATTACHMENT_UNZIPPED_MAX_BYTES

    def spend(self, count):
        self.left -= count
        if self.left < 0:
            raise ValidationError(
                _("“%(name)s” cannot be attached: unpacked, it would be larger than %(limit)s."),
                code="unzipped_too_big",
                params={"name": self.name, "limit": filesizeformat(settings.ATTACHMENT_UNZIPPED_MAX_BYTES)},
            )


class _Counted(io.RawIOBase):
    """A member's decompressed stream that spends the budget as it is read."""

    def __init__(self, member, budget):
        self.member, self.budget = member, budget

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.member.read(len(buffer))
        self.budget.spend(len(data))
        buffer[: len(data)] = data
        return len(data)


def check_archive(name, extension, stream):
    """Refuse `stream` (a .`extension` ZIP container) if it is broken or holds anything refused."""
    try:
        _check(name, extension, stream, Budget(name), nesting=0)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise ValidationError(
            _("“%(name)s” is a damaged .%(extension)s file and cannot be opened."),
            code="damaged",
            params={"name": name, "extension": extension},
        ) from exc
    finally:
        stream.seek(0)


def _refuse(message, code, name, member, **params):
    return ValidationError(message, code=code, params={"name": name, "member": member, **params})


def _check(name, extension, stream, budget, nesting):
    with zipfile.ZipFile(stream) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ValidationError(
                _("“%(name)s” cannot be attached: it holds more than %(count)s files."),
                code="too_many_files",
                params={"name": name, "count": MAX_MEMBERS},
            )
        names = {m.filename for m in members}
        if not all(part in names for part in REQUIRED_PARTS.get(extension, ())):
            raise ValidationError(
                _("“%(name)s” is not a real .%(extension)s file: its content does not match its name."),
                code="content",
                params={"name": name, "extension": extension},
            )
        claimed = sum(m.file_size for m in members)
        if claimed > budget.left:  # what it claims is enough to refuse; what it holds is counted below
            budget.spend(claimed)
        for member in members:
            if not member.is_dir():
                _check_member(name, archive, member, budget, nesting)


def _check_member(name, archive, member, budget, nesting):
    active.check_office_part(name, member.filename)
    inner = PurePosixPath(member.filename).name
    kind = extension_of(inner)
    if kind in executables.EXTENSIONS:
        raise _refuse(
            _("“%(name)s” cannot be attached: it holds “%(member)s”, a program, and programs are never accepted."),
            "executable", name, member.filename,
        )  # fmt: skip
    if member.flag_bits & 0x1:
        raise _refuse(
            _("“%(name)s” cannot be attached: “%(member)s” inside it is encrypted, so it cannot be checked."),
            "encrypted", name, member.filename,
        )  # fmt: skip
    with archive.open(member) as raw:
        counted = io.BufferedReader(_Counted(raw, budget), _CHUNK)
        head = counted.peek(8)[:8]
        if kind in _OPAQUE["extensions"] or head.startswith(_OPAQUE["magics"]):
            raise _refuse(
                _("“%(name)s” cannot be attached: it holds “%(member)s”, an archive of a kind that cannot be checked."),
                "opaque_archive", name, member.filename,
            )  # fmt: skip
        if member.filename == active.CONTENT_TYPES or head.startswith(active.OLE):
            data = io.BytesIO(counted.read())  # a small part, or a document embedded in this one
            if member.filename == active.CONTENT_TYPES:
                active.check_content_types(name, data.getvalue())
            else:
                active.check_compound_file(name, data)
            if program := executables.find_program(data):
                raise _program(name, member.filename, program)
        elif head.startswith(b"PK\x03\x04"):
            if nesting >= MAX_NESTING:
                raise _refuse(
                    _("“%(name)s” cannot be attached: it holds archives inside archives more than %(depth)s deep."),
                    "nested_too_deep", name, member.filename, depth=MAX_NESTING,
                )  # fmt: skip
            nested = io.BytesIO(counted.read())
            if program := executables.find_program(nested):
                raise _program(name, member.filename, program)
            nested.seek(0)
            _check(name, kind, nested, budget, nesting + 1)
        elif program := executables.find_program(counted):
            raise _program(name, member.filename, program)


def _program(name, member, program):
    return _refuse(
        _("“%(name)s” cannot be attached: “%(member)s” inside it is %(program)s, and programs are never accepted."),
        "executable", name, member, program=program,
    )  # fmt: skip
