"""Peri-transplant toxicity calculators (full citations: docs/clinical-sources.md).

Febrile neutropenia (IDSA 2010), CRS and ICANS (ASTCT 2019) with the ICE score,
engraftment syndrome (Spitzer 2001 and Maiolino 2003), TA-TMA (harmonised 2023),
oral mucositis (WHO and CTCAE v5, stored side by side) and haemorrhagic cystitis.
Every answer is a :class:`planner.clinical.grading.GradeResult`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from planner.clinical.grading import (
    ROMAN,
    Bilirubin,
    BilirubinCutoff,
    BilirubinUnit,
    GradeResult,
    given_bilirubin,
    require_bool,
    require_choice,
    require_date,
    require_int,
    require_number,
)
from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import format_number
from planner.errors import ValidationError

MIN_TEMP_C: Final = 30.0
MAX_TEMP_C: Final = 45.0
MAX_ANC: Final = 100.0


def _temp(name: str, value: object) -> float:
    return require_number(name, value, MIN_TEMP_C, MAX_TEMP_C, "°C", what=tr_noop("Temperature"))


# --- febrile neutropenia (IDSA 2010, Freifeld et al., Clin Infect Dis 2011) ---------

FN_CRITERIA: Final = tr_noop("Febrile neutropenia IDSA")
FN_VERSION: Final = "2010 (Freifeld et al., CID 2011)"
FEVER_SINGLE_C: Final = 38.3
FEVER_SUSTAINED_C: Final = 38.0
FEVER_SUSTAINED_MINUTES: Final = 60
ANC_NEUTROPENIA: Final = 0.5
ANC_PREDICTED: Final = 1.0
ANC_PROFOUND: Final = 0.1


def _fever(readings: Sequence[tuple[dt.datetime, float]]) -> tuple[bool, str]:
    checked: list[tuple[dt.datetime, float]] = []
    for i, reading in enumerate(readings):
        if not isinstance(reading, tuple) or len(reading) != 2:
            raise ValidationError("temperatures", tr("Each temperature reading is (time, °C)."))
        when, value = reading
        if not isinstance(when, dt.datetime):
            raise ValidationError(
                "temperatures", tr("Reading {n} needs a date and time.").format(n=i + 1)
            )
        checked.append((when, _temp("temperature", value)))
    checked.sort(key=lambda r: r[0])
    for when, value in checked:
        if value >= FEVER_SINGLE_C:
            return True, tr("single reading {value} °C >= {cut} °C at {time}").format(
                value=f"{value:g}", cut=f"{FEVER_SINGLE_C:g}", time=f"{when:%H:%M}"
            )
    start: dt.datetime | None = None
    for when, value in checked:
        if value < FEVER_SUSTAINED_C:
            start = None
            continue
        start = start or when
        minutes = (when - start).total_seconds() / 60
        if minutes >= FEVER_SUSTAINED_MINUTES:
            return True, tr(">= {cut} °C sustained {minutes} min ({start} to {end})").format(
                cut=f"{FEVER_SUSTAINED_C:g}",
                minutes=f"{minutes:g}",
                start=f"{start:%H:%M}",
                end=f"{when:%H:%M}",
            )
    return False, tr(
        "no reading >= {single} °C and no run >= {sustained} °C over {minutes} min"
    ).format(
        single=f"{FEVER_SINGLE_C:g}",
        sustained=f"{FEVER_SUSTAINED_C:g}",
        minutes=FEVER_SUSTAINED_MINUTES,
    )


def febrile_neutropenia(
    temperatures: Sequence[tuple[dt.datetime, float]],
    anc: float,
    predicted_below_0_5_in_48h: bool = False,
) -> GradeResult:
    """IDSA febrile neutropenia: value True when both fever and neutropenia are present.

    Fever: any oral reading >= 38.3 °C, or readings >= 38.0 °C spanning >= 60 minutes
    with no reading < 38.0 °C in between. Neutropenia: ANC < 0.5 x10^9/L, or ANC < 1.0
    predicted to fall below 0.5 within 48 h. (ESMO uses other thresholds.)
    """
    count = require_number("anc", anc, 0.0, MAX_ANC, "x10^9/L", what=tr_noop("ANC"))
    predicted = require_bool("predicted_below_0_5_in_48h", predicted_below_0_5_in_48h)
    if not temperatures:
        raise ValidationError("temperatures", tr("Enter at least one temperature reading."))
    fever, fever_rule = _fever(temperatures)
    if count < ANC_NEUTROPENIA:
        neutropenic, neut_rule = (
            True,
            tr("ANC {anc} < {cut}").format(anc=f"{count:g}", cut=f"{ANC_NEUTROPENIA:g}"),
        )
    elif count < ANC_PREDICTED and predicted:
        neutropenic, neut_rule = (
            True,
            tr("ANC {anc} < 1.0 and predicted to fall below 0.5 in 48 h").format(anc=f"{count:g}"),
        )
    else:
        neutropenic, neut_rule = (
            False,
            (
                tr("ANC {anc} not neutropenic")
                if count >= ANC_PREDICTED
                else tr("ANC {anc} not neutropenic (no fall below 0.5 predicted)")
            ).format(anc=f"{count:g}"),
        )
    met = fever and neutropenic
    notes: list[str] = []
    if neutropenic and count < ANC_PROFOUND:
        notes.append(tr("Profound neutropenia (ANC < 0.1)."))
    if met:
        rule = tr("Met: fever, {fever}; {neutropenia}.")
    elif fever:
        rule = tr("Not met: fever, {fever}; {neutropenia}.")
    else:
        rule = tr("Not met: no fever: {fever}; {neutropenia}.")
    rule = rule.format(fever=fever_rule, neutropenia=neut_rule)
    return GradeResult(
        value=met,
        label=tr("febrile neutropenia") if met else tr("no febrile neutropenia"),
        criteria=FN_CRITERIA,
        version=FN_VERSION,
        inputs={
            "temperatures": tuple((w.isoformat(), t) for w, t in temperatures),
            "anc": count,
            "predicted_below_0_5_in_48h": predicted,
        },
        deciding_rule=rule,
        notes=tuple(notes),
        components={"fever": fever, "neutropenia": neutropenic},
    )


# --- CRS (ASTCT consensus, Lee et al., Biol Blood Marrow Transplant 2019) -------------

ASTCT_VERSION: Final = "2019 (Lee et al., BBMT 2019;25:625-638)"


class Hypotension(StrEnum):
    """Hypotension support for CRS grading."""

    NONE = "none"
    NO_VASOPRESSOR = "no_vasopressor"  # grade 2
    ONE_VASOPRESSOR = "one_vasopressor"  # with or without vasopressin, grade 3
    MULTIPLE_VASOPRESSORS = "multiple_vasopressors"  # excluding vasopressin, grade 4


class OxygenSupport(StrEnum):
    """Oxygen support for CRS grading."""

    NONE = "none"
    LOW_FLOW = "low_flow"  # nasal cannula <= 6 L/min or blow-by, grade 2
    HIGH_FLOW = "high_flow"  # HFNC > 6 L/min, facemask, non-rebreather, Venturi, grade 3
    POSITIVE_PRESSURE = "positive_pressure"  # CPAP, BiPAP, mechanical ventilation, grade 4


_HYPOTENSION_GRADE: Final = {
    Hypotension.NONE: 0,
    Hypotension.NO_VASOPRESSOR: 2,
    Hypotension.ONE_VASOPRESSOR: 3,
    Hypotension.MULTIPLE_VASOPRESSORS: 4,
}
_OXYGEN_GRADE: Final = {
    OxygenSupport.NONE: 0,
    OxygenSupport.LOW_FLOW: 2,
    OxygenSupport.HIGH_FLOW: 3,
    OxygenSupport.POSITIVE_PRESSURE: 4,
}


def oxygen_support_for_nasal_cannula(litres_per_min: float) -> OxygenSupport:
    """Nasal-cannula flow to support class: <= 6 L/min low flow, > 6 L/min high flow."""
    flow = require_number(
        "oxygen_l_min", litres_per_min, 0.0, 80.0, "L/min", what=tr_noop("Oxygen flow")
    )
    if flow == 0:
        return OxygenSupport.NONE
    return OxygenSupport.LOW_FLOW if flow <= 6 else OxygenSupport.HIGH_FLOW


def crs_grade_astct(
    temperature_c: float,
    hypotension: str | Hypotension = Hypotension.NONE,
    oxygen: str | OxygenSupport = OxygenSupport.NONE,
    fever_masked_by_therapy: bool = False,
) -> GradeResult:
    """ASTCT CRS grade 0-4: the more severe of hypotension and hypoxia, at least 1 with fever.

    No CRS without fever >= 38.0 °C unless fever is masked by antipyretic or
    anti-cytokine therapy (then hypotension and hypoxia drive the grade).
    """
    temp = _temp("temperature_c", temperature_c)
    hypo = require_choice("hypotension", Hypotension, hypotension)
    oxy = require_choice("oxygen", OxygenSupport, oxygen)
    masked = require_bool("fever_masked_by_therapy", fever_masked_by_therapy)
    febrile = temp >= FEVER_SUSTAINED_C
    hypo_grade, oxy_grade = _HYPOTENSION_GRADE[hypo], _OXYGEN_GRADE[oxy]
    notes: list[str] = []
    confirm = False
    if not febrile and not masked:
        grade = 0
        rule = tr("No CRS: fever >= 38.0 °C is required when not masked by therapy.")
        if hypo_grade or oxy_grade:
            notes.append(tr("Hypotension/hypoxia without fever: look for another cause."))
    else:
        grade = max(hypo_grade, oxy_grade, 1 if febrile else 0)
        if grade == 0:
            confirm = True
            rule = tr("No grade: fever masked by therapy and no hypotension or hypoxia.")
            notes.append(tr("Fever masked by therapy: grade follows hypotension and hypoxia only."))
        elif hypo_grade == 0 and oxy_grade == 0:
            rule = tr("Grade 1: fever without hypotension or hypoxia.")
        else:
            driver = tr("hypotension") if hypo_grade >= oxy_grade else tr("hypoxia")
            rule = tr(
                "Grade {grade}: the more severe of hypotension ({hypotension}, grade "
                "{hypotension_grade}) and hypoxia ({oxygen}, grade {oxygen_grade}) is {driver}."
            ).format(
                grade=grade,
                hypotension=hypo.value,
                hypotension_grade=hypo_grade,
                oxygen=oxy.value,
                oxygen_grade=oxy_grade,
                driver=driver,
            )
            if not febrile:
                rule += tr(" Fever not required: masked by antipyretic/anti-cytokine therapy.")
    return GradeResult(
        value=grade,
        label=tr("grade {grade}").format(grade=grade) if grade else tr("no CRS"),
        criteria=tr_noop("ASTCT CRS"),
        version=ASTCT_VERSION,
        inputs={
            "temperature_c": temp,
            "hypotension": hypo,
            "oxygen": oxy,
            "fever_masked_by_therapy": masked,
        },
        deciding_rule=rule,
        notes=tuple(notes),
        components={"hypotension_grade": hypo_grade, "hypoxia_grade": oxy_grade},
        needs_confirmation=confirm,
    )


# --- ICANS (ASTCT consensus, Lee et al. 2019; adult ICE score) ------------------------


def ice_score(orientation: int, naming: int, commands: int, writing: int, attention: int) -> int:
    """ICE score 0-10: orientation 0-4, naming 0-3, commands 0-1, writing 0-1, attention 0-1."""
    return (
        require_int("ice_orientation", orientation, 0, 4, what=tr_noop("ICE orientation"))
        + require_int("ice_naming", naming, 0, 3, what=tr_noop("ICE naming"))
        + require_int("ice_commands", commands, 0, 1, what=tr_noop("ICE commands"))
        + require_int("ice_writing", writing, 0, 1, what=tr_noop("ICE writing"))
        + require_int("ice_attention", attention, 0, 1, what=tr_noop("ICE attention"))
    )


class Consciousness(StrEnum):
    """Depressed level of consciousness (ICANS)."""

    ALERT = "alert"  # 0
    AWAKENS_SPONTANEOUSLY = "awakens_spontaneously"  # 1
    AWAKENS_TO_VOICE = "awakens_to_voice"  # 2
    AWAKENS_TO_TOUCH = "awakens_to_touch"  # 3
    UNAROUSABLE = "unarousable"  # 4 (vigorous/repetitive stimuli, stupor, coma)


class Seizure(StrEnum):
    """Seizure domain (ICANS)."""

    NONE = "none"
    RAPIDLY_RESOLVING = (
        "rapidly_resolving"  # clinical or EEG seizure resolving rapidly/with intervention: 3
    )
    PROLONGED_OR_REPETITIVE = "prolonged_or_repetitive"  # > 5 min or no return to baseline: 4


class CerebralOedema(StrEnum):
    """Raised ICP / cerebral oedema domain (ICANS)."""

    NONE = "none"
    FOCAL = "focal"  # focal/local oedema on imaging: 3
    DIFFUSE = "diffuse"  # diffuse oedema, posturing, CN VI palsy, papilloedema, Cushing's: 4


_CONSCIOUSNESS_GRADE: Final = {c: i for i, c in enumerate(Consciousness)}
_SEIZURE_GRADE: Final = {
    Seizure.NONE: 0,
    Seizure.RAPIDLY_RESOLVING: 3,
    Seizure.PROLONGED_OR_REPETITIVE: 4,
}
_OEDEMA_GRADE: Final = {CerebralOedema.NONE: 0, CerebralOedema.FOCAL: 3, CerebralOedema.DIFFUSE: 4}


# The ICANS domains as a rule names them.
_ICANS_DOMAINS: Final = {
    "ICE score": tr_noop("ICE score"),
    "level of consciousness": tr_noop("level of consciousness"),
    "seizure": tr_noop("seizure"),
    "motor findings": tr_noop("motor findings"),
    "raised ICP/cerebral oedema": tr_noop("raised ICP/cerebral oedema"),
}


def icans_grade_astct(
    ice: int | None,
    consciousness: str | Consciousness = Consciousness.ALERT,
    seizure: str | Seizure = Seizure.NONE,
    motor_weakness: bool = False,
    cerebral_oedema: str | CerebralOedema = CerebralOedema.NONE,
) -> GradeResult:
    """ASTCT ICANS grade 0-4 (adults): the most severe domain not due to another cause.

    ICE 10 -> 0, 7-9 -> 1, 3-6 -> 2, 0-2 -> 3 (ICE 0 while awake, e.g. global aphasia,
    is grade 3); an unarousable patient cannot do the ICE (``ice`` may be None) -> 4.
    Deep focal motor weakness -> 4. Tremor and myoclonus are graded by CTCAE instead.
    """
    level = require_choice("consciousness", Consciousness, consciousness)
    seiz = require_choice("seizure", Seizure, seizure)
    oedema = require_choice("cerebral_oedema", CerebralOedema, cerebral_oedema)
    motor = require_bool("motor_weakness", motor_weakness)
    if ice is None:
        if level is not Consciousness.UNAROUSABLE:
            raise ValidationError(
                "ice", tr("Enter the ICE score (0-10) unless the patient is unarousable.")
            )
        ice_grade = 4
    else:
        score = require_int("ice", ice, 0, 10, what=tr_noop("ICE score"))
        ice_grade = 0 if score == 10 else 1 if score >= 7 else 2 if score >= 3 else 3
        if level is Consciousness.UNAROUSABLE:
            ice_grade = 4  # ICE 0 because unarousable
    domains = {
        "ICE score": ice_grade,
        "level of consciousness": _CONSCIOUSNESS_GRADE[level],
        "seizure": _SEIZURE_GRADE[seiz],
        "motor findings": 4 if motor else 0,
        "raised ICP/cerebral oedema": _OEDEMA_GRADE[oedema],
    }
    grade = max(domains.values())
    deciding = [tr(_ICANS_DOMAINS[k]) for k, v in domains.items() if v == grade]
    rule = (
        tr("Grade {grade}: most severe domain {domains}.").format(
            grade=grade, domains=tr(" and ").join(deciding)
        )
        if grade
        else tr("No ICANS: ICE 10 and no domain abnormal.")
    )
    return GradeResult(
        value=grade,
        label=tr("grade {grade}").format(grade=grade) if grade else tr("no ICANS"),
        criteria=tr_noop("ASTCT ICANS (adult, ICE)"),
        version=ASTCT_VERSION,
        inputs={
            "ice": ice,
            "consciousness": level,
            "seizure": seiz,
            "motor_weakness": motor,
            "cerebral_oedema": oedema,
        },
        deciding_rule=rule,
        components={"domain_grades": domains},
    )


# --- engraftment syndrome (Spitzer 2001; Maiolino) ------------------------------------

ES_SPITZER_HOURS: Final = 96.0
# Spitzer's minor criterion "total bilirubin >= 2 mg/dL" (Spitzer, Bone Marrow Transplant
# 2001;27:893-898) has no SI figure in the source: 2 mg/dL is 34.2 µmol/L, used here as
# 34 µmol/L, the figure the EBMT SOS/VOD criteria print for 2 mg/dL (Mohty et al., Bone
# Marrow Transplant 2016;51:906-912). The result says so when µmol/L is entered.
SPITZER_BILIRUBIN: Final = BilirubinCutoff(mg_dl=2.0, umol_l=34.0)
SPITZER_TRANSAMINASE_X_ULN: Final = 2.0
ES_MAIOLINO_HOURS_BEFORE: Final = 24.0
MAIOLINO_FEVER_C: Final = (
    38.0  # "noninfectious fever": threshold not given in the source (unverified)
)


@dataclass(frozen=True)
class EngraftmentFindings:
    """Findings around neutrophil recovery for engraftment-syndrome criteria.

    Attributes:
        hours_after_engraftment: onset time relative to engraftment (ANC >= 0.5 on 2
            consecutive days); negative = before.
        hours_after_first_neutrophils: onset relative to the first neutrophils in
            blood (optional; if absent, onset at or after engraftment -24 h implies it).
        max_temp_c: highest temperature, None if none measured.
        infection_identified: an infection explains the fever.
        rash_bsa_percent: erythrodermatous rash extent.
        rash_drug_attributable: the rash is attributable to a medication.
        pulmonary_oedema_hypoxia: noncardiogenic pulmonary oedema with diffuse
            infiltrates and hypoxia (Spitzer major).
        pulmonary_infiltrates: pulmonary infiltrates (Maiolino).
        liquid_stools_per_day: liquid stools per day without infection.
        bilirubin, bilirubin_unit: total bilirubin as entered ("mg/dL" or "µmol/L"), or
            the older ``bilirubin_mg_dl``; ``bilirubin_level`` holds it with its unit.
        transaminase_x_uln, creatinine_x_baseline, weight_gain_pct: for Spitzer minor
            criteria.

    ``rash_bsa_percent``, the bilirubin, ``transaminase_x_uln``,
    ``creatinine_x_baseline`` and ``weight_gain_pct`` are measured values and required
    (keyword-only): a value not measured is never taken as normal.
        encephalopathy: transient unexplained encephalopathy.
    """

    hours_after_engraftment: float | None = None
    hours_after_first_neutrophils: float | None = None
    max_temp_c: float | None = None
    infection_identified: bool = False
    # Measured values have no default: "not measured" must never read as "normal".
    rash_bsa_percent: float = field(kw_only=True)
    rash_drug_attributable: bool = False
    pulmonary_oedema_hypoxia: bool = False
    pulmonary_infiltrates: bool = False
    liquid_stools_per_day: int = 0
    bilirubin_mg_dl: float | None = field(default=None, kw_only=True)
    bilirubin: float | None = field(default=None, kw_only=True)
    bilirubin_unit: str = field(default="mg/dL", kw_only=True)
    bilirubin_level: Bilirubin = field(init=False, repr=False, compare=False)
    transaminase_x_uln: float = field(kw_only=True)
    creatinine_x_baseline: float = field(kw_only=True)
    weight_gain_pct: float = field(kw_only=True)
    encephalopathy: bool = False

    def __post_init__(self) -> None:
        if self.hours_after_engraftment is None and self.hours_after_first_neutrophils is None:
            raise ValidationError(
                "hours_after_engraftment",
                tr("Give the onset time relative to engraftment or to the first neutrophils."),
            )
        for name in ("hours_after_engraftment", "hours_after_first_neutrophils"):
            value = getattr(self, name)
            if value is not None:
                require_number(name, value, -720.0, 2160.0, "h", what=tr_noop("Onset time"))
        if self.max_temp_c is not None:
            _temp("max_temp_c", self.max_temp_c)
        for name in (
            "infection_identified",
            "rash_drug_attributable",
            "pulmonary_oedema_hypoxia",
            "pulmonary_infiltrates",
            "encephalopathy",
        ):
            require_bool(name, getattr(self, name))
        require_number(
            "rash_bsa_percent",
            self.rash_bsa_percent,
            0.0,
            100.0,
            "% BSA",
            what=tr_noop("Rash extent"),
        )
        require_int(
            "liquid_stools_per_day",
            self.liquid_stools_per_day,
            0,
            50,
            what=tr_noop("Liquid stools per day"),
        )
        object.__setattr__(
            self,
            "bilirubin_level",
            given_bilirubin(self.bilirubin, self.bilirubin_unit, self.bilirubin_mg_dl),
        )
        require_number(
            "transaminase_x_uln",
            self.transaminase_x_uln,
            0.0,
            200.0,
            "x ULN",
            what=tr_noop("Transaminases"),
        )
        require_number(
            "creatinine_x_baseline",
            self.creatinine_x_baseline,
            0.1,
            20.0,
            "x baseline",
            what=tr_noop("Creatinine"),
        )
        require_number(
            "weight_gain_pct", self.weight_gain_pct, -50.0, 100.0, "%", what=tr_noop("Weight gain")
        )

    def inputs(self) -> dict[str, object]:
        """The findings as a plain mapping (for GradeResult.inputs); the bilirubin as
        entered, under the key naming its unit ("bilirubin_umol_l")."""
        bilirubin_keys = ("bilirubin_mg_dl", "bilirubin", "bilirubin_unit", "bilirubin_level")
        found: dict[str, object] = {}
        for key, value in self.__dict__.items():
            if key == "bilirubin_level":
                found[self.bilirubin_level.input_key] = self.bilirubin_level.value
            elif key not in bilirubin_keys:
                found[key] = value
        return found


def engraftment_syndrome_spitzer(findings: EngraftmentFindings) -> GradeResult:
    """Spitzer 2001: within 96 h of engraftment, 3 major or 2 major + >=1 minor criteria."""
    f = findings
    temp = f.max_temp_c or 0.0
    major = [
        name
        for name, ok in (
            (
                tr("fever >= 38.3 °C without infection"),
                temp >= FEVER_SINGLE_C and not f.infection_identified,
            ),
            (
                tr("rash > 25% BSA not due to medication"),
                f.rash_bsa_percent > 25 and not f.rash_drug_attributable,
            ),
            (tr("noncardiogenic pulmonary oedema with hypoxia"), f.pulmonary_oedema_hypoxia),
        )
        if ok
    ]
    bili = f.bilirubin_level
    hepatic = [
        text
        for text, ok in (
            (bili.compared(SPITZER_BILIRUBIN), bili.at_least(SPITZER_BILIRUBIN)),
            (
                tr("transaminases {value} x ULN >= {cut} x ULN").format(
                    value=format_number(f.transaminase_x_uln),
                    cut=format_number(SPITZER_TRANSAMINASE_X_ULN),
                ),
                f.transaminase_x_uln >= SPITZER_TRANSAMINASE_X_ULN,
            ),
        )
        if ok
    ]
    minor = [
        name
        for name, ok in (
            (
                tr("hepatic dysfunction ({findings})").format(findings=tr(" and ").join(hepatic)),
                bool(hepatic),
            ),
            (tr("creatinine >= 2x baseline"), f.creatinine_x_baseline >= 2.0),
            (tr("weight gain >= 2.5%"), f.weight_gain_pct >= 2.5),
            (tr("transient encephalopathy"), f.encephalopathy),
        )
        if ok
    ]
    notes: list[str] = []
    if not hepatic:
        notes.append(
            tr(
                "No hepatic dysfunction: {bilirubin}, transaminases {value} x ULN < {cut} x ULN."
            ).format(
                bilirubin=bili.compared(SPITZER_BILIRUBIN),
                value=format_number(f.transaminase_x_uln),
                cut=format_number(SPITZER_TRANSAMINASE_X_ULN),
            )
        )
    if bili.unit is BilirubinUnit.UMOL_L:
        notes.append(
            tr(
                "Spitzer gives bilirubin >= 2 mg/dL only; 34 µmol/L is used (2 mg/dL = 34.2 "
                "µmol/L, printed as 34 µmol/L by the EBMT SOS/VOD criteria, Mohty 2016)."
            )
        )
    if 0 < f.rash_bsa_percent <= 25:
        notes.append(tr("Rash <= 25% BSA is not a Spitzer major criterion."))
    in_window = (
        f.hours_after_engraftment is not None and abs(f.hours_after_engraftment) <= ES_SPITZER_HOURS
    )
    counts = tr("{major_n} major ({major}), {minor_n} minor").format(
        major_n=len(major), major="; ".join(major) or tr("none"), minor_n=len(minor)
    )
    if not in_window:
        met, rule = (
            False,
            tr("Not met: onset not within {hours} h of engraftment.").format(
                hours=f"{ES_SPITZER_HOURS:g}"
            ),
        )
    elif len(major) >= 3 or (len(major) == 2 and minor):
        met, rule = (
            True,
            tr("Met: {counts} ({minor}).").format(
                counts=counts, minor="; ".join(minor) or tr("none")
            ),
        )
    else:
        met, rule = (
            False,
            tr("Not met: {counts}; needs 3 major or 2 major + 1 minor.").format(counts=counts),
        )
    return GradeResult(
        value=met,
        label=tr("criteria met") if met else tr("criteria not met"),
        criteria=tr_noop("Engraftment syndrome Spitzer"),
        version="2001 (Spitzer, BMT 2001;27:893)",
        inputs=f.inputs(),
        deciding_rule=rule,
        notes=tuple(notes),
        components={"major": tuple(major), "minor": tuple(minor)},
    )


def engraftment_syndrome_maiolino(findings: EngraftmentFindings) -> GradeResult:
    """Maiolino 2003: noninfectious fever + rash, pulmonary infiltrates or diarrhoea,
    from 24 h before the first neutrophils onward."""
    f = findings
    if f.hours_after_first_neutrophils is not None:
        in_window = f.hours_after_first_neutrophils >= -ES_MAIOLINO_HOURS_BEFORE
    else:
        assert f.hours_after_engraftment is not None
        in_window = f.hours_after_engraftment >= -ES_MAIOLINO_HOURS_BEFORE
    fever = (f.max_temp_c or 0.0) >= MAIOLINO_FEVER_C and not f.infection_identified
    signs = [
        name
        for name, ok in (
            (tr("skin rash"), f.rash_bsa_percent > 0),
            (tr("pulmonary infiltrates"), f.pulmonary_infiltrates or f.pulmonary_oedema_hypoxia),
            (tr("diarrhoea >= 2 liquid stools/day"), f.liquid_stools_per_day >= 2),
        )
        if ok
    ]
    if not in_window:
        met, rule = False, tr("Not met: onset more than 24 h before the first neutrophils.")
    elif not fever:
        met, rule = False, tr("Not met: no noninfectious fever.")
    elif signs:
        met, rule = (
            True,
            tr("Met: noninfectious fever plus {signs}.").format(signs="; ".join(signs)),
        )
    else:
        met, rule = False, tr("Not met: fever without rash, pulmonary infiltrates or diarrhoea.")
    return GradeResult(
        value=met,
        label=tr("criteria met") if met else tr("criteria not met"),
        criteria=tr_noop("Engraftment syndrome Maiolino"),
        version="2003 (Maiolino et al., Bone Marrow Transplant 2003;31:393-397)",
        inputs=f.inputs(),
        deciding_rule=rule,
        notes=(
            tr("Fever threshold {value} °C (unverified; configurable).").format(
                value=f"{MAIOLINO_FEVER_C:g}"
            ),
        ),
        components={"signs": tuple(signs)},
    )


def engraftment_syndrome(findings: EngraftmentFindings) -> dict[str, GradeResult]:
    """Both criteria sets: {"spitzer": ..., "maiolino": ...}."""
    return {
        "spitzer": engraftment_syndrome_spitzer(findings),
        "maiolino": engraftment_syndrome_maiolino(findings),
    }


# --- TA-TMA (Schoettler et al., Transplant Cell Ther 2023;29:151-163) -----------------

TMA_WINDOW_DAYS: Final = 14
TMA_MIN_CRITERIA: Final = 4


@dataclass(frozen=True)
class TmaAssessment:
    """One dated set of the 7 harmonised TA-TMA criteria (Schoettler 2023).

    ``ldh_x_uln`` and ``upcr_mg_mg`` are measured values and required (keyword-only: a
    value not measured is never taken as normal); the others are the clinician's yes/no
    judgements as defined in the harmonised criteria (Schoettler et al. 2023).
    """

    date: dt.date
    anaemia: bool = False
    thrombocytopenia: bool = False
    # Measured values have no default: "not measured" must never read as "normal".
    ldh_x_uln: float = field(kw_only=True)
    schistocytes: bool = False
    hypertension: bool = False
    sc5b9_at_or_above_uln: bool = False
    upcr_mg_mg: float = field(kw_only=True)

    def __post_init__(self) -> None:
        require_date("date", self.date)
        for name in (
            "anaemia",
            "thrombocytopenia",
            "schistocytes",
            "hypertension",
            "sc5b9_at_or_above_uln",
        ):
            require_bool(name, getattr(self, name))
        require_number("ldh_x_uln", self.ldh_x_uln, 0.0, 100.0, "x ULN", what=tr_noop("LDH"))
        require_number(
            "upcr_mg_mg",
            self.upcr_mg_mg,
            0.0,
            100.0,
            "mg/mg",
            what=tr_noop("Urine protein:creatinine ratio"),
        )

    def criteria(self) -> tuple[str, ...]:
        """Names of the criteria present."""
        return tuple(
            name
            for name, ok in (
                (tr_noop("anaemia"), self.anaemia),
                (tr_noop("thrombocytopenia"), self.thrombocytopenia),
                (tr_noop("LDH > ULN"), self.ldh_x_uln > 1.0),
                (tr_noop("schistocytes"), self.schistocytes),
                (tr_noop("hypertension"), self.hypertension),
                (tr_noop("sC5b-9 >= ULN"), self.sc5b9_at_or_above_uln),
                (tr_noop("proteinuria rUPCR >= 1"), self.upcr_mg_mg >= 1.0),
            )
            if ok
        )

    def high_risk_features(self) -> tuple[str, ...]:
        """High-risk laboratory features present at this assessment."""
        return tuple(
            name
            for name, ok in (
                (tr_noop("sC5b-9 >= ULN"), self.sc5b9_at_or_above_uln),
                (tr_noop("rUPCR >= 1 mg/mg"), self.upcr_mg_mg >= 1.0),
                (tr_noop("LDH >= 2x ULN"), self.ldh_x_uln >= 2.0),
            )
            if ok
        )


def ta_tma_harmonized(
    assessments: Sequence[TmaAssessment],
    *,
    biopsy_proven: bool = False,
    concurrent_agvhd_grade_2_4: bool = False,
    concurrent_infection: bool = False,
    organ_dysfunction: bool = False,
) -> GradeResult:
    """Harmonised TA-TMA: biopsy, or >= 4 of 7 criteria at 2 consecutive assessments <= 14 days apart.

    ``components`` carries {"diagnosed": bool, "high_risk": bool}. High risk needs a
    diagnosis plus any of sC5b-9 >= ULN, rUPCR >= 1, LDH >= 2x ULN (at a diagnosing
    assessment), concurrent grade 2-4 aGVHD, infection or organ dysfunction.
    """
    for name, flag in (
        ("biopsy_proven", biopsy_proven),
        ("concurrent_agvhd_grade_2_4", concurrent_agvhd_grade_2_4),
        ("concurrent_infection", concurrent_infection),
        ("organ_dysfunction", organ_dysfunction),
    ):
        require_bool(name, flag)
    for a in assessments:
        if not isinstance(a, TmaAssessment):
            raise ValidationError(
                "assessments", tr("Each TA-TMA assessment must be a TmaAssessment.")
            )
    ordered = sorted(assessments, key=lambda a: a.date)
    pair: tuple[TmaAssessment, TmaAssessment] | None = None
    for first, second in itertools.pairwise(ordered):
        if (
            len(first.criteria()) >= TMA_MIN_CRITERIA
            and len(second.criteria()) >= TMA_MIN_CRITERIA
            and (second.date - first.date).days <= TMA_WINDOW_DAYS
        ):
            pair = (first, second)
    diagnosed = biopsy_proven or pair is not None
    if biopsy_proven:
        rule = tr("Diagnosed: biopsy-proven TMA.")
    elif pair is not None:
        rule = tr(
            "Diagnosed: >= {n} of 7 criteria on {first} ({first_criteria}) and {second} "
            "({second_criteria})."
        ).format(
            n=TMA_MIN_CRITERIA,
            first=pair[0].date,
            first_criteria=", ".join(tr(c) for c in pair[0].criteria()),
            second=pair[1].date,
            second_criteria=", ".join(tr(c) for c in pair[1].criteria()),
        )
    else:
        best = max((len(a.criteria()) for a in ordered), default=0)
        rule = tr(
            "Not diagnosed: no 2 consecutive assessments within {days} days with "
            ">= {n} criteria (most at one assessment: {best})."
        ).format(days=TMA_WINDOW_DAYS, n=TMA_MIN_CRITERIA, best=best)
    considered = list(pair) if pair is not None else (ordered[-1:] if biopsy_proven else [])
    features = sorted({f for a in considered for f in a.high_risk_features()})
    features += [
        name
        for name, ok in (
            (tr_noop("concurrent grade 2-4 aGVHD"), concurrent_agvhd_grade_2_4),
            (tr_noop("concurrent infection"), concurrent_infection),
            (tr_noop("organ dysfunction"), organ_dysfunction),
        )
        if ok
    ]
    high_risk = diagnosed and bool(features)
    notes = (
        (tr("High-risk features: {features}.").format(features=", ".join(tr(f) for f in features)),)
        if high_risk
        else ()
    )
    label = (tr("TA-TMA, high risk") if high_risk else "TA-TMA") if diagnosed else tr("no TA-TMA")
    return GradeResult(
        value=diagnosed,
        label=label,
        criteria=tr_noop("TA-TMA harmonised"),
        version="2023 (Schoettler et al., Transplant Cell Ther 2023;29:151-163)",
        inputs={
            "assessments": tuple(
                {
                    "date": a.date,
                    "criteria": a.criteria(),
                    "ldh_x_uln": a.ldh_x_uln,
                    "upcr_mg_mg": a.upcr_mg_mg,
                }
                for a in ordered
            ),
            "biopsy_proven": biopsy_proven,
            "concurrent_agvhd_grade_2_4": concurrent_agvhd_grade_2_4,
            "concurrent_infection": concurrent_infection,
            "organ_dysfunction": organ_dysfunction,
        },
        deciding_rule=rule,
        notes=notes,
        components={"diagnosed": diagnosed, "high_risk": high_risk},
    )


# --- oral mucositis (WHO Handbook 1979; NCI CTCAE v5.0, 2017) -------------------------


class Diet(StrEnum):
    """What the patient can eat (WHO mucositis scale is functional)."""

    SOLIDS = "solids"
    LIQUIDS_ONLY = "liquids_only"
    NONE = "none"  # alimentation not possible


CTCAE_MUCOSITIS: Final = (
    tr_noop("none"),
    tr_noop("asymptomatic or mild symptoms; intervention not indicated"),
    tr_noop("moderate pain or ulcer not interfering with oral intake; modified diet indicated"),
    tr_noop("severe pain; interfering with oral intake"),
    tr_noop("life-threatening consequences; urgent intervention indicated"),
    tr_noop("death"),
)


def oral_mucositis(
    *,
    soreness: bool = False,
    erythema: bool = False,
    ulcers: bool = False,
    diet: str | Diet = Diet.SOLIDS,
    ctcae_grade: int,
) -> GradeResult:
    """WHO oral mucositis grade 0-4 from findings and diet, stored with the CTCAE v5 grade.

    WHO: diet impossible -> 4; liquids only -> 3; ulcers (solids possible) -> 2;
    soreness or erythema -> 1; else 0. ``ctcae_grade`` 0-5 is the clinician's choice
    from the CTCAE descriptions (pain and intake). ``value`` is the WHO grade;
    ``components`` holds both as "who" and "ctcae".
    """
    for name, flag in (("soreness", soreness), ("erythema", erythema), ("ulcers", ulcers)):
        require_bool(name, flag)
    food = require_choice("diet", Diet, diet)
    ctcae = require_int("ctcae_grade", ctcae_grade, 0, 5, what=tr_noop("CTCAE mucositis grade"))
    notes: list[str] = []
    if food is Diet.NONE:
        who, rule = 4, tr("WHO 4: alimentation not possible.")
    elif food is Diet.LIQUIDS_ONLY:
        who, rule = 3, tr("WHO 3: ulcers, liquid diet only.")
        if not ulcers:
            notes.append(tr("Liquid diet only without ulcers: WHO grade is functional; confirm."))
    elif ulcers:
        who, rule = 2, tr("WHO 2: erythema/ulcers, can eat solids.")
    elif soreness or erythema:
        who, rule = 1, tr("WHO 1: soreness with or without erythema.")
    else:
        who, rule = 0, tr("WHO 0: none.")
    rule += tr(" CTCAE v5 grade {grade}: {text}.").format(
        grade=ctcae, text=tr(CTCAE_MUCOSITIS[ctcae])
    )
    return GradeResult(
        value=who,
        label=tr("WHO {who} / CTCAE {ctcae}").format(who=who, ctcae=ctcae),
        criteria=tr_noop("Oral mucositis WHO and CTCAE"),
        version="WHO Handbook 1979; CTCAE v5.0 (2017)",
        inputs={
            "soreness": soreness,
            "erythema": erythema,
            "ulcers": ulcers,
            "diet": food,
            "ctcae_grade": ctcae,
        },
        deciding_rule=rule,
        notes=tuple(notes),
        components={"who": who, "ctcae": ctcae},
        needs_confirmation=bool(notes),
    )


# --- haemorrhagic cystitis (Droller 1982 / Bedi 1995 scale; wording unverified) --------

HC_EARLY_ONSET_HOURS: Final = 72.0


def haemorrhagic_cystitis_grade(
    *,
    microscopic_haematuria: bool = False,
    macroscopic_haematuria: bool = False,
    clots: bool = False,
    obstruction_requiring_intervention: bool = False,
    hours_since_conditioning: float | None = None,
) -> GradeResult:
    """Haemorrhagic cystitis grade 0-IV (Droller 1982 / Bedi 1995; wording unverified).

    I microscopic haematuria; II macroscopic; III macroscopic with clots; IV with clots
    and urinary obstruction/retention needing intervention. Onset within 72 h of
    conditioning suggests early (acrolein) HC, later onset BK-virus HC.
    """
    flags = {
        "microscopic_haematuria": microscopic_haematuria,
        "macroscopic_haematuria": macroscopic_haematuria,
        "clots": clots,
        "obstruction_requiring_intervention": obstruction_requiring_intervention,
    }
    for name, flag in flags.items():
        require_bool(name, flag)
    if obstruction_requiring_intervention:
        grade, rule = 4, tr("Grade IV: clots with obstruction/retention requiring intervention.")
    elif clots:
        grade, rule = 3, tr("Grade III: macroscopic haematuria with clots.")
    elif macroscopic_haematuria:
        grade, rule = 2, tr("Grade II: macroscopic haematuria.")
    elif microscopic_haematuria:
        grade, rule = 1, tr("Grade I: microscopic haematuria.")
    else:
        grade, rule = 0, tr("No haematuria.")
    notes: list[str] = []
    inputs: dict[str, object] = dict(flags)
    if hours_since_conditioning is not None:
        hours = require_number(
            "hours_since_conditioning",
            hours_since_conditioning,
            0.0,
            87600.0,
            "h",
            what=tr_noop("Time since conditioning"),
        )
        inputs["hours_since_conditioning"] = hours
        if grade:
            notes.append(
                tr("Early onset (<= 72 h): cyclophosphamide/acrolein.")
                if hours <= HC_EARLY_ONSET_HOURS
                else tr("Late onset: consider BK polyomavirus (test urine/blood BK PCR).")
            )
    return GradeResult(
        value=grade,
        label=ROMAN[grade] if grade else tr("none"),
        criteria=tr_noop("Haemorrhagic cystitis"),
        version="Droller 1982 / Bedi 1995 (wording unverified)",
        inputs=inputs,
        deciding_rule=rule,
        notes=tuple(notes),
    )
