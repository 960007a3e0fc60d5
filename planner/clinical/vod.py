"""SOS/VOD diagnosis and EBMT 2016 severity (Mohty et al., Bone Marrow Transplant
2016;51:906-912; McDonald/Seattle and Jones/Baltimore criteria).

Diagnostic sets: modified Seattle (McDonald), Baltimore (Jones), EBMT 2016 adult
classical (within Day +21) and late onset (after Day +21) (``vod_diagnosis``); the
refined EBMT 2023 adult criteria, probable / clinical / proven (Mohty et al., Bone Marrow
Transplant 2023;58:749-754; ``vod_diagnosis_ebmt2023``); the EBMT 2018 paediatric criteria
(Corbacioglu et al., Bone Marrow Transplant 2018;53:138-145; ``vod_diagnosis_paediatric``).
Severity: EBMT 2016 adult grading (Mohty 2016) with the risk-factor upgrade. Each answer
is a :class:`planner.clinical.grading.GradeResult` naming the criteria set, the criteria
met (``components["criteria_met"]``) and the rule that decided.

A bilirubin is graded in the unit it was entered in (:class:`Bilirubin`): EBMT prints
2 mg/dL as 34 µmol/L (Mohty 2016) and the severity columns in both units.

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
    Bilirubin,
    BilirubinCutoff,
    GradeResult,
    given_bilirubin,
    require_bool,
    require_choice,
    require_int,
    require_number,
)
from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import format_number
from planner.errors import ValidationError

MIN_DAY: Final = -30


def _fmt(value: float | None) -> str:
    """A number for a rule ("10", "12.5"); "not measured" for None."""
    return tr("not measured") if value is None else format_number(value)


MAX_DAY: Final = 3650

# Bilirubin cut-offs in both units. EBMT prints ">= 2 mg/dL (or 34 µmol/L)" (Mohty et al.,
# Bone Marrow Transplant 2016;51:906-912, Table 1). Seattle (McDonald 1993) and Baltimore
# (Jones 1987) give mg/dL only; their SI value is 2 x 17.1 = 34.2 µmol/L, as tabulated in
# World J Gastroenterol 2019;25:3753-3763 (Table 2).
EBMT_BILIRUBIN: Final = BilirubinCutoff(mg_dl=2.0, umol_l=34.0)
SEATTLE_BILIRUBIN: Final = BilirubinCutoff(mg_dl=2.0, umol_l=34.2)
BALTIMORE_BILIRUBIN: Final = BilirubinCutoff(mg_dl=2.0, umol_l=34.2)


class VodCriteria(StrEnum):
    """Diagnostic criteria sets of ``vod_diagnosis``."""

    MODIFIED_SEATTLE = "modified_seattle"
    BALTIMORE = "baltimore"
    EBMT_2016_ADULT = "ebmt_2016_adult"


EBMT2016_CRITERIA: Final = tr_noop("SOS/VOD EBMT adult")
EBMT2016_VERSION: Final = "2016 (Mohty et al., BMT 2016;51:906-912)"

_VERSIONS: Final = {
    VodCriteria.MODIFIED_SEATTLE: ("SOS/VOD modified Seattle", "McDonald 1993 (modified)"),
    VodCriteria.BALTIMORE: ("SOS/VOD Baltimore", "Jones 1987"),
    VodCriteria.EBMT_2016_ADULT: (EBMT2016_CRITERIA, EBMT2016_VERSION),
}

SEATTLE_LAST_DAY: Final = 20
BALTIMORE_LAST_DAY: Final = 21
EBMT_CLASSICAL_LAST_DAY: Final = 21
WEIGHT_GAIN_PCT: Final = 5.0  # "weight gain > 5%" (Baltimore, EBMT adult and paediatric)


def _weight(weight_gain_pct: object) -> float:
    return require_number(
        "weight_gain_pct", weight_gain_pct, -50.0, 100.0, "%", what=tr_noop("Weight gain")
    )


def _flags(**flags: object) -> dict[str, bool]:
    return {name: require_bool(name, flag) for name, flag in flags.items()}


def vod_diagnosis(
    criteria_set: str | VodCriteria,
    *,
    day: int,
    bilirubin_mg_dl: float | None = None,
    bilirubin: float | Bilirubin | None = None,
    bilirubin_unit: str = "mg/dL",
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
        day: transplant day of onset (Day 0 = infusion): EBMT 2016 "classical" is within
            21 days, "late onset" after.
        bilirubin, bilirubin_unit: total bilirubin as entered ("mg/dL" or "µmol/L"),
            compared with the cut-off published for that unit; or ``bilirubin_mg_dl``
            (the older keyword, mg/dL). Exactly one is required.
        hepatomegaly, ruq_pain: findings; "painful hepatomegaly" is both.
        weight_gain_pct: weight above baseline in percent.
        ascites: clinical ascites.
        imaging_evidence: haemodynamic or ultrasound evidence (hepatomegaly, ascites,
            decreased velocity or reversal of portal flow), for EBMT late onset.
        histology: histologically proven SOS/VOD (EBMT late onset).
        seattle_rule: "or" (hepatomegaly or RUQ pain) or "with" (both) for modified Seattle.
    """
    chosen = require_choice("criteria_set", VodCriteria, criteria_set)
    d = require_int("day", day, MIN_DAY, MAX_DAY, what=tr_noop("Transplant day"))
    bili = given_bilirubin(bilirubin, bilirubin_unit, bilirubin_mg_dl)
    weight = _weight(weight_gain_pct)
    flags = _flags(
        hepatomegaly=hepatomegaly,
        ruq_pain=ruq_pain,
        ascites=ascites,
        imaging_evidence=imaging_evidence,
        histology=histology,
    )
    if seattle_rule not in ("or", "with"):
        raise ValidationError(
            "seattle_rule", tr("Seattle hepatomegaly rule must be 'or' or 'with'.")
        )
    inputs: dict[str, object] = {
        "day": d,
        bili.input_key: bili.value,
        "weight_gain_pct": weight,
        **flags,
    }
    if chosen is VodCriteria.MODIFIED_SEATTLE:
        inputs["seattle_rule"] = seattle_rule
        met, rule, found = _seattle(d, bili, hepatomegaly, ruq_pain, weight, seattle_rule)
    elif chosen is VodCriteria.BALTIMORE:
        met, rule, found = _baltimore(d, bili, hepatomegaly, weight, ascites)
    else:
        met, rule, found = _ebmt2016(
            d, bili, hepatomegaly and ruq_pain, weight, ascites, imaging_evidence, histology
        )
    criteria, version = _VERSIONS[chosen]
    return GradeResult(
        value=met,
        label=tr("criteria met") if met else tr("criteria not met"),
        criteria=criteria,
        version=version,
        inputs=inputs,
        deciding_rule=rule,
        components={"criteria_met": tuple(found)},
        rank=int(met),
    )


