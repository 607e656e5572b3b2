"""Active content in PDFs: scripts, launch actions, files inside, rich media and XFA forms.

A PDF runs code or carries other files only through dictionaries naming it: `/JavaScript` and `/JS`
(document scripts, and any /OpenAction, /AA or link whose action is JavaScript), `/Launch` (an
action opening a program or file), `/EmbeddedFile(s)` (files inside, of any type: none of the
checks here would look into them, so they are refused and can be attached on their own),
`/RichMedia` (Flash, video) and `/XFA` (forms that carry scripts). An /OpenAction that only opens a
page is accepted. A name may be spelt with #hex escapes (`/J#61vaScript`): the pattern takes each
character either way.

Dictionaries lie in the file as written, or (PDF 1.5) compressed in object streams. The file is read
in 1 MB chunks that overlap, and every FlateDecode stream is looked at: its first inflated bytes tell
an object stream (a header of numbers) from a picture or a font, and only the former is inflated
whole, counted against ATTACHMENT_UNZIPPED_MAX_BYTES as archives are. No PDF parser is used: pypdf,
the well-kept one, builds every object in memory; on a 19 MB file of 370,000 small objects it took
22 s and 590 MB where this scan takes 0.5 s. Not decoded here: object streams under another filter
(ASCIIHex, ASCII85, LZW, a predictor) or encrypted; a virus scanner that parses PDFs covers those.
"""

import re
import zlib

from django.utils.translation import gettext_lazy

from .active import refusal
from .archives import Budget

JAVASCRIPT = gettext_lazy("JavaScript")
LAUNCH = gettext_lazy("an action that opens a program or file")
EMBEDDED = gettext_lazy("files embedded in it")
RICH_MEDIA = gettext_lazy("rich media (Flash or video)")
XFA = gettext_lazy("an XFA form")
_PHRASES = {
    "JavaScript": JAVASCRIPT,
    "JS": JAVASCRIPT,
    "Launch": LAUNCH,
    "EmbeddedFiles": EMBEDDED,
    "EmbeddedFile": EMBEDDED,
    "RichMedia": RICH_MEDIA,
    "XFA": XFA,
}


def _spelt_any_way(word):
    """`word`'s pattern, each character as itself or as its #hex escape (in either case)."""
    return "".join(
        f"(?:{re.escape(c)}|#{''.join(f'[{d}{d.upper()}]' if d.isalpha() else d for d in f'{ord(c):02x}')})"
        for c in word
    )


# A name ends at white space or a delimiter; one cut by the end of the data is found in the next window.
_NAMES = re.compile(("/(" + "|".join(map(_spelt_any_way, _PHRASES)) + r")(?=[\s\x00()<>\[\]{}/%])").encode())
_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\r|\n)")
_WHITE = b"\x00\t\n\x0c\r "
_CHUNK = 1024 * 1024
_OVERLAP = 4096  # more than the longest escaped name, and room for a stream's first bytes after its keyword
_PEEK_RAW = 2048  # compressed bytes read to see what a stream holds
_PEEK = 1024  # inflated bytes that show it
_FIRST_READ = 16 * 1024  # an object stream's compressed bytes are read from this size up, doubling


def check_pdf(name, stream):
    """Refuse the PDF `stream` if it holds active content or files; leaves it at its start."""
    budget = Budget(name)
    try:
        stream.seek(0)
        offset, data = 0, stream.read(_CHUNK)  # `offset`: where `data` starts in the file
        while data:
            chunk = stream.read(_CHUNK)
            end = max(len(data) - _OVERLAP, 0) if chunk else len(data)
            _find(name, data)
            view = memoryview(data)
            for found in _STREAM.finditer(data):
                if found.start() >= end:  # it is looked at in the next window, where its bytes follow it
                    break
                _look_into(name, stream, offset + found.end(), view[found.end() : found.end() + _PEEK_RAW], budget)
            offset += end
            data = data[end:] + chunk
    finally:
        stream.seek(0)


def _find(name, data):
    if found := _NAMES.search(data):
        word = _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), found[1]).decode()
        raise refusal(name, _PHRASES[word])


def _look_into(name, stream, at, first, budget):
    """Look into the stream whose data starts at byte `at` (`first` its first bytes), if it is a FlateDecode one."""
    inflater = zlib.decompressobj()
    try:
        head = inflater.decompress(first, _PEEK)
    except zlib.error:
        return  # not deflated (a JPEG, plain text) or another filter
    start = head.lstrip(_WHITE)[:1]
    if inflater.eof or not (start == b"" or start.isdigit() or start == b"%"):
        _find(name, head)  # all of it, or a picture's, a font's or a page's first bytes
        return
    _inflate_whole(name, stream, at, budget)


def _inflate_whole(name, stream, at, budget):
    back = stream.tell()
    stream.seek(at)
    inflater, size, tail = zlib.decompressobj(), _FIRST_READ, b""
    try:
        while not inflater.eof:
            raw = inflater.unconsumed_tail or stream.read(size)
            size = min(size * 2, _CHUNK)
            piece = inflater.decompress(raw, _CHUNK) if raw else inflater.flush()
            budget.spend(len(piece))
            _find(name, tail + piece)
            tail = (tail + piece)[-_OVERLAP:]
            if not raw:
                break
    except zlib.error:
        pass  # damaged after what was inflated and looked at; a reader stops there as well
    finally:
        stream.seek(back)
