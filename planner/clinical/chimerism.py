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
from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import format_number
from planner.errors import ValidationError

ChimerismLineage = Literal["whole_blood", "t_cell", "myeloid"]
Category = Literal["full", "mixed", "loss"]

CRITERIA: Final = tr_noop("Donor chimerism (ASTCT 2021)")
VERSION: Final = (
    "Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649; < 5% donor: Rondón et al., "
    "Biol Blood Marrow Transplant 2008;14:859-866"
)
FULL_ABOVE: Final = 95.0
"""Full donor chimerism: more than this percentage of donor cells (ASTCT 2021)."""
LOSS_BELOW: Final = 5.0
"""Loss of the graft: fewer than this percentage of donor cells (Rondón et al. 2008)."""

# Shown with ``tr`` (English here: the texts are also stored and compared).
LINEAGES: Final[dict[str, str]] = {
    "whole_blood": tr_noop("whole blood (unfractionated)"),
    "t_cell": tr_noop("T cells (CD3+)"),
    "myeloid": tr_noop("myeloid cells (CD33+)"),
}
_OTHER: Final[dict[str, str]] = {
    "t_cell": tr_noop("myeloid (CD33+)"),
    "myeloid": tr_noop("T-cell (CD3+)"),
}
LABELS: Final[dict[str, str]] = {
    "full": tr_noop("full donor chimerism"),
    "mixed": tr_noop("mixed chimerism"),
    "loss": tr_noop("donor cells below 5%"),
}
RANK: Final[dict[str, int]] = {"full": 0, "mixed": 1, "loss": 2}
TREND_SOURCE: Final = "review, Bone Marrow Transplant 2008, doi:10.1038/bmt.2008.212"


def _percent(value: object, field: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            field, tr("{what} must be a percentage from 0 to 100.").format(what=what)
        )
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= 100:
        raise ValidationError(
            field,
            tr("{what} of {value}% is not possible; enter a percentage from 0 to 100.").format(
                what=what, value=repr(value)
            ),
        )
    return number


def _capital(text: str) -> str:
    """ "T cells (CD3+)" stays as it is; "whole blood" -> "Whole blood"."""
    return text[:1].upper() + text[1:]


def chimerism_category(donor_percent: float) -> Category:
    """ "full" above 95%, "loss" below 5%, else "mixed" (95 and 5 themselves are mixed)."""
    percent = _percent(donor_percent, "donor_percent", tr("Donor chimerism"))
    if percent > FULL_ABOVE:
        return "full"
    if percent < LOSS_BELOW:
        return "loss"
    return "mixed"


def _rule(category: Category, lineage_text: str, pct: str) -> str:
    if category == "full":
        text = tr("{lineage}: {pct}% donor > 95%: full donor chimerism in this lineage.")
    elif category == "loss":
        text = tr(
            "{lineage}: {pct}% donor < 5%: loss of donor cells (graft failure with "
            "autologous reconstitution, or graft rejection); confirm."
        )
    else:
        text = tr("{lineage}: {pct}% donor, from 5% to 95%: mixed (partial) chimerism.")
    return text.format(lineage=lineage_text, pct=pct)


def _lineage_note(category: Category, lineage: str) -> str:
    if lineage == "whole_blood":
        return tr(
            "Unfractionated blood: ASTCT 2021 defines chimerism by lineage (myeloid and "
            "lymphoid); T-cell (CD3+) and myeloid (CD33+) results decide."
        )
    if category == "full":
        return tr(
            "ASTCT 2021 calls chimerism full when both myeloid and lymphoid lineages are "
            "> 95% donor: check the {other} result."
        ).format(other=tr(_OTHER[lineage]))
    return tr("Compare with the {other} result of the same sample.").format(
        other=tr(_OTHER[lineage])
    )


def _trend_note(
    current: float, previous: float, date: dt.date | None, previous_date: dt.date | None
) -> tuple[str, float]:
    change = round(current - previous, 6)
    when = tr(" on {date}").format(date=previous_date.isoformat()) if previous_date else ""
    now = tr(" on {date}").format(date=date.isoformat()) if date else ""
    was, now_pct = format_number(previous), format_number(current)
    if change < 0:
        text = tr(
            "Falling donor chimerism: {was}%{when} to {now}%{now_when} "
            "({points} percentage points lower). A rising share of recipient "
            "cells can precede graft rejection or relapse ({source}): repeat the test "
            "and tell the transplant physician."
        ).format(
            was=was,
            when=when,
            now=now_pct,
            now_when=now,
            points=format_number(-change),
            source=TREND_SOURCE,
        )
        if chimerism_category(previous) != chimerism_category(current):
            text += tr(" The result moved from {before} to {after}.").format(
                before=tr(LABELS[chimerism_category(previous)]),
                after=tr(LABELS[chimerism_category(current)]),
            )
        return text, change
    if change > 0:
        return (
            tr(
                "Rising donor chimerism: {was}%{when} to {now}%{now_when} "
                "({points} percentage points higher)."
            ).format(was=was, when=when, now=now_pct, now_when=now, points=format_number(change)),
            change,
        )
    return tr("Donor chimerism unchanged since the previous result ({was}%{when}).").format(
        was=was, when=when
    ), change


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
            "lineage",
            tr("Lineage '{lineage}' is not one of: {known}.").format(
                lineage=lineage, known=", ".join(LINEAGES)
            ),
        )
    percent = _percent(donor_percent, "donor_percent", tr("Donor chimerism"))
    category = chimerism_category(percent)
    if previous_date is not None and previous_percent is None:
        raise ValidationError(
            "previous_percent",
            tr("A previous result date needs the previous donor percentage."),
        )
    if previous_date is not None and date is not None and previous_date >= date:
        raise ValidationError(
            "previous_date",
            tr("The previous result ({before}) must be before this one ({date}).").format(
                before=previous_date.isoformat(), date=date.isoformat()
            ),
        )
    notes = [_lineage_note(category, lineage)]
    components: dict[str, object] = {"lineage": tr(LINEAGES[lineage]), "donor_pct": percent}
    if previous_percent is not None:
        previous = _percent(previous_percent, "previous_percent", tr("The previous result"))
        text, change = _trend_note(percent, previous, date, previous_date)
        notes.append(text)
        components["change_points"] = change
    if category == "loss":
        notes.append(
            tr(
                "Graft rejection is immune-mediated (ASTCT 2021); the clinician decides between "
                "rejection and other causes of graft failure."
            )
        )
    return GradeResult(
        value=category,
        label=tr(LABELS[category]),
        criteria=CRITERIA,
        version=VERSION,
        inputs={
            "date": date,
            "lineage": tr(LINEAGES[lineage]),
            "donor_pct": percent,
            "previous_donor_pct": previous_percent,
            "previous_date": previous_date,
        },
        deciding_rule=_rule(category, _capital(tr(LINEAGES[lineage])), format_number(percent)),
        notes=tuple(notes),
        components=components,
        rank=RANK[category],
    )
