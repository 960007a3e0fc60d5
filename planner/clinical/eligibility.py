"""Work-up and survivorship calculators (sources per rule: docs/clinical-sources.md).

HCT-CI with the age composite, Karnofsky/Lansky performance status, conditioning
intensity (MAC/RIC/NMA) from the regimen, and live-vaccine eligibility (2-1-8).
Each answer is a :class:`planner.clinical.grading.GradeResult`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from planner.clinical.grading import (
    GradeResult,
    require_bool,
    require_choice,
    require_date,
    require_int,
    require_number,
)
from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import format_number
from planner.errors import ValidationError

# --- HCT-CI (Sorror et al., Blood 2005;106:2912-2919) ---------------------------------

HCT_CI_WEIGHTS: Final[dict[str, int]] = {
    "arrhythmia": 1,
    "cardiac": 1,
    "inflammatory_bowel_disease": 1,
    "diabetes": 1,
    "cerebrovascular": 1,
    "psychiatric": 1,
    "hepatic_mild": 1,
    "obesity": 1,
    "infection": 1,
    "rheumatologic": 2,
    "peptic_ulcer": 2,
    "renal": 2,
    "pulmonary_moderate": 2,
    "prior_solid_tumour": 3,
    "heart_valve": 3,
    "pulmonary_severe": 3,
    "hepatic_moderate_severe": 3,
}
# (lower, higher): only the higher counts when both are ticked.
HCT_CI_EXCLUSIVE: Final = (
    ("hepatic_mild", "hepatic_moderate_severe"),
    ("pulmonary_moderate", "pulmonary_severe"),
)
HCT_CI_AGE_THRESHOLD: Final = 40

# Thresholds of the items the index defines by a measured value (Sorror et al., Blood
# 2005;106:2912-2919, Table 1): pulmonary moderate DLco and/or FEV1 66-80%, severe <= 65%
# (% predicted); renal serum creatinine > 2 mg/dL; hepatic mild bilirubin > ULN to 1.5 x
# ULN or AST/ALT > ULN to 2.5 x ULN, moderate/severe bilirubin > 1.5 x ULN or AST/ALT
# > 2.5 x ULN; obesity body-mass index > 35 kg/m2.
PULMONARY_SEVERE_MAX_PCT: Final = 65.0
PULMONARY_MODERATE_MAX_PCT: Final = 80.0
RENAL_CREATININE_MG_DL: Final = 2.0
HEPATIC_BILIRUBIN_SEVERE_X_ULN: Final = 1.5
HEPATIC_TRANSAMINASE_SEVERE_X_ULN: Final = 2.5
OBESITY_BMI: Final = 35.0
ADULT_AGE_YEARS: Final = 18


# The risk group as a rule and a label show it (the group itself stays English).
_RISK_TEXTS: Final = {
    "low": tr_noop("low risk"),
    "intermediate": tr_noop("intermediate risk"),
    "high": tr_noop("high risk"),
}
_LABELS: Final = {
    "low": tr_noop("{score} (low); HCT-CI/age {composite} (group {age_group})"),
    "intermediate": tr_noop("{score} (intermediate); HCT-CI/age {composite} (group {age_group})"),
    "high": tr_noop("{score} (high); HCT-CI/age {composite} (group {age_group})"),
}


def hct_ci_risk_group(score: int) -> str:
    """0 low, 1-2 intermediate, >=3 high (Sorror 2005)."""
    return "low" if score == 0 else "intermediate" if score <= 2 else "high"


def hct_ci_age_group(score: int) -> str:
    """HCT-CI/age group: "0-2", "3-4" or "5 or more" (Sorror et al., J Clin Oncol
    2014;32:3249-3256: scores 0-2 had comparable risks whatever the conditioning; 3-4 and
    >= 5 higher mortality after high-dose than nonmyeloablative regimens)."""
    return "0-2" if score <= 2 else "3-4" if score <= 4 else "5 or more"


def _optional(
    name: str, value: float | None, low: float, high: float, unit: str, what: str
) -> float | None:
    return None if value is None else require_number(name, value, low, high, unit, what=what)


def _derived_items(
    fev1: float | None,
    dlco: float | None,
    creatinine: float | None,
    bilirubin: float | None,
    transaminase: float | None,
    bmi: float | None,
    age: float,
    notes: list[str],
) -> dict[str, str]:
    """HCT-CI items derived from measured values: item -> the value that derived it."""
    derived: dict[str, str] = {}
    lungs = [(name, v) for name, v in (("FEV1", fev1), ("DLCO", dlco)) if v is not None]
    severe = [
        tr("{test} {value}% <= 65%").format(test=n, value=format_number(v))
        for n, v in lungs
        if v <= PULMONARY_SEVERE_MAX_PCT
    ]
    moderate = [
        tr("{test} {value}% in 66-80%").format(test=n, value=format_number(v))
        for n, v in lungs
        if PULMONARY_SEVERE_MAX_PCT < v <= PULMONARY_MODERATE_MAX_PCT
    ]
    if severe:
        derived["pulmonary_severe"] = "; ".join(severe)
    elif moderate:
        derived["pulmonary_moderate"] = "; ".join(moderate)
    if creatinine is not None and creatinine > RENAL_CREATININE_MG_DL:
        derived["renal"] = tr("creatinine {value} mg/dL > 2 mg/dL").format(
            value=format_number(creatinine)
        )
    liver_severe = [
        text
        for text, ok in (
            (
                tr("bilirubin {value} x ULN > 1.5 x ULN").format(
                    value=format_number(bilirubin or 0)
                ),
                bilirubin is not None and bilirubin > HEPATIC_BILIRUBIN_SEVERE_X_ULN,
            ),
            (
                tr("AST/ALT {value} x ULN > 2.5 x ULN").format(
                    value=format_number(transaminase or 0)
                ),
                transaminase is not None and transaminase > HEPATIC_TRANSAMINASE_SEVERE_X_ULN,
            ),
        )
        if ok
    ]
    liver_mild = [
        text
        for text, ok in (
            (
                tr("bilirubin {value} x ULN > ULN to 1.5 x ULN").format(
                    value=format_number(bilirubin or 0)
                ),
                bilirubin is not None and 1.0 < bilirubin <= HEPATIC_BILIRUBIN_SEVERE_X_ULN,
            ),
            (
                tr("AST/ALT {value} x ULN > ULN to 2.5 x ULN").format(
                    value=format_number(transaminase or 0)
                ),
                transaminase is not None
                and 1.0 < transaminase <= HEPATIC_TRANSAMINASE_SEVERE_X_ULN,
            ),
        )
        if ok
    ]
    if liver_severe:
        derived["hepatic_moderate_severe"] = "; ".join(liver_severe)
    elif liver_mild:
        derived["hepatic_mild"] = "; ".join(liver_mild)
    if bmi is not None:
        if age < ADULT_AGE_YEARS:
            notes.append(
                tr(
                    "BMI {bmi} kg/m2 not used under {age} years "
                    "(children are judged by BMI-for-age): tick Obesity if it applies."
                ).format(bmi=format_number(bmi, 1), age=ADULT_AGE_YEARS)
            )
        elif bmi > OBESITY_BMI:
            derived["obesity"] = tr("BMI {bmi} kg/m2 > 35 kg/m2").format(bmi=format_number(bmi, 1))
    return derived


def hct_ci(
    items: Collection[str],
    age_years: float,
    *,
    fev1_percent: float | None = None,
    dlco_percent: float | None = None,
    creatinine_mg_dl: float | None = None,
    bilirubin_x_uln: float | None = None,
    ast_alt_x_uln: float | None = None,
    height_cm: float | None = None,
    weight_kg: float | None = None,
) -> GradeResult:
    """HCT-CI score (Sorror 2005) and the HCT-CI/age composite (+1 at age >= 40, Sorror 2014).

    ``items`` are the ticked keys of HCT_CI_WEIGHTS. Measured values (all optional) derive
    the items the index defines by a threshold: FEV1 and DLCO % predicted (66-80
    pulmonary moderate, <= 65 severe; the worse of the two counts), serum creatinine
    (> 2 mg/dL renal), bilirubin and AST/ALT as multiples of the upper limit of normal
    (hepatic mild or moderate/severe), and the body-mass index from height and weight
    (> 35 kg/m2 obesity, adults only; BMI rounded to 1 decimal). A ticked item counts
    whatever the values; an item both ticked and derived counts once; of a mild/severe
    pair only the higher counts. ``value`` is the score; ``components`` has score,
    risk_group, hct_ci_age, hct_ci_age_group, the items counted and, for each derived
    item, the value that derived it.
    """
    if isinstance(items, str):
        raise ValidationError("items", tr("HCT-CI items must be a collection of item names."))
    unknown = sorted(set(items) - HCT_CI_WEIGHTS.keys())
    if unknown:
        raise ValidationError(
            "items",
            tr("Unknown HCT-CI item(s) {unknown}; use: {known}.").format(
                unknown=", ".join(unknown), known=", ".join(HCT_CI_WEIGHTS)
            ),
        )
    age = require_number("age_years", age_years, 0.0, 120.0, "years", what=tr_noop("Age"))
    fev1 = _optional("fev1_percent", fev1_percent, 0.0, 200.0, "% predicted", "FEV1")
    dlco = _optional("dlco_percent", dlco_percent, 0.0, 200.0, "% predicted", "DLCO")
    creatinine = _optional(
        "creatinine_mg_dl", creatinine_mg_dl, 0.1, 20.0, "mg/dL", "Serum creatinine"
    )
    bilirubin = _optional("bilirubin_x_uln", bilirubin_x_uln, 0.0, 50.0, "x ULN", "Bilirubin")
    transaminase = _optional("ast_alt_x_uln", ast_alt_x_uln, 0.0, 200.0, "x ULN", "AST/ALT")
    height = _optional("height_cm", height_cm, 40.0, 250.0, "cm", "Height")
    weight = _optional("weight_kg", weight_kg, 1.0, 350.0, "kg", "Weight")
    notes: list[str] = []
    bmi: float | None = None
    if (height is None) != (weight is None):
        notes.append(tr("BMI needs both height and weight: obesity not derived."))
    elif height is not None and weight is not None:
        bmi = round(weight / (height / 100) ** 2, 1)
    derived = _derived_items(fev1, dlco, creatinine, bilirubin, transaminase, bmi, age, notes)
    counted = set(items) | set(derived)
    for lower, higher in HCT_CI_EXCLUSIVE:
        if lower in counted and higher in counted:
            counted.discard(lower)
            notes.append(
                tr("{lower} and {higher} are exclusive: only {higher} counted.").format(
                    lower=lower, higher=higher
                )
            )
    ordered = [k for k in HCT_CI_WEIGHTS if k in counted]
    score = sum(HCT_CI_WEIGHTS[k] for k in ordered)
    group = hct_ci_risk_group(score)
    age_point = 1 if age >= HCT_CI_AGE_THRESHOLD else 0
    composite = score + age_point
    age_group = hct_ci_age_group(composite)

    def why(key: str) -> str:
        how = [
            w
            for w, ok in (
                (tr("ticked"), key in items),
                (derived.get(key, ""), key in derived),
            )
            if ok
        ]
        return f"{key} {HCT_CI_WEIGHTS[key]} ({', '.join(how)})"

    summed = " + ".join(why(k) for k in ordered) or tr("no comorbidity")
    rule = tr(
        "Score {score} ({summed}): {risk} (0 low, 1-2 intermediate, >=3 high); "
        "HCT-CI/age {composite} (age {age} {sign} 40): group {age_group} "
        "(groups 0-2, 3-4, 5 or more)."
    ).format(
        score=score,
        summed=summed,
        risk=tr(_RISK_TEXTS[group]),
        composite=composite,
        age=format_number(age),
        sign=">=" if age_point else "<",
        age_group=age_group,
    )
    measured = {
        name: value
        for name, value in (
            ("fev1_percent", fev1),
            ("dlco_percent", dlco),
            ("creatinine_mg_dl", creatinine),
            ("bilirubin_x_uln", bilirubin),
            ("ast_alt_x_uln", transaminase),
            ("height_cm", height),
            ("weight_kg", weight),
            ("bmi_kg_m2", bmi),
        )
        if value is not None
    }
    return GradeResult(
        value=score,
        label=tr(_LABELS[group]).format(score=score, composite=composite, age_group=age_group),
        criteria=tr_noop("HCT-CI with age composite"),
        version="Sorror 2005 (Blood 2005;106:2912-2919); HCT-CI/age Sorror 2014 "
        "(J Clin Oncol 2014;32:3249-3256)",
        inputs={"items": tuple(sorted(items)), "age_years": age, **measured},
        deciding_rule=rule,
        notes=tuple(notes),
        components={
            "score": score,
            "risk_group": group,
            "hct_ci_age": composite,
            "hct_ci_age_group": age_group,
            "counted": tuple(ordered),
            "derived": derived,
        },
    )


# --- performance status (Karnofsky; Lansky) --------------------------------------------

LANSKY_MAX_AGE: Final = 16  # Lansky below 16 years (CIBMTR convention, unverified)

KARNOFSKY: Final[dict[int, str]] = {
    100: tr_noop("normal, no complaints, no evidence of disease"),
    90: tr_noop("able to carry on normal activity; minor signs or symptoms"),
    80: tr_noop("normal activity with effort; some signs or symptoms"),
    70: tr_noop("cares for self; unable to carry on normal activity or active work"),
    60: tr_noop("requires occasional assistance but able to care for most needs"),
    50: tr_noop("requires considerable assistance and frequent medical care"),
    40: tr_noop("disabled; requires special care and assistance"),
    30: tr_noop("severely disabled; hospitalisation indicated"),
    20: tr_noop("very sick; active supportive treatment necessary"),
    10: tr_noop("moribund"),
    0: tr_noop("dead"),
}
LANSKY: Final[dict[int, str]] = {
    100: tr_noop("fully active, normal"),
    90: tr_noop("minor restrictions in strenuous physical activity"),
    80: tr_noop("active, but tires more quickly"),
    70: tr_noop("greater restriction of play and less time spent in play activity"),
    60: tr_noop("up and around, but active play minimal; keeps busy with quieter activities"),
    50: tr_noop("lying around much of the day, no active play; participates in quiet play"),
    40: tr_noop("mainly in bed; participates in quiet activities"),
    30: tr_noop("in bed; needs assistance even for quiet play"),
    20: tr_noop("sleeping often; play entirely limited to very passive activities"),
    10: tr_noop("does not play; does not get out of bed"),
    0: tr_noop("unresponsive"),
}


def performance_status(score: int, age_years: float) -> GradeResult:
    """Karnofsky (age >= 16) or Lansky (age < 16) score, 0-100 in steps of 10."""
    age = require_number("age_years", age_years, 0.0, 120.0, "years", what=tr_noop("Age"))
    lansky = age < LANSKY_MAX_AGE
    scale = "Lansky" if lansky else "Karnofsky"
    value = require_int(
        "performance_score",
        score,
        0,
        100,
        what=tr("{scale} score").format(scale=scale),
    )
    if value % 10:
        raise ValidationError(
            "performance_score",
            tr("{scale} score {value} is not on the scale; use 0 to 100 in steps of 10.").format(
                scale=scale, value=value
            ),
        )
    text = tr((LANSKY if lansky else KARNOFSKY)[value])
    return GradeResult(
        value=value,
        label=f"{'Lansky' if lansky else 'KPS'} {value}",
        criteria=f"{scale} performance status",
        version="Karnofsky 1949; Lansky 1987 (under 16 years: CIBMTR convention, unverified)",
        inputs={"score": value, "age_years": age},
        deciding_rule=tr("{scale} scale (age {age} {sign} {cut}): {value} = {text}.").format(
            scale=scale,
            age=f"{age:g}",
            sign="<" if lansky else ">=",
            cut=LANSKY_MAX_AGE,
            value=value,
            text=text,
        ),
    )


# --- conditioning intensity (Bacigalupo 2009; Giralt 2009; operational thresholds) ------
#
# Myeloablative (MAC) when any agent reaches its threshold (Bacigalupo et al., Biol Blood
# Marrow Transplant 2009;15:1628-1633, working definitions): TBI >= 5 Gy single or >= 8 Gy
# fractionated; busulfan > 8 mg/kg oral or the IV equivalent > 6.4 mg/kg (IV busulfan
# 0.8 mg/kg matches oral 1 mg/kg, the busulfan injection label); melphalan > 140 mg/m2;
# thiotepa >= 10 mg/kg. Treosulfan: 36-42 g/m2 (with fludarabine) is grouped with the
# myeloablative, reduced-toxicity regimens and 30 g/m2 with RIC (EBMT Handbook, 8th ed.,
# 2024, chapter 13, citing Shimoni et al. 2018 and Beelen et al., Lancet Haematol
# 2020;7:e28-e39), so treosulfan >= 36 g/m2 counts as MAC (design decision within that
# source's range). Carmustine-based high-dose regimens for autologous rescue (BEAM, BEAC:
# carmustine, etoposide, cytarabine with melphalan or cyclophosphamide) are myeloablative
# by Bacigalupo's definition (irreversible cytopenia, stem-cell support required) and are
# the standard high-dose autologous regimens in lymphoma (EBMT Handbook 2024, 13.6),
# although their melphalan (140 mg/m2) is under the single-agent threshold.


class Route(StrEnum):
    """Route of a conditioning drug (busulfan thresholds differ)."""

    IV = "iv"
    ORAL = "oral"


@dataclass(frozen=True)
class RegimenComponent:
    """One conditioning agent with its total course dose.

    Attributes:
        agent: lower-case agent name, e.g. "tbi", "busulfan", "melphalan",
            "fludarabine", "cyclophosphamide", "atg", "thiotepa", "treosulfan".
        total_dose: total dose over the course, in ``unit``.
        unit: "cGy" or "Gy" for TBI, "mg/kg" for busulfan and thiotepa, "mg/m2" for
            melphalan, "g/m2" or "mg/m2" for treosulfan, any unit for other agents (no
            threshold uses them).
        route: for busulfan ("iv" or "oral").
        fractions: for TBI, the number of fractions (1 = single fraction).
    """

    agent: str
    total_dose: float
    unit: str
    route: Route | str = Route.IV
    fractions: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.agent, str) or not self.agent.strip():
            raise ValidationError("agent", tr("Each regimen component needs an agent name."))
        object.__setattr__(self, "agent", self.agent.strip().lower())
        require_number(
            "total_dose",
            self.total_dose,
            0.0,
            100_000.0,
            self.unit,
            what=tr("{agent} total dose").format(agent=tr(self.agent)),
        )
        object.__setattr__(self, "route", require_choice("route", Route, self.route))
        require_int("fractions", self.fractions, 1, 30, what=tr_noop("TBI fractions"))

    def tbi_cgy(self) -> float:
        """TBI dose in cGy (from cGy or Gy)."""
        unit = self.unit.strip().lower()
        if unit == "cgy":
            dose = self.total_dose
        elif unit == "gy":
            dose = self.total_dose * 100
        else:
            raise ValidationError(
                "unit", tr("TBI dose must be in cGy or Gy, not '{unit}'.").format(unit=self.unit)
            )
        return require_number("tbi_dose", dose, 0.0, 2000.0, "cGy", what=tr_noop("TBI dose"))


@dataclass(frozen=True)
class IntensityThresholds:
    """MAC thresholds (Bacigalupo et al. 2009 working definitions; treosulfan from the EBMT
    Handbook 2024); configurable per centre."""

    tbi_single_cgy: float = 500.0  # MAC at >= this dose in one fraction
    tbi_fractionated_cgy: float = 800.0  # MAC at >= this dose fractionated
    busulfan_iv_mg_kg: float = 6.4  # MAC above (IV equivalent of 8 mg/kg oral)
    busulfan_oral_mg_kg: float = 8.0  # MAC above
    melphalan_mg_m2: float = 140.0  # MAC above
    thiotepa_mg_kg: float = 10.0  # MAC at or above
    treosulfan_g_m2: float = 36.0  # MAC at or above
    nma_tbi_max_cgy: float = 200.0  # TBI at or below this (with or without Flu) is NMA


# Agent names as shown (``tr(agent)``); the names themselves stay as compared.
_AGENT_TEXTS: Final = (
    tr_noop("busulfan"),
    tr_noop("melphalan"),
    tr_noop("thiotepa"),
    tr_noop("treosulfan"),
    tr_noop("cyclophosphamide"),
    tr_noop("fludarabine"),
    tr_noop("carmustine"),
)
SEROTHERAPY: Final = frozenset({"atg", "alemtuzumab"})
HIGH_DOSE_CARMUSTINE: Final = frozenset({"carmustine", "etoposide", "cytarabine"})
"""With melphalan (BEAM) or cyclophosphamide (BEAC): a high-dose autologous regimen."""
NMA_AGENTS: Final = frozenset({"tbi", "fludarabine", "cyclophosphamide"}) | SEROTHERAPY


class Intensity(StrEnum):
    """Conditioning intensity categories."""

    MAC = "MAC"
    RIC = "RIC"
    NMA = "NMA"


def _dose_in(component: RegimenComponent, *units: str) -> float:
    if _unit(component) not in units:
        raise ValidationError(
            "unit",
            tr("{agent} dose must be in {units}, not '{unit}'.").format(
                agent=tr(component.agent), units=tr(" or ").join(units), unit=component.unit
            ),
        )
    return component.total_dose


def _dose(value: float) -> float:
    """A total dose rounded to 6 decimals, so 0.8 x 8 compares as 6.4 (no float noise)."""
    return round(value, 6)


def _unit(component: RegimenComponent) -> str:
    return component.unit.strip().lower().replace("²", "2").replace(" ", "")


def _tbi_reason(c: RegimenComponent, t: IntensityThresholds) -> str | None:
    cgy = c.tbi_cgy()
    if c.fractions == 1 and cgy >= t.tbi_single_cgy:
        return tr("TBI {dose} cGy single fraction >= {cut}").format(
            dose=f"{cgy:g}", cut=f"{t.tbi_single_cgy:g}"
        )
    if c.fractions > 1 and cgy >= t.tbi_fractionated_cgy:
        return tr("TBI {dose} cGy in {n} fractions >= {cut}").format(
            dose=f"{cgy:g}", n=c.fractions, cut=f"{t.tbi_fractionated_cgy:g}"
        )
    return None


def _chemo_reason(c: RegimenComponent, t: IntensityThresholds, notes: list[str]) -> str | None:
    """The MAC threshold a chemotherapy component reaches, or None."""
    if c.agent == "busulfan":
        dose = _dose(_dose_in(c, "mg/kg"))
        limit = t.busulfan_iv_mg_kg if c.route is Route.IV else t.busulfan_oral_mg_kg
        text = tr("{route} busulfan {dose} mg/kg > {cut}").format(
            route=c.route, dose=f"{dose:g}", cut=f"{limit:g}"
        )
        return text if dose > limit else None
    if c.agent == "melphalan":
        dose = _dose(_dose_in(c, "mg/m2"))
        limit = t.melphalan_mg_m2
        text = tr("melphalan {dose} mg/m2 > {cut}").format(
            dose=format_number(dose), cut=format_number(limit)
        )
        return text if dose > limit else None
    if c.agent == "thiotepa":
        if _unit(c) != "mg/kg":
            notes.append(
                tr(
                    "Thiotepa in '{unit}': the MAC threshold is {cut} mg/kg; clinician confirms."
                ).format(unit=c.unit, cut=format_number(t.thiotepa_mg_kg))
            )
            return None
        dose = _dose(c.total_dose)
        limit = t.thiotepa_mg_kg
        text = tr("thiotepa {dose} mg/kg >= {cut}").format(
            dose=format_number(dose), cut=format_number(limit)
        )
        return text if dose >= limit else None
    if c.agent == "treosulfan":
        grams = _dose_in(c, "g/m2", "mg/m2")
        grams = _dose(grams / 1000 if _unit(c) == "mg/m2" else grams)
        limit = t.treosulfan_g_m2
        text = tr("treosulfan {dose} g/m2 >= {cut}").format(
            dose=format_number(grams), cut=format_number(limit)
        )
        return text if grams >= limit else None
    return None


def _mac_reasons(
    components: Sequence[RegimenComponent], t: IntensityThresholds, notes: list[str]
) -> list[str]:
    reasons: list[str] = []
    for c in components:
        reason = _tbi_reason(c, t) if c.agent == "tbi" else _chemo_reason(c, t, notes)
        if reason is not None:
            reasons.append(reason)
    agents = {c.agent for c in components}
    partners = sorted(agents & {"melphalan", "cyclophosphamide"})
    if agents >= HIGH_DOSE_CARMUSTINE and partners:
        reasons.append(
            tr(
                "carmustine, etoposide and cytarabine with {partners} "
                "(BEAM/BEAC): high-dose regimen for autologous rescue"
            ).format(partners=tr(" and ").join(tr(a) for a in partners))
        )
    return reasons


def conditioning_intensity(
    components: Sequence[RegimenComponent],
    *,
    centre_intent: str | None = None,
    thresholds: IntensityThresholds | None = None,
) -> GradeResult:
    """Computed MAC | RIC | NMA from the regimen's agents and total doses.

    MAC: TBI >= 500 cGy single or >= 800 cGy fractionated, busulfan > 6.4 mg/kg IV
    (> 8 oral), melphalan > 140 mg/m2, thiotepa >= 10 mg/kg, treosulfan >= 36 g/m2, or
    carmustine, etoposide and cytarabine with melphalan or cyclophosphamide (BEAM/BEAC).
    NMA: only TBI <= 200 cGy, fludarabine, cyclophosphamide and serotherapy, with TBI or
    Flu/Cy. Otherwise RIC. The centre's declared intent is stored beside the computed
    value.
    """
    t = thresholds or IntensityThresholds()
    if not components:
        raise ValidationError("components", tr("A regimen needs at least one component."))
    for c in components:
        if not isinstance(c, RegimenComponent):
            raise ValidationError("components", tr("Each component must be a RegimenComponent."))
    intent: Intensity | None = None
    if centre_intent is not None:
        try:
            intent = Intensity(str(centre_intent).strip().upper())
        except ValueError:
            raise ValidationError(
                "centre_intent", tr("Centre intent must be MAC, RIC or NMA.")
            ) from None
    notes: list[str] = []
    agents = {c.agent for c in components}
    mac = _mac_reasons(components, t, notes)
    if mac:
        computed, rule = Intensity.MAC, f"MAC: {'; '.join(mac)}."
    else:
        tbi_low = all(c.tbi_cgy() <= t.nma_tbi_max_cgy for c in components if c.agent == "tbi")
        only_nma_agents = agents <= NMA_AGENTS
        flu_cy = {"fludarabine", "cyclophosphamide"} <= agents
        if only_nma_agents and tbi_low and ("tbi" in agents or flu_cy):
            computed = Intensity.NMA
            rule = (
                tr("NMA: TBI <= 200 cGy with or without fludarabine (with or without serotherapy).")
                if "tbi" in agents
                else tr("NMA: fludarabine/cyclophosphamide (with or without serotherapy).")
            )
        else:
            computed = Intensity.RIC
            rule = tr(
                "RIC: no myeloablative threshold reached and not a nonmyeloablative combination."
            )
    if intent is not None and intent is not computed:
        notes.append(
            tr("Centre-declared intent {intent} differs from computed {computed}.").format(
                intent=intent, computed=computed
            )
        )
    return GradeResult(
        value=computed.value,
        label=computed.value,
        criteria="Conditioning intensity (CIBMTR operational)",
        version="Bacigalupo 2009 (BBMT 2009;15:1628-1633) working definitions; treosulfan "
        "and BEAM: EBMT Handbook 2024, chapter 13 (configurable)",
        inputs={
            "components": tuple(
                {
                    "agent": c.agent,
                    "total_dose": c.total_dose,
                    "unit": c.unit,
                    "route": c.route,
                    "fractions": c.fractions,
                }
                for c in components
            ),
            "centre_intent": None if intent is None else intent.value,
        },
        deciding_rule=rule,
        notes=tuple(notes),
        components={
            "computed": computed.value,
            "centre_intent": None if intent is None else intent.value,
        },
        needs_confirmation=bool(notes),
        rank={Intensity.NMA: 0, Intensity.RIC: 1, Intensity.MAC: 2}[computed],
    )


# --- live vaccines: 2-1-8 (IDSA 2013, Rubin et al.; mnemonic unverified) ---------------

LIVE_VACCINE_MONTHS_AFTER_HCT: Final = 24
LIVE_VACCINE_MONTHS_OFF_IST: Final = 12
LIVE_VACCINE_MONTHS_AFTER_IVIG: Final = 8


def add_months(date: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (Jan 31 + 1 -> Feb 28/29)."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(date.day, last))


def live_vaccine_eligibility(
    *,
    day0: dt.date,
    today: dt.date,
    on_immunosuppression: bool,
    ist_stop_date: dt.date | None = None,
    last_ivig_date: dt.date | None = None,
    active_gvhd: bool,
) -> GradeResult:
    """The "2-1-8" rule: >= 24 months after HCT, >= 12 months off all immunosuppression,
    >= 8 months since the last IVIG, and no active GVHD.

    ``components["earliest_date"]`` is the first date all time conditions hold (None
    while on immunosuppression or with active GVHD).
    """
    d0 = require_date("day0", day0)
    now = require_date("today", today)
    on_ist = require_bool("on_immunosuppression", on_immunosuppression)
    gvhd = require_bool("active_gvhd", active_gvhd)
    stop = None if ist_stop_date is None else require_date("ist_stop_date", ist_stop_date)
    ivig = None if last_ivig_date is None else require_date("last_ivig_date", last_ivig_date)
    if now < d0:
        raise ValidationError("today", tr("The assessment date is before Day 0."))
    if on_ist and stop is not None:
        raise ValidationError(
            "ist_stop_date", tr("Immunosuppression cannot be both ongoing and stopped.")
        )
    dates = {tr_noop("24 months after Day 0"): add_months(d0, LIVE_VACCINE_MONTHS_AFTER_HCT)}
    if stop is not None:
        dates[tr_noop("12 months off immunosuppression")] = add_months(
            stop, LIVE_VACCINE_MONTHS_OFF_IST
        )
    if ivig is not None:
        dates[tr_noop("8 months after last IVIG")] = add_months(
            ivig, LIVE_VACCINE_MONTHS_AFTER_IVIG
        )
    failing = [
        tr("{condition} (from {date})").format(condition=tr(name), date=when.isoformat())
        for name, when in dates.items()
        if now < when
    ]
    if on_ist:
        failing.append(tr("still on immunosuppression"))
    if gvhd:
        failing.append(tr("active GVHD"))
    eligible = not failing
    earliest = None if (on_ist or gvhd) else max(dates.values())
    rule = (
        tr(
            "Eligible: >= 24 months after HCT, >= 12 months off immunosuppression, >= 8 months "
            "since IVIG, no active GVHD."
        )
        if eligible
        else tr("Not eligible: {reasons}.").format(reasons="; ".join(failing))
    )
    return GradeResult(
        value=eligible,
        label=tr("eligible") if eligible else tr("not eligible"),
        criteria=tr_noop("Live-vaccine eligibility (2-1-8)"),
        version="IDSA 2013 (Rubin); 2-1-8 mnemonic unverified",
        inputs={
            "day0": d0,
            "today": now,
            "on_immunosuppression": on_ist,
            "ist_stop_date": stop,
            "last_ivig_date": ivig,
            "active_gvhd": gvhd,
        },
        deciding_rule=rule,
        components={"earliest_date": earliest},
    )
