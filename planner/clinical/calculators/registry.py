"""The calculators the app offers, each with its inputs, its function and its criteria.

A new calculator is one compute function (here or in ``compute``), one tuple of
``Field`` (``inputs``) and one ``Calculator`` entry below; the desktop app builds its
dialog, its button or menu entry from this list, with no Qt code of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, NamedTuple

from planner.clinical.calculators.compute import (
    chimerism_result,
    cmv_result,
    engraftment_syndrome_result,
    febrile_neutropenia_result,
    hct_ci_result,
    intensity_result,
    mucositis_result,
    nih_result,
    plerixafor_result,
    regimen_rows,
    ta_tma_result,
    vaccine_result,
    vod_diagnosis_2016_result,
)
from planner.clinical.calculators.fields import Field
from planner.clinical.calculators.inputs import (
    ABO_FIELDS,
    CHIMERISM_FIELDS,
    CMV_FIELDS,
    CRS_FIELDS,
    ES_FIELDS,
    FN_FIELDS,
    HC_FIELDS,
    HCT_CI_FIELDS,
    ICANS_FIELDS,
    INTENSITY_FIELDS,
    KPS_FIELDS,
    MAGIC_FIELDS,
    MUCOSITIS_FIELDS,
    NIH_FIELDS,
    PLERIXAFOR_FIELDS,
    TMA_FIELDS,
    VACCINE_FIELDS,
    VOD_DX_2016_FIELDS,
    VOD_DX_2023_FIELDS,
    VOD_DX_PAEDIATRIC_FIELDS,
    VOD_FIELDS,
)
from planner.clinical.compatibility import abo_assessment
from planner.clinical.eligibility import performance_status
from planner.clinical.grading import GradeResult, magic_assessment
from planner.clinical.toxicity import (
    crs_grade_astct,
    haemorrhagic_cystitis_grade,
    icans_grade_astct,
)
from planner.clinical.vod import (
    vod_diagnosis_ebmt2023,
    vod_diagnosis_paediatric,
    vod_severity_ebmt2016,
)
from planner.domain.i18n import ENGLISH, current, english, tr, tr_noop
from planner.domain.labs import LabSample
from planner.domain.patients import Patient, Transplant, TransplantType
from planner.domain.plans import Plan

ComputeFn = Callable[[dict[str, Any]], GradeResult]

COMPLICATIONS: Final = tr_noop("Complications")
ELIGIBILITY: Final = tr_noop("Eligibility and compatibility")
HARVEST: Final = tr_noop("Harvest")
"""Menu sections: the Complications tab offers the first two, the Harvest tab the last
(compared as they are: shown with ``tr(menu)``)."""


@dataclass(frozen=True)
class Calculator:
    """One calculator, worded in English (``translated``: as the interface shows it).

    Attributes:
        key: its identifier ("magic", "plerixafor").
        button: the text of its button or menu entry, with an access key.
        title: the dialog's title, naming the criteria.
        fields: its inputs.
        compute: values -> result (raises ``ValidationError`` naming the field, or
            ``MissingInputError``).
        source: the published criteria it implements (docs/clinical-sources.md).
        allogeneic_only: offered for allogeneic transplants only.
        records: its result is saved as a dated assessment of a complication
            episode (False: shown and copied only).
        with_date: the compute function receives the assessment date.
        menu: "" for a button of its own, else the section of the "More calculators"
            menu.
    """

    key: str
    button: str
    title: str
    fields: tuple[Field, ...]
    compute: ComputeFn
    source: str
    allogeneic_only: bool = False
    records: bool = True
    with_date: bool = False
    menu: str = ""

    def translated(self) -> Calculator:
        """The calculator in the interface's language (``planner.domain.i18n``): button,
        title and fields translated, ``menu`` kept (it is compared; show it with ``tr``).
        Its results are worded in that language and carry their English wording
        (``GradeResult.english``), which is what is stored."""
        return replace(
            self,
            button=tr(self.button),
            title=tr(self.title),
            fields=tuple(f.translated() for f in self.fields),
            compute=_worded(self.compute),
        )


def _worded(compute: ComputeFn) -> ComputeFn:
    """``compute`` answering in the current language, with the English twin attached."""

    def run(values: dict[str, Any]) -> GradeResult:
        shown = compute(dict(values))
        if current() == ENGLISH:
            return shown
        with english():
            stored = compute(dict(values))
        return replace(shown, english=stored.recorded())

    return run


CALCULATORS: tuple[Calculator, ...] = (
    Calculator(
        "magic",
        tr_noop("Acute GVHD (&MAGIC)..."),
        tr_noop("Acute GVHD: MAGIC staging and grade"),
        MAGIC_FIELDS,
        lambda v: magic_assessment(**v),
        "Harris et al., Biol Blood Marrow Transplant 2016;22:4-10 (MAGIC)",
        allogeneic_only=True,
    ),
    Calculator(
        "nih",
        tr_noop("Chronic GVHD (&NIH)..."),
        tr_noop("Chronic GVHD: NIH 2014 global severity"),
        NIH_FIELDS,
        nih_result,
        "Jagasia et al., Biol Blood Marrow Transplant 2015;21:389-401 (NIH 2014)",
        allogeneic_only=True,
    ),
    Calculator(
        "vod",
        tr_noop("SOS/&VOD (EBMT)..."),
        tr_noop("SOS/VOD: EBMT 2016 adult severity"),
        VOD_FIELDS,
        lambda v: vod_severity_ebmt2016(**v),
        "Mohty et al., Bone Marrow Transplant 2016;51:906-912 (EBMT adult criteria)",
    ),
    # SOS/VOD diagnosis: shown and copied, not saved. The "SOS/VOD" episode of the
    # complications record orders its assessments by severity rank; a yes/no or
    # probable/clinical/proven diagnosis ranked beside severity would corrupt its maximum.
    Calculator(
        "vod_dx_2016",
        tr_noop("SOS/VOD &diagnosis, adult (EBMT 2016)..."),
        tr_noop("SOS/VOD diagnosis: EBMT 2016 adult criteria"),
        VOD_DX_2016_FIELDS,
        vod_diagnosis_2016_result,
        "Mohty et al., Bone Marrow Transplant 2016;51:906-912 (EBMT adult diagnostic "
        "criteria, classical and late onset)",
        records=False,
        menu=COMPLICATIONS,
    ),
    Calculator(
        "vod_dx_2023",
        tr_noop("SOS/VOD diagnosis, adult &refined (EBMT 2023)..."),
        tr_noop("SOS/VOD diagnosis: EBMT 2023 refined adult criteria"),
        VOD_DX_2023_FIELDS,
        lambda v: vod_diagnosis_ebmt2023(**v),
        "Mohty et al., Bone Marrow Transplant 2023;58:749-754 (refined EBMT adult criteria: "
        "probable, clinical, proven)",
        records=False,
        menu=COMPLICATIONS,
    ),
    Calculator(
        "vod_dx_paed",
        tr_noop("SOS/VOD diagnosis, &paediatric (EBMT 2018)..."),
        tr_noop("SOS/VOD diagnosis: EBMT 2018 paediatric criteria"),
        VOD_DX_PAEDIATRIC_FIELDS,
        lambda v: vod_diagnosis_paediatric(**v),
        "Corbacioglu et al., Bone Marrow Transplant 2018;53:138-145 (EBMT paediatric criteria)",
        records=False,
        menu=COMPLICATIONS,
    ),
    Calculator(
        "crs",
        tr_noop("&CRS (ASTCT)..."),
        tr_noop("Cytokine release syndrome: ASTCT grade"),
        CRS_FIELDS,
        lambda v: crs_grade_astct(**v),
        "Lee et al., Biol Blood Marrow Transplant 2019;25:625-638 (ASTCT consensus)",
    ),
    Calculator(
        "icans",
        tr_noop("&ICANS (ASTCT)..."),
        tr_noop("ICANS: ASTCT grade (adult, ICE)"),
        ICANS_FIELDS,
        lambda v: icans_grade_astct(**v),
        "Lee et al., Biol Blood Marrow Transplant 2019;25:625-638 (ASTCT consensus)",
    ),
    Calculator(
        "fn",
        tr_noop("&Febrile neutropenia (IDSA)..."),
        tr_noop("Febrile neutropenia: IDSA 2010"),
        FN_FIELDS,
        febrile_neutropenia_result,
        "Freifeld et al., Clin Infect Dis 2011;52:e56-e93 (IDSA 2010)",
        with_date=True,
        menu=COMPLICATIONS,
    ),
    Calculator(
        "es",
        tr_noop("&Engraftment syndrome..."),
        tr_noop("Engraftment syndrome: Spitzer and Maiolino"),
        ES_FIELDS,
        engraftment_syndrome_result,
        "Spitzer, Bone Marrow Transplant 2001;27:893-898; Maiolino et al., "
        "Bone Marrow Transplant 2003;31:393-397",
        menu=COMPLICATIONS,
    ),
    Calculator(
        "tma",
        tr_noop("&TA-TMA (harmonised)..."),
        tr_noop("TA-TMA: harmonised criteria (2023)"),
        TMA_FIELDS,
        ta_tma_result,
        "Schoettler et al., Transplant Cell Ther 2023;29:151-163 (harmonised criteria)",
        menu=COMPLICATIONS,
    ),
    Calculator(
        "mucositis",
        tr_noop("Oral &mucositis..."),
        tr_noop("Oral mucositis: WHO and CTCAE v5"),
        MUCOSITIS_FIELDS,
        mucositis_result,
        "WHO Handbook for Reporting Results of Cancer Treatment (1979); CTCAE v5.0 (2017)",
        menu=COMPLICATIONS,
    ),
    Calculator(
        "hc",
        tr_noop("&Haemorrhagic cystitis..."),
        tr_noop("Haemorrhagic cystitis: grade"),
        HC_FIELDS,
        lambda v: haemorrhagic_cystitis_grade(**v),
        "Droller et al., Urology 1982;20:256-258 (grades I-IV; the grade wording is unverified)",
        menu=COMPLICATIONS,
    ),
    Calculator(
        "hctci",
        tr_noop("H&CT-CI..."),
        tr_noop("HCT-CI with age composite"),
        HCT_CI_FIELDS,
        hct_ci_result,
        "Sorror et al., Blood 2005;106:2912-2919; Sorror et al., J Clin Oncol "
        "2014;32:3249-3256 (HCT-CI/age: age 40 or more adds 1 point)",
        records=False,
        menu=ELIGIBILITY,
    ),
    Calculator(
        "kps",
        tr_noop("&Karnofsky/Lansky..."),
        tr_noop("Performance status: Karnofsky or Lansky"),
        KPS_FIELDS,
        lambda v: performance_status(v["score"], v["age_years"]),
        "Karnofsky and Burchenal (1949); Lansky et al., Cancer 1987;60:1651-1656 (the "
        "under-16 cut-off for Lansky is unverified)",
        records=False,
        menu=ELIGIBILITY,
    ),
    Calculator(
        "abo",
        tr_noop("&ABO compatibility..."),
        tr_noop("ABO compatibility (donor to recipient)"),
        ABO_FIELDS,
        lambda v: abo_assessment(v["donor_abo"], v["recipient_abo"]),
        "Standard donor-to-recipient ABO definitions (e.g. Daniel-Johnson and Schwartz, "
        "Transfusion 2011;51:1143-1149)",
        allogeneic_only=True,
        records=False,
        menu=ELIGIBILITY,
    ),
    Calculator(
        "cmv",
        tr_noop("C&MV and letermovir..."),
        tr_noop("CMV serostatus and letermovir window"),
        CMV_FIELDS,
        cmv_result,
        "Marty et al., N Engl J Med 2017;377:2433-2444; Prevymis (letermovir) label",
        records=False,
        menu=ELIGIBILITY,
    ),
    Calculator(
        "intensity",
        tr_noop("Conditioning &intensity..."),
        tr_noop("Conditioning intensity: MAC/RIC/NMA"),
        INTENSITY_FIELDS,
        intensity_result,
        "Bacigalupo et al., Biol Blood Marrow Transplant 2009;15:1628-1633 (working "
        "definitions); Giralt et al., Biol Blood Marrow Transplant 2009;15:367-369 (CIBMTR "
        "reduced-intensity workshop); treosulfan and BEAM: EBMT Handbook, 8th ed., 2024, "
        "chapter 13",
        records=False,
        menu=ELIGIBILITY,
    ),
    Calculator(
        "vaccine",
        tr_noop("&Live vaccines (2-1-8)..."),
        tr_noop("Live-vaccine eligibility (2-1-8)"),
        VACCINE_FIELDS,
        vaccine_result,
        "Tomblyn et al., Biol Blood Marrow Transplant 2009;15:1143-1238; Rubin et al., "
        "Clin Infect Dis 2014;58:e44-e100 (IDSA)",
        records=False,
        with_date=True,
        menu=ELIGIBILITY,
    ),
    Calculator(
        "plerixafor",
        tr_noop("&Plerixafor dose..."),
        tr_noop("Plerixafor dose (Cockcroft-Gault creatinine clearance)"),
        PLERIXAFOR_FIELDS,
        plerixafor_result,
        "Mozobil (plerixafor) prescribing information; Cockcroft and Gault, Nephron 1976;16:31-41",
        records=False,
        menu=HARVEST,
    ),
    Calculator(
        "chimerism",
        tr_noop("Chimeri&sm..."),
        tr_noop("Donor chimerism: ASTCT 2021"),
        CHIMERISM_FIELDS,
        chimerism_result,
        "Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649 (ASTCT: full > 95% "
        "donor in myeloid and lymphoid lineages); < 5% donor: Rondón et al., Biol Blood "
        "Marrow Transplant 2008;14:859-866 (the consensus wording for mixed chimerism and "
        "rejection is unverified)",
        allogeneic_only=True,
        records=False,
        with_date=True,
        menu=ELIGIBILITY,
    ),
)


def calculator(key: str) -> Calculator:
    """The calculator with ``key`` ("magic", "nih", "vod", "vod_dx_2016", "crs", "fn", ...),
    in the interface's language."""
    for calc in CALCULATORS:
        if calc.key == key:
            return calc.translated()
    raise KeyError(key)


