"""Numbers as people read them: the ISMP display rules (leading zero, no trailing zero,
thousands separators).

ISMP, "List of Error-Prone Abbreviations, Symbols, and Dose Designations" (2021):
a trailing zero ("5.0 mg") is read as 50 and a missing leading zero (".5 mg") as 5.

The decimal and grouping signs are the language's, from the Unicode CLDR data through
Babel (https://babel.pocoo.org/en/latest/numbers.html): Spanish writes "505,96" where
English writes "505.96". The ISMP rules hold in every language.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING

from planner.domain.i18n import tr
from planner.errors import ValidationError

if TYPE_CHECKING:
    from babel import Locale

ORDER_DECIMALS = 4  # order amounts are typed by a clinician: show them nearly as entered
DEFAULT_LOCALE = "en"


def finite_number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(
            field,
            tr("{name} must be a finite number, got {value}.").format(
                name=field.capitalize(), value=repr(value)
            ),
        )
    return float(value)


def plain_decimal(number: Decimal, locale: str = DEFAULT_LOCALE) -> str:
    """Fixed-point text with the language's thousands and decimal signs, no trailing zeros."""
    if number == 0:
        return "0"  # also turns -0 into 0
    if locale == "en":
        # English's CLDR pattern is Python's own ("," every three digits, "." before the
        # decimals; a test compares the two), and English is what the board and the step
        # table show: this path keeps Babel out of the start-up and each call at ~2 us.
        text = format(number, ",f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    from babel.numbers import format_decimal  # loaded when another language is printed

    # The locale's standard pattern ("#,##0.###") has no minimum of decimals, and without
    # quantization Babel keeps every decimal of ``number``: the caller has rounded it.
    return format_decimal(number, locale=_locale(locale), decimal_quantization=False)


@cache
def _locale(code: str) -> Locale:
    """The parsed CLDR locale (parsing each time would dominate a document's formatting)."""
    from babel import Locale

    return Locale.parse(code)


def format_number(
    value: float, max_decimals: int = ORDER_DECIMALS, locale: str = DEFAULT_LOCALE
) -> str:
    """Format a number the ISMP way: leading zero, no trailing zeros, thousands separator.

    Args:
        value: the number to show.
        max_decimals: round half-up to at most this many decimals (display only).
        locale: a CLDR locale ("en", "es") giving the decimal and thousands signs.

    Returns:
        Text such as "0.5", "5", "10,000" or "363.6" ("0,5", "10.000", "363,6" in "es").

    Raises:
        ValidationError: ``value`` is not a finite number.
    """
    number = finite_number(value, "value")
    # repr() gives the shortest text that round-trips, so 2.675 rounds like a person would.
    exact = Decimal(repr(number))
    rounded = exact.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    return plain_decimal(rounded, locale)
