"""The number the office would give the next item: a suggestion, the service checks it is free."""

import re

from proposals.models import Item

TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)$")
WIDTH = 4  # the demo's and most districts' numbering: 0001, 0002, …


def suggest_number(*, district, year, body, kind) -> str:
    """The next free number of the district's items of `year`, `body` and `kind`, numbered as the latest are.

    The highest number ending in digits is counted on, keeping its prefix and its width (0123 → 0124,
    2026-017 → 2026-018); with none yet, 0001. One query over the few hundred numbers of one year.
    """
    taken = set(
        Item.objects.filter(district=district, year=year, body=body, kind=kind).values_list("number", flat=True)
    )
    prefix, last, width = "", 0, WIDTH
    for number in taken:
        found = TRAILING_DIGITS.match(number)
        if found and int(found[2]) > last:
            prefix, last, width = found[1], int(found[2]), len(found[2])
    n = last + 1
    while f"{prefix}{n:0{width}d}" in taken:
        n += 1
    return f"{prefix}{n:0{width}d}"
