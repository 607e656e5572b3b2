"""Phone numbers, one definition for every door: a mainland mobile number (it can be texted) and a phone to call.

The 码上约 form keeps any phone the deputy may call, a landline too; a text message goes only to
a mobile number, stored as its 11 digits (the notices' check constraint holds that pattern); the
public disclosure request answers by text when its contact is a mobile number.
"""

import re

MOBILE = re.compile(r"1[3-9]\d{9}")  # as stored: 11 digits, no +86, spaces or hyphens
_SEPARATORS = re.compile(r"[\s-]")
_COUNTRY_CODE = re.compile(r"^(?:\+|00)?86(?=\d{11}$)")
_PHONE_CHARACTERS = frozenset("0123456789+- ")


def mobile_digits(raw) -> str | None:
    """`raw` as the 11 digits of a mainland mobile number (spaces, hyphens and a +86 prefix dropped), else None."""
    digits = _COUNTRY_CODE.sub("", _SEPARATORS.sub("", raw or ""))
    return digits if MOBILE.fullmatch(digits) else None


def is_phone(raw) -> bool:
    """A number someone can call, a landline too: digits with +, spaces or hyphens, 5 to 15 digits."""
    return set(raw) <= _PHONE_CHARACTERS and 5 <= sum(c.isdigit() for c in raw) <= 15
