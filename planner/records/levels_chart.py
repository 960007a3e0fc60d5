"""Data for the chart of calcineurin-inhibitor levels and donor chimerism after an
allogeneic transplant: pure, on the transplant-day axis like the blood counts.

Tacrolimus and ciclosporin are dosed by their whole-blood trough concentrations
(therapeutic drug monitoring, as the prescribing information of Prograf and of Neoral
asks), read as a trend; donor chimerism is read by lineage and its trend (ASTCT 2021:
Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649). Both are drawn as
measured, one point per day and quantity (of same-day repeats, the last one given: a
lab's correction comes after its first result).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.domain.labs import DRUG_LEVEL_ANALYTES, LabSample
from planner.records.chimerism_log import ChimerismResult


@dataclass(frozen=True)
class LevelSeries:
    """One measured quantity over time.

    Attributes:
        key: the analyte ("tacrolimus", "ciclosporin") or the chimerism lineage.
        points: (transplant day, date, value, qualifier) by day.
    """

    key: str
    points: tuple[tuple[int, dt.date, float, str], ...]


@dataclass(frozen=True)
class LevelsChart:
    """Drug levels (ng/mL) and donor chimerism (%), and the day range to show."""

    levels: tuple[LevelSeries, ...]
    chimerism: tuple[LevelSeries, ...]
    first_day: int
    last_day: int

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not self.levels and not self.chimerism


def _day(when: dt.date, day0: dt.date) -> int:
    return (when - day0).days


def levels_chart(
    samples: Iterable[LabSample], chimerism: Sequence[ChimerismResult], day0: dt.date
) -> LevelsChart:
    """The series of the drug levels among ``samples`` and of the chimerism results."""
    by_drug: dict[str, dict[dt.date, LabSample]] = {d: {} for d in DRUG_LEVEL_ANALYTES}
    for sample in samples:
        if sample.analyte in by_drug:
            by_drug[sample.analyte][sample.date] = sample
    levels = tuple(
        LevelSeries(
            drug,
            tuple(
                (_day(d, day0), d, s.value, s.qualifier) for d, s in sorted(by_drug[drug].items())
            ),
        )
        for drug in DRUG_LEVEL_ANALYTES
        if by_drug[drug]
    )
    lineages: dict[str, list[ChimerismResult]] = {}
    for result in sorted(chimerism, key=lambda r: (r.date, r.lineage)):
        lineages.setdefault(result.lineage, []).append(result)
    chim = tuple(
        LevelSeries(
            lineage,
            tuple((_day(r.date, day0), r.date, r.donor_percent, "") for r in results),
        )
        for lineage, results in sorted(lineages.items())
    )
    days = [p[0] for s in (*levels, *chim) for p in s.points] + [0]
    return LevelsChart(levels, chim, min(days), max(days))
