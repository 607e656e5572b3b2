"""ClamAV as the upload's virus scanner: ATTACHMENT_SCANNER = "proposals.uploads.clamav.scan".

Speaks clamd's INSTREAM command (the file in length-prefixed chunks, a zero length to end) over the
socket named by ATTACHMENT_CLAMD_ADDRESS: "unix:///run/clamav/clamd.ctl" or "tcp://host:3310".
clamd refuses a stream longer than its StreamMaxLength (25 MB by default): keep that above
ATTACHMENT_MAX_MB, or such uploads are refused as unscannable.
"""

import socket
import struct
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_CHUNK = 64 * 1024


class ClamdError(Exception):
    """clamd answered something other than a verdict."""


def _connect(address, timeout):
    parts = urlsplit(address)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = parts.path
    elif parts.scheme == "tcp" and parts.hostname and parts.port:
        sock = socket.socket(socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, socket.SOCK_STREAM)
        target = (parts.hostname, parts.port)
    else:
        raise ImproperlyConfigured(f"ATTACHMENT_CLAMD_ADDRESS={address!r} is neither unix:///path nor tcp://host:port")
    sock.settimeout(timeout)
    try:
        sock.connect(target)
    except OSError:
        sock.close()
        raise
    return sock


def scan(stream):
    """Send `stream` to clamd; None when clean, else the name of what it found. Raises when clamd cannot tell."""
    with _connect(settings.ATTACHMENT_CLAMD_ADDRESS, settings.ATTACHMENT_CLAMD_TIMEOUT) as sock:
        sock.sendall(b"zINSTREAM\x00")
        while chunk := stream.read(_CHUNK):
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\x00"):
            received = sock.recv(4096)
            if not received:
                break
            reply += received
    answer = reply.rstrip(b"\x00").decode(errors="replace").strip()
    if answer == "stream: OK":
        return None
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        return answer.removeprefix("stream: ").removesuffix(" FOUND")
    raise ClamdError(answer or "no answer")
