"""The hook for a deployment's virus scanner, set by ATTACHMENT_SCANNER (see README, "Attachments").

The setting names a callable by dotted path (empty: no scanner). It is given the upload as a binary
file at its start and returns None when the file is clean or the name of what it found. Any error
of the scanner (down, misconfigured, too slow) refuses the upload: a file nobody could check is not
stored. `proposals.uploads.clamav.scan` is the implementation for ClamAV's clamd.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def scan(name, stream):
    """Refuse `stream` if the configured scanner finds something in it or cannot tell."""
    path = settings.ATTACHMENT_SCANNER
    if not path:
        return
    stream.seek(0)
    try:
        threat = import_string(path)(stream)
    except Exception:
        logger.exception("The virus scanner %s failed on “%s”; the upload is refused", path, name)
        raise ValidationError(
            _(
                "“%(name)s” could not be checked for viruses just now, so it was not accepted. "
                "Please try again later; if it keeps happening, tell the system administrator."
            ),
            code="scanner_unavailable",
            params={"name": name},
        ) from None
    finally:
        stream.seek(0)
    if threat:
        logger.warning("The virus scanner found %s in “%s”; the upload is refused", threat, name)
        raise ValidationError(
            _("“%(name)s” was refused: the virus scanner found %(threat)s in it."),
            code="infected",
            params={"name": name, "threat": threat},
        )