def _seattle(
    day: int, bili: Bilirubin, hepatomegaly: bool, pain: bool, weight: float, rule: str
) -> tuple[bool, str, list[str]]:
    liver = (hepatomegaly or pain) if rule == "or" else (hepatomegaly and pain)
    found = [
        name
        for name, ok in (
            (bili.compared(SEATTLE_BILIRUBIN, strict=True), bili.above(SEATTLE_BILIRUBIN)),
            (
                tr("hepatomegaly or RUQ pain")
                if rule == "or"
                else tr("hepatomegaly with RUQ pain"),
                liver,
            ),
            (tr("weight gain >2%"), weight > 2.0),
        )
        if ok
    ]
    if day > SEATTLE_LAST_DAY:
        return False, _beyond(day, SEATTLE_LAST_DAY), found
    if len(found) >= 2:
        return (
            True,
            tr("Met: {n} of 3 by Day +{last} ({found}).").format(
                n=len(found), last=SEATTLE_LAST_DAY, found="; ".join(found)
            ),
            found,
        )
    return False, _not_met(found, 3), found


def _beyond(day: int, last: int) -> str:
    return tr("Not met: Day {day} is beyond Day +{last}.").format(day=f"{day:+d}", last=last)


def _not_met(found: list[str], of: int) -> str:
    """ "Not met: 1 of 3 criteria (2 needed) (ascites)."."""
    if found:
        return tr("Not met: {n} of {of} criteria (2 needed) ({found}).").format(
            n=len(found), of=of, found="; ".join(found)
        )
    return tr("Not met: {n} of {of} criteria (2 needed).").format(n=0, of=of)


