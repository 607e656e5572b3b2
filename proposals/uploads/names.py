"""The name an upload is kept under: its own, made safe to store and to hand back on download."""

import unicodedata
from pathlib import PurePath

# The `original_name` column holds 255 characters; 255 UTF-8 bytes is also what the file systems
# people save a download to accept, so a long Chinese name is cut by bytes, not by characters.
MAX_NAME_BYTES = 255


def extension(name):
    return PurePath(name).suffix.lower().lstrip(".")


def safe_name(name):
    """The last path part of `name` without control characters, shortened to fit while keeping its extension."""
    name = "".join(c for c in PurePath(name or "").name if unicodedata.category(c) != "Cc").strip()
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    suffix = PurePath(name).suffix
    if len(suffix.encode()) > MAX_NAME_BYTES // 2:  # an absurd "extension" is not one worth keeping
        suffix = ""
    stem = name[: len(name) - len(suffix)]
    budget = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:budget].decode(errors="ignore")  # never cut a character in half
    return stem + suffix
