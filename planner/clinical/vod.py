"""SOS/VOD diagnosis and EBMT 2016 severity (Mohty et al., Bone Marrow Transplant
2016;51:906-912; McDonald/Seattle and Jones/Baltimore criteria).

Diagnostic sets: modified Seattle (McDonald), Baltimore (Jones), EBMT 2016 adult
classical (within Day +21) and late onset (after Day +21). Severity: EBMT 2016 adult
grading (Mohty 2016) with the risk-factor upgrade. Each answer is a
:class:`planner.clinical.grading.GradeResult` naming the criteria set and the rule that decided.

Interpretations (documented because the sources are terse):
* Baltimore counts hepatomegaly whether or not painful ("usually painful" in Jones);
  EBMT 2016 counts *painful* hepatomegaly (hepatomegaly and RUQ pain).
* Modified Seattle "hepatomegaly or/with RUQ pain" is configurable (``seattle_rule``).
* Severity counts a criterion towards its own column and every milder one, then takes
  the most severe column with at least 2 criteria (see ``vod_severity_ebmt2016``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from planner.clinical.grading import (
    MAX_BILIRUBIN_MG_DL,
    GradeResult,
    require_bool,
    require_choice,
    require_int,
    require_number,
)
from planner.errors import ValidationError

MIN_DAY: Final = -30
MAX_DAY: Final = 3650


class VodCriteria(StrEnum):
    """Diagnostic criteria sets."""

    MODIFIED_SEATTLE = "modified_seattle"
    BALTIMORE = "baltimore"
    EBMT_2016_ADULT = "ebmt_2016_adult"


_VERSIONS: Final = {
    VodCriteria.MODIFIED_SEATTLE: ("SOS/VOD modified Seattle", "McDonald 1993 (modified)"),
    VodCriteria.BALTIMORE: ("SOS/VOD Baltimore", "Jones 1987"),
    VodCriteria.EBMT_2016_ADULT: ("SOS/VOD EBMT adult", "2016 (Mohty et al., BMT 2016;51:906)"),
}

SEATTLE_LAST_DAY: Final = 20
BALTIMORE_LAST_DAY: Final = 21
EBMT_CLASSICAL_LAST_DAY: Final = 21


def vod_diagnosis(
    criteria_set: str | VodCriteria,
    *,
    day: int,
    bilirubin_mg_dl: float,
    hepatomegaly: bool = False,
    ruq_pain: bool = False,
    weight_gain_pct: float = 0.0,
    ascites: bool = False,
    imaging_evidence: bool = False,
    histology: bool = False,
    seattle_rule: str = "or",
) -> GradeResult:
    """Whether SOS/VOD criteria are met (value True/False) under ``criteria_set``.

    Args:
        day: transplant day of the assessment (Day 0 = infusion).
        bilirubin_mg_dl: total bilirubin (use planner.clinical.grading.bilirubin_mg_dl to convert).
        hepatomegaly, ruq_pain: findings; "painful hepatomegaly" is both.
        weight_gain_pct: weight above baseline in percent.
        ascites: clinical ascites.
        imaging_evidence: haemodynamic or ultrasound evidence (hepatomegaly, ascites,
            decreased velocity or reversal of portal flow), for EBMT late onset.
        histology: histologically proven SOS/VOD (EBMT late onset).
        seattle_rule: "or" (hepatomegaly or RUQ pain) or "with" (both) for modified Seattle.
    """
    chosen = require_choice("criteria_set", VodCriteria, criteria_set)
    d = require_int("day", day, MIN_DAY, MAX_DAY, what="Transplant day")
    bili = require_number(
        "bilirubin", bilirubin_mg_dl, 0.0, MAX_BILIRUBIN_MG_DL, "mg/dL", what="Bilirubin"
    )
    weight = require_number(
        "weight_gain_pct", weight_gain_pct, -50.0, 100.0, "%", what="Weight gain"
    )
    flags = {
        "hepatomegaly": hepatomegaly,
        "ruq_pain": ruq_pain,
        "ascites": ascites,
        "imaging_evidence": imaging_evidence,
        "histology": histology,
    }
    for name, flag in flags.items():
        require_bool(name, flag)
    if seattle_rule not in ("or", "with"):
        raise ValidationError("seattle_rule", "Seattle hepatomegaly rule must be 'or' or 'with'.")
    inputs: dict[str, object] = {
        "day": d,
        "bilirubin_mg_dl": bili,
        "weight_gain_pct": weight,
        **flags,
    }
    if chosen is VodCriteria.MODIFIED_SEATTLE:
        inputs["seattle_rule"] = seattle_rule
        met, rule = _seattle(d, bili, hepatomegaly, ruq_pain, weight, seattle_rule)
    elif chosen is VodCriteria.BALTIMORE:
        met, rule = _baltimore(d, bili, hepatomegaly, weight, ascites)
    else:
        met, rule = _ebmt2016(
            d, bili, hepatomegaly and ruq_pain, weight, ascites, imaging_evidence, histology
        )
    criteria, version = _VERSIONS[chosen]
    return GradeResult(
        value=met,
        label="criteria met" if met else "criteria not met",
        criteria=criteria,
        version=version,
        inputs=inputs,
        deciding_rule=rule,
    )


def _seattle(
    day: int, bili: float, hepatomegaly: bool, pain: bool, weight: float, rule: str
) -> tuple[bool, str]:
    liver = (hepatomegaly or pain) if rule == "or" else (hepatomegaly and pain)
    found = [
        name
        for name, ok in (
            ("bilirubin >2 mg/dL", bili > 2.0),
            (f"hepatomegaly {rule} RUQ pain", liver),
            ("weight gain >2%", weight > 2.0),
        )
        if ok
    ]
    if day > SEATTLE_LAST_DAY:
        return False, f"Not met: Day {day:+d} is beyond Day +{SEATTLE_LAST_DAY}."
    if len(found) >= 2:
        return True, f"Met: {len(found)} of 3 by Day +{SEATTLE_LAST_DAY} ({'; '.join(found)})."
    return False, f"Not met: {len(found)} of 3 criteria (2 needed)" + (
        f" ({'; '.join(found)})." if found else "."
    )


def _baltimore(
    day: int, bili: float, hepatomegaly: bool, weight: float, ascites: bool
) -> tuple[bool, str]:
    if day > BALTIMORE_LAST_DAY:
        return False, f"Not met: Day {day:+d} is beyond Day +{BALTIMORE_LAST_DAY}."
    if bili < 2.0:
        return False, "Not met: bilirubin <2 mg/dL (bilirubin >=2 is required)."
    found = [
        name
        for name, ok in (
            ("hepatomegaly", hepatomegaly),
            ("weight gain >5%", weight > 5.0),
            ("ascites", ascites),
        )
        if ok
    ]
    if len(found) >= 2:
        return True, f"Met: bilirubin >=2 mg/dL plus {'; '.join(found)}."
    return (
        False,
        f"Not met: bilirubin >=2 mg/dL but only {len(found)} of 3 other criteria (2 needed).",
    )


def _ebmt2016(
    day: int,
    bili: float,
    painful_hepatomegaly: bool,
    weight: float,
    ascites: bool,
    imaging: bool,
    histology: bool,
) -> tuple[bool, str]:
    others = [
        name
        for name, ok in (
            ("painful hepatomegaly", painful_hepatomegaly),
            ("weight gain >5%", weight > 5.0),
            ("ascites", ascites),
        )
        if ok
    ]
    classical = bili >= 2.0 and len(others) >= 2
    if day <= EBMT_CLASSICAL_LAST_DAY:
        if classical:
            return True, f"Classical (by Day +21): bilirubin >=2 mg/dL plus {'; '.join(others)}."
        return False, (
            "Classical criteria not met by Day +21: bilirubin >=2 mg/dL plus 2 of painful "
            "hepatomegaly, weight gain >5%, ascites are required."
        )
    if classical:
        return True, f"Late onset: classical criteria beyond Day +21 ({'; '.join(others)})."
    if histology:
        return True, "Late onset: histologically proven SOS/VOD."
    found = (["bilirubin >=2 mg/dL"] if bili >= 2.0 else []) + others
    if len(found) >= 2 and imaging:
        return True, (f"Late onset: {'; '.join(found)} plus haemodynamic/ultrasound evidence.")
    if len(found) >= 2:
        return False, (
            f"Late onset not met: {'; '.join(found)} but no haemodynamic/ultrasound "
            "evidence or histology."
        )
    return False, f"Late onset not met: {len(found)} of 4 criteria (2 needed with imaging)."


# --- EBMT 2016 severity (Mohty et al. 2016) --------------------------------------------

SEVERITY_CRITERIA: Final = "SOS/VOD severity EBMT adult"
SEVERITY_VERSION: Final = "2016 (Mohty et al., BMT 2016;51:906-912)"
VOD_SEVERITIES: Final = ("mild", "moderate", "severe", "very severe")
_MILD, _MODERATE, _SEVERE, _VERY_SEVERE = range(4)


def _level(
    value: float, moderate: float, severe: float, very: float, *, strict: bool = False
) -> int:
    """Column of a value with thresholds at moderate/severe/very severe (>= or > if strict)."""
    reached = [value > t if strict else value >= t for t in (moderate, severe, very)]
    return sum(reached)


def vod_severity_ebmt2016(
    *,
    time_since_onset_days: int,
    bilirubin_mg_dl: float,
    bilirubin_doubled_48h: bool,
    transaminase_x_uln: float,
    weight_gain_pct: float,
    creatinine_x_baseline: float,
    mod_mof: bool,
    n_risk_factors: int = 0,
) -> GradeResult:
    """EBMT 2016 adult SOS/VOD severity: mild | moderate | severe | very severe.

    Each parameter is placed in its column (time >7 d / 5-7 / <=4; bilirubin <3 / 3-<5 /
    5-<8 / >=8 mg/dL; doubling in 48 h severe; transaminases <=2 / >2-5 / >5-8 / >8 x ULN;
    weight <5 / 5-<10 (moderate and severe) / >=10 %; creatinine <1.2 / 1.2-<1.5 / 1.5-<2 /
    >=2 x baseline). The result is the most severe column with >=2 criteria, counting
    a criterion also towards milder columns; weight 5-<10 % alone cannot make "severe".
    Any MOD/MOF -> very severe. With >=2 risk factors mild -> moderate, moderate -> severe.
    (The weight-gain row and the classification rules are unverified against the
    original Mohty 2016 table: confirm before release.)
    """
    days = require_int(
        "time_since_onset_days",
        time_since_onset_days,
        0,
        365,
        what="Time since first symptoms (days)",
    )
    bili = require_number(
        "bilirubin", bilirubin_mg_dl, 0.0, MAX_BILIRUBIN_MG_DL, "mg/dL", what="Bilirubin"
    )
    doubled = require_bool("bilirubin_doubled_48h", bilirubin_doubled_48h)
    trans = require_number(
        "transaminase_x_uln", transaminase_x_uln, 0.0, 200.0, "x ULN", what="Transaminases"
    )
    weight = require_number(
        "weight_gain_pct", weight_gain_pct, -50.0, 100.0, "%", what="Weight gain"
    )
    creat = require_number(
        "creatinine_x_baseline", creatinine_x_baseline, 0.1, 20.0, "x baseline", what="Creatinine"
    )
    mof = require_bool("mod_mof", mod_mof)
    risk = require_int("n_risk_factors", n_risk_factors, 0, 20, what="Number of risk factors")
    inputs = {
        "time_since_onset_days": days,
        "bilirubin_mg_dl": bili,
        "bilirubin_doubled_48h": doubled,
        "transaminase_x_uln": trans,
        "weight_gain_pct": weight,
        "creatinine_x_baseline": creat,
        "mod_mof": mof,
        "n_risk_factors": risk,
    }
    levels: dict[str, int] = {
        "time since onset": _SEVERE if days <= 4 else _MODERATE if days <= 7 else _MILD,
        "bilirubin": _level(bili, 3.0, 5.0, 8.0),
        "transaminases": _level(trans, 2.0, 5.0, 8.0, strict=True),
        "weight": _VERY_SEVERE if weight >= 10 else _SEVERE if weight >= 5 else _MILD,
        "creatinine": _level(creat, 1.2, 1.5, 2.0),
    }
    if doubled:
        levels["bilirubin doubling in 48 h"] = _SEVERE
    notes: list[str] = []
    if mof:
        grade, rule = _VERY_SEVERE, "Very severe: multi-organ dysfunction/failure present."
    else:
        grade, rule = _MILD, "Mild: fewer than 2 criteria in any more severe column."
        for level in (_VERY_SEVERE, _SEVERE, _MODERATE):
            met = sorted(k for k, v in levels.items() if v >= level)
            if len(met) >= 2:
                grade = level
                rule = (
                    f"{VOD_SEVERITIES[level].capitalize()}: {len(met)} criteria at this "
                    f"severity or worse ({', '.join(met)})."
                )
                break
        if levels["weight"] == _SEVERE and grade == _MODERATE:
            notes.append("Weight gain 5-<10% counts as severe only with another severe criterion.")
        if risk >= 2 and grade in (_MILD, _MODERATE):
            notes.append(
                f"{risk} risk factors: upgraded from {VOD_SEVERITIES[grade]} "
                f"to {VOD_SEVERITIES[grade + 1]}."
            )
            rule += f" Upgraded one grade for {risk} risk factors."
            grade += 1
    return GradeResult(
        value=VOD_SEVERITIES[grade],
        label=VOD_SEVERITIES[grade],
        criteria=SEVERITY_CRITERIA,
        version=SEVERITY_VERSION,
        inputs=inputs,
        deciding_rule=rule,
        notes=tuple(notes),
        components={"levels": {k: VOD_SEVERITIES[v] for k, v in levels.items()}},
        rank=grade,
    )