def calculators() -> tuple[Calculator, ...]:
    """Every calculator in the interface's language (``CALCULATORS`` is the English source)."""
    return tuple(c.translated() for c in CALCULATORS)


def _latest(samples: Sequence[LabSample], analyte: str) -> LabSample | None:
    found = [s for s in samples if s.analyte == analyte]
    return max(found, key=lambda s: s.date) if found else None


class Measured(NamedTuple):
    """A measured input: its value, the day it was measured, where it comes from, and the
    calculator's unit choice for it ("" where the field has none)."""

    value: float
    date: dt.date
    source: str
    unit: str = ""


def measured_inputs(patient: Patient, samples: Sequence[LabSample]) -> dict[str, Measured]:
    """The measured inputs the record holds, each with the day it was measured and where
    it comes from: the serum creatinine of the patient's record (which a newer imported
    creatinine updates), and the latest total bilirubin among the lab results, in the unit
    the lab reported it in.
    A result reported only as below or above a limit is not a value: it is left out."""
    found: dict[str, Measured] = {}
    if patient.creatinine_mg_dl is not None and patient.creatinine_date is not None:
        found["creatinine_mg_dl"] = Measured(
            patient.creatinine_mg_dl, patient.creatinine_date, tr("the patient's record")
        )
    bilirubin = _latest(samples, "bilirubin")
    if bilirubin is not None and not bilirubin.qualifier:
        # As reported: graded against the cut-off published for its own unit.
        unit = "umol/L" if bilirubin.reported_unit else "mg/dL"
        found["bilirubin"] = Measured(
            bilirubin.reported_value, bilirubin.date, tr("a lab result"), unit
        )
    return found