def _baltimore(
    day: int, bili: Bilirubin, hepatomegaly: bool, weight: float, ascites: bool
) -> tuple[bool, str, list[str]]:
    others = [
        name
        for name, ok in (
            (tr("hepatomegaly"), hepatomegaly),
            (tr("weight gain >5%"), weight > WEIGHT_GAIN_PCT),
            (tr("ascites"), ascites),
        )
        if ok
    ]
    found = [bili.compared(BALTIMORE_BILIRUBIN)] if bili.at_least(BALTIMORE_BILIRUBIN) else []
    found += others
    if day > BALTIMORE_LAST_DAY:
        return False, _beyond(day, BALTIMORE_LAST_DAY), found
    if not bili.at_least(BALTIMORE_BILIRUBIN):
        cut = BALTIMORE_BILIRUBIN.text(bili.unit)
        return (
            False,
            tr(
                "Not met: bilirubin <{cut} ({value} entered; bilirubin >={cut} is required)."
            ).format(cut=cut, value=bili.text),
            found,
        )
    if len(others) >= 2:
        return (
            True,
            tr("Met: {bilirubin} plus {others}.").format(
                bilirubin=bili.compared(BALTIMORE_BILIRUBIN), others="; ".join(others)
            ),
            found,
        )
    return (
        False,
        tr("Not met: {bilirubin} but only {n} of 3 other criteria (2 needed).").format(
            bilirubin=bili.compared(BALTIMORE_BILIRUBIN), n=len(others)
        ),
        found,
    )


def _ebmt2016(
    day: int,
    bili: Bilirubin,
    painful_hepatomegaly: bool,
    weight: float,
    ascites: bool,
    imaging: bool,
    histology: bool,
) -> tuple[bool, str, list[str]]:
    others = [
        name
        for name, ok in (
            (tr("painful hepatomegaly"), painful_hepatomegaly),
            (tr("weight gain >5%"), weight > WEIGHT_GAIN_PCT),
            (tr("ascites"), ascites),
        )
        if ok
    ]
    high = bili.at_least(EBMT_BILIRUBIN)
    found = ([bili.compared(EBMT_BILIRUBIN)] if high else []) + others
    classical = high and len(others) >= 2
    if day <= EBMT_CLASSICAL_LAST_DAY:
        if classical:
            return (
                True,
                tr("Classical (onset by Day +21): {bilirubin} plus {others}.").format(
                    bilirubin=bili.compared(EBMT_BILIRUBIN), others="; ".join(others)
                ),
                found,
            )
        return (
            False,
            tr(
                "Classical criteria not met (onset Day {day}, by Day +21): bilirubin >= "
                "{cut} plus 2 of painful hepatomegaly, weight gain "
                ">5%, ascites are required ({bilirubin}; {n} of the 3 others)."
            ).format(
                day=f"{day:+d}",
                cut=EBMT_BILIRUBIN.text(bili.unit),
                bilirubin=bili.compared(EBMT_BILIRUBIN),
                n=len(others),
            ),
            found,
        )
    if classical:
        return (
            True,
            tr("Late onset (Day {day}): classical criteria beyond Day +21 ({found}).").format(
                day=f"{day:+d}", found="; ".join(found)
            ),
            found,
        )
    if histology:
        return True, tr("Late onset: histologically proven SOS/VOD."), [*found, tr("histology")]
    if len(found) >= 2 and imaging:
        return (
            True,
            tr("Late onset (Day {day}): {found} plus haemodynamic/ultrasound evidence.").format(
                day=f"{day:+d}", found="; ".join(found)
            ),
            [*found, tr("haemodynamic/ultrasound evidence")],
        )
    if len(found) >= 2:
        return (
            False,
            tr(
                "Late onset not met: {found} but no haemodynamic/ultrasound evidence or histology."
            ).format(found="; ".join(found)),
            found,
        )
    if found:
        rule = tr("Late onset not met: {n} of 4 criteria (2 needed with imaging) ({found}).")
    else:
        rule = tr("Late onset not met: {n} of 4 criteria (2 needed with imaging).")
    return False, rule.format(n=len(found), found="; ".join(found)), found


