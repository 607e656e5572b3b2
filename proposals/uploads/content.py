"""Whether a file's content is what its extension says, told by puremagic's table of magic numbers.

puremagic is pure Python (no libmagic to install on the government servers) and names every type
a header may be; the declared extension must be among them. Plain text has no magic number: it is
text when it holds no NUL byte and no web page markup a browser would run if it ever rendered it.
"""

import re

import puremagic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Extensions puremagic knows under another name: OFD (China's fixed-layout format) is a ZIP container.
_SAME_AS = {"ofd": "zip", "jpeg": "jpg"}

# The tags browsers sniff as HTML (WHATWG MIME sniffing), plus SVG and XML.
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|svg|\?xml|!--"
    rb"|object|embed|img|meta|link|base|form)[\s>/]",
    re.IGNORECASE,
)
_CHUNK = 1024 * 1024
_OVERLAP = 32


def _kinds(head):
    try:
        return {m.extension.lower().lstrip(".") for m in puremagic.magic_string(head)}
    except puremagic.PureError:
        return set()


def _has_markup(stream):
    tail = b""
    while chunk := stream.read(_CHUNK):
        data = tail + chunk
        if _MARKUP.search(data):
            return True
        tail = data[-_OVERLAP:]
    return False


def check_type(name, extension, stream):
    """Refuse `stream` when its content is not a .`extension` file; leaves the stream at its start."""
    head = stream.read(4096)
    stream.seek(0)
    if extension == "txt":
        if b"\x00" in head:
            raise _mismatch(name, extension)
        markup = _has_markup(stream)
        stream.seek(0)
        if markup:
            raise ValidationError(
                _(
                    "“%(name)s” cannot be attached: it holds web page markup (HTML, SVG or XML), "
                    "which is not accepted under a .%(extension)s name."
                ),
                code="markup",
                params={"name": name, "extension": extension},
            )
        return
    if _SAME_AS.get(extension, extension) not in {_SAME_AS.get(k, k) for k in _kinds(head)}:
        raise _mismatch(name, extension)


def _mismatch(name, extension):
    return ValidationError(
        _("“%(name)s” is not a real .%(extension)s file: its content does not match its name."),
        code="content",
        params={"name": name, "extension": extension},
    )
