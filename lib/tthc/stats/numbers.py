"""Rates and number formatting: exact by default, the legacy rule only when a profile asks.

A rate is always computed from two integers. ``half_up`` is exact decimal arithmetic (no binary
float anywhere). ``legacy_float`` reproduces spreadsheet-style reports that round a binary float
to 2 decimals and then to the profile's decimals: 23/220 = 10.4545… → 10.45 (stored as
10.4499999…) → 10.4, where exact half-up gives 10.5 (domain.md §4 item 4).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from tthc.stats.profile import NumberFormat, Profile

ROUNDING_RULES = ("half_up", "legacy_float")

NA = "N/A"


def rate(
    numerator: int, denominator: int, decimals: int, rounding: str = "half_up"
) -> Decimal | None:
    """``numerator / denominator`` in percent, rounded; ``None`` for a zero denominator."""
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    if rounding not in ROUNDING_RULES:
        raise ValueError(f"unknown rounding rule {rounding!r}")
    numerator, denominator = int(numerator), int(denominator)
    if denominator == 0:
        return None
    if numerator < 0 or denominator < 0:
        raise ValueError("rates are defined for non-negative counts only")
    if rounding == "half_up":
        scale = 10**decimals
        # floor(x + 1/2) in integers, x = 100 * scale * num / den: exact for any size.
        scaled = (2 * 100 * scale * numerator + denominator) // (2 * denominator)
        return Decimal(scaled).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals))
    value = numerator / denominator * 100
    value = round(round(value, 2), decimals) if decimals < 2 else round(value, decimals)
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals))


def _group(digits: str, sep: str) -> str:
    if not sep:
        return digits
    parts = []
    while len(digits) > 3:
        parts.append(digits[-3:])
        digits = digits[:-3]
    parts.append(digits)
    return sep.join(reversed(parts))


def _number_format(style: Profile | NumberFormat) -> NumberFormat:
    # A whole profile or just its number format: charts and tables only need the latter.
    return getattr(style, "number_format", style)  # type: ignore[return-value]


def format_count(n: int | None, profile: Profile | NumberFormat) -> str:
    """'2.751' (official style) or '2751' (the sample); 'N/A' for None."""
    if n is None:
        return NA
    sign = "-" if n < 0 else ""
    return sign + _group(str(abs(int(n))), _number_format(profile).thousands_sep)


def format_decimal(
    value: Decimal | float | None, profile: Profile | NumberFormat, decimals: int
) -> str:
    """A number with the profile's separators, ``decimals`` places, trailing zeros per profile."""
    if value is None:
        return NA
    fmt = _number_format(profile)
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals))
    sign = "-" if q < 0 else ""
    text = f"{abs(q):f}"
    whole, _, frac = text.partition(".")
    if fmt.strip_trailing_zeros:
        frac = frac.rstrip("0")
    out = sign + _group(whole, fmt.thousands_sep)
    return out + (fmt.decimal_sep + frac if frac else "")


def format_rate(
    value: Decimal | float | None, profile: Profile | NumberFormat, decimals: int
) -> str:
    """'99,96%' (official style), '99.87%' / '100%' (the sample); 'N/A' for None."""
    if value is None:
        return NA
    return format_decimal(value, profile, decimals) + _number_format(profile).percent_suffix
