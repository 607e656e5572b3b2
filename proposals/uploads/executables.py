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
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc and .xls, and of Windows Installer
# The root storage's class of Windows Installer packages, patches and transforms (.msi, .msp, .mst):
# {000C1084-0000-0000-C000-000000000046}, {000C1086-…} and {000C1082-…} as stored (little-endian).
_INSTALLER_CLASSES = {
    bytes([kind, 0x10, 0x0C, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46]) for kind in (0x84, 0x86, 0x82)
}
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")


def _is_pe(data, at):
    if at + 0x40 > len(data):
        return False
    (offset,) = struct.unpack_from("<I", data, at + 0x3C)
    return 0x40 <= offset <= _OVERLAP - 4 and data[at + offset : at + offset + 4] == b"PE\x00\x00"


def _is_installer(head, stream):
    """Whether a compound file's root storage is a Windows Installer's (its directory may lie past `head`)."""
    shift, first = struct.unpack_from("<H", head, 0x1E)[0], struct.unpack_from("<I", head, 0x30)[0]
    if not 7 <= shift <= 16:
        return False
    at = ((first + 1) << shift) + 0x50  # the root entry opens the directory; its class ID is at 0x50
    if at + 16 <= len(head):
        return head[at : at + 16] in _INSTALLER_CLASSES
    if not stream.seekable():
        return False
    back = stream.tell()
    stream.seek(at)
    found = stream.read(16) in _INSTALLER_CLASSES
    stream.seek(back)
    return found


def _at_start(head, stream):
    if head.startswith(_OLE) and len(head) >= 0x34 and _is_installer(head, stream):
        return WINDOWS
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
    found = _at_start(data, stream)
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
