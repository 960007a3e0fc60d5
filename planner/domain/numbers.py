"""Numbers as people read them: the ISMP display rules (leading zero, no trailing zero,
thousands separators).

ISMP, "List of Error-Prone Abbreviations, Symbols, and Dose Designations" (2021):
a trailing zero ("5.0 mg") is read as 50 and a missing leading zero (".5 mg") as 5.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from planner.errors import ValidationError

ORDER_DECIMALS = 4  # order amounts are typed by a clinician: show them nearly as entered


def finite_number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(
            field, f"{field.capitalize()} must be a finite number, got {value!r}."
        )
    return float(value)


def plain_decimal(number: Decimal) -> str:
    """Fixed-point text with thousands separators and no trailing zeros."""
    if number == 0:
        return "0"  # also turns -0 into 0
    text = format(number, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_number(value: float, max_decimals: int = ORDER_DECIMALS) -> str:
    """Format a number the ISMP way: leading zero, no trailing zeros, thousands separator.

    Args:
        value: the number to show.
        max_decimals: round half-up to at most this many decimals (display only).

    Returns:
        Text such as "0.5", "5", "10,000" or "363.6".

    Raises:
        ValidationError: ``value`` is not a finite number.
    """
    number = finite_number(value, "value")
    # repr() gives the shortest text that round-trips, so 2.675 rounds like a person would.
    exact = Decimal(repr(number))
    return plain_decimal(exact.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP))
