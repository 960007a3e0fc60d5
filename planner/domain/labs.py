"""Laboratory samples: the record shared by hand entry, lab import, engraftment and the
calculators.

Counts (WBC, ANC, platelets) are always stored in 10^9/L, haemoglobin in g/L, and the two
chemistry results read from lab feeds (serum creatinine, total bilirubin) in mg/dL,
whatever unit the source used: units are explicit and normalised, and an unknown unit is
refused, never guessed, because a misread unit changes an engraftment date or a dose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from planner.domain.i18n import tr, tr_noop
from planner.errors import ValidationError

CountAnalyte = Literal["wbc", "anc", "plt", "hb"]
ChemistryAnalyte = Literal["creatinine", "bilirubin"]
DrugLevelAnalyte = Literal["tacrolimus", "ciclosporin"]
Analyte = Literal["wbc", "anc", "plt", "hb", "creatinine", "bilirubin", "tacrolimus", "ciclosporin"]
Qualifier = Literal["", "<", ">"]

COUNT_ANALYTES: Final[tuple[CountAnalyte, ...]] = ("wbc", "anc", "plt", "hb")
"""The blood counts: what the counts grid, the count charts and engraftment read."""
CHEMISTRY_ANALYTES: Final[tuple[ChemistryAnalyte, ...]] = ("creatinine", "bilirubin")
"""Serum creatinine (Cockcroft-Gault) and total bilirubin (MAGIC liver stage, SOS/VOD)."""
DRUG_LEVEL_ANALYTES: Final[tuple[DrugLevelAnalyte, ...]] = ("tacrolimus", "ciclosporin")
"""Calcineurin-inhibitor levels in whole blood, dosed to trough targets."""
ANALYTES: Final[tuple[Analyte, ...]] = (
    *COUNT_ANALYTES,
    *CHEMISTRY_ANALYTES,
    *DRUG_LEVEL_ANALYTES,
)
"""Every analyte a ``LabSample`` can hold, counts first."""
COUNT_UNIT: Final = "10^9/L"
HB_UNIT: Final = "g/L"
CHEMISTRY_UNIT: Final = "mg/dL"
DRUG_LEVEL_UNIT: Final = "ng/mL"
"""Creatinine and bilirubin are stored in mg/dL: the unit of the Cockcroft-Gault equation
and of the MAGIC and SOS/VOD bilirubin criteria."""
CANONICAL_UNIT: Final[dict[str, str]] = {
    "wbc": COUNT_UNIT,
    "anc": COUNT_UNIT,
    "plt": COUNT_UNIT,
    "hb": HB_UNIT,
    "creatinine": CHEMISTRY_UNIT,
    "bilirubin": CHEMISTRY_UNIT,
    "tacrolimus": DRUG_LEVEL_UNIT,
    "ciclosporin": DRUG_LEVEL_UNIT,
}
# In English (audit descriptions use them); ``analyte_label`` gives them as shown.
ANALYTE_LABEL: Final[dict[str, str]] = {
    "wbc": tr_noop("WBC"),
    "anc": tr_noop("ANC"),
    "plt": tr_noop("Platelets"),
    "hb": tr_noop("Haemoglobin"),
    "creatinine": tr_noop("Creatinine"),
    "bilirubin": tr_noop("Bilirubin"),
    "tacrolimus": tr_noop("Tacrolimus"),
    "ciclosporin": tr_noop("Ciclosporin"),
}
# Micromoles per litre in one mg/dL, from the molar masses (creatinine 113.12 g/mol,
# bilirubin 584.66 g/mol): the SI conversion factors of Young DS, "Implementation of SI
# units for clinical laboratory data", Ann Intern Med 1987;106:114-129.
CREATININE_UMOL_PER_MG_DL: Final = 88.4
BILIRUBIN_UMOL_PER_MG_DL: Final = 17.1
MOLAR_UNIT: Final = "umol/L"
# A chemistry result reported in umol/L keeps that unit beside its mg/dL value: graded
# criteria print their own SI cut-offs (SOS/VOD: 2 mg/dL "or 34 umol/L", Mohty et al.,
# Bone Marrow Transplant 2016;51:906-912), and 34 umol/L is 1.99 mg/dL. A calculator is
# given the value as the lab reported it, never a converted one on the other side of a
# cut-off (planner.clinical.grading grades a bilirubin in the unit it is given in).
UMOL_PER_CANONICAL: Final[dict[str, float]] = {
    "creatinine": CREATININE_UMOL_PER_MG_DL,
    "bilirubin": BILIRUBIN_UMOL_PER_MG_DL,
}
# Physically possible ranges in the canonical unit (inclusive). A value outside is a unit
# slip or a typo, never a result: hb 10-250 g/L is 1-25 g/dL. Creatinine: the highest
# serum creatinine on record is 73.8 mg/dL (Case Rep Nephrol 2021;2021:6048919); a serum
# creatinine is never zero, and a result under a lab's reporting limit comes as "<limit",
# so 0.05 mg/dL (4.4 umol/L) is the floor. Bilirubin: the ceiling sits well
# above the highest totals of published series (45.5 mg/dL in neonates; Newman et al.,
# Pediatrics 2003;111:1303-1311), leaving room for adult cholestasis with haemolysis.
PHYSICAL_RANGE: Final[dict[str, tuple[float, float]]] = {
    "wbc": (0.0, 500.0),
    "anc": (0.0, 100.0),
    "plt": (0.0, 2000.0),
    "hb": (10.0, 250.0),
    "creatinine": (0.05, 80.0),
    "bilirubin": (0.0, 100.0),
    # Whole-blood levels: laboratories print trough ranges of 5-15 ng/mL for tacrolimus
    # and 100-400 ng/mL for ciclosporin (e.g. Mayo Clinic Laboratories, tests TACRO and
    # CYSPR); the ceilings leave room for a toxic level, not for a unit slip of 1,000.
    "tacrolimus": (0.0, 200.0),
    "ciclosporin": (0.0, 5000.0),
}


_QUALIFIERS: Final = frozenset(("", "<", ">"))


def analyte_label(analyte: str) -> str:
    """The name of ``analyte`` ("ANC") in the interface's language."""
    return tr(ANALYTE_LABEL[analyte])


