"""Upload checks and private storage for attachments.

Every upload goes through `validate_upload` (forms, the API and the services call it, and
`store_attachment` again before saving), so the limits hold for the browser, the API and the
commands alike: the type is allowed by ATTACHMENT_EXTENSIONS and never a program's, the size within
ATTACHMENT_MAX_BYTES, the content really of that type (`proposals.uploads.content`), no program at
its start or hidden inside (`.executables`), ZIP containers sound and harmless inside
(`.archives`), no macros or scripts (`.active`, `.pdf`), and the deployment's virus scanner, if
any, content (`.scanning`). The stored content type comes from the checked extension, never from
the browser's claim, and the download view always sends the file as an attachment.
"""

import mimetypes
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Attachment
from .uploads import active, archives, content, executables, pdf, scanning
from .uploads.names import extension as _extension
from .uploads.names import safe_name

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
    "txt": "text/plain; charset=utf-8",
}


def validate_upload(uploaded_file):
    """Check an uploaded file against the limits; raise ValidationError saying which one it breaks.

    Renames the file to its safe name (`proposals.uploads.names.safe_name`: a long name is
    shortened keeping its extension) and returns the content type to store for it, also kept on
    the file as `checked_as` so that storing it does not check it again.
    """
    name = uploaded_file.name = safe_name(uploaded_file.name)
    extension = _extension(name)
    allowed = [e.lower().lstrip(".") for e in settings.ATTACHMENT_EXTENSIONS]
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s” cannot be attached: only these file types are accepted: %(allowed)s."),
            code="extension",
            params={"name": name, "allowed": ", ".join(allowed)},
        )
    if extension in executables.EXTENSIONS:  # even if a deployment allowed it
        raise ValidationError(
            _("“%(name)s” cannot be attached: it is a program, and programs are never accepted."),
            code="executable",
            params={"name": name},
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
    content.check_type(name, extension, uploaded_file)
    program = executables.find_program(uploaded_file)
    uploaded_file.seek(0)
    if program:
        raise ValidationError(
            _("“%(name)s” cannot be attached: it holds %(program)s, and programs are never accepted."),
            code="executable",
            params={"name": name, "program": program},
        )
    if extension in archives.ZIP_EXTENSIONS:
        archives.check_archive(name, extension, uploaded_file)
    active.check_compound_file(name, uploaded_file)
    if extension == "pdf":
        pdf.check_pdf(name, uploaded_file)
    scanning.scan(name, uploaded_file)
    guessed = mimetypes.guess_type(name)[0]
    uploaded_file.checked_as = CONTENT_TYPES.get(extension) or guessed or "application/octet-stream"
    return uploaded_file.checked_as


def store_attachment(*, item, uploaded_file, purpose, uploaded_by):
    """Validate `uploaded_file` and save it as an attachment of `item` in the private storage.

    Called by the workflow services inside their transaction; the file is written under
    a random name (the original name is kept on the row), so names never collide and
    never reach the file system.
    """
    if purpose not in Attachment.Purpose.values:
        raise ValueError(f"unknown attachment purpose {purpose!r}")  # a programming error, not the user's
    # A file the form already checked is not read (nor sent to the virus scanner) a second time.
    content_type = getattr(uploaded_file, "checked_as", None) or validate_upload(uploaded_file)
    original_name = uploaded_file.name
    uploaded_file.name = f"{uuid.uuid4().hex}.{_extension(original_name)}"
    return Attachment.objects.create(
        item=item,
        purpose=purpose,
        file=uploaded_file,
        original_name=original_name,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=uploaded_by,
    )


@contextmanager
def stored(*, item, uploads, purpose, uploaded_by):
    """Store `uploads` as `item`'s attachments for the act inside the block, which receives them.

    The act is refused (any exception): the rows roll back with the block's savepoint and the
    stored files are deleted here, so a refused act leaves no file behind on any front door.
    """
    attachments = []
    try:
        with transaction.atomic():
            for upload in uploads:
                attachments.append(
                    store_attachment(item=item, uploaded_file=upload, purpose=purpose, uploaded_by=uploaded_by)
                )
            yield attachments
    except Exception:
        for attachment in attachments:
            attachment.file.delete(save=False)
        raise