# --- EBMT 2023 refined adult criteria (Mohty et al., BMT 2023;58:749-754) ---------------
#
# Probable: >= 2 of bilirubin >= 2 mg/dL (34 µmol/L), painful hepatomegaly, weight gain
# > 5%, ascites, ultrasound and/or elastography suggestive of SOS/VOD. Clinical: bilirubin
# >= 2 mg/dL and 2 of painful hepatomegaly, weight gain > 5%, ascites. Proven: histology,
# or haemodynamically (hepatic venous pressure gradient >= 10 mmHg). No time limit: onset
# by Day +21 is "classical", later "late onset". The signs must not be attributable to
# another cause. (Criteria as tabulated by Mohty in the EBMT Handbook, 8th ed., 2024,
# chapter 49, Table 49.2.)

EBMT2023_CRITERIA: Final = tr_noop("SOS/VOD EBMT 2023 refined adult")
EBMT2023_VERSION: Final = "2023 (Mohty et al., BMT 2023;58:749-754)"
EBMT2023_CATEGORIES: Final = ("not met", "probable", "clinical", "proven")
_EBMT2023_LABELS: Final = (
    tr_noop("criteria not met"),
    tr_noop("probable SOS/VOD"),
    tr_noop("clinical SOS/VOD"),
    tr_noop("proven SOS/VOD"),
)
HVPG_PROVEN_MMHG: Final = 10.0