@dataclass(frozen=True, slots=True)
class LabSample:
    """One laboratory result for one patient on one calendar day.

    Attributes:
        patient_id: the planner's patient id (the MRN matched to a patient).
        mrn: the medical record number as the source wrote it (text; leading zeros kept).
        date: the calendar date the sample was drawn (a ``date``, never a ``datetime``).
        analyte: one of ``ANALYTES`` ("wbc", "anc", "plt", "hb", "creatinine",
            "bilirubin").
        value: the value in the canonical unit (10^9/L for counts, g/L for haemoglobin,
            mg/dL for creatinine and bilirubin).
        unit: the canonical unit ("10^9/L", "g/L" or "mg/dL").
        qualifier: "" for an exact value, "<" when the lab reported "below value"
            (e.g. "<0.1"), ">" for "above value".
        source: where the value came from, e.g. "labs.csv line 12" or "entered by hand".
        reported_unit: "umol/L" when a creatinine or bilirubin was reported in it (its
            value as reported is ``reported_value``); "" when reported in the canonical
            unit.
    """

    patient_id: str
    mrn: str
    date: dt.date
    analyte: Analyte
    value: float
    unit: str
    qualifier: Qualifier = ""
    source: str = ""
    reported_unit: str = ""

    def __post_init__(self) -> None:
        # Fast path first: an import builds 100,000 of these within its time budget.
        date, value, analyte = self.date, self.value, self.analyte
        if type(date) is not dt.date and (
            isinstance(date, dt.datetime) or not isinstance(date, dt.date)
        ):
            raise ValidationError("date", tr("The sample date must be a calendar date."))
        unit = CANONICAL_UNIT.get(analyte)
        if unit is None:
            raise ValidationError(
                "analyte",
                tr("Analyte '{analyte}' is not one of: {known}.").format(
                    analyte=analyte, known=", ".join(ANALYTES)
                ),
            )
        if self.unit != unit:
            raise ValidationError(
                "unit",
                tr("{analyte} must be stored in {unit}, not '{given}'.").format(
                    analyte=analyte_label(analyte), unit=unit, given=self.unit
                ),
            )
        if self.qualifier not in _QUALIFIERS:
            raise ValidationError("qualifier", tr("The qualifier must be '', '<' or '>'."))
        if self.reported_unit and not (
            self.reported_unit == MOLAR_UNIT and analyte in UMOL_PER_CANONICAL
        ):
            raise ValidationError(
                "unit",
                tr("{analyte} cannot have been reported in '{given}'.").format(
                    analyte=analyte_label(analyte), given=self.reported_unit
                ),
            )
        if type(value) is not float and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise ValidationError("value", tr("The sample value must be a finite number."))
        low, high = PHYSICAL_RANGE[analyte]
        if not low <= value <= high:  # also refuses NaN and infinities
            raise ValidationError(
                "value",
                tr(
                    "{analyte} {value} {unit} is outside the physical range {low}-{high} {unit}."
                ).format(
                    analyte=analyte_label(analyte),
                    value=f"{value:g}",
                    unit=unit,
                    low=f"{low:g}",
                    high=f"{high:g}",
                ),
            )

    @property
    def display_value(self) -> str:
        """The value with its qualifier, e.g. "<0.1"."""
        return f"{self.qualifier}{self.value:g}"

    @property
    def reported_value(self) -> float:
        """The value in the unit it was reported in (``reported_unit``, else ``unit``):
        34 for a bilirubin reported as 34 umol/L."""
        if not self.reported_unit:
            return self.value
        return round(self.value * UMOL_PER_CANONICAL[self.analyte], 4)

    @property
    def reported(self) -> str:
        """ "34 umol/L": the value and unit as the lab reported them."""
        unit = self.reported_unit or self.unit
        return f"{self.qualifier}{self.reported_value:g} {unit}"
