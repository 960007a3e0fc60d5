"""The compute functions of the calculators that need more than a keyword call.

Each takes a form's values (field name -> typed value) and returns a ``GradeResult``
of ``planner.clinical`` (toxicity, eligibility, compatibility, grading, dosing):
febrile neutropenia from a table of readings, engraftment syndrome by Spitzer and
Maiolino combined (``ES_CRITERIA``), TA-TMA with its high-risk rank, oral mucositis,
HCT-CI (items ticked or derived from measured values), the EBMT 2016 adult SOS/VOD
diagnosis, CMV serostatus with the letermovir window, conditioning intensity from regimen
rows, live-vaccine eligibility, NIH chronic GVHD and the plerixafor dose. Also
``regimen_rows``, which pre-fills a regimen from a plan's conditioning steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from planner.clinical.calculators.fields import ASSESSMENT_DATE, MissingInputError
from planner.clinical.calculators.inputs import TMA_FIELDS
from planner.clinical.chimerism import chimerism_assessment
from planner.clinical.compatibility import cmv_assessment, letermovir_window
from planner.clinical.dosing import (
    PLERIXAFOR_MG_PER_ML,
    creatinine_clearance_cg,
    format_dose,
    ideal_body_weight,
    plerixafor_dose,
)
from planner.clinical.eligibility import (
    HCT_CI_WEIGHTS,
    RegimenComponent,
    conditioning_intensity,
    hct_ci,
    live_vaccine_eligibility,
)
from planner.clinical.grading import GradeResult, nih_cgvhd_assessment, nih_lung_fev1_score
from planner.clinical.toxicity import (
    EngraftmentFindings,
    TmaAssessment,
    engraftment_syndrome,
    febrile_neutropenia,
    oral_mucositis,
    ta_tma_harmonized,
)
from planner.clinical.vod import VodCriteria, vod_diagnosis
from planner.domain.i18n import tr
from planner.domain.numbers import format_number
from planner.domain.plans import Plan, StepStatus
from planner.domain.templates import DoseBasis, Phase
from planner.errors import ValidationError

ES_CRITERIA = "Engraftment syndrome Spitzer and Maiolino"
"""The criteria of the combined engraftment-syndrome result the dialog shows and saves."""


def _ranked(result: GradeResult) -> GradeResult:
    """A yes/no result with rank 1 (met) or 0, so episodes can order it."""
    if result.rank is not None:
        return result
    return replace(result, rank=int(bool(result.value)))


def _reading_time(text: str, day: dt.date, index: int) -> dt.datetime:
    try:
        if len(text) <= 5:
            return dt.datetime.combine(day, dt.time.fromisoformat(text.zfill(5)))
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            "temperatures",
            tr("Reading {n}: '{text}' is not a time; enter HH:MM or yyyy-mm-dd HH:MM.").format(
                n=index, text=text
            ),
        ) from None


def _cell_number(field: str, text: str, what: str, allowed: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValidationError(
            field,
            tr("{what}: '{text}' is not a number; allowed {allowed}.").format(
                what=what, text=text, allowed=allowed
            ),
        ) from None


def febrile_neutropenia_result(v: dict[str, Any]) -> GradeResult:
    readings = []
    for i, row in enumerate(v["temperatures"], start=1):
        when = _reading_time(row[0], v[ASSESSMENT_DATE], i)
        temp = _cell_number("temperature", row[1], tr("Reading {n}").format(n=i), "30-45 °C")
        readings.append((when, temp))
    return _ranked(febrile_neutropenia(readings, v["anc"], v["predicted_below_0_5_in_48h"]))


def engraftment_syndrome_result(v: dict[str, Any]) -> GradeResult:
    findings = EngraftmentFindings(**v)
    both = engraftment_syndrome(findings)
    s, m = both["spitzer"], both["maiolino"]
    met = [name for name, r in (("Spitzer", s), ("Maiolino", m)) if r.value]
    label = tr("Spitzer {spitzer}, Maiolino {maiolino}").format(
        spitzer=tr("met") if s.value else tr("not met"),
        maiolino=tr("met") if m.value else tr("not met"),
    )
    return GradeResult(
        value=len(met),
        label=label,
        criteria=ES_CRITERIA,
        version=f"Spitzer {s.version}; Maiolino {m.version}",
        inputs=s.inputs,
        deciding_rule=f"Spitzer: {s.deciding_rule} Maiolino: {m.deciding_rule}",
        notes=s.notes + m.notes,
        components={
            "spitzer": bool(s.value),
            "maiolino": bool(m.value),
            "spitzer_major": s.components["major"],
            "spitzer_minor": s.components["minor"],
            "maiolino_signs": m.components["signs"],
        },
    )


def ta_tma_result(v: dict[str, Any]) -> GradeResult:
    assessments = []
    for n in (1, 2):
        date = v[f"a{n}_date"]
        if date is None:
            continue
        keys = (
            "anaemia",
            "thrombocytopenia",
            "schistocytes",
            "hypertension",
            "sc5b9_at_or_above_uln",
            "ldh_x_uln",
            "upcr_mg_mg",
        )
        missing = [
            tr(spec.label)
            for spec in TMA_FIELDS
            if spec.name in (f"a{n}_ldh_x_uln", f"a{n}_upcr_mg_mg") and v[spec.name] is None
        ]
        if missing:  # a dated assessment needs its measured values: never assumed normal
            raise MissingInputError(", ".join(missing))
        try:
            assessments.append(TmaAssessment(date, **{k: v[f"a{n}_{k}"] for k in keys}))
        except ValidationError as err:
            raise ValidationError(f"a{n}_{err.field}", str(err)) from None
    result = ta_tma_harmonized(
        assessments,
        biopsy_proven=v["biopsy_proven"],
        concurrent_agvhd_grade_2_4=v["concurrent_agvhd_grade_2_4"],
        concurrent_infection=v["concurrent_infection"],
        organ_dysfunction=v["organ_dysfunction"],
    )
    return replace(result, rank=2 if result.components["high_risk"] else int(bool(result.value)))


def mucositis_result(v: dict[str, Any]) -> GradeResult:
    return oral_mucositis(
        soreness=v["soreness"],
        erythema=v["erythema"],
        ulcers=v["ulcers"],
        diet=v["diet"],
        ctcae_grade=int(v["ctcae_grade"]),
    )


HCT_CI_MEASURED = (
    "fev1_percent",
    "dlco_percent",
    "creatinine_mg_dl",
    "bilirubin_x_uln",
    "ast_alt_x_uln",
    "height_cm",
    "weight_kg",
)
"""The measured values of the HCT-CI form that derive items (each may stay empty)."""


def hct_ci_result(v: dict[str, Any]) -> GradeResult:
    measured = {k: v.get(k) for k in HCT_CI_MEASURED}
    return hct_ci([k for k in HCT_CI_WEIGHTS if v[k]], v["age_years"], **measured)


def vod_diagnosis_2016_result(v: dict[str, Any]) -> GradeResult:
    """EBMT 2016 adult diagnosis from the form: painful hepatomegaly is one finding."""
    painful = v["painful_hepatomegaly"]
    return vod_diagnosis(
        VodCriteria.EBMT_2016_ADULT,
        day=v["onset_day"],
        bilirubin=v["bilirubin"],
        bilirubin_unit=v["bilirubin_unit"],
        hepatomegaly=painful,
        ruq_pain=painful,
        weight_gain_pct=v["weight_gain_pct"],
        ascites=v["ascites"],
        imaging_evidence=v["imaging_evidence"],
        histology=v["histology"],
    )


def cmv_result(v: dict[str, Any]) -> GradeResult:
    allo = v["allogeneic"]
    result = cmv_assessment(
        v["donor_cmv_igg"] if allo else None, v["recipient_cmv_igg"], allogeneic=allo
    )
    inputs = {**result.inputs, "day0": v["day0"], "extended": v["extended"]}
    if not result.components["letermovir_candidate"]:
        return replace(result, inputs=inputs)
    start_by, stop = letermovir_window(v["day0"], extended=v["extended"])
    stop_day = 200 if v["extended"] else 100
    window = tr(
        "Letermovir: start between Day 0 and {start} (Day +28), stop {stop} (Day +{day})."
    ).format(start=start_by.isoformat(), stop=stop.isoformat(), day=stop_day)
    return replace(
        result,
        inputs=inputs,
        notes=(*result.notes, window),
        components={**result.components, "letermovir_start_by": start_by, "letermovir_stop": stop},
    )


def _regimen(rows: Sequence[Sequence[str]]) -> list[RegimenComponent]:
    components = []
    for i, row in enumerate(rows, start=1):
        agent, dose, unit, route, fractions = (list(row) + [""] * 5)[:5]
        total = _cell_number("total_dose", dose, tr("Row {n} total dose").format(n=i), "0-100,000")
        frac = _cell_number(
            "fractions", fractions or "1", tr("Row {n} fractions").format(n=i), "1-30"
        )
        if frac != int(frac):
            raise ValidationError(
                "fractions",
                tr("Row {n}: fractions must be a whole number (1-30).").format(n=i),
            )
        components.append(RegimenComponent(agent, total, unit, (route or "iv").lower(), int(frac)))
    return components


def intensity_result(v: dict[str, Any]) -> GradeResult:
    intent = None if v["centre_intent"] == "none" else v["centre_intent"]
    return conditioning_intensity(_regimen(v["components"]), centre_intent=intent)


def vaccine_result(v: dict[str, Any]) -> GradeResult:
    return live_vaccine_eligibility(
        day0=v["day0"],
        today=v[ASSESSMENT_DATE],
        on_immunosuppression=v["on_immunosuppression"],
        ist_stop_date=v["ist_stop_date"],
        last_ivig_date=v["last_ivig_date"],
        active_gvhd=v["active_gvhd"],
    )


# Conditioning agents as ``RegimenComponent`` names, from plan step drugs or titles.
_AGENTS = {
    "busulfan": "busulfan",
    "melphalan": "melphalan",
    "fludarabine": "fludarabine",
    "cyclophosphamide": "cyclophosphamide",
    "thiotepa": "thiotepa",
    "treosulfan": "treosulfan",
    "carmustine": "carmustine",
    "etoposide": "etoposide",
    "cytarabine": "cytarabine",
    "anti-thymocyte": "atg",
    "alemtuzumab": "alemtuzumab",
    "total body irradiation": "tbi",
}
_PER_DAY = {"twice daily": 2, "every 12 hours": 2, "every 6 hours": 4, "four times daily": 4}


def regimen_rows(plan: Plan) -> list[tuple[str, str, str, str, str]]:
    """Regimen rows (agent, total dose, unit, route, fractions) from the plan's conditioning.

    Planned conditioning steps tied to the regimen with a dose; total = dose x occurrences
    (x 2 for twice daily). Other steps are left out: the user types what is missing.
    """
    rows: list[tuple[str, str, str, str, str]] = []
    for step in plan.steps:
        if (
            step.phase is not Phase.CONDITIONING
            or step.dose is None
            or not step.regimen_tied
            or step.status is StepStatus.CANCELLED
        ):
            continue
        name = (step.drug or step.title).lower()  # a drug's title may name another drug
        agent = next((a for key, a in _AGENTS.items() if key in name), None)
        if agent is None:
            continue
        dose = step.dose
        count = len(step.days) * _PER_DAY.get(dose.frequency.strip().lower(), 1)
        suffix = {DoseBasis.PER_M2: "/m2", DoseBasis.PER_KG: "/kg", DoseBasis.FLAT: ""}[dose.per]
        route = (
            "" if agent != "busulfan" else ("oral" if dose.route.strip().upper() == "PO" else "iv")
        )
        rows.append(
            (
                agent,
                f"{dose.amount * count:g}",
                f"{dose.unit}{suffix}",
                route,
                str(count) if agent == "tbi" else "",
            )
        )
    return rows


def nih_result(values: dict[str, Any]) -> GradeResult:
    fev1 = values.pop("fev1_percent")
    scores = {k: int(v) for k, v in values.items()}
    lung = None if fev1 is None else nih_lung_fev1_score(fev1)
    return nih_cgvhd_assessment(scores, lung_fev1_score=lung)


PLERIXAFOR_CRITERIA = "Plerixafor dose (Mozobil label, Cockcroft-Gault)"


def plerixafor_result(v: dict[str, Any]) -> GradeResult:
    """The plerixafor dose for a patient: Cockcroft-Gault creatinine clearance on the
    actual weight, then the label's dose for that clearance (0.24 mg/kg, at most 40 mg;
    0.16 mg/kg, at most 27 mg, when CrCl is 50 mL/min or less), with the 175%-of-ideal-
    weight check. Refused under 18 years (Cockcroft-Gault is an adult formula)."""
    sex = v["sex"]
    crcl = creatinine_clearance_cg(v["age_years"], v["weight_kg"], v["creatinine_mg_dl"], sex)
    ibw = ideal_body_weight(v["height_cm"], sex)
    dose = plerixafor_dose(v["weight_kg"], crcl, ibw)
    female = tr(" x 0.85 (female)") if sex == "female" else ""
    crcl_text = (
        f"CrCl = (140 - {format_number(v['age_years'])}) x {format_number(v['weight_kg'])} kg"
        f" / (72 x {format_number(v['creatinine_mg_dl'])} mg/dL){female} = "
        f"{format_number(crcl, 1)} mL/min"
    )
    return GradeResult(
        value=format_dose(dose.dose_mg, "mg"),
        label=tr("{dose} ({volume} mL of {strength} mg/mL)").format(
            dose=format_dose(dose.dose_mg, "mg"),
            volume=format_number(dose.volume_ml),
            strength=format_number(PLERIXAFOR_MG_PER_ML),
        ),
        criteria=PLERIXAFOR_CRITERIA,
        version=dose.source,
        inputs={
            "age_years": v["age_years"],
            "sex": sex,
            "weight_kg": v["weight_kg"],
            "height_cm": v["height_cm"],
            "creatinine_mg_dl": v["creatinine_mg_dl"],
        },
        deciding_rule=f"{crcl_text}; {dose.explanation}.",
        notes=dose.warnings,
        components={
            "crcl_ml_min": round(crcl, 1),
            "mg_per_kg": dose.mg_per_kg,
            "max_mg": dose.max_mg,
            "capped": dose.capped,
            "renal_adjusted": dose.renal_adjusted,
        },
    )


def chimerism_result(v: dict[str, Any]) -> GradeResult:
    """Donor chimerism of one lineage (ASTCT 2021) on the sample date (the dialog's
    assessment date), with the trend from the previous result of that lineage if given."""
    return chimerism_assessment(
        v["donor_percent"],
        v["lineage"],
        date=v[ASSESSMENT_DATE],
        previous_percent=v["previous_percent"],
        previous_date=v["previous_date"],
    )