def vod_diagnosis_ebmt2023(
    *,
    bilirubin: float | Bilirubin,
    bilirubin_unit: str = "mg/dL",
    painful_hepatomegaly: bool = False,
    weight_gain_pct: float,
    ascites: bool = False,
    ultrasound_or_elastography: bool = False,
    histology: bool = False,
    hvpg_mmhg: float | None = None,
    onset_day: int | None = None,
) -> GradeResult:
    """Refined EBMT 2023 adult SOS/VOD diagnosis: "proven", "clinical", "probable" or
    "not met" (``rank`` 3, 2, 1, 0).

    Args:
        bilirubin, bilirubin_unit: total bilirubin as entered (>= 2 mg/dL or >= 34 µmol/L).
        painful_hepatomegaly: hepatomegaly with right upper quadrant pain.
        weight_gain_pct: weight above baseline in percent (> 5% counts).
        ascites: ascites.
        ultrasound_or_elastography: ultrasound (e.g. HokUS-10) and/or elastography
            suggestive of SOS/VOD.
        histology: histologically proven SOS/VOD.
        hvpg_mmhg: hepatic venous pressure gradient if measured (>= 10 mmHg: proven).
        onset_day: transplant day of onset, if known: names it classical (by Day +21)
            or late onset; it does not change the category.
    """
    bili = given_bilirubin(bilirubin, bilirubin_unit, None)
    weight = _weight(weight_gain_pct)
    flags = _flags(
        painful_hepatomegaly=painful_hepatomegaly,
        ascites=ascites,
        ultrasound_or_elastography=ultrasound_or_elastography,
        histology=histology,
    )
    hvpg = (
        None
        if hvpg_mmhg is None
        else require_number("hvpg_mmhg", hvpg_mmhg, 0.0, 60.0, "mmHg", what=tr_noop("HVPG"))
    )
    onset = (
        None
        if onset_day is None
        else require_int("onset_day", onset_day, MIN_DAY, MAX_DAY, what=tr_noop("Day of onset"))
    )
    high = bili.at_least(EBMT_BILIRUBIN)
    clinical_signs = [
        name
        for name, ok in (
            (tr("painful hepatomegaly"), painful_hepatomegaly),
            (tr("weight gain >5%"), weight > WEIGHT_GAIN_PCT),
            (tr("ascites"), ascites),
        )
        if ok
    ]
    probable = ([bili.compared(EBMT_BILIRUBIN)] if high else []) + clinical_signs
    if ultrasound_or_elastography:
        probable.append(tr("ultrasound/elastography suggestive of SOS/VOD"))
    proof = [
        name
        for name, ok in (
            (tr("histologically proven"), histology),
            (
                tr("HVPG {value} mmHg >= {cut} mmHg").format(
                    value=_fmt(hvpg), cut=_fmt(HVPG_PROVEN_MMHG)
                ),
                hvpg is not None and hvpg >= HVPG_PROVEN_MMHG,
            ),
        )
        if ok
    ]
    if proof:
        category = 3
        rule = tr("Proven SOS/VOD: {proof}.").format(proof=tr(" and ").join(proof))
    elif high and len(clinical_signs) >= 2:
        category = 2
        rule = tr("Clinical SOS/VOD: {bilirubin} plus {signs}.").format(
            bilirubin=bili.compared(EBMT_BILIRUBIN), signs="; ".join(clinical_signs)
        )
    elif len(probable) >= 2:
        category = 1
        rule = tr("Probable SOS/VOD: {n} of 5 criteria ({found}).").format(
            n=len(probable), found="; ".join(probable)
        )
    else:
        category = 0
        rule = (
            tr("Not met: {n} of 5 probable criteria (2 needed) ({found}); {bilirubin}.")
            if probable
            else tr("Not met: {n} of 5 probable criteria (2 needed); {bilirubin}.")
        ).format(
            n=len(probable), found="; ".join(probable), bilirubin=bili.compared(EBMT_BILIRUBIN)
        )
    if category == 1 and high:
        rule += tr(" Clinical needs 2 of painful hepatomegaly, weight gain >5%, ascites.")
    elif category == 1:
        rule += tr(" Clinical needs bilirubin >= {cut} ({value}).").format(
            cut=EBMT_BILIRUBIN.text(bili.unit), value=bili.text
        )
    timing = ""
    if onset is not None and category:
        timing = (
            tr(" (classical, onset by Day +21)")
            if onset <= EBMT_CLASSICAL_LAST_DAY
            else tr(" (late onset, after Day +21)")
        )
    label = tr(_EBMT2023_LABELS[category])
    inputs: dict[str, object] = {
        bili.input_key: bili.value,
        "weight_gain_pct": weight,
        **flags,
        "hvpg_mmhg": hvpg,
        "onset_day": onset,
    }
    return GradeResult(
        value=EBMT2023_CATEGORIES[category],
        label=label + timing,
        criteria=EBMT2023_CRITERIA,
        version=EBMT2023_VERSION,
        inputs=inputs,
        deciding_rule=rule,
        notes=(tr("The signs count only when not attributable to another cause."),),
        components={
            "criteria_met": tuple(probable + proof),
            "category": EBMT2023_CATEGORIES[category],
        },
        rank=category,
    )


# --- EBMT 2018 paediatric criteria (Corbacioglu et al., BMT 2018;53:138-145) ------------
#
# No limitation for time of onset; >= 2 of: unexplained consumptive and transfusion-
# refractory thrombocytopenia (>= 1 weight-adjusted platelet substitution a day to keep
# institutional transfusion guidelines); otherwise unexplained weight gain on 3 consecutive
# days despite diuretics, or weight gain > 5% above baseline; hepatomegaly above baseline
# (best confirmed by imaging); ascites above baseline (best confirmed by imaging); rising
# bilirubin from a baseline on 3 consecutive days, or bilirubin >= 2 mg/dL within 72 h.
# Other potential differential diagnoses excluded. Bilirubin is not obligatory.

