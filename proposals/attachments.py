"""Upload checks and private storage for attachments.

Every upload goes through `store_attachment`, so the limits from settings
(ATTACHMENT_MAX_BYTES, ATTACHMENT_EXTENSIONS) hold for the browser, the API and the
commands alike. The stored content type comes from the checked extension, never from
the browser's claim, and the download view always sends the file as an attachment.
"""

import mimetypes
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Attachment

# The first bytes each known type starts with. An extension allowed by settings but not
# listed here is accepted on its extension alone.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc, .xls)
_ZIP = b"PK\x03\x04"  # .docx, .xlsx, .ofd and .zip are ZIP containers
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "doc": (_OLE,),
    "xls": (_OLE,),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
    "ofd": (_ZIP,),
    "zip": (_ZIP, b"PK\x05\x06"),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
    "txt": "text/plain; charset=utf-8",
}


def _extension(name):
    return PurePath(name).suffix.lower().lstrip(".")


def _looks_like(extension, head):
    if extension == "txt":
        return b"\x00" not in head
    signatures = SIGNATURES.get(extension)
    return signatures is None or head.startswith(signatures)


def validate_upload(uploaded_file):
    """Check an uploaded file against the limits; raise ValidationError saying which one it breaks.

    Returns the content type to store for it.
    """
    name = PurePath(uploaded_file.name or "").name
    extension = _extension(name)
    allowed = [e.lower().lstrip(".") for e in settings.ATTACHMENT_EXTENSIONS]
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s” cannot be attached: only these file types are accepted: %(allowed)s."),
            code="extension",
            params={"name": name, "allowed": ", ".join(allowed)},
        )
    if not uploaded_file.size:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if uploaded_file.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s."),
            code="too_big",
            params={
                "name": name,
                "size": filesizeformat(uploaded_file.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(512)
    uploaded_file.seek(0)
    if not _looks_like(extension, head):
        raise ValidationError(
            _("“%(name)s” is not a real .%(extension)s file: its content does not match its name."),
            code="content",
            params={"name": name, "extension": extension},
        )
    return CONTENT_TYPES.get(extension) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def store_attachment(*, item, uploaded_file, purpose, uploaded_by):
    """Validate `uploaded_file` and save it as an attachment of `item` in the private storage.

    Called by the workflow services inside their transaction; the file is written under
    a random name (the original name is kept on the row), so names never collide and
    never reach the file system.
    """
    if purpose not in Attachment.Purpose.values:
        raise ValueError(f"unknown attachment purpose {purpose!r}")  # a programming error, not the user's
    content_type = validate_upload(uploaded_file)
    original_name = PurePath(uploaded_file.name).name
    uploaded_file.name = f"{uuid.uuid4().hex}.{_extension(original_name)}"
    return Attachment.objects.create(
        item=item,
        purpose=purpose,
        file=uploaded_file,
        original_name=original_name[:255],
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=uploaded_by,
    )
