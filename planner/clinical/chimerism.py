"""Donor chimerism after allogeneic transplant: what one result means, and its trend.

Definitions: ASTCT consensus, Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649
(largely endorsed by EBMT, CIBMTR and APBMT: Sureda et al., Bone Marrow Transplant
2024;59:832-837).
Full donor chimerism is > 95% donor cells, for both the myeloid and the lymphoid lineage;
below that the chimerism is mixed (partial). Fewer than 5% donor cells is loss of the graft
(graft failure with autologous reconstitution, Rondón et al., Biol Blood Marrow Transplant
2008;14:859-866: "at least 5% donor cells" is engraftment); whether it is graft *rejection*,
an immune-mediated process in ASTCT 2021, is the clinician's call.

Boundaries (design decisions, stated so a result never depends on rounding): exactly 95%
is mixed (full needs *more* than 95%); exactly 5% is mixed (loss is *below* 5%). The
consulted copy of the consensus gave "> 95%" for full chimerism; its exact wording for the
mixed range and for graft rejection could not be read (unverified: confirm against the
paper).

One result is one lineage. The consensus speaks of both lineages, so a single lineage never
makes the whole chimerism "full": the note says which result is still needed. A falling
donor percentage between two results of the same lineage is reported: an increasing share of
recipient cells can precede graft rejection, or relapse after a transplant for a malignancy
(review, Bone Marrow Transplant 2008, doi:10.1038/bmt.2008.212).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final, Literal

from planner.clinical.grading import GradeResult
from planner.domain.numbers import format_number
from planner.errors import ValidationError

ChimerismLineage = Literal["whole_blood", "t_cell", "myeloid"]
Category = Literal["full", "mixed", "loss"]

CRITERIA: Final = "Donor chimerism (ASTCT 2021)"
VERSION: Final = (
    "Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649; < 5% donor: Rondón et al., "
    "Biol Blood Marrow Transplant 2008;14:859-866"
)
FULL_ABOVE: Final = 95.0
"""Full donor chimerism: more than this percentage of donor cells (ASTCT 2021)."""
LOSS_BELOW: Final = 5.0
"""Loss of the graft: fewer than this percentage of donor cells (Rondón et al. 2008)."""

LINEAGES: Final[dict[str, str]] = {
    "whole_blood": "whole blood (unfractionated)",
    "t_cell": "T cells (CD3+)",
    "myeloid": "myeloid cells (CD33+)",
}
_OTHER: Final[dict[str, str]] = {"t_cell": "myeloid (CD33+)", "myeloid": "T-cell (CD3+)"}
LABELS: Final[dict[str, str]] = {
    "full": "full donor chimerism",
    "mixed": "mixed chimerism",
    "loss": "donor cells below 5%",
}
RANK: Final[dict[str, int]] = {"full": 0, "mixed": 1, "loss": 2}
TREND_SOURCE: Final = "review, Bone Marrow Transplant 2008, doi:10.1038/bmt.2008.212"


def _percent(value: object, field: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, f"{what} must be a percentage from 0 to 100.")
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= 100:
        raise ValidationError(
            field, f"{what} of {value!r}% is not possible; enter a percentage from 0 to 100."
        )
    return number


def _capital(text: str) -> str:
    """ "T cells (CD3+)" stays as it is; "whole blood" -> "Whole blood"."""
    return text[:1].upper() + text[1:]


def chimerism_category(donor_percent: float) -> Category:
    """ "full" above 95%, "loss" below 5%, else "mixed" (95 and 5 themselves are mixed)."""
    percent = _percent(donor_percent, "donor_percent", "Donor chimerism")
    if percent > FULL_ABOVE:
        return "full"
    if percent < LOSS_BELOW:
        return "loss"
    return "mixed"


def _rule(category: Category, lineage_text: str, pct: str) -> str:
    if category == "full":
        return f"{lineage_text}: {pct}% donor > 95%: full donor chimerism in this lineage."
    if category == "loss":
        return (
            f"{lineage_text}: {pct}% donor < 5%: loss of donor cells (graft failure with "
            "autologous reconstitution, or graft rejection); confirm."
        )
    return f"{lineage_text}: {pct}% donor, from 5% to 95%: mixed (partial) chimerism."


def _lineage_note(category: Category, lineage: str) -> str:
    if lineage == "whole_blood":
        return (
            "Unfractionated blood: ASTCT 2021 defines chimerism by lineage (myeloid and "
            "lymphoid); T-cell (CD3+) and myeloid (CD33+) results decide."
        )
    if category == "full":
        return (
            f"ASTCT 2021 calls chimerism full when both myeloid and lymphoid lineages are "
            f"> 95% donor: check the {_OTHER[lineage]} result."
        )
    return f"Compare with the {_OTHER[lineage]} result of the same sample."


def _trend_note(
    current: float, previous: float, date: dt.date | None, previous_date: dt.date | None
) -> tuple[str, float]:
    change = round(current - previous, 6)
    when = f" on {previous_date.isoformat()}" if previous_date else ""
    now = f" on {date.isoformat()}" if date else ""
    was, now_pct = format_number(previous), format_number(current)
    if change < 0:
        text = (
            f"Falling donor chimerism: {was}%{when} to {now_pct}%{now} "
            f"({format_number(-change)} percentage points lower). A rising share of recipient "
            f"cells can precede graft rejection or relapse ({TREND_SOURCE}): repeat the test "
            "and tell the transplant physician."
        )
        if chimerism_category(previous) != chimerism_category(current):
            text += (
                f" The result moved from {LABELS[chimerism_category(previous)]} to "
                f"{LABELS[chimerism_category(current)]}."
            )
        return text, change
    if change > 0:
        return (
            f"Rising donor chimerism: {was}%{when} to {now_pct}%{now} "
            f"({format_number(change)} percentage points higher).",
            change,
        )
    return f"Donor chimerism unchanged since the previous result ({was}%{when}).", change


def chimerism_assessment(
    donor_percent: float,
    lineage: str,
    *,
    date: dt.date | None = None,
    previous_percent: float | None = None,
    previous_date: dt.date | None = None,
) -> GradeResult:
    """What one donor-chimerism result means (ASTCT 2021), with its trend.

    Args:
        donor_percent: donor cells, 0-100 %.
        lineage: "whole_blood", "t_cell" (CD3+) or "myeloid" (CD33+).
        date: the sample date.
        previous_percent: the previous result of the same lineage, if any.
        previous_date: its date (must be before ``date``).

    Returns:
        A ``GradeResult`` whose value is "full", "mixed" or "loss", with the rule, the
        lineage note and, with a previous result, the trend (falling: a warning).
    """
    if lineage not in LINEAGES:
        raise ValidationError(
            "lineage", f"Lineage '{lineage}' is not one of: {', '.join(LINEAGES)}."
        )
    percent = _percent(donor_percent, "donor_percent", "Donor chimerism")
    category = chimerism_category(percent)
    if previous_date is not None and previous_percent is None:
        raise ValidationError(
            "previous_percent", "A previous result date needs the previous donor percentage."
        )
    if previous_date is not None and date is not None and previous_date >= date:
        raise ValidationError(
            "previous_date",
            f"The previous result ({previous_date.isoformat()}) must be before this one "
            f"({date.isoformat()}).",
        )
    notes = [_lineage_note(category, lineage)]
    components: dict[str, object] = {"lineage": LINEAGES[lineage], "donor_pct": percent}
    if previous_percent is not None:
        previous = _percent(previous_percent, "previous_percent", "The previous result")
        text, change = _trend_note(percent, previous, date, previous_date)
        notes.append(text)
        components["change_points"] = change
    if category == "loss":
        notes.append(
            "Graft rejection is immune-mediated (ASTCT 2021); the clinician decides between "
            "rejection and other causes of graft failure."
        )
    return GradeResult(
        value=category,
        label=LABELS[category],
        criteria=CRITERIA,
        version=VERSION,
        inputs={
            "date": date,
            "lineage": LINEAGES[lineage],
            "donor_pct": percent,
            "previous_donor_pct": previous_percent,
            "previous_date": previous_date,
        },
        deciding_rule=_rule(category, _capital(LINEAGES[lineage]), format_number(percent)),
        notes=tuple(notes),
        components=components,
        rank=RANK[category],
    )