PAEDIATRIC_CRITERIA: Final = tr_noop("SOS/VOD EBMT paediatric")
PAEDIATRIC_VERSION: Final = "2018 (Corbacioglu et al., BMT 2018;53:138-145)"


def vod_diagnosis_paediatric(
    *,
    refractory_thrombocytopenia: bool = False,
    weight_gain_3_days_despite_diuretics: bool = False,
    weight_gain_pct: float,
    hepatomegaly_above_baseline: bool = False,
    ascites_above_baseline: bool = False,
    bilirubin_rising_3_days: bool = False,
    bilirubin: float | Bilirubin,
    bilirubin_unit: str = "mg/dL",
) -> GradeResult:
    """EBMT 2018 paediatric SOS/VOD diagnosis (value True/False): >= 2 of 5 criteria.

    ``bilirubin`` is the highest total bilirubin within the last 72 h, as entered
    (>= 2 mg/dL or >= 34 µmol/L counts, as does a rise on 3 consecutive days).
    """
    bili = given_bilirubin(bilirubin, bilirubin_unit, None)
    weight = _weight(weight_gain_pct)
    flags = _flags(
        refractory_thrombocytopenia=refractory_thrombocytopenia,
        weight_gain_3_days_despite_diuretics=weight_gain_3_days_despite_diuretics,
        hepatomegaly_above_baseline=hepatomegaly_above_baseline,
        ascites_above_baseline=ascites_above_baseline,
        bilirubin_rising_3_days=bilirubin_rising_3_days,
    )
    weight_reasons = [
        text
        for text, ok in (
            (tr("on 3 consecutive days despite diuretics"), weight_gain_3_days_despite_diuretics),
            (
                tr("{value}% > 5% above baseline").format(value=_fmt(weight)),
                weight > WEIGHT_GAIN_PCT,
            ),
        )
        if ok
    ]
    bili_reasons = [
        text
        for text, ok in (
            (tr("rising on 3 consecutive days"), bilirubin_rising_3_days),
            (
                tr("{bilirubin} within 72 h").format(bilirubin=bili.compared(EBMT_BILIRUBIN)),
                bili.at_least(EBMT_BILIRUBIN),
            ),
        )
        if ok
    ]
    found = [
        name
        for name, ok in (
            (
                tr("consumptive transfusion-refractory thrombocytopenia"),
                refractory_thrombocytopenia,
            ),
            (
                tr("weight gain ({reasons})").format(reasons=tr(" and ").join(weight_reasons)),
                bool(weight_reasons),
            ),
            (tr("hepatomegaly above baseline"), hepatomegaly_above_baseline),
            (tr("ascites above baseline"), ascites_above_baseline),
            (
                tr("bilirubin ({reasons})").format(reasons=tr(" and ").join(bili_reasons)),
                bool(bili_reasons),
            ),
        )
        if ok
    ]
    met = len(found) >= 2
    if found:
        rule = (
            tr("Met: {n} of 5 criteria (2 needed, any time after HCT): {found}.")
            if met
            else tr("Not met: {n} of 5 criteria (2 needed, any time after HCT): {found}.")
        )
    else:
        rule = tr("Not met: {n} of 5 criteria (2 needed, any time after HCT).")
    rule = rule.format(n=len(found), found="; ".join(found))
    notes = [tr("Other potential differential diagnoses must be excluded.")]
    if met and not bili_reasons:
        notes.append(tr("Anicteric SOS/VOD: the paediatric criteria do not require bilirubin."))
    return GradeResult(
        value=met,
        label=tr("criteria met") if met else tr("criteria not met"),
        criteria=PAEDIATRIC_CRITERIA,
        version=PAEDIATRIC_VERSION,
        inputs={bili.input_key: bili.value, "weight_gain_pct": weight, **flags},
        deciding_rule=rule,
        notes=tuple(notes),
        components={"criteria_met": tuple(found)},
        rank=int(met),
    )


