"""Exact percentages for the yearly report (domain §6).

Shares are computed as Fractions, never floats, and rounded half-up (not banker's
rounding) to 0 or 1 decimal. A table's percentages add up to exactly 100 by largest
remainder: floor every share, then give the missing units to the largest remainders,
ties to the earlier row. The outcome table also agrees with the resolution rate quoted
in the text: its resolved rows share that rate and the other rows share the rest.

A share with a zero denominator has no value: it is None (JSON null), never 0, so a
year without items does not read as "0% resolved".
"""

from decimal import Decimal
from fractions import Fraction


def _scale(precision):
    if precision not in (0, 1):
        raise ValueError(f"precision must be 0 or 1, not {precision!r}")
    return 10**precision


def _units_to_decimal(units, precision):
    return Decimal(units).scaleb(-precision)


def _half_up(value: Fraction) -> int:
    """Round a non-negative or negative Fraction to the nearest integer, halves away from zero."""
    if value < 0:
        return -_half_up(-value)
    return int(value + Fraction(1, 2))


def percent(part, whole, precision=1) -> Decimal | None:
    """`part` of `whole` in percent, rounded half-up to `precision` decimals; None when `whole` is 0."""
    scale = _scale(precision)
    if not whole:
        return None
    return _units_to_decimal(_half_up(Fraction(100 * scale * part, whole)), precision)


def _largest_remainder(exact_units, target):
    """Integers summing to `target` from exact Fraction shares: floors plus one unit each to the largest remainders."""
    floors = [int(share) for share in exact_units]  # shares are non-negative, so int() floors
    missing = target - sum(floors)
    order = sorted(range(len(exact_units)), key=lambda i: (-(exact_units[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def table_percents(counts, precision=1) -> list[Decimal | None]:
    """Percent of each count in their sum, adding up to exactly 100; all None when the sum is 0."""
    scale = _scale(precision)
    whole = sum(counts)
    if not whole:
        return [None] * len(counts)
    exact = [Fraction(100 * scale * c, whole) for c in counts]
    return [_units_to_decimal(u, precision) for u in _largest_remainder(exact, 100 * scale)]


def grouped_table_percents(counts, in_group, precision=1) -> list[Decimal | None]:
    """Percents adding up to 100 where the rows with `in_group` true add up to their rounded joint share.

    Used for the outcome table: the resolved rows add up to the resolution rate quoted in
    the text, the other rows to the rest of 100, each group by largest remainder.
    """
    scale = _scale(precision)
    whole = sum(counts)
    if not whole:
        return [None] * len(counts)
    group_units = _half_up(Fraction(100 * scale * sum(c for c, g in zip(counts, in_group, strict=True) if g), whole))
    result = [0] * len(counts)
    for flag, target in ((True, group_units), (False, 100 * scale - group_units)):
        rows = [i for i, g in enumerate(in_group) if g is flag]
        exact = [Fraction(100 * scale * counts[i], whole) for i in rows]
        for i, units in zip(rows, _largest_remainder(exact, target), strict=True):
            result[i] = units
    return [_units_to_decimal(u, precision) for u in result]


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """This year's displayed rate minus last year's displayed rate, in points; None if either is missing."""
    if current is None or previous is None:
        return None
    return current - previous


def as_number(value: Decimal | None, precision=1):
    """A JSON number for a Decimal at `precision`: an int at precision 0, else a float with that many decimals."""
    if value is None:
        return None
    if precision == 0:
        return int(value)
    return float(value)
