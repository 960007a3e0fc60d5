"""Dose calculations and safe dose display: BSA, ideal/adjusted weight, Cockcroft-Gault,
plerixafor and ISMP dose formatting (published sources per rule: docs/clinical-sources.md).

Every calculation keeps full precision; only display strings are rounded
(a design rule: never round an intermediate BSA before multiplying).
Every computed dose carries an ``explanation`` naming the order, the formula, the
weight used and its date, because a coordinator must be able to check a dose by
hand: record basis, weight type, dosing weight, formula and cap (ASBMT obesity position
statement, Bubalo et al., Biol Blood Marrow Transplant 2014;20:600-616, issued no firm
dosing standards, so the dose must show what it was based on).

Impossible inputs raise ``planner.errors.ValidationError`` with a sentence that
names the field and the accepted range. Weight conventions are configurable
per rule (``DoseRule.weight``) because the per-drug conventions are unverified
centre rules, not standards.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import DEFAULT_LOCALE, finite_number, format_number, plain_decimal
from planner.domain.patients import MAX_HEIGHT_CM, MAX_WEIGHT_KG, MIN_HEIGHT_CM, MIN_WEIGHT_KG, Sex
from planner.domain.templates import DoseBasis, DoseRule, WeightBand, WeightType
from planner.errors import ValidationError

# Devine is an adult formula; below this height it extrapolates towards zero or
# negative weights, so ideal/adjusted weights are refused rather than guessed.
MIN_IBW_HEIGHT_CM = 130.0
INCHES_PER_CM = 1 / 2.54
DEVINE_BASE_KG = {Sex.MALE: 50.0, Sex.FEMALE: 45.5}
DEVINE_KG_PER_INCH = 2.3
DEVINE_BASE_INCHES = 60.0

MAX_BSA_CAP_M2 = 5.0
MIN_AGE_YEARS = 18.0  # Cockcroft-Gault is validated in adults only
PAEDIATRIC_CG = tr_noop(
    "Cockcroft-Gault is not validated under 18 years; use a measured creatinine clearance "
    "(or a paediatric estimate such as the bedside Schwartz equation)."
)
MAX_AGE_YEARS = 120.0
MIN_SCR_MG_DL = 0.1
MAX_SCR_MG_DL = 20.0
MAX_CRCL_ML_MIN = 250.0

PLERIXAFOR_MG_PER_KG = 0.24
PLERIXAFOR_MAX_MG = 40.0
PLERIXAFOR_RENAL_MG_PER_KG = 0.16
PLERIXAFOR_RENAL_MAX_MG = 27.0
PLERIXAFOR_RENAL_CRCL = 50.0  # label: CrCl <= 50 mL/min takes the reduced dose
PLERIXAFOR_IBW_LIMIT_PCT = 175.0
PLERIXAFOR_MG_PER_ML = 20.0
PLERIXAFOR_SOURCE = (
    "Plerixafor (Mozobil) prescribing information; Cockcroft and Gault, Nephron 1976;16:31-41"
)

DISPLAY_DECIMALS = 2  # computed doses: ISMP display, at most 2 decimals
SMALL_DOSE_SIGNIFICANT = 2  # doses below 0.01 would display as "0": keep 2 significant digits


class BsaFormula(StrEnum):
    """Body-surface-area formulas: Mosteller (1987) and DuBois and DuBois (1916)."""

    MOSTELLER = "mosteller"
    DUBOIS = "dubois"


BSA_FORMULA_NAMES = {BsaFormula.MOSTELLER: "Mosteller", BsaFormula.DUBOIS: "DuBois"}


# ---------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------


def _number(value: object, field: str, label: str, low: float, high: float, unit: str) -> float:
    """Return ``value`` as a float, or raise naming the accepted range ``[low, high]``.

    ``label`` is English (marked with ``tr_noop``); the message shows it translated.
    """
    allowed = (
        tr("enter a number from {low} to {high} {unit}")
        .format(low=format_number(low), high=format_number(high), unit=unit)
        .rstrip()
    )
    name = tr(label)
    # bool is an int subclass: True would silently mean 1 kg.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            field, tr("{label} must be a number; {allowed}.").format(label=name, allowed=allowed)
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(
            field,
            tr("{label} must be a finite number; {allowed}.").format(label=name, allowed=allowed),
        )
    if not low <= number <= high:
        shown = f"{number:g} {unit}".rstrip()
        raise ValidationError(
            field,
            tr("{label} of {value} is not plausible; {allowed}.").format(
                label=name, value=shown, allowed=allowed
            ),
        )
    return number


def _height(height_cm: object) -> float:
    return _number(height_cm, "height_cm", tr_noop("Height"), MIN_HEIGHT_CM, MAX_HEIGHT_CM, "cm")


def _weight(weight_kg: object, field: str = "weight_kg", label: str = tr_noop("Weight")) -> float:
    return _number(weight_kg, field, label, MIN_WEIGHT_KG, MAX_WEIGHT_KG, "kg")


def _sex(sex: object) -> Sex:
    if isinstance(sex, str):
        try:
            return Sex(sex.strip().lower())
        except ValueError:
            pass
    raise ValidationError("sex", tr("Sex '{sex}' is not one of: male, female.").format(sex=sex))


def _formula(formula: object) -> BsaFormula:
    if isinstance(formula, str):
        try:
            return BsaFormula(formula.strip().lower())
        except ValueError:
            pass
    raise ValidationError(
        "formula",
        tr("BSA formula '{formula}' is not one of: mosteller, dubois.").format(formula=formula),
    )


# ---------------------------------------------------------------------------
# Number and dose display (ISMP error-prone abbreviations list; The Joint Commission
# "Do Not Use" list)
# ---------------------------------------------------------------------------


def _display_amount(value: float, locale: str = DEFAULT_LOCALE) -> str:
    """Round a computed dose for display; a tiny dose keeps significant digits instead of "0"."""
    if 0 < abs(value) < 10**-DISPLAY_DECIMALS:
        exact = Decimal(repr(value))
        exponent = exact.adjusted() - (SMALL_DOSE_SIGNIFICANT - 1)
        rounded = exact.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
        return plain_decimal(rounded, locale)
    return format_number(value, DISPLAY_DECIMALS, locale)


# Unit spellings that are error-prone (ISMP) mapped to the safe spelling; keys are
# matched case-insensitively except the few where case carries meaning.
_UNIT_WORDS = {
    "u": "units",
    "unit": "units",
    "units": "units",
    "iu": "International Units",
    "i.u.": "International Units",
    "international units": "International Units",
    "µg": "mcg",  # micro sign U+00B5
    "μg": "mcg",  # Greek mu U+03BC
    "ug": "mcg",
    "mcg": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "cc": "mL",
    "ml": "mL",
    "mg": "mg",
    "g": "g",
    "kg": "kg",
    "l": "L",
    "gy": "Gy",
    "cgy": "cGy",
    "m2": "m2",
    "m²": "m2",
    "mmol": "mmol",
    "meq": "mEq",
}


_SPELLED_UNITS = frozenset((tr_noop("unit"), tr_noop("units"), tr_noop("International Units")))


def normalize_unit(unit: str) -> str:
    """Spell a dose unit the safe way: "U" -> "units", "IU" -> "International Units", "µg" -> "mcg".

    Compound units are normalised part by part ("µg/kg" -> "mcg/kg"); unknown parts are kept.

    Args:
        unit: the unit as written.

    Returns:
        The unit with error-prone abbreviations replaced.

    Raises:
        ValidationError: the unit is empty or not text.
    """
    if not isinstance(unit, str) or not unit.strip():
        raise ValidationError("unit", tr("A dose unit (such as mg, mcg, units or mL) is required."))
    parts = unit.strip().split("/")
    return "/".join(_UNIT_WORDS.get(part.strip().lower(), part.strip()) for part in parts)


def format_dose(value: float, unit: str, locale: str = DEFAULT_LOCALE) -> str:
    """Format a dose for orders, plans and PDFs following the ISMP and Joint Commission rules.

    Leading zero, no trailing zeros, thousands separator, a space before the unit,
    "units"/"International Units" spelled out, "mcg" never "µg", "mL" never "cc".
    Rounded half-up to at most 2 decimals; a positive dose below 0.01 keeps two
    significant digits so it never shows as "0".

    Args:
        value: the dose amount (not negative).
        unit: dose unit, e.g. "mg", "µg", "U", "IU/kg", "cc".
        locale: the language whose decimal and thousands signs are used ("es": "0,5 mg").

    Returns:
        Text such as "0.5 mg", "10,000 units" or "300 mcg".

    Raises:
        ValidationError: the value is negative or not finite, or the unit is empty.
    """
    amount = finite_number(value, "dose")
    if amount < 0:
        raise ValidationError(
            "dose",
            tr("A dose cannot be negative (got {amount}); enter 0 or more.").format(
                amount=f"{amount:g}"
            ),
        )
    safe_unit = normalize_unit(unit)
    if safe_unit == "units" and amount == 1:
        safe_unit = "unit"
    # The spelled-out units are words (ISMP: never "U" or "IU"): shown in the interface's
    # language, symbols (mg, mcg, mL) as they are.
    shown = "/".join(tr(part) if part in _SPELLED_UNITS else part for part in safe_unit.split("/"))
    return f"{_display_amount(amount, locale)} {shown}"


# FDA and ISMP Lists of Look-Alike Drug Names with Recommended Tall Man Letters (2023):
# FDA (Table 1) and ISMP (Table 2) names relevant to HCT. valACYclovir/valGANciclovir on
# the ISMP list is unverified.
TALL_MAN_US: Mapping[str, str] = {
    name.lower(): name
    for name in (
        "cycloSPORINE", "cycloSERINE",
        "methylPREDNISolone", "predniSONE", "prednisoLONE",
        "DAUNOrubicin", "DOXOrubicin", "IDArubicin",
        "vinBLAStine", "vinCRIStine",
        "CARBOplatin", "CISplatin",
        "azaCITIDine", "azaTHIOprine",
        "HYDROmorphone", "oxyCODONE", "HYDROcodone",
        "riTUXimab", "inFLIXimab",
        "DOBUTamine", "DOPamine",
        "hydrALAZINE", "hydrOXYzine",
        "valACYclovir", "valGANciclovir",
    )
}  # fmt: skip

# The NZ/Australian style differs (as used in the Te Aho o Te Kahu NZ SACT Regimen Library);
# pass it as ``table`` where used.
TALL_MAN_ANZ: Mapping[str, str] = {
    name.lower(): name
    for name in ("CYCLOPHOSPHamide", "ciclosPORIN", "metHOTREXATe", "CLONazepam", "proMETHazine")
}

_WORD = re.compile(r"[A-Za-z]+")


def tall_man(drug_name: str, table: Mapping[str, str] | None = None) -> str:
    """Write look-alike drug names in tall-man lettering ("cyclosporine" -> "cycloSPORINE").

    Matching is case-insensitive and word by word, so "Methylprednisolone sodium
    succinate" becomes "methylPREDNISolone sodium succinate". Unknown words are unchanged.

    Args:
        drug_name: a generic drug name, possibly with salt or form words.
        table: lower-case name -> tall-man spelling; defaults to the FDA/ISMP list
            (``TALL_MAN_US``). Use ``TALL_MAN_ANZ`` (or a merge) for NZ/Australian style.

    Returns:
        The name with every listed word in tall-man lettering.

    Raises:
        ValidationError: ``drug_name`` is not text.
    """
    if not isinstance(drug_name, str):
        raise ValidationError("drug", tr("The drug name must be text."))
    names = TALL_MAN_US if table is None else table
    return _WORD.sub(lambda word: names.get(word.group().lower(), word.group()), drug_name)


# ---------------------------------------------------------------------------
# Body-surface area (Mosteller 1987; DuBois and DuBois 1916; optional cap, a centre setting)
# ---------------------------------------------------------------------------


def bsa_mosteller(height_cm: float, weight_kg: float) -> float:
    """Body-surface area by Mosteller: sqrt(height x weight / 3600), full precision.

    Args:
        height_cm: height in cm (40 to 250).
        weight_kg: weight in kg (1 to 350).

    Returns:
        BSA in m2, unrounded.

    Raises:
        ValidationError: height or weight is outside its plausible range.
    """
    return math.sqrt(_height(height_cm) * _weight(weight_kg) / 3600)


def bsa_dubois(height_cm: float, weight_kg: float) -> float:
    """Body-surface area by DuBois & DuBois: 0.007184 x H^0.725 x W^0.425, full precision.

    Args:
        height_cm: height in cm (40 to 250).
        weight_kg: weight in kg (1 to 350).

    Returns:
        BSA in m2, unrounded.

    Raises:
        ValidationError: height or weight is outside its plausible range.
    """
    return 0.007184 * math.pow(_height(height_cm), 0.725) * math.pow(_weight(weight_kg), 0.425)


@dataclass(frozen=True)
class BsaResult:
    """A BSA with its provenance.

    Attributes:
        value: the BSA to dose with (capped when a cap applied), m2, unrounded.
        uncapped: the BSA before any cap, m2.
        formula: which formula computed it.
        capped: True when ``cap_m2`` lowered the value.
        cap_m2: the cap in force, or None.
    """

    value: float
    uncapped: float
    formula: BsaFormula
    capped: bool
    cap_m2: float | None = None

    @property
    def formula_name(self) -> str:
        """Display name of the formula ("Mosteller", "DuBois")."""
        return BSA_FORMULA_NAMES[self.formula]


def bsa(
    height_cm: float,
    weight_kg: float,
    formula: str = "mosteller",
    cap_m2: float | None = None,
) -> BsaResult:
    """Body-surface area with an optional cap (a per-regimen centre setting, e.g. 2.0 m2).

    Args:
        height_cm: height in cm (40 to 250).
        weight_kg: the dosing weight in kg (1 to 350).
        formula: "mosteller" or "dubois".
        cap_m2: optional upper limit on the BSA used for dosing.

    Returns:
        The BSA used, the uncapped BSA, the formula and whether the cap applied.

    Raises:
        ValidationError: an input is implausible or the formula is unknown.
    """
    which = _formula(formula)
    compute = bsa_mosteller if which is BsaFormula.MOSTELLER else bsa_dubois
    uncapped = compute(height_cm, weight_kg)
    if cap_m2 is None:
        return BsaResult(uncapped, uncapped, which, capped=False)
    cap = _number(cap_m2, "bsa_cap_m2", tr_noop("BSA cap"), 0.1, MAX_BSA_CAP_M2, "m2")
    return BsaResult(min(uncapped, cap), uncapped, which, capped=uncapped > cap, cap_m2=cap)


# ---------------------------------------------------------------------------
# Weights (Devine ideal body weight; adjusted weight with factor 0.4 or 0.25)
# ---------------------------------------------------------------------------


def ideal_body_weight(height_cm: float, sex: Sex | str) -> float:
    """Ideal body weight by Devine: (50 male | 45.5 female) + 2.3 kg per inch over 60 inches.

    Args:
        height_cm: height in cm (130 to 250; Devine is an adult formula).
        sex: "male" or "female" (or ``Sex``).

    Returns:
        Ideal body weight in kg, unrounded.

    Raises:
        ValidationError: the height is outside 130-250 cm or the sex is unknown.
    """
    height = _height(height_cm)
    if height < MIN_IBW_HEIGHT_CM:
        raise ValidationError(
            "height_cm",
            tr(
                "Ideal body weight (Devine) is an adult formula, used here for heights from "
                "{low} to {high} cm; at {height} cm use actual weight."
            ).format(low=f"{MIN_IBW_HEIGHT_CM:g}", high=f"{MAX_HEIGHT_CM:g}", height=f"{height:g}"),
        )
    base = DEVINE_BASE_KG[_sex(sex)]
    return base + DEVINE_KG_PER_INCH * (height * INCHES_PER_CM - DEVINE_BASE_INCHES)


def _factor(factor: object) -> float:
    value = _number(factor, "factor", tr_noop("Adjustment factor"), 0.0, 1.0, "")
    if value in (0.0, 1.0):
        # 0 would be ideal weight and 1 actual weight: almost certainly a mistyped factor.
        raise ValidationError(
            "factor",
            tr(
                "Adjustment factor {value} is not plausible; enter a number between 0 and 1."
            ).format(value=f"{value:g}"),
        )
    return value


def adjusted_body_weight(
    height_cm: float, weight_kg: float, sex: Sex | str, factor: float = 0.4
) -> float:
    """Adjusted body weight: IBW + factor x (actual - IBW); factor 0.4 (AdjBW40) or 0.25 (AdjBW25).

    This is the plain formula; ``dosing_weight`` applies the convention of using
    actual weight when it is below ideal.

    Args:
        height_cm: height in cm (130 to 250).
        weight_kg: actual weight in kg (1 to 350).
        sex: "male" or "female" (or ``Sex``).
        factor: the fraction of excess weight to add, strictly between 0 and 1.

    Returns:
        Adjusted body weight in kg, unrounded.

    Raises:
        ValidationError: an input is outside its plausible range.
    """
    ideal = ideal_body_weight(height_cm, sex)
    return ideal + _factor(factor) * (_weight(weight_kg) - ideal)


def percent_ideal_body_weight(weight_kg: float, ideal_kg: float) -> float:
    """Actual weight as a percentage of ideal weight (100 x ABW / IBW).

    Args:
        weight_kg: actual weight in kg (1 to 350).
        ideal_kg: ideal body weight in kg (1 to 350).

    Returns:
        The percentage, e.g. 156.1 for 110 kg against 70.46 kg.

    Raises:
        ValidationError: a weight is outside its plausible range.
    """
    ideal = _weight(ideal_kg, "ideal_kg", tr_noop("Ideal body weight"))
    return 100 * _weight(weight_kg) / ideal


@dataclass(frozen=True)
class WeightChoice:
    """The weight a dose uses, and why.

    Attributes:
        value_kg: the dosing weight.
        weight_type: the rule's weight type.
        used: which weight was actually used: "actual", "ideal" or "adjusted".
        actual_kg: measured weight.
        ideal_kg: Devine ideal weight, or None when the rule did not need it.
        percent_ibw: actual as % of ideal, or None.
        explanation: one line naming the weight and how it was derived.
    """

    value_kg: float
    weight_type: WeightType
    used: str
    actual_kg: float
    ideal_kg: float | None
    percent_ibw: float | None
    explanation: str


_ADJUSTMENT = {WeightType.ADJUSTED25: 0.25, WeightType.ADJUSTED40: 0.4}


def _kg(value: float) -> str:
    return f"{format_number(value, DISPLAY_DECIMALS)} kg"


def _ideal_choice(wtype: WeightType, actual: float, ideal: float, pct: float) -> WeightChoice:
    """Choose among ideal, adjusted and lesser-of weights once IBW is known."""
    of_ideal = tr("actual {actual} is {percent}% of ideal").format(
        actual=_kg(actual), percent=format_number(pct, 0)
    )
    if wtype is WeightType.IDEAL:
        text = tr("ideal weight (Devine) {ideal}; {of_ideal}").format(
            ideal=_kg(ideal), of_ideal=of_ideal
        )
        if actual < ideal:
            text += tr("; note the actual weight is below ideal and the rule still asks for ideal")
        return WeightChoice(ideal, wtype, "ideal", actual, ideal, pct, text)
    if wtype is WeightType.LESSER_IDEAL_ACTUAL:
        used, value = ("ideal", ideal) if ideal <= actual else ("actual", actual)
        lesser = (
            tr("ideal weight {value}, the lesser of ideal {ideal} and actual {actual}")
            if used == "ideal"
            else tr("actual weight {value}, the lesser of ideal {ideal} and actual {actual}")
        )
        text = lesser.format(value=_kg(value), ideal=_kg(ideal), actual=_kg(actual))
        return WeightChoice(value, wtype, used, actual, ideal, pct, text)
    factor = _ADJUSTMENT[wtype]
    label = tr("adjusted weight {percent}%").format(percent=format_number(factor * 100))
    if actual < ideal:
        # Adding a negative "excess" would push the dose below actual weight; most
        # conventions dose on actual weight instead (centre rule, unverified).
        text = tr(
            "actual weight {actual} used instead of {label}: actual is below ideal {ideal}, "
            "and most conventions then dose on actual weight"
        ).format(actual=_kg(actual), label=label, ideal=_kg(ideal))
        return WeightChoice(actual, wtype, "actual", actual, ideal, pct, text)
    value = ideal + factor * (actual - ideal)
    text = tr(
        "{label} {value} = ideal {ideal} + {factor} x (actual {actual} - ideal {ideal}); {of_ideal}"
    ).format(
        label=label,
        value=_kg(value),
        ideal=_kg(ideal),
        factor=format_number(factor),
        actual=_kg(actual),
        of_ideal=of_ideal,
    )
    return WeightChoice(value, wtype, "adjusted", actual, ideal, pct, text)


def dosing_weight(
    weight_type: WeightType | str,
    height_cm: float | None,
    weight_kg: float,
    sex: Sex | str | None,
) -> WeightChoice:
    """Pick the dosing weight a rule asks for (actual, ideal, AdjBW25, AdjBW40, lesser of IBW/ABW).

    Args:
        weight_type: a ``WeightType`` or its value ("actual", "adjusted25", ...).
        height_cm: height in cm; needed for every type except "actual".
        weight_kg: actual (measured) weight in kg.
        sex: "male"/"female"; needed for every type except "actual".

    Returns:
        The weight with an explanation of how it was chosen.

    Raises:
        ValidationError: an input is missing or implausible, or the weight type is unknown.
    """
    try:
        wtype = WeightType(weight_type)
    except ValueError:
        allowed = ", ".join(w.value for w in WeightType)
        raise ValidationError(
            "weight_type",
            tr("Weight type '{weight_type}' is not one of: {allowed}.").format(
                weight_type=weight_type, allowed=allowed
            ),
        ) from None
    actual = _weight(weight_kg)
    if wtype is WeightType.ACTUAL:
        text = tr("actual weight {actual}").format(actual=_kg(actual))
        return WeightChoice(actual, wtype, "actual", actual, None, None, text)
    if height_cm is None:
        raise ValidationError(
            "height_cm",
            tr(
                "Height is missing; the '{weight_type}' weight needs it for ideal body weight."
            ).format(weight_type=wtype.value),
        )
    if sex is None:
        raise ValidationError(
            "sex", tr("Sex is missing; ideal body weight (Devine) differs for male and female.")
        )
    ideal = ideal_body_weight(height_cm, sex)
    return _ideal_choice(wtype, actual, ideal, percent_ideal_body_weight(actual, ideal))


# ---------------------------------------------------------------------------
# Renal function and plerixafor (Cockcroft and Gault 1976; Mozobil prescribing information)
# ---------------------------------------------------------------------------


def creatinine_clearance_cg(
    age_years: float, weight_kg: float, scr_mg_dl: float, sex: Sex | str
) -> float:
    """Creatinine clearance by Cockcroft-Gault: (140 - age) x weight / (72 x SCr), x 0.85 if female.

    The weight to pass (actual, ideal or adjusted) is a centre setting.

    Args:
        age_years: age in years (18 to 120; the formula is for adults).
        weight_kg: weight in kg (1 to 350).
        scr_mg_dl: serum creatinine in mg/dL (0.1 to 20).
        sex: "male" or "female" (or ``Sex``).

    Returns:
        Estimated creatinine clearance in mL/min, unrounded.

    Raises:
        ValidationError: an input is outside its plausible range.
    """
    age = _number(age_years, "age_years", tr_noop("Age"), 0, MAX_AGE_YEARS, tr("years"))
    if age < MIN_AGE_YEARS:
        raise ValidationError("age_years", tr(PAEDIATRIC_CG))
    weight = _weight(weight_kg)
    scr = _number(
        scr_mg_dl,
        "scr_mg_dl",
        tr_noop("Serum creatinine"),
        MIN_SCR_MG_DL,
        MAX_SCR_MG_DL,
        "mg/dL",
    )
    crcl = (140 - age) * weight / (72 * scr)
    return crcl * 0.85 if _sex(sex) is Sex.FEMALE else crcl


@dataclass(frozen=True)
class PlerixaforDose:
    """A plerixafor dose with its rule (label: 0.24 mg/kg max 40 mg; CrCl <= 50: 0.16 mg/kg max 27 mg).

    Attributes:
        dose_mg: the dose to give.
        uncapped_mg: mg/kg x actual weight before the maximum.
        mg_per_kg: 0.24 or 0.16.
        max_mg: 40 or 27.
        capped: True when the maximum lowered the dose.
        renal_adjusted: True when CrCl <= 50 mL/min.
        volume_ml: volume of the 20 mg/mL solution.
        percent_ibw: actual weight as % of ideal, or None when IBW was not given.
        warnings: sentences the coordinator must see (e.g. weight > 175% of ideal).
        explanation: the rule and values used.
        source: where the rule comes from.
    """

    dose_mg: float
    uncapped_mg: float
    mg_per_kg: float
    max_mg: float
    capped: bool
    renal_adjusted: bool
    volume_ml: float
    percent_ibw: float | None
    warnings: tuple[str, ...]
    explanation: str
    source: str = PLERIXAFOR_SOURCE


def _plerixafor_warnings(
    weight: float, ibw_kg: float | None
) -> tuple[float | None, tuple[str, ...]]:
    if ibw_kg is None:
        return None, (
            tr("Ideal body weight was not given, so the 175% of ideal weight check was not done."),
        )
    pct = percent_ideal_body_weight(weight, ibw_kg)
    if pct > PLERIXAFOR_IBW_LIMIT_PCT:
        return pct, (
            tr(
                "Actual weight {actual} is {percent}% of ideal body weight {ideal}; plerixafor "
                "dosing above 175% of ideal weight has not been studied (label)."
            ).format(actual=_kg(weight), percent=format_number(pct, 0), ideal=_kg(ibw_kg)),
        )
    return pct, ()


def plerixafor_dose(weight_kg: float, crcl_ml_min: float, ibw_kg: float | None) -> PlerixaforDose:
    """Plerixafor dose on actual weight, reduced when CrCl <= 50 mL/min (Mozobil label).

    Args:
        weight_kg: actual body weight in kg (1 to 350).
        crcl_ml_min: creatinine clearance in mL/min (0 to 250).
        ibw_kg: ideal body weight in kg for the > 175% check, or None if unknown.

    Returns:
        The dose, cap and renal flags, injection volume, warnings and explanation.

    Raises:
        ValidationError: an input is outside its plausible range.
    """
    weight = _weight(weight_kg)
    crcl = _number(
        crcl_ml_min,
        "crcl_ml_min",
        tr_noop("Creatinine clearance"),
        0.0,
        MAX_CRCL_ML_MIN,
        "mL/min",
    )
    renal = crcl <= PLERIXAFOR_RENAL_CRCL
    per_kg = PLERIXAFOR_RENAL_MG_PER_KG if renal else PLERIXAFOR_MG_PER_KG
    max_mg = PLERIXAFOR_RENAL_MAX_MG if renal else PLERIXAFOR_MAX_MG
    uncapped = per_kg * weight
    dose = min(uncapped, max_mg)
    pct, warnings = _plerixafor_warnings(weight, ibw_kg)
    renal_text = tr("CrCl 50 mL/min or less") if renal else tr("CrCl above 50 mL/min")
    explanation = tr("plerixafor {per_kg} mg/kg x actual weight {weight} = {dose}").format(
        per_kg=format_number(per_kg), weight=_kg(weight), dose=format_dose(uncapped, "mg")
    )
    if uncapped > max_mg:
        explanation += tr(", limited to the maximum {dose}").format(dose=format_dose(max_mg, "mg"))
    explanation += f" ({renal_text}: CrCl {format_number(crcl, 1)} mL/min)"
    return PlerixaforDose(
        dose_mg=dose,
        uncapped_mg=uncapped,
        mg_per_kg=per_kg,
        max_mg=max_mg,
        capped=uncapped > max_mg,
        renal_adjusted=renal,
        volume_ml=dose / PLERIXAFOR_MG_PER_ML,
        percent_ibw=pct,
        warnings=warnings,
        explanation=explanation,
    )


# ---------------------------------------------------------------------------
# Order -> dose (per-drug weight conventions are centre rules: see docs/clinical-sources.md)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseResult:
    """One computed dose with everything needed to check it by hand.

    Attributes:
        value: the dose to give, in ``unit`` (full precision; after ``max_dose``).
        unit: dose unit.
        order_text: the order as written, e.g. "200 mg/m2".
        basis: m2, kg or flat.
        weight_type: the rule's weight type.
        dosing_weight_kg: the weight used, or None for flat doses.
        bsa_uncapped_m2: BSA before any cap (per-m2 doses), else None.
        bsa_m2: BSA used (per-m2 doses), else None.
        formula: BSA formula (per-m2 doses), else None.
        capped: True when the rule's BSA cap lowered the BSA.
        max_dose_applied: True when the rule's ``max_dose`` lowered the dose.
        uncapped_value: the dose before ``max_dose``.
        weight_date: when the weight was measured, if known.
        explanation: order, values used, formula, weight and date in one line.
        band: the weight band whose amount was used (banded orders), else None; then
            ``order_text`` is that band's order ("1.2 mg/kg").
    """

    value: float
    unit: str
    order_text: str
    basis: DoseBasis
    weight_type: WeightType
    dosing_weight_kg: float | None
    bsa_uncapped_m2: float | None
    bsa_m2: float | None
    formula: BsaFormula | None
    capped: bool
    max_dose_applied: bool
    uncapped_value: float
    weight_date: dt.date | None
    explanation: str
    band: WeightBand | None = None

    @property
    def display(self) -> str:
        """The dose as shown on plans and PDFs, e.g. "363.62 mg"."""
        return format_dose(self.value, self.unit)


def _require_inputs(
    rule: DoseRule, height_cm: float | None, weight_kg: float | None, sex: Sex | str | None
) -> None:
    """Say exactly which measurement a rule needs and is missing."""
    order = rule.order_text
    if weight_kg is None:
        raise ValidationError(
            "weight_kg",
            tr("Weight is missing; the {order} dose needs the patient's weight.").format(
                order=order
            ),
        )
    if rule.per is DoseBasis.PER_M2 and height_cm is None:
        raise ValidationError(
            "height_cm",
            tr("Height is missing; the {order} dose needs it for body-surface area.").format(
                order=order
            ),
        )
    if rule.weight is not WeightType.ACTUAL and (height_cm is None or sex is None):
        missing = (
            tr(
                "Height is missing; the {order} dose uses the '{weight_type}' weight, which "
                "needs ideal body weight (height and sex)."
            )
            if height_cm is None
            else tr(
                "Sex is missing; the {order} dose uses the '{weight_type}' weight, which "
                "needs ideal body weight (height and sex)."
            )
        )
        raise ValidationError(
            "height_cm" if height_cm is None else "sex",
            missing.format(order=order, weight_type=rule.weight.value),
        )


def _weighed(weight_date: dt.date | None) -> str:
    if weight_date is None:
        return tr("weight date not recorded")
    if not isinstance(weight_date, dt.date):
        raise ValidationError("weight_date", tr("The weight date must be a calendar date."))
    return tr("weighed {date}").format(date=weight_date.isoformat())


@dataclass(frozen=True)
class _Scaled:
    raw: float
    multiplier: str  # "x 1.82 m2" / "x 70 kg"
    basis_note: str  # what the multiplier came from
    bsa: BsaResult | None


def _scale(rule: DoseRule, height_cm: float | None, choice: WeightChoice, formula: str) -> _Scaled:
    if rule.per is DoseBasis.PER_KG:
        note = choice.explanation
        return _Scaled(rule.amount * choice.value_kg, f"x {_kg(choice.value_kg)}", note, None)
    assert height_cm is not None  # _require_inputs checked it
    area = bsa(height_cm, choice.value_kg, formula, rule.bsa_cap_m2)
    multiplier = f"x {format_number(area.value, DISPLAY_DECIMALS)} m2"
    if area.capped:
        multiplier += tr(" (BSA capped at {capped} m2; uncapped {uncapped} m2)").format(
            capped=format_number(area.value, DISPLAY_DECIMALS),
            uncapped=format_number(area.uncapped, DISPLAY_DECIMALS),
        )
    note = tr("BSA {formula} from height {height} cm and {weight}").format(
        formula=area.formula_name,
        height=format_number(_height(height_cm)),
        weight=choice.explanation,
    )
    return _Scaled(rule.amount * area.value, multiplier, note, area)


def compute_dose(
    rule: DoseRule,
    *,
    height_cm: float | None,
    weight_kg: float | None,
    sex: Sex | str | None,
    weight_date: dt.date | None = None,
    formula: str = "mosteller",
    drug: str = "",
) -> DoseResult:
    """Compute one dose from an order rule and the patient's measurements.

    Per-m2 doses use the BSA of the weight the rule names (``rule.weight``), capped at
    ``rule.bsa_cap_m2``; per-kg doses use that weight directly; flat doses need no
    measurements. ``rule.max_dose`` limits the result.

    Args:
        rule: the order (amount, unit, basis, weight type, caps).
        height_cm: height in cm, or None if not measured.
        weight_kg: actual weight in kg, or None if not measured.
        sex: "male"/"female" (needed for ideal/adjusted weights), or None.
        weight_date: when the weight was measured (shown in the explanation).
        formula: BSA formula, "mosteller" or "dubois".
        drug: drug name for the explanation (shown in tall-man lettering).

    Returns:
        The dose with its provenance, e.g. explanation "melphalan 200 mg/m2 x 1.82 m2 =
        363.62 mg (BSA Mosteller from height 170 cm and actual weight 70 kg, weighed 2025-03-01)".

    Raises:
        ValidationError: a needed measurement is missing or implausible.
    """
    _finite_positive(rule.amount, "amount", tr_noop("The order amount"))
    name = tall_man(drug).strip()
    prefix = f"{name} " if name else ""
    weighed = _weighed(weight_date)
    if rule.per is DoseBasis.FLAT:
        return _flat_dose(rule, prefix, weight_date)
    _require_inputs(rule, height_cm, weight_kg, sex)
    assert weight_kg is not None  # _require_inputs checked it
    if rule.bands:
        return _banded_dose(rule, prefix, weight_kg, weight_date)
    choice = dosing_weight(rule.weight, height_cm, weight_kg, sex)
    scaled = _scale(rule, height_cm, choice, formula)
    value, max_applied = _apply_max(scaled.raw, rule.max_dose)
    result_text = format_dose(scaled.raw, rule.unit)
    if max_applied:
        result_text += tr(", limited to the maximum {dose}").format(
            dose=format_dose(value, rule.unit)
        )
    explanation = f"{prefix}{rule.order_text} {scaled.multiplier} = {result_text} ({scaled.basis_note}, {weighed})"
    area = scaled.bsa
    return DoseResult(
        value=value,
        unit=rule.unit,
        order_text=rule.order_text,
        basis=rule.per,
        weight_type=rule.weight,
        dosing_weight_kg=choice.value_kg,
        bsa_uncapped_m2=area.uncapped if area else None,
        bsa_m2=area.value if area else None,
        formula=area.formula if area else None,
        capped=area.capped if area else False,
        max_dose_applied=max_applied,
        uncapped_value=scaled.raw,
        weight_date=weight_date,
        explanation=explanation,
    )


def _banded_dose(
    rule: DoseRule, prefix: str, weight_kg: float, weight_date: dt.date | None
) -> DoseResult:
    """A weight-banded order: the amount per kg of the band that holds the actual weight.

    The explanation names the band, its boundaries and the weight: "busulfan 1.2 mg/kg
    for a weight of 9 to under 16 kg: 14.6 kg x 1.2 = 17.52 mg (actual weight 14.6 kg,
    weighed 2026-02-20)".
    """
    order = rule.order_text
    if rule.per is not DoseBasis.PER_KG or rule.weight is not WeightType.ACTUAL:
        raise ValidationError(
            "bands",
            tr(
                "The {order} order is not per kg of actual body weight, which weight bands "
                "need; work out this dose by hand."
            ).format(order=order),
        )
    if rule.amount != max(b.amount for b in rule.bands):
        # A plan rule that scales ``amount`` (a renal factor) does not know the bands:
        # computing the band's amount would silently drop its change.
        raise ValidationError(
            "amount",
            tr(
                "The {order} order was changed to {amount} {unit}/kg by a rule that does not "
                "apply to weight bands; work out this dose by hand."
            ).format(order=order, amount=format_number(rule.amount), unit=rule.unit),
        )
    choice = dosing_weight(WeightType.ACTUAL, None, weight_kg, None)
    band = rule.band_for(choice.value_kg)
    if band is None:
        raise ValidationError(
            "weight_kg",
            tr("No weight band of the {order} order holds a weight of {weight}.").format(
                order=order, weight=_kg(choice.value_kg)
            ),
        )
    raw = band.amount * choice.value_kg
    value, max_applied = _apply_max(raw, rule.max_dose)
    result_text = format_dose(raw, rule.unit)
    if max_applied:
        result_text += tr(", limited to the maximum {dose}").format(
            dose=format_dose(value, rule.unit)
        )
    band_order = band.order_text_in(rule.unit)
    used = tr("{order} for a weight of {band}: {weight} x {amount} = {dose}").format(
        order=band_order,
        band=band.range_text_in(),
        weight=_kg(choice.value_kg),
        amount=format_number(band.amount),
        dose=result_text,
    )
    explanation = f"{prefix}{used} ({choice.explanation}, {_weighed(weight_date)})"
    return DoseResult(
        value=value,
        unit=rule.unit,
        order_text=band_order,
        basis=rule.per,
        weight_type=rule.weight,
        dosing_weight_kg=choice.value_kg,
        bsa_uncapped_m2=None,
        bsa_m2=None,
        formula=None,
        capped=False,
        max_dose_applied=max_applied,
        uncapped_value=raw,
        weight_date=weight_date,
        explanation=explanation,
        band=band,
    )


def _finite_positive(value: object, field: str, label: str) -> float:
    number = finite_number(value, field)
    if number <= 0:
        raise ValidationError(
            field,
            tr("{label} must be greater than 0 (got {value}).").format(
                label=tr(label), value=f"{number:g}"
            ),
        )
    return number


def _apply_max(raw: float, max_dose: float | None) -> tuple[float, bool]:
    if max_dose is None:
        return raw, False
    ceiling = _finite_positive(max_dose, "max_dose", tr_noop("The maximum dose"))
    return (ceiling, True) if raw > ceiling else (raw, False)


def _flat_dose(rule: DoseRule, prefix: str, weight_date: dt.date | None) -> DoseResult:
    value, max_applied = _apply_max(rule.amount, rule.max_dose)
    text = tr("{drug}{order} = {dose} (flat dose, not based on weight or BSA)").format(
        drug=prefix, order=rule.order_text, dose=format_dose(value, rule.unit)
    )
    return DoseResult(
        value=value,
        unit=rule.unit,
        order_text=rule.order_text,
        basis=rule.per,
        weight_type=rule.weight,
        dosing_weight_kg=None,
        bsa_uncapped_m2=None,
        bsa_m2=None,
        formula=None,
        capped=False,
        max_dose_applied=max_applied,
        uncapped_value=rule.amount,
        weight_date=weight_date,
        explanation=text,
    )