# --- EBMT 2016 severity (Mohty et al. 2016) --------------------------------------------

SEVERITY_CRITERIA: Final = tr_noop("SOS/VOD severity EBMT adult")
SEVERITY_VERSION: Final = "2016 (Mohty et al., BMT 2016;51:906-912)"
VOD_SEVERITIES: Final = ("mild", "moderate", "severe", "very severe")
_SEVERITY_LABELS: Final = (
    tr_noop("mild"),
    tr_noop("moderate"),
    tr_noop("severe"),
    tr_noop("very severe"),
)
_MILD, _MODERATE, _SEVERE, _VERY_SEVERE = range(4)
# The severity criteria as a rule names them.
_LEVEL_NAMES: Final = {
    "time since onset": tr_noop("time since onset"),
    "bilirubin": tr_noop("bilirubin"),
    "transaminases": tr_noop("transaminases"),
    "weight": tr_noop("weight"),
    "creatinine": tr_noop("creatinine"),
    "bilirubin doubling in 48 h": tr_noop("bilirubin doubling in 48 h"),
}


def _level(
    value: float, moderate: float, severe: float, very: float, *, strict: bool = False
) -> int:
    """Column of a value with thresholds at moderate/severe/very severe (>= or > if strict)."""
    reached = [value > t if strict else value >= t for t in (moderate, severe, very)]
    return sum(reached)


# Bilirubin columns of the severity table, as printed in both units (Mohty 2016, Table 2):
# mild >= 2 and < 3 mg/dL (>= 34 and < 51 µmol/L), moderate >= 3 and < 5 (>= 51 and < 85),
# severe >= 5 and < 8 (>= 85 and < 136), very severe >= 8 mg/dL (>= 136 µmol/L).
SEVERITY_BILIRUBIN: Final = (
    BilirubinCutoff(mg_dl=3.0, umol_l=51.0),
    BilirubinCutoff(mg_dl=5.0, umol_l=85.0),
    BilirubinCutoff(mg_dl=8.0, umol_l=136.0),
)


def _bilirubin_level(bili: Bilirubin) -> int:
    """Severity column of a bilirubin in its own unit (0 mild ... 3 very severe)."""
    return sum(bili.at_least(cut) for cut in SEVERITY_BILIRUBIN)


def _bilirubin_column_note(bili: Bilirubin, level: int) -> str:
    """ "Bilirubin 85 µmol/L: severe column (>= 85 and < 136 µmol/L)."."""
    unit = bili.unit
    cuts = [c.text(unit) for c in SEVERITY_BILIRUBIN]
    between = tr(">= {low} and < {high}")
    band = (
        f"< {cuts[0]}",
        between.format(low=cuts[0], high=cuts[1]),
        between.format(low=cuts[1], high=cuts[2]),
        f">= {cuts[2]}",
    )[level]
    return tr("Bilirubin {value}: {severity} column ({band}).").format(
        value=bili.text, severity=tr(_SEVERITY_LABELS[level]), band=band
    )


