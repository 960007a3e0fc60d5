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


def hct_ci_risk_group(score: int) -> str:
    """0 low, 1-2 intermediate, >=3 high."""
    return "low" if score == 0 else "intermediate" if score <= 2 else "high"


def hct_ci(items: Collection[str], age_years: float) -> GradeResult:
    """HCT-CI score (Sorror 2005) and the HCT-CI/age composite (+1 at age >= 40, Sorror 2014).

    ``items`` are keys of HCT_CI_WEIGHTS. Mutually exclusive pairs count once, at
    the higher weight. ``value`` is the score; ``components`` has score,
    risk_group, hct_ci_age and the items counted.
    """
    if isinstance(items, str):
        raise ValidationError("items", "HCT-CI items must be a collection of item names.")
    unknown = sorted(set(items) - HCT_CI_WEIGHTS.keys())
    if unknown:
        raise ValidationError(
            "items",
            f"Unknown HCT-CI item(s) {', '.join(unknown)}; use: {', '.join(HCT_CI_WEIGHTS)}.",
        )
    age = require_number("age_years", age_years, 0.0, 120.0, "years", what="Age")
    counted = set(items)
    notes: list[str] = []
    for lower, higher in HCT_CI_EXCLUSIVE:
        if lower in counted and higher in counted:
            counted.discard(lower)
            notes.append(f"{lower} and {higher} are exclusive: only {higher} counted.")
    ordered = [k for k in HCT_CI_WEIGHTS if k in counted]
    score = sum(HCT_CI_WEIGHTS[k] for k in ordered)
    group = hct_ci_risk_group(score)
    age_point = 1 if age >= HCT_CI_AGE_THRESHOLD else 0
    composite = score + age_point
    summed = " + ".join(f"{k} {HCT_CI_WEIGHTS[k]}" for k in ordered) or "no comorbidity"
    rule = (
        f"Score {score} ({summed}): {group} risk (0 low, 1-2 intermediate, >=3 high); "
        f"HCT-CI/age {composite} (age {age:g} {'>=' if age_point else '<'} 40)."
    )
    return GradeResult(
        value=score,
        label=f"{score} ({group}); HCT-CI/age {composite}",
        criteria="HCT-CI with age composite",
        version="Sorror 2005 (Blood 106:2912); age composite Sorror 2014 (unverified)",
        inputs={"items": tuple(sorted(items)), "age_years": age},
        deciding_rule=rule,
        notes=tuple(notes),
        components={
            "score": score,
            "risk_group": group,
            "hct_ci_age": composite,
            "counted": tuple(ordered),
        },
    )


# --- performance status (Karnofsky; Lansky) --------------------------------------------

LANSKY_MAX_AGE: Final = 16  # Lansky below 16 years (CIBMTR convention, unverified)

KARNOFSKY: Final[dict[int, str]] = {
    100: "normal, no complaints, no evidence of disease",
    90: "able to carry on normal activity; minor signs or symptoms",
    80: "normal activity with effort; some signs or symptoms",
    70: "cares for self; unable to carry on normal activity or active work",
    60: "requires occasional assistance but able to care for most needs",
    50: "requires considerable assistance and frequent medical care",
    40: "disabled; requires special care and assistance",
    30: "severely disabled; hospitalisation indicated",
    20: "very sick; active supportive treatment necessary",
    10: "moribund",
    0: "dead",
}
LANSKY: Final[dict[int, str]] = {
    100: "fully active, normal",
    90: "minor restrictions in strenuous physical activity",
    80: "active, but tires more quickly",
    70: "greater restriction of play and less time spent in play activity",
    60: "up and around, but active play minimal; keeps busy with quieter activities",
    50: "lying around much of the day, no active play; participates in quiet play",
    40: "mainly in bed; participates in quiet activities",
    30: "in bed; needs assistance even for quiet play",
    20: "sleeping often; play entirely limited to very passive activities",
    10: "does not play; does not get out of bed",
    0: "unresponsive",
}


