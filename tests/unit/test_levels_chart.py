"""The data of the chart of drug levels and chimerism: one point per day and quantity on
the transplant-day axis; counts and chemistry are not drawn there."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.labs import LabSample
from planner.errors import ValidationError
from planner.records.chimerism_log import ChimerismResult
from planner.records.levels_chart import levels_chart

DAY0 = dt.date(2026, 3, 1)


def _level(analyte: str, day: int, value: float, source: str = "") -> LabSample:
    return LabSample(
        "p1",
        "1",
        DAY0 + dt.timedelta(days=day),
        analyte,
        value,
        "ng/mL",
        source=source,  # type: ignore[arg-type]
    )


def test_levels_and_chimerism_by_transplant_day() -> None:
    samples = [
        _level("tacrolimus", 10, 7.5),
        _level("tacrolimus", 3, 4.0),
        _level("tacrolimus", 10, 8.1, "the lab's correction"),
        _level("ciclosporin", 12, 210.0),
        LabSample("p1", "1", DAY0, "anc", 0.4, "10^9/L"),
    ]
    chimerism = [
        ChimerismResult(DAY0 + dt.timedelta(days=30), "t_cell", 85.0),
        ChimerismResult(DAY0 + dt.timedelta(days=28), "myeloid", 99.0),
        ChimerismResult(DAY0 + dt.timedelta(days=60), "t_cell", 97.0),
    ]
    chart = levels_chart(samples, chimerism, DAY0)
    assert [(s.key, [(p[0], p[2]) for p in s.points]) for s in chart.levels] == [
        ("tacrolimus", [(3, 4.0), (10, 8.1)]),
        ("ciclosporin", [(12, 210.0)]),
    ]
    assert [(s.key, [p[0] for p in s.points]) for s in chart.chimerism] == [
        ("myeloid", [28]),
        ("t_cell", [30, 60]),
    ]
    assert (chart.first_day, chart.last_day) == (0, 60)
    assert not chart.empty
    assert levels_chart([samples[-1]], [], DAY0).empty


def test_a_level_in_the_wrong_unit_or_out_of_range_is_no_sample() -> None:
    with pytest.raises(ValidationError, match="must be stored in ng/mL"):
        LabSample("p1", "1", DAY0, "tacrolimus", 9.0, "mg/dL")
    with pytest.raises(ValidationError, match="outside the physical range 0-200 ng/mL"):
        _level("tacrolimus", 1, 9400.0)
    with pytest.raises(ValidationError, match="cannot have been reported in 'umol/L'"):
        LabSample("p1", "1", DAY0, "tacrolimus", 9.0, "ng/mL", reported_unit="umol/L")