def vod_severity_ebmt2016(
    *,
    time_since_onset_days: int,
    bilirubin_mg_dl: float | None = None,
    bilirubin: float | Bilirubin | None = None,
    bilirubin_unit: str = "mg/dL",
    bilirubin_doubled_48h: bool,
    transaminase_x_uln: float,
    weight_gain_pct: float,
    creatinine_x_baseline: float,
    mod_mof: bool,
    n_risk_factors: int = 0,
) -> GradeResult:
    """EBMT 2016 adult SOS/VOD severity: mild | moderate | severe | very severe.

    Each parameter is placed in its column (time >7 d / 5-7 / <=4; bilirubin <3 / 3-<5 /
    5-<8 / >=8 mg/dL, or <51 / 51-<85 / 85-<136 / >=136 µmol/L, in the unit entered
    (``bilirubin`` with ``bilirubin_unit``, or the older ``bilirubin_mg_dl``); doubling in
    48 h severe; transaminases <=2 / >2-5 / >5-8 / >8 x ULN;
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
        what=tr_noop("Time since first symptoms (days)"),
    )
    bili = given_bilirubin(bilirubin, bilirubin_unit, bilirubin_mg_dl)
    doubled = require_bool("bilirubin_doubled_48h", bilirubin_doubled_48h)
    trans = require_number(
        "transaminase_x_uln", transaminase_x_uln, 0.0, 200.0, "x ULN", what=tr_noop("Transaminases")
    )
    weight = require_number(
        "weight_gain_pct", weight_gain_pct, -50.0, 100.0, "%", what=tr_noop("Weight gain")
    )
    creat = require_number(
        "creatinine_x_baseline",
        creatinine_x_baseline,
        0.1,
        20.0,
        "x baseline",
        what=tr_noop("Creatinine"),
    )
    mof = require_bool("mod_mof", mod_mof)
    risk = require_int(
        "n_risk_factors", n_risk_factors, 0, 20, what=tr_noop("Number of risk factors")
    )
    inputs = {
        "time_since_onset_days": days,
        bili.input_key: bili.value,
        "bilirubin_doubled_48h": doubled,
        "transaminase_x_uln": trans,
        "weight_gain_pct": weight,
        "creatinine_x_baseline": creat,
        "mod_mof": mof,
        "n_risk_factors": risk,
    }
    levels: dict[str, int] = {
        "time since onset": _SEVERE if days <= 4 else _MODERATE if days <= 7 else _MILD,
        "bilirubin": _bilirubin_level(bili),
        "transaminases": _level(trans, 2.0, 5.0, 8.0, strict=True),
        "weight": _VERY_SEVERE if weight >= 10 else _SEVERE if weight >= 5 else _MILD,
        "creatinine": _level(creat, 1.2, 1.5, 2.0),
    }
    if doubled:
        levels["bilirubin doubling in 48 h"] = _SEVERE
    notes: list[str] = [_bilirubin_column_note(bili, levels["bilirubin"])]
    if mof:
        grade, rule = _VERY_SEVERE, tr("Very severe: multi-organ dysfunction/failure present.")
    else:
        grade, rule = _MILD, tr("Mild: fewer than 2 criteria in any more severe column.")
        for level in (_VERY_SEVERE, _SEVERE, _MODERATE):
            met = sorted(k for k, v in levels.items() if v >= level)
            if len(met) >= 2:
                grade = level
                severity = tr(_SEVERITY_LABELS[level])
                rule = tr("{severity}: {n} criteria at this severity or worse ({met}).").format(
                    severity=severity[:1].upper() + severity[1:],
                    n=len(met),
                    met=", ".join(tr(_LEVEL_NAMES[k]) for k in met),
                )
                break
        if levels["weight"] == _SEVERE and grade == _MODERATE:
            notes.append(
                tr("Weight gain 5-<10% counts as severe only with another severe criterion.")
            )
        if risk >= 2 and grade in (_MILD, _MODERATE):
            notes.append(
                tr("{n} risk factors: upgraded from {before} to {after}.").format(
                    n=risk,
                    before=tr(_SEVERITY_LABELS[grade]),
                    after=tr(_SEVERITY_LABELS[grade + 1]),
                )
            )
            rule += tr(" Upgraded one grade for {n} risk factors.").format(n=risk)
            grade += 1
    return GradeResult(
        value=VOD_SEVERITIES[grade],
        label=tr(_SEVERITY_LABELS[grade]),
        criteria=SEVERITY_CRITERIA,
        version=SEVERITY_VERSION,
        inputs=inputs,
        deciding_rule=rule,
        notes=tuple(notes),
        components={"levels": {k: VOD_SEVERITIES[v] for k, v in levels.items()}},
        rank=grade,
    )