def performance_status(score: int, age_years: float) -> GradeResult:
    """Karnofsky (age >= 16) or Lansky (age < 16) score, 0-100 in steps of 10."""
    age = require_number("age_years", age_years, 0.0, 120.0, "years", what="Age")
    lansky = age < LANSKY_MAX_AGE
    scale = "Lansky" if lansky else "Karnofsky"
    value = require_int("performance_score", score, 0, 100, what=f"{scale} score")
    if value % 10:
        raise ValidationError(
            "performance_score",
            f"{scale} score {value} is not on the scale; use 0 to 100 in steps of 10.",
        )
    text = (LANSKY if lansky else KARNOFSKY)[value]
    return GradeResult(
        value=value,
        label=f"{'Lansky' if lansky else 'KPS'} {value}",
        criteria=f"{scale} performance status",
        version="Karnofsky 1949; Lansky 1987 (under 16 years: CIBMTR convention, unverified)",
        inputs={"score": value, "age_years": age},
        deciding_rule=f"{scale} scale (age {age:g} {'<' if lansky else '>='} "
        f"{LANSKY_MAX_AGE}): {value} = {text}.",
    )


# --- conditioning intensity (Bacigalupo 2009; Giralt 2009; operational thresholds) ------


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
        unit: "cGy" or "Gy" for TBI, "mg/kg" for busulfan, "mg/m2" for melphalan, any
            unit for other agents (no threshold uses them).
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
            raise ValidationError("agent", "Each regimen component needs an agent name.")
        object.__setattr__(self, "agent", self.agent.strip().lower())
        require_number(
            "total_dose",
            self.total_dose,
            0.0,
            100_000.0,
            self.unit,
            what=f"{self.agent} total dose",
        )
        object.__setattr__(self, "route", require_choice("route", Route, self.route))
        require_int("fractions", self.fractions, 1, 30, what="TBI fractions")

    def tbi_cgy(self) -> float:
        """TBI dose in cGy (from cGy or Gy)."""
        unit = self.unit.strip().lower()
        if unit == "cgy":
            dose = self.total_dose
        elif unit == "gy":
            dose = self.total_dose * 100
        else:
            raise ValidationError("unit", f"TBI dose must be in cGy or Gy, not '{self.unit}'.")
        return require_number("tbi_dose", dose, 0.0, 2000.0, "cGy", what="TBI dose")


@dataclass(frozen=True)
class IntensityThresholds:
    """Operational MAC thresholds as commonly used in CIBMTR analyses (configurable;
    exact wording unverified)."""

    tbi_single_cgy: float = 500.0  # MAC at >= this dose in one fraction
    tbi_fractionated_cgy: float = 800.0  # MAC at >= this dose fractionated
    busulfan_iv_mg_kg: float = 7.2  # MAC above
    busulfan_oral_mg_kg: float = 9.0  # MAC above
    melphalan_mg_m2: float = 150.0  # MAC above, single agent
    nma_tbi_max_cgy: float = 200.0  # TBI at or below this (with or without Flu) is NMA


SEROTHERAPY: Final = frozenset({"atg", "alemtuzumab"})
NMA_AGENTS: Final = frozenset({"tbi", "fludarabine", "cyclophosphamide"}) | SEROTHERAPY


class Intensity(StrEnum):
    """Conditioning intensity categories."""

    MAC = "MAC"
    RIC = "RIC"
    NMA = "NMA"


def _dose_in(component: RegimenComponent, *units: str) -> float:
    unit = component.unit.strip().lower().replace("²", "2").replace(" ", "")
    if unit not in units:
        raise ValidationError(
            "unit",
            f"{component.agent} dose must be in {' or '.join(units)}, not '{component.unit}'.",
        )
    return component.total_dose


