"""Data for the blood-count chart after transplant: pure, shared by the PDF and the Qt chart.

Turns lab samples into per-analyte series on the transplant-day axis, with the
engraftment thresholds (CIBMTR/ASTCT 2021: ANC 0.5, platelets 20 and 50 x10^9/L) and markers
for engraftment days.
Same-day repeats keep the lowest value, as the engraftment rules do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from planner.domain.labs import ANALYTE_LABEL, CANONICAL_UNIT, LabSample

# Neutrophils 0.5 x10^9/L; platelets 20 (and 50 for the stricter definition).
THRESHOLDS: Mapping[str, tuple[float, ...]] = {
    "anc": (0.5,),
    "plt": (20.0, 50.0),
    "wbc": (1.0,),
    "hb": (),
}


@dataclass(frozen=True)
class CountSeries:
    """One analyte over time.

    Attributes:
        analyte: "anc", "plt", "wbc" or "hb"; label and unit for the axis.
        points: (transplant day, value) sorted by day, one per day.
        thresholds: horizontal reference lines in the same unit.
    """

    analyte: str
    label: str
    unit: str
    points: tuple[tuple[int, float], ...]
    thresholds: tuple[float, ...]

    @property
    def max_value(self) -> float:
        """Largest value or threshold (the top of the axis), at least 1."""
        values = [v for _, v in self.points] + list(self.thresholds)
        return max([1.0, *values])


@dataclass(frozen=True)
class CountChart:
    """Everything a chart draws.

    Attributes:
        series: one per analyte that has values, in the order asked for.
        markers: (transplant day, text) vertical markers, e.g. engraftment.
        first_day, last_day: the x range (Day 0 always included).
    """

    series: tuple[CountSeries, ...]
    markers: tuple[tuple[int, str], ...]
    first_day: int
    last_day: int


def count_chart_data(
    samples: Iterable[LabSample],
    day0: dt.date,
    *,
    analytes: tuple[str, ...] = ("anc", "plt"),
    markers: Mapping[str, dt.date | None] | None = None,
) -> CountChart:
    """Series per analyte on the transplant-day axis.

    Args:
        samples: lab samples of one patient (canonical units).
        day0: the infusion date.
        analytes: which analytes, in drawing order.
        markers: text -> date for vertical markers (None dates are left out).
    """
    lowest: dict[str, dict[int, float]] = {a: {} for a in analytes}
    for s in samples:
        if s.analyte in lowest:
            day = (s.date - day0).days
            values = lowest[s.analyte]
            values[day] = min(s.value, values.get(day, s.value))
    series = tuple(
        CountSeries(
            a,
            ANALYTE_LABEL[a],
            CANONICAL_UNIT[a],
            tuple(sorted(lowest[a].items())),
            THRESHOLDS.get(a, ()),
        )
        for a in analytes
        if lowest[a]
    )
    marks = tuple(
        sorted(((d - day0).days, text) for text, d in (markers or {}).items() if d is not None)
    )
    days = [d for s in series for d, _ in s.points] + [d for d, _ in marks] + [0]
    return CountChart(series, marks, min(days), max(days))