def input_sources(patient: Patient, samples: Sequence[LabSample], today: dt.date) -> dict[str, str]:
    """For each measured input ``known_inputs`` fills in, where and when it was measured,
    as the calculator shows it beside the field ("from a lab result of 2026-12-01, 6 days
    ago"): a value is only as good as its date."""
    notes = {}
    for name, (_, when, source, _) in measured_inputs(patient, samples).items():
        age = (today - when).days
        ago = (
            tr("today")
            if age == 0
            else tr("1 day ago")
            if age == 1
            else tr("{n} days ago").format(n=age)
        )
        notes[name] = tr("from {source} of {date}, {ago}").format(
            source=source, date=when.isoformat(), ago=ago
        )
    return notes


def known_inputs(
    patient: Patient,
    transplant: Transplant,
    plan: Plan,
    today: dt.date,
    samples: Sequence[LabSample] = (),
) -> Mapping[str, object]:
    """The calculator inputs the record already holds, as recorded now (by field name):
    age, sex, weight and height; ABO groups and CMV serostatus of recipient and donor;
    Day 0; the conditioning regimen; the serum creatinine and the latest bilirubin as
    reported (``measured_inputs``; ``input_sources`` says when each was measured). A value
    not recorded is absent: nothing is assumed.
    """
    donor = transplant.donor
    found: dict[str, object] = {
        "age_years": patient.age_on(today),
        "sex": patient.sex.value,
        "recipient_abo": patient.abo,
        "recipient_cmv_igg": patient.cmv_igg,
        "donor_abo": "" if donor is None else donor.abo,
        "donor_cmv_igg": None if donor is None else donor.cmv_igg,
        "allogeneic": transplant.transplant_type is TransplantType.ALLOGENEIC,
        "day0": plan.day0,
        "components": regimen_rows(plan),
        "weight_kg": patient.weight_kg,
        "height_cm": patient.height_cm,
    }
    for name, measured in measured_inputs(patient, samples).items():
        found[name] = measured.value
        if measured.unit:
            found[f"{name}_unit"] = measured.unit  # "bilirubin_unit", the field's own
    return {k: v for k, v in found.items() if v not in (None, "", [], ())}