def _mac_reasons(
    components: Sequence[RegimenComponent], t: IntensityThresholds, notes: list[str]
) -> list[str]:
    reasons: list[str] = []
    agents = {c.agent for c in components}
    for c in components:
        if c.agent == "tbi":
            cgy = c.tbi_cgy()
            if c.fractions == 1 and cgy >= t.tbi_single_cgy:
                reasons.append(f"TBI {cgy:g} cGy single fraction >= {t.tbi_single_cgy:g}")
            elif c.fractions > 1 and cgy >= t.tbi_fractionated_cgy:
                reasons.append(
                    f"TBI {cgy:g} cGy in {c.fractions} fractions >= {t.tbi_fractionated_cgy:g}"
                )
        elif c.agent == "busulfan":
            dose = _dose_in(c, "mg/kg")
            limit = t.busulfan_iv_mg_kg if c.route is Route.IV else t.busulfan_oral_mg_kg
            if dose > limit:
                reasons.append(f"{c.route} busulfan {dose:g} mg/kg > {limit:g}")
        elif c.agent == "melphalan":
            dose = _dose_in(c, "mg/m2")
            if dose > t.melphalan_mg_m2:
                if agents - SEROTHERAPY == {"melphalan"}:
                    reasons.append(f"single-agent melphalan {dose:g} mg/m2 > {t.melphalan_mg_m2:g}")
                else:
                    notes.append(
                        f"Melphalan {dose:g} mg/m2 in combination: the MAC threshold is "
                        "for single-agent melphalan; clinician confirms."
                    )
    return reasons


def conditioning_intensity(
    components: Sequence[RegimenComponent],
    *,
    centre_intent: str | None = None,
    thresholds: IntensityThresholds | None = None,
) -> GradeResult:
    """Computed MAC | RIC | NMA from the regimen's agents and total doses.

    MAC: TBI >= 500 cGy single or >= 800 cGy fractionated, busulfan > 7.2 mg/kg IV
    (> 9 oral), or single-agent melphalan > 150 mg/m2. NMA: only TBI <= 200 cGy,
    fludarabine, cyclophosphamide and serotherapy, with TBI or Flu/Cy. Otherwise RIC.
    The centre's declared intent is stored beside the computed value.
    """
    t = thresholds or IntensityThresholds()
    if not components:
        raise ValidationError("components", "A regimen needs at least one component.")
    for c in components:
        if not isinstance(c, RegimenComponent):
            raise ValidationError("components", "Each component must be a RegimenComponent.")
    intent: Intensity | None = None
    if centre_intent is not None:
        try:
            intent = Intensity(str(centre_intent).strip().upper())
        except ValueError:
            raise ValidationError(
                "centre_intent", "Centre intent must be MAC, RIC or NMA."
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
                "NMA: TBI <= 200 cGy with or without fludarabine"
                if "tbi" in agents
                else "NMA: fludarabine/cyclophosphamide"
            ) + " (with or without serotherapy)."
        else:
            computed = Intensity.RIC
            rule = "RIC: no myeloablative threshold reached and not a nonmyeloablative combination."
    if intent is not None and intent is not computed:
        notes.append(f"Centre-declared intent {intent} differs from computed {computed}.")
    return GradeResult(
        value=computed.value,
        label=computed.value,
        criteria="Conditioning intensity (CIBMTR operational)",
        version="Bacigalupo 2009; Giralt 2009; operational thresholds (unverified, configurable)",
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
        raise ValidationError("today", "The assessment date is before Day 0.")
    if on_ist and stop is not None:
        raise ValidationError(
            "ist_stop_date", "Immunosuppression cannot be both ongoing and stopped."
        )
    dates = {"24 months after Day 0": add_months(d0, LIVE_VACCINE_MONTHS_AFTER_HCT)}
    if stop is not None:
        dates["12 months off immunosuppression"] = add_months(stop, LIVE_VACCINE_MONTHS_OFF_IST)
    if ivig is not None:
        dates["8 months after last IVIG"] = add_months(ivig, LIVE_VACCINE_MONTHS_AFTER_IVIG)
    failing = [f"{name} (from {when.isoformat()})" for name, when in dates.items() if now < when]
    if on_ist:
        failing.append("still on immunosuppression")
    if gvhd:
        failing.append("active GVHD")
    eligible = not failing
    earliest = None if (on_ist or gvhd) else max(dates.values())
    rule = (
        "Eligible: >= 24 months after HCT, >= 12 months off immunosuppression, >= 8 months "
        "since IVIG, no active GVHD."
        if eligible
        else f"Not eligible: {'; '.join(failing)}."
    )
    return GradeResult(
        value=eligible,
        label="eligible" if eligible else "not eligible",
        criteria="Live-vaccine eligibility (2-1-8)",
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
