"""The dose line of a plan step for one patient: what to show, and how it was computed.

Every screen and document that shows a dose uses this, so a dose always appears
with its order, the formula, the weight and the date of the measurements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.clinical.dosing import compute_dose, tall_man
from planner.domain.patients import Patient
from planner.domain.templates import DoseBasis, DoseRule
from planner.errors import ValidationError


@dataclass(frozen=True)
class DoseLine:
    """A dose as shown: ``text`` for the cell, ``explanation`` for the tooltip/print.

    Attributes:
        text: "363.62 mg (200 mg/m2)", or the order alone when it cannot be computed.
        explanation: the formula and values used, or why it could not be computed.
        computed: False when a measurement was missing.
    """

    text: str
    explanation: str
    computed: bool


def dose_line(
    rule: DoseRule | None, drug: str, patient: Patient, on: dt.date | None = None
) -> DoseLine | None:
    """The dose of a step for ``patient`` (None for steps without a dose).

    ``on`` is the date of the dose: one given before the recorded weight was measured
    is not recomputed with that later weight (what was given is in the administration
    record), so a plan or summary never shows a dose that was not the one given.
    """
    if rule is None:
        return None
    name = tall_man(drug) if drug else ""
    suffix = f" {rule.route}" if rule.route else ""
    if (
        on is not None
        and rule.per is not DoseBasis.FLAT
        and patient.weight_date is not None
        and on < patient.weight_date
    ):
        return DoseLine(
            f"{rule.order_text}{suffix}",
            f"Not recomputed: given on {on.isoformat()}, before the recorded "
            f"weight was measured ({patient.weight_date.isoformat()}); see the "
            "administration record for the dose given.",
            False,
        )
    if rule.per is DoseBasis.FLAT:
        text = f"{rule.order_text}{suffix}"
        return DoseLine(text, f"{name} {text}, flat dose (not weight-based).".strip(), True)
    try:
        result = compute_dose(
            rule,
            height_cm=patient.height_cm,
            weight_kg=patient.weight_kg,
            sex=patient.sex,
            weight_date=patient.weight_date,
            drug=name,
        )
    except ValidationError as err:
        return DoseLine(f"{rule.order_text}{suffix}", f"Not computed: {err}", False)
    return DoseLine(f"{result.display} ({rule.order_text}){suffix}", result.explanation, True)
