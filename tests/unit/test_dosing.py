"""Dose calculations and display: BSA, body weights, order -> dose, Cockcroft-Gault and
plerixafor, ISMP display rules (sources in docs/clinical-sources.md, Dosing and display)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.clinical.dosing import (
    TALL_MAN_ANZ,
    BsaFormula,
    adjusted_body_weight,
    bsa,
    bsa_dubois,
    bsa_mosteller,
    compute_dose,
    creatinine_clearance_cg,
    dosing_weight,
    format_dose,
    format_number,
    ideal_body_weight,
    normalize_unit,
    percent_ideal_body_weight,
    plerixafor_dose,
    tall_man,
)
from planner.domain.patients import Sex
from planner.domain.templates import DoseBasis, DoseRule, WeightType
from planner.errors import ValidationError

# --- BSA (Mosteller 1987; DuBois and DuBois 1916; optional cap) ---------------


@pytest.mark.parametrize(
    ("height", "weight", "formula", "expected"),
    [
        pytest.param(170, 70, "mosteller", 1.818, id="F2-170-70-mosteller"),
        pytest.param(170, 70, "dubois", 1.810, id="F2-170-70-dubois"),
        pytest.param(180, 80, "mosteller", 2.000, id="F2-180-80-mosteller"),
        pytest.param(180, 80, "dubois", 1.996, id="4.1-180-80-dubois"),
        pytest.param(175, 110, "mosteller", 2.312, id="4.1-175-110-mosteller"),
        pytest.param(175, 110, "dubois", 2.240, id="4.1-175-110-dubois"),
    ],
)
def test_bsa_reference_values(height: float, weight: float, formula: str, expected: float) -> None:
    direct = bsa_mosteller if formula == "mosteller" else bsa_dubois
    assert direct(height, weight) == pytest.approx(expected, abs=0.0006)
    result = bsa(height, weight, formula)
    assert result.value == result.uncapped == direct(height, weight)
    assert result.formula is BsaFormula(formula)
    assert not result.capped


def test_bsa_is_full_precision() -> None:
    # Rounding intermediates is forbidden (4.1): the value must be the exact square root.
    assert bsa_mosteller(170, 70) == math.sqrt(170 * 70 / 3600)


@pytest.mark.parametrize(
    ("height", "weight", "cap", "value", "uncapped", "capped"),
    [
        pytest.param(175, 110, 2.0, 2.0, 2.312, True, id="F2-cap-applies"),
        pytest.param(170, 70, 2.0, 1.818, 1.818, False, id="cap-above-bsa"),
        pytest.param(180, 80, 2.0, 2.0, 2.0, False, id="exactly-at-cap-not-capped"),
    ],
)
def test_bsa_cap(
    height: float, weight: float, cap: float, value: float, uncapped: float, capped: bool
) -> None:
    result = bsa(height, weight, cap_m2=cap)
    assert result.value == pytest.approx(value, abs=0.0006)
    assert result.uncapped == pytest.approx(uncapped, abs=0.0006)
    assert result.capped is capped
    assert result.cap_m2 == cap


def test_bsa_formula_name_case_insensitive() -> None:
    assert bsa(170, 70, "DuBois").formula_name == "DuBois"


@given(
    height=st.floats(min_value=40, max_value=250),
    low=st.floats(min_value=1, max_value=350),
    high=st.floats(min_value=1, max_value=350),
    formula=st.sampled_from(["mosteller", "dubois"]),
)
def test_bsa_monotonic_in_weight(height: float, low: float, high: float, formula: str) -> None:
    low, high = sorted((low, high))
    assert bsa(height, low, formula).value <= bsa(height, high, formula).value


# --- Weights (Devine ideal weight; adjusted weight, f = 0.25 or 0.4) ----------


@pytest.mark.parametrize(
    ("height", "sex", "weight", "ibw", "adj25", "adj40", "pct"),
    [
        pytest.param(175, "male", 110, 70.46, 80.35, 86.28, 156, id="F3-male-175-110"),
        pytest.param(160, "female", 90, 52.38, 61.79, 67.43, 172, id="F3-female-160-90"),
        pytest.param(160, Sex.FEMALE, 90, 52.38, 61.79, 67.43, 172, id="sex-enum"),
        pytest.param(175, "MALE", 110, 70.46, 80.35, 86.28, 156, id="sex-upper-case"),
    ],
)
def test_weights_reference_values(
    height: float, sex: str, weight: float, ibw: float, adj25: float, adj40: float, pct: float
) -> None:
    assert ideal_body_weight(height, sex) == pytest.approx(ibw, abs=0.006)
    assert adjusted_body_weight(height, weight, sex, 0.25) == pytest.approx(adj25, abs=0.006)
    assert adjusted_body_weight(height, weight, sex) == pytest.approx(adj40, abs=0.006)
    ideal = ideal_body_weight(height, sex)
    assert percent_ideal_body_weight(weight, ideal) == pytest.approx(pct, abs=0.5)


@pytest.mark.parametrize(
    ("height", "sex", "expected"),
    [
        pytest.param(152.4, "female", 45.5, id="F3-female-5ft"),
        pytest.param(152.4, "male", 50.0, id="male-5ft"),
        pytest.param(130, "male", 50 + 2.3 * (130 / 2.54 - 60), id="shortest-allowed"),
    ],
)
def test_ideal_body_weight_base(height: float, sex: str, expected: float) -> None:
    assert ideal_body_weight(height, sex) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("weight_type", "weight", "value", "used", "phrase"),
    [
        pytest.param("actual", 110, 110, "actual", "actual weight 110 kg", id="actual"),
        pytest.param("ideal", 110, 70.46, "ideal", "ideal weight (Devine) 70.46 kg", id="ideal"),
        pytest.param(
            "adjusted25", 110, 80.35, "adjusted", "adjusted weight 25% 80.35 kg", id="adj25"
        ),
        pytest.param(
            "adjusted40", 110, 86.28, "adjusted", "adjusted weight 40% 86.28 kg", id="adj40"
        ),
        pytest.param(
            "lesser-ideal-actual", 110, 70.46, "ideal", "the lesser of ideal", id="lesser-is-ideal"
        ),
        pytest.param(
            "lesser-ideal-actual",
            60,
            60,
            "actual",
            "actual weight 60 kg, the lesser",
            id="lesser-is-actual",
        ),
        pytest.param(
            "adjusted25",
            60,
            60,
            "actual",
            "most conventions then dose on actual",
            id="adj-below-ideal",
        ),
        pytest.param(
            WeightType.ADJUSTED40,
            60,
            60,
            "actual",
            "used instead of adjusted weight 40%",
            id="adj40-below",
        ),
    ],
)
def test_dosing_weight_choice(
    weight_type: str, weight: float, value: float, used: str, phrase: str
) -> None:
    choice = dosing_weight(weight_type, 175, weight, "male")
    assert choice.value_kg == pytest.approx(value, abs=0.006)
    assert choice.used == used
    assert choice.actual_kg == weight
    assert phrase in choice.explanation


def test_dosing_weight_actual_needs_no_height_or_sex() -> None:
    choice = dosing_weight("actual", None, 70, None)
    assert (choice.value_kg, choice.ideal_kg, choice.percent_ibw) == (70, None, None)


@pytest.mark.parametrize(
    ("height", "sex", "field"),
    [
        pytest.param(None, "male", "height_cm", id="no-height"),
        pytest.param(175, None, "sex", id="no-sex"),
    ],
)
def test_dosing_weight_missing_inputs(height: float | None, sex: str | None, field: str) -> None:
    with pytest.raises(ValidationError, match="is missing") as caught:
        dosing_weight("ideal", height, 110, sex)
    assert caught.value.field == field


def test_dosing_weight_unknown_type() -> None:
    with pytest.raises(ValidationError, match="not one of: actual, ideal"):
        dosing_weight("heaviest", 175, 110, "male")


# --- Order -> dose (per m2 or per kg of the chosen dosing weight; BSA cap) ----

MEL200 = DoseRule(200, "mg", DoseBasis.PER_M2)


@pytest.mark.parametrize(
    ("rule", "height", "weight", "expected", "capped"),
    [
        pytest.param(MEL200, 170, 70, 363.6, False, id="F4-mel200-170-70"),
        pytest.param(MEL200, 175, 110, 462.5, False, id="F4-mel200-uncapped"),
        pytest.param(
            DoseRule(200, "mg", DoseBasis.PER_M2, bsa_cap_m2=2.0), 175, 110, 400.0, True,
            id="F4-mel200-cap-2",
        ),
        pytest.param(
            DoseRule(200, "mg", DoseBasis.PER_M2, weight=WeightType.ADJUSTED25), 175, 110, 395.3,
            False, id="F4-mel200-adjbw25-bsa",
        ),
        pytest.param(
            DoseRule(3.2, "mg", DoseBasis.PER_KG, weight=WeightType.ADJUSTED25), 175, 110, 257.1,
            False, id="F4-busulfan-adjbw25",
        ),
        pytest.param(
            DoseRule(3.2, "mg", DoseBasis.PER_KG), 175, 110, 352.0, False, id="F4-busulfan-actual"
        ),
        pytest.param(
            DoseRule(60, "mg", DoseBasis.PER_KG, weight=WeightType.LESSER_IDEAL_ACTUAL), 175, 110,
            4227.9, False, id="F4-cy60-lesser-ibw-abw",
        ),
    ],
)  # fmt: skip
def test_compute_dose_reference_values(
    rule: DoseRule, height: float, weight: float, expected: float, capped: bool
) -> None:
    result = compute_dose(rule, height_cm=height, weight_kg=weight, sex="male")
    assert result.value == pytest.approx(expected, abs=0.05)
    assert result.capped is capped
    assert not result.max_dose_applied
    assert result.basis is rule.per
    assert result.weight_type is rule.weight


def test_compute_dose_records_everything_used() -> None:
    result = compute_dose(
        MEL200, height_cm=170, weight_kg=70, sex="male", weight_date=dt.date(2025, 3, 1),
        drug="melphalan",
    )  # fmt: skip
    assert result.explanation == (
        "melphalan 200 mg/m2 x 1.82 m2 = 363.62 mg "
        "(BSA Mosteller from height 170 cm and actual weight 70 kg, weighed 2025-03-01)"
    )
    assert result.order_text == "200 mg/m2"
    assert result.display == "363.62 mg"
    assert result.dosing_weight_kg == 70
    assert result.bsa_m2 == result.bsa_uncapped_m2 == bsa_mosteller(170, 70)
    assert result.formula is BsaFormula.MOSTELLER
    assert result.weight_date == dt.date(2025, 3, 1)


def test_compute_dose_capped_explanation_shows_both_bsa() -> None:
    rule = DoseRule(200, "mg", DoseBasis.PER_M2, bsa_cap_m2=2.0)
    result = compute_dose(rule, height_cm=175, weight_kg=110, sex="male")
    assert result.bsa_m2 == 2.0
    assert result.bsa_uncapped_m2 == pytest.approx(2.312, abs=0.0006)
    assert "BSA capped at 2 m2; uncapped 2.31 m2" in result.explanation
    assert "= 400 mg" in result.explanation
    assert "weight date not recorded" in result.explanation


def test_compute_dose_adjusted_weight_bsa_uses_dosing_weight() -> None:
    rule = DoseRule(200, "mg", DoseBasis.PER_M2, weight=WeightType.ADJUSTED25)
    result = compute_dose(rule, height_cm=175, weight_kg=110, sex="female", formula="dubois")
    adjusted = adjusted_body_weight(175, 110, "female", 0.25)
    assert result.dosing_weight_kg == pytest.approx(adjusted)
    assert result.bsa_m2 == bsa_dubois(175, adjusted)
    assert "BSA DuBois" in result.explanation
    assert "adjusted weight 25%" in result.explanation


def test_compute_dose_max_dose() -> None:
    rule = DoseRule(60, "mg", DoseBasis.PER_KG, max_dose=3000)
    result = compute_dose(rule, height_cm=None, weight_kg=60, sex=None, drug="cyclosporine")
    assert (result.value, result.uncapped_value, result.max_dose_applied) == (3000, 3600, True)
    assert result.explanation.startswith("cycloSPORINE 60 mg/kg x 60 kg = 3,600 mg")
    assert "limited to the maximum 3,000 mg" in result.explanation


def test_compute_dose_flat_needs_no_measurements() -> None:
    result = compute_dose(DoseRule(2, "Gy"), height_cm=None, weight_kg=None, sex=None)
    assert result.value == 2
    assert result.dosing_weight_kg is None
    assert result.bsa_m2 is None
    assert "flat dose" in result.explanation


@pytest.mark.parametrize(
    ("rule", "height", "weight", "sex", "field", "message"),
    [
        pytest.param(MEL200, 170, None, "male", "weight_kg", "Weight is missing", id="no-weight"),
        pytest.param(MEL200, None, 70, "male", "height_cm", "Height is missing", id="m2-no-height"),
        pytest.param(
            DoseRule(3.2, "mg", DoseBasis.PER_KG, weight=WeightType.IDEAL), None, 70, "male",
            "height_cm", "Height is missing", id="ideal-no-height",
        ),
        pytest.param(
            DoseRule(3.2, "mg", DoseBasis.PER_KG, weight=WeightType.ADJUSTED40), 170, 70, None,
            "sex", "Sex is missing", id="adjusted-no-sex",
        ),
        pytest.param(MEL200, 170, 700, "male", "weight_kg", "1 to 350 kg", id="weight-700"),
        pytest.param(MEL200, 0, 70, "male", "height_cm", "40 to 250 cm", id="height-0"),
        pytest.param(
            DoseRule(0, "mg", DoseBasis.PER_KG), 170, 70, "male", "amount", "greater than 0",
            id="zero-amount",
        ),
        pytest.param(
            DoseRule(1, "mg", DoseBasis.PER_KG, max_dose=-1), 170, 70, "male", "max_dose",
            "greater than 0", id="negative-max",
        ),
    ],
)  # fmt: skip
def test_compute_dose_bad_inputs(
    rule: DoseRule, height: float | None, weight: float | None, sex: str | None, field: str,
    message: str,
) -> None:  # fmt: skip
    with pytest.raises(ValidationError, match=message) as caught:
        compute_dose(rule, height_cm=height, weight_kg=weight, sex=sex)
    assert caught.value.field == field


# --- Renal function and plerixafor (Cockcroft and Gault 1976; Mozobil label) ---


@pytest.mark.parametrize(
    ("age", "weight", "scr", "sex", "expected"),
    [
        pytest.param(65, 80, 1.4, "male", 59.5, id="F5-male-65-80-1.4"),
        pytest.param(70, 60, 1.3, "female", 38.1, id="F5-female-70-60-1.3"),
    ],
)
def test_creatinine_clearance(
    age: float, weight: float, scr: float, sex: str, expected: float
) -> None:
    assert creatinine_clearance_cg(age, weight, scr, sex) == pytest.approx(expected, abs=0.05)


def test_creatinine_clearance_female_factor() -> None:
    male = creatinine_clearance_cg(50, 70, 1.0, "male")
    assert creatinine_clearance_cg(50, 70, 1.0, "female") == pytest.approx(male * 0.85)


@pytest.mark.parametrize(
    ("weight", "crcl", "ibw", "dose", "per_kg", "capped", "renal", "warned"),
    [
        pytest.param(80, 59.5, 70, 19.2, 0.24, False, False, False, id="F5-80kg-crcl-59.5"),
        pytest.param(60, 38.1, 52, 9.6, 0.16, False, True, False, id="F5-60kg-crcl-38.1"),
        pytest.param(180, 90, 70, 40.0, 0.24, True, False, True, id="F5-180kg-capped-warned"),
        pytest.param(180, 90, 102.8, 40.0, 0.24, True, False, True, id="F5-ibw-102.8-warned"),
        pytest.param(180, 90, 103, 40.0, 0.24, True, False, False, id="F5-ibw-103-no-warning"),
        pytest.param(50, 50, 60, 8.0, 0.16, False, True, False, id="crcl-exactly-50-renal"),
        pytest.param(200, 40, 70, 27.0, 0.16, True, True, True, id="renal-cap-27"),
    ],
)
def test_plerixafor_dose(
    weight: float, crcl: float, ibw: float, dose: float, per_kg: float, capped: bool,
    renal: bool, warned: bool,
) -> None:  # fmt: skip
    result = plerixafor_dose(weight, crcl, ibw)
    assert result.dose_mg == pytest.approx(dose)
    assert result.mg_per_kg == per_kg
    assert result.capped is capped
    assert result.renal_adjusted is renal
    assert bool(result.warnings) is warned
    assert result.volume_ml == pytest.approx(dose / 20)
    assert f"{per_kg} mg/kg x actual weight" in result.explanation


def test_plerixafor_capped_explanation_and_warning_text() -> None:
    result = plerixafor_dose(180, 90, 70)
    assert result.uncapped_mg == pytest.approx(43.2)
    assert "= 43.2 mg, limited to the maximum 40 mg" in result.explanation
    assert "above 175% of ideal weight" in result.warnings[0]
    assert "Mozobil" in result.source


def test_plerixafor_without_ibw_warns_check_not_done() -> None:
    result = plerixafor_dose(80, 90, None)
    assert result.percent_ibw is None
    assert "check was not done" in result.warnings[0]


# --- Bad inputs across the calculators ---------------------------------------

_BAD_NUMBERS = [
    pytest.param(0, id="zero"),
    pytest.param(-5, id="negative"),
    pytest.param(700, id="700"),
    pytest.param(float("nan"), id="nan"),
    pytest.param(float("inf"), id="inf"),
    pytest.param(True, id="bool"),
    pytest.param("70", id="text"),
]


@pytest.mark.parametrize("bad", _BAD_NUMBERS)
@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param(lambda v: bsa_mosteller(v, 70), "height_cm", id="mosteller-height"),
        pytest.param(lambda v: bsa_mosteller(170, v), "weight_kg", id="mosteller-weight"),
        pytest.param(lambda v: bsa_dubois(170, v), "weight_kg", id="dubois-weight"),
        pytest.param(lambda v: ideal_body_weight(v, "male"), "height_cm", id="ibw-height"),
        pytest.param(
            lambda v: adjusted_body_weight(175, v, "male"), "weight_kg", id="adjbw-weight"
        ),
        pytest.param(
            lambda v: creatinine_clearance_cg(60, v, 1.0, "male"), "weight_kg", id="cg-weight"
        ),
        pytest.param(
            lambda v: creatinine_clearance_cg(60, 70, v, "male"), "scr_mg_dl", id="cg-scr"
        ),
        pytest.param(lambda v: plerixafor_dose(v, 90, 70), "weight_kg", id="plerixafor-weight"),
    ],
)
def test_impossible_numbers_rejected(
    call: Callable[[object], object], field: str, bad: object
) -> None:
    with pytest.raises(ValidationError, match=r"enter a number from \S+ to \S+") as caught:
        call(bad)
    assert caught.value.field == field


@pytest.mark.parametrize("bad", [-5, 700, float("nan"), float("inf"), True, "70"])
def test_cockcroft_gault_refuses_impossible_ages(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"enter a number from 0 to 120 years") as caught:
        creatinine_clearance_cg(bad, 70, 1.0, "male")  # type: ignore[arg-type]
    assert caught.value.field == "age_years"


@pytest.mark.parametrize("age", [0, 12, 17.9])
def test_cockcroft_gault_refuses_children_naming_why(age: float) -> None:
    # An adult formula: a child is refused with the reason, never given an adult's number.
    with pytest.raises(ValidationError, match="not validated under 18 years") as caught:
        creatinine_clearance_cg(age, 40, 0.5, "male")
    assert caught.value.field == "age_years"
    assert creatinine_clearance_cg(18, 40, 0.5, "male") > 0


@pytest.mark.parametrize("bad", [-1, 251, float("nan"), True, None])
def test_impossible_crcl_rejected(bad: object) -> None:
    with pytest.raises(ValidationError, match="from 0 to 250 mL/min") as caught:
        plerixafor_dose(70, bad, 70)  # type: ignore[arg-type]
    assert caught.value.field == "crcl_ml_min"


def test_zero_crcl_is_a_real_value() -> None:
    # An anuric patient has a clearance of 0: the reduced dose applies, not an error.
    assert plerixafor_dose(70, 0, 70).renal_adjusted


def test_error_message_names_value_and_range() -> None:
    with pytest.raises(ValidationError) as caught:
        bsa_mosteller(170, 700)
    assert str(caught.value) == (
        "Weight of 700 kg is not plausible; enter a number from 1 to 350 kg."
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param(lambda: ideal_body_weight(120, "male"), "height_cm", id="ibw-below-130cm"),
        pytest.param(lambda: ideal_body_weight(175, "other"), "sex", id="unknown-sex"),
        pytest.param(lambda: adjusted_body_weight(175, 110, "male", 1.0), "factor", id="factor-1"),
        pytest.param(lambda: adjusted_body_weight(175, 110, "male", 0), "factor", id="factor-0"),
        pytest.param(
            lambda: creatinine_clearance_cg(12, 40, 0.5, "male"), "age_years", id="cg-child"
        ),
        pytest.param(
            lambda: creatinine_clearance_cg(60, 70, -1, "male"), "scr_mg_dl", id="cg-neg-scr"
        ),
        pytest.param(lambda: bsa(170, 70, "haycock"), "formula", id="unknown-formula"),
        pytest.param(lambda: bsa(170, 70, cap_m2=0), "bsa_cap_m2", id="cap-zero"),
        pytest.param(lambda: percent_ideal_body_weight(70, 0), "ideal_kg", id="pct-ibw-zero"),
    ],
)
def test_other_invalid_inputs(call: Callable[[], object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.field == field


# --- Display (ISMP error-prone abbreviations; Joint Commission "Do Not Use") ---


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        pytest.param(0.5, "mg", "0.5 mg", id="F24-leading-zero"),
        pytest.param(5.0, "mg", "5 mg", id="F24-no-trailing-zero"),
        pytest.param(10000, "units", "10,000 units", id="F24-thousands-units"),
        pytest.param(300, "µg", "300 mcg", id="F24-micro-sign"),
        pytest.param(363.62, "mg", "363.62 mg", id="F24-two-decimals"),
        pytest.param(363.60, "mg", "363.6 mg", id="F24-strip-trailing-zero"),
        pytest.param(363.618, "mg", "363.62 mg", id="round-2-decimals"),
        pytest.param(2.675, "mg", "2.68 mg", id="round-half-up-decimal"),
        pytest.param(4227.87, "mg", "4,227.87 mg", id="thousands-with-decimals"),
        pytest.param(100000, "mg", "100,000 mg", id="hundred-thousand"),
        pytest.param(300, "μg", "300 mcg", id="greek-mu"),
        pytest.param(300, "ug", "300 mcg", id="ug"),
        pytest.param(5, "µg/kg", "5 mcg/kg", id="mcg-per-kg"),
        pytest.param(10000, "U", "10,000 units", id="capital-U"),
        pytest.param(10000, "u", "10,000 units", id="lower-u"),
        pytest.param(1, "U", "1 unit", id="one-unit"),
        pytest.param(400, "IU", "400 International Units", id="IU"),
        pytest.param(3, "cc", "3 mL", id="cc"),
        pytest.param(3, "ml", "3 mL", id="ml"),
        pytest.param(0, "mg", "0 mg", id="zero"),
        pytest.param(0.004, "mg", "0.004 mg", id="tiny-not-zero"),
        pytest.param(0.0012345, "mg", "0.0012 mg", id="tiny-two-significant"),
        pytest.param(2, "x10^6 CD34+ cells/kg", "2 x10^6 CD34+ cells/kg", id="cell-dose-unit"),
    ],
)
def test_format_dose(value: float, unit: str, expected: str) -> None:
    assert format_dose(value, unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0.5, "0.5", id="leading-zero"),
        pytest.param(5.0, "5", id="whole"),
        pytest.param(10000, "10,000", id="thousands"),
        pytest.param(363.60, "363.6", id="trailing-zero"),
        pytest.param(0.24, "0.24", id="plerixafor-rate"),
        pytest.param(0.125, "0.125", id="order-keeps-3-decimals"),
        pytest.param(-0.0, "0", id="negative-zero"),
    ],
)
def test_format_number(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_order_text_uses_format_number() -> None:
    assert DoseRule(3.20, "mg", DoseBasis.PER_KG).order_text == "3.2 mg/kg"


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        pytest.param(-1, "mg", id="negative"),
        pytest.param(float("nan"), "mg", id="nan"),
        pytest.param(float("inf"), "mg", id="inf"),
        pytest.param(True, "mg", id="bool"),
        pytest.param(1, "", id="empty-unit"),
        pytest.param(1, "  ", id="blank-unit"),
    ],
)
def test_format_dose_rejects(value: float, unit: str) -> None:
    with pytest.raises(ValidationError):
        format_dose(value, unit)


def test_normalize_unit_keeps_unknown_parts() -> None:
    assert normalize_unit("IU/m2") == "International Units/m2"
    assert normalize_unit("tablet") == "tablet"


_UNITS = ["mg", "mcg", "µg", "μg", "ug", "U", "u", "IU", "units", "mL", "cc", "g", "U/kg", "IU/m2"]


@given(
    value=st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    unit=st.sampled_from(_UNITS),
)
def test_format_dose_is_always_ismp_safe(value: float, unit: str) -> None:
    text = format_dose(value, unit)
    number = text.split(" ", 1)[0]
    assert not re.search(r"(^|\s)\.\d", text), text
    if "." in number:
        assert not number.endswith("0"), text
    for forbidden in ("µg", "μg", "IU", "cc"):
        assert forbidden not in text, text
    # " U" as a bare unit symbol; the spelled-out "International Units" is the safe form.
    assert not re.search(r"\bU\b", text), text
    if value >= 1000:
        assert "," in number, text
    # Display rounding is at most half a hundredth (or 1% for tiny doses kept to 2 digits).
    assert float(number.replace(",", "")) == pytest.approx(value, abs=0.00501, rel=0.01)


# --- Tall-man lettering (4.7) -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("cyclosporine", "cycloSPORINE", id="cyclosporine"),
        pytest.param("CYCLOSPORINE", "cycloSPORINE", id="upper-input"),
        pytest.param("Methylprednisolone", "methylPREDNISolone", id="methylprednisolone"),
        pytest.param("prednisone", "predniSONE", id="prednisone"),
        pytest.param("prednisolone", "prednisoLONE", id="prednisolone"),
        pytest.param("daunorubicin", "DAUNOrubicin", id="daunorubicin"),
        pytest.param("doxorubicin", "DOXOrubicin", id="doxorubicin"),
        pytest.param("idarubicin", "IDArubicin", id="idarubicin"),
        pytest.param("vinblastine", "vinBLAStine", id="vinblastine"),
        pytest.param("vincristine", "vinCRIStine", id="vincristine"),
        pytest.param("carboplatin", "CARBOplatin", id="carboplatin"),
        pytest.param("cisplatin", "CISplatin", id="cisplatin"),
        pytest.param("azacitidine", "azaCITIDine", id="azacitidine"),
        pytest.param("azathioprine", "azaTHIOprine", id="azathioprine"),
        pytest.param("hydromorphone", "HYDROmorphone", id="hydromorphone"),
        pytest.param("oxycodone", "oxyCODONE", id="oxycodone"),
        pytest.param("hydrocodone", "HYDROcodone", id="hydrocodone"),
        pytest.param("rituximab", "riTUXimab", id="rituximab"),
        pytest.param("infliximab", "inFLIXimab", id="infliximab"),
        pytest.param("dobutamine", "DOBUTamine", id="dobutamine"),
        pytest.param("dopamine", "DOPamine", id="dopamine"),
        pytest.param("hydralazine", "hydrALAZINE", id="hydralazine"),
        pytest.param("hydroxyzine", "hydrOXYzine", id="hydroxyzine"),
        pytest.param("valacyclovir", "valACYclovir", id="valacyclovir"),
        pytest.param("valganciclovir", "valGANciclovir", id="valganciclovir"),
        pytest.param("Melphalan", "Melphalan", id="unknown-unchanged"),
        pytest.param("morphine", "morphine", id="morphine-unchanged"),
        pytest.param(
            "methylprednisolone sodium succinate", "methylPREDNISolone sodium succinate",
            id="salt-words-kept",
        ),
        pytest.param("", "", id="empty"),
    ],
)  # fmt: skip
def test_tall_man(name: str, expected: str) -> None:
    assert tall_man(name) == expected


def test_tall_man_locale_table() -> None:
    assert tall_man("cyclophosphamide", TALL_MAN_ANZ) == "CYCLOPHOSPHamide"
    assert tall_man("cyclophosphamide") == "cyclophosphamide"


def test_tall_man_rejects_non_text() -> None:
    with pytest.raises(ValidationError):
        tall_man(None)  # type: ignore[arg-type]


def test_ideal_weight_short_height_message_explains_the_limit() -> None:
    with pytest.raises(
        ValidationError, match=r"adult formula.*130 to 250 cm; at 120 cm use actual"
    ):
        ideal_body_weight(120, "female")


def test_a_dose_given_before_the_weight_was_measured_is_not_recomputed():
    import datetime as _dt

    from planner.clinical.step_doses import dose_line
    from planner.domain.patients import Patient
    from planner.domain.templates import DoseBasis, DoseRule

    patient = Patient(
        id="p",
        mrn="1",
        family_name="A",
        given_name="B",
        date_of_birth=_dt.date(1970, 1, 1),
        sex="female",
        height_cm=165,
        weight_kg=59,
        weight_date=_dt.date(2026, 3, 10),
    )
    rule = DoseRule(amount=3.2, unit="mg", per=DoseBasis.PER_KG, route="IV")
    before = dose_line(rule, "busulfan", patient, _dt.date(2026, 3, 1))
    assert before is not None and not before.computed
    assert before.text == "3.2 mg/kg IV"
    assert "before the recorded weight was measured (2026-03-10)" in before.explanation
    after = dose_line(rule, "busulfan", patient, _dt.date(2026, 3, 12))
    assert after is not None and after.computed and after.text.startswith("188.8 mg")
