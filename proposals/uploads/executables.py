"""Programs, whatever their name: at the start of a file or hidden after a valid header.

A PDF, picture or document can carry a Windows or Linux program after its own content (a
"polyglot"): the whole file is read in bounded chunks looking for an MZ header whose PE signature
sits where the header says, or for an ELF header. Both structures are specific enough that a real
document hardly ever holds one by chance. Mach-O and scripts are recognised at the start only.
"""

import re
import struct

from django.utils.translation import gettext_lazy as _

# Names of things Windows, macOS, Linux or a browser would run when opened.
EXTENSIONS = frozenset(
    [
        "exe",
        "com",
        "bat",
        "cmd",
        "js",
        "jse",
        "vbs",
        "vbe",
        "ps1",
        "psm1",
        "scr",
        "msi",
        "msp",
        "dll",
        "sys",
        "cpl",
        "hta",
        "jar",
        "apk",
        "app",
        "pif",
        "lnk",
        "reg",
        "sh",
        "wsf",
        "wsh",
        "scf",
        "inf",
        "gadget",
        "elf",
    ]
)

WINDOWS = _("a Windows program")
LINUX = _("a Linux program")
MAC = _("a macOS program")
SCRIPT = _("a script")

_CHUNK = 1024 * 1024
_OVERLAP = 4096  # an MZ header's PE signature (at e_lfanew) is looked for within this distance
_MZ = re.compile(rb"MZ")
_ELF = re.compile(rb"\x7fELF[\x01\x02][\x01\x02]\x01")
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")


def _is_pe(data, at):
    if at + 0x40 > len(data):
        return False
    (offset,) = struct.unpack_from("<I", data, at + 0x3C)
    return 0x40 <= offset <= _OVERLAP - 4 and data[at + offset : at + offset + 4] == b"PE\x00\x00"


def _at_start(head):
    if head.startswith(b"MZ") and (_is_pe(head, 0) or b"\x00" in head[2:0x40]):
        return WINDOWS
    if head.startswith(b"\x7fELF"):
        return LINUX
    if head.startswith(_MACH_O):
        return MAC
    if head.startswith(b"#!"):
        return SCRIPT
    return None


def find_program(stream):
    """What kind of program `stream` is or carries (a translatable phrase), or None; reads at most to its end."""
    data = stream.read(_CHUNK)
    found = _at_start(data)
    while data and not found:
        chunk = stream.read(_CHUNK)
        # Look at the positions whose whole window is in `data` (all of them at the end); keep the rest.
        end = max(len(data) - _OVERLAP, 0) if chunk else len(data)
        if _ELF.search(data, 0, min(len(data), end + 6)):
            found = LINUX
        elif any(_is_pe(data, m.start()) for m in _MZ.finditer(data, 0, min(len(data), end + 1))):
            found = WINDOWS
        data = data[end:] + chunk
    return found
