"""Numbers, doses, dates and day names in each handout language, from Babel (CLDR)."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from planner.clinical.dosing import format_dose
from planner.domain.assets import resource
from planner.domain.numbers import format_number
from planner.domain.templates import DoseBasis, DoseRule
from planner.errors import PlannerError
from planner.export.texts import HandoutTexts, available_languages, load_texts

TUESDAY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("value", "english", "spanish"),
    [
        (505.96, "505.96", "505,96"),
        (0.5, "0.5", "0,5"),  # ISMP: the leading zero stays in every language
        (5.0, "5", "5"),  # ISMP: never a trailing zero ("5,0" is read as 50)
        (363.60, "363.6", "363,6"),
        (10000, "10,000", "10.000"),
        (1234567.8912, "1,234,567.8912", "1.234.567,8912"),
        (-0.0, "0", "0"),
    ],
)
def test_format_number_uses_the_language_signs(value: float, english: str, spanish: str) -> None:
    assert format_number(value) == english
    assert format_number(value, locale="en") == english
    assert format_number(value, locale="es") == spanish


def test_rounding_is_the_same_in_every_language() -> None:
    assert format_number(4.6875, 2) == "4.69"
    assert format_number(4.6875, 2, "es") == "4,69"
    assert format_number(2.675, 2, "es") == "2,68"  # half-up on the decimal as written


def test_format_dose_per_language_keeps_ismp_units() -> None:
    assert format_dose(505.9612, "mg") == "505.96 mg"
    assert format_dose(505.9612, "mg", "es") == "505,96 mg"
    assert format_dose(0.004, "µg", "es") == "0,004 mcg"  # a tiny dose keeps its digits
    assert format_dose(10000, "U", "es") == "10.000 units"


def test_order_text_in_a_language() -> None:
    rule = DoseRule(amount=3.2, unit="mg", per=DoseBasis.PER_KG)
    assert rule.order_text == "3.2 mg/kg"
    assert rule.order_text_in("es") == "3,2 mg/kg"


def test_handout_temperatures_use_the_language_decimal_sign() -> None:
    assert load_texts("es").temperature(38.0) == "38,0 °C (100,4 °F)"
    assert load_texts("en").temperature(38.0) == "38.0 °C (100.4 °F)"
    assert load_texts("es").number(37.75, 2) == "37,75"


def test_dates_and_day_names_come_from_babel() -> None:
    es, en = load_texts("es"), load_texts("en")
    assert es.date(TUESDAY) == "martes, 10 de marzo de 2026"
    assert es.date(TUESDAY, short=True) == "10 mar 2026"
    assert en.date(TUESDAY) == "Tuesday, 10 March 2026"
    assert en.date(TUESDAY, short=True) == "10 Mar 2026"
    assert es.weekdays()[0] == "lunes" and en.weekdays()[6] == "Sunday"
    assert es.weekdays("abbreviated")[2] == "mié"
    assert es.month_title(2026, 3) == "Marzo de 2026"
    assert en.month_title(2026, 12) == "December 2026"
    assert es.day_month(TUESDAY) == "10 mar"


@pytest.mark.parametrize("lang", available_languages())
def test_language_files_type_no_month_day_names_or_decimal_signs(lang: str) -> None:
    data = tomllib.loads(resource("handouts", lang, "handout.toml").read_text(encoding="utf-8"))
    typed = set(data["format"]) & {
        "months",
        "months_short",
        "weekdays",
        "weekdays_short",
        "decimal",
        "date",
        "date_short",
    }
    assert typed == set()
    assert isinstance(data["format"]["locale"], str)


def test_an_unknown_locale_in_a_language_file_is_refused() -> None:
    with pytest.raises(PlannerError, match="unknown locale 'zz_NOPE'"):
        HandoutTexts("zz", {"format": {"locale": "zz_NOPE"}}, {})


def test_the_english_fast_path_matches_babel() -> None:
    from decimal import Decimal

    from babel.numbers import format_decimal

    from planner.domain.numbers import plain_decimal

    for text in ("0.5", "5", "12.25", "999.999", "1000", "10000.5", "1234567.0625", "-0.75"):
        number = Decimal(text)
        assert plain_decimal(number, "en") == format_decimal(
            number, locale="en", decimal_quantization=False
        ), text
