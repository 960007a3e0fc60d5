"""Donor chimerism results recorded for a transplant, read as the ASTCT 2021 consensus
defines them (``planner.clinical.chimerism``), each with the trend from the previous
result of the same lineage.

Stored in the transplant's recovery ("engraftment") record beside transfusions and
overrides, so a result is one audited, undoable edit like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.clinical.chimerism import LINEAGES, chimerism_assessment
from planner.clinical.grading import GradeResult
from planner.domain.days import calendar_date, short_day_label
from planner.domain.i18n import tr
from planner.domain.numbers import format_number
from planner.errors import ValidationError


@dataclass(frozen=True)
class ChimerismResult:
    """One chimerism result: the sample date, the lineage and the donor percentage.

    Attributes:
        date: sample date.
        lineage: "t_cell" (CD3+), "myeloid" (CD33+) or "whole_blood".
        donor_percent: donor cells, 0-100 %.
        by, at: who recorded it and when (UTC ISO text).
    """

    date: dt.date
    lineage: str
    donor_percent: float
    by: str = ""
    at: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", calendar_date(self.date, "date"))
        # The interpretation validates lineage and percentage with their messages.
        chimerism_assessment(self.donor_percent, self.lineage, date=self.date)

    def to_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "date": self.date.isoformat(),
            "lineage": self.lineage,
            "donor_percent": self.donor_percent,
            "by": self.by,
            "at": self.at,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ChimerismResult:
        """Inverse of ``to_dict``."""
        return cls(
            calendar_date(d["date"], "date"),
            str(d["lineage"]),
            float(d["donor_percent"]),
            str(d.get("by", "")),
            str(d.get("at", "")),
        )


def sorted_results(results: Iterable[ChimerismResult]) -> tuple[ChimerismResult, ...]:
    """By date, then lineage."""
    return tuple(sorted(results, key=lambda r: (r.date, r.lineage)))


def refuse_duplicate(results: Sequence[ChimerismResult], new: ChimerismResult) -> None:
    """One result per lineage and date."""
    if any(r.date == new.date and r.lineage == new.lineage for r in results):
        raise ValidationError(
            "chimerism",
            tr(
                "A {lineage} chimerism result on {date} is already recorded; remove it first "
                "to correct it."
            ).format(lineage=tr(LINEAGES[new.lineage]), date=new.date.isoformat()),
        )


def readings(results: Sequence[ChimerismResult]) -> list[tuple[ChimerismResult, GradeResult]]:
    """Each result with its interpretation and the trend from the previous one of its lineage."""
    previous: dict[str, ChimerismResult] = {}
    out = []
    for result in sorted_results(results):
        before = previous.get(result.lineage)
        grade = chimerism_assessment(
            result.donor_percent,
            result.lineage,
            date=result.date,
            previous_percent=before.donor_percent if before else None,
            previous_date=before.date if before else None,
        )
        out.append((result, grade))
        previous[result.lineage] = result
    return out


def chimerism_alerts(results: Sequence[ChimerismResult], day0: dt.date | None) -> list[str]:
    """Board texts for the latest result of each lineage that is not full donor.

    "Chimerism T cells (CD3+) 80% donor D+30: mixed chimerism, falling from 97%: confirm".
    A fall that stays full donor (100% to 97%) is within the assays' precision and is shown
    on the Counts tab only (design decision: the board is for results that need a decision).
    """
    latest: dict[str, tuple[ChimerismResult, GradeResult]] = {}
    for result, grade in readings(results):
        latest[result.lineage] = (result, grade)
    out = []
    for result, grade in latest.values():
        raw = grade.components.get("change_points")
        change = float(raw) if isinstance(raw, int | float) else 0.0
        falling = change < 0
        if grade.value == "full":
            continue
        when = short_day_label((result.date - day0).days) if day0 else result.date.isoformat()
        lineage = tr(LINEAGES[result.lineage])
        percent = format_number(result.donor_percent)
        if falling:
            text = tr(
                "Chimerism {lineage} {percent}% donor {day}: {reading}, falling from "
                "{before}%: confirm"
            ).format(
                lineage=lineage,
                percent=percent,
                day=when,
                reading=grade.label,
                before=format_number(result.donor_percent - change),
            )
        else:
            text = tr("Chimerism {lineage} {percent}% donor {day}: {reading}: confirm").format(
                lineage=lineage, percent=percent, day=when, reading=grade.label
            )
        out.append(text)
    return out
