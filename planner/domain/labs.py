"""Laboratory blood-count samples: the record shared by hand entry, lab import and engraftment.

Counts (WBC, ANC, platelets) are always stored in 10^9/L and haemoglobin in g/L, whatever
unit the source used: units are explicit and normalised, and an unknown unit is refused,
never guessed, because a misread unit changes an engraftment date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from planner.domain.i18n import tr, tr_noop
from planner.errors import ValidationError

Analyte = Literal["wbc", "anc", "plt", "hb"]
Qualifier = Literal["", "<", ">"]

ANALYTES: Final[tuple[Analyte, ...]] = ("wbc", "anc", "plt", "hb")
COUNT_UNIT: Final = "10^9/L"
HB_UNIT: Final = "g/L"
CANONICAL_UNIT: Final[dict[str, str]] = {
    "wbc": COUNT_UNIT,
    "anc": COUNT_UNIT,
    "plt": COUNT_UNIT,
    "hb": HB_UNIT,
}
# In English (audit descriptions use them); ``analyte_label`` gives them as shown.
ANALYTE_LABEL: Final[dict[str, str]] = {
    "wbc": tr_noop("WBC"),
    "anc": tr_noop("ANC"),
    "plt": tr_noop("Platelets"),
    "hb": tr_noop("Haemoglobin"),
}
# Physically possible ranges in the canonical unit (inclusive). A value outside is a unit
# slip or a typo, never a result: hb 10-250 g/L is 1-25 g/dL.
PHYSICAL_RANGE: Final[dict[str, tuple[float, float]]] = {
    "wbc": (0.0, 500.0),
    "anc": (0.0, 100.0),
    "plt": (0.0, 2000.0),
    "hb": (10.0, 250.0),
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
        analyte: "wbc", "anc", "plt" or "hb".
        value: the value in the canonical unit (10^9/L for counts, g/L for haemoglobin).
        unit: the canonical unit ("10^9/L" or "g/L").
        qualifier: "" for an exact value, "<" when the lab reported "below value"
            (e.g. "<0.1"), ">" for "above value".
        source: where the value came from, e.g. "labs.csv line 12" or "entered by hand".
    """

    patient_id: str
    mrn: str
    date: dt.date
    analyte: Analyte
    value: float
    unit: str
    qualifier: Qualifier = ""
    source: str = ""

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
