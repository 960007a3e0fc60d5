"""Laboratory blood-count samples: the record shared by hand entry, lab import and engraftment.

Counts (WBC, ANC, platelets) are always stored in 10^9/L and haemoglobin in g/L, whatever
unit the source used: units are explicit and normalised, and an unknown unit is refused,
never guessed, because a misread unit changes an engraftment date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

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
ANALYTE_LABEL: Final[dict[str, str]] = {
    "wbc": "WBC",
    "anc": "ANC",
    "plt": "Platelets",
    "hb": "Haemoglobin",
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
            raise ValidationError("date", "The sample date must be a calendar date.")
        unit = CANONICAL_UNIT.get(analyte)
        if unit is None:
            raise ValidationError(
                "analyte", f"Analyte '{analyte}' is not one of: {', '.join(ANALYTES)}."
            )
        if self.unit != unit:
            raise ValidationError(
                "unit",
                f"{ANALYTE_LABEL[analyte]} must be stored in {unit}, not '{self.unit}'.",
            )
        if self.qualifier not in _QUALIFIERS:
            raise ValidationError("qualifier", "The qualifier must be '', '<' or '>'.")
        if type(value) is not float and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise ValidationError("value", "The sample value must be a finite number.")
        low, high = PHYSICAL_RANGE[analyte]
        if not low <= value <= high:  # also refuses NaN and infinities
            raise ValidationError(
                "value",
                f"{ANALYTE_LABEL[analyte]} {value:g} {unit} is outside the physical "
                f"range {low:g}-{high:g} {unit}.",
            )

    @property
    def display_value(self) -> str:
        """The value with its qualifier, e.g. "<0.1"."""
        return f"{self.qualifier}{self.value:g}"
