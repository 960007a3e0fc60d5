"""Recorded chimerism results: stored in the recovery record, read with the trend of
their lineage, and on the board when not full donor or falling."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.errors import ValidationError
from planner.records.chimerism_log import ChimerismResult, chimerism_alerts, readings
from planner.records.recovery import RecoveryRecord

DAY0 = dt.date(2027, 1, 1)


def result(day: int, lineage: str, percent: float) -> ChimerismResult:
    return ChimerismResult(DAY0 + dt.timedelta(days=day), lineage, percent, "nurse", "t")


def test_round_trip_through_the_stored_body():
    rec = (
        RecoveryRecord()
        .with_chimerism(result(30, "t_cell", 96))
        .with_chimerism(result(30, "myeloid", 100))
    )
    again = RecoveryRecord.from_body(rec.to_body())
    assert again == rec
    assert RecoveryRecord.from_body(RecoveryRecord().to_body()).chimerism == ()
    assert "chimerism" not in RecoveryRecord().to_body()  # bodies written before stay equal


def test_one_result_per_lineage_and_date():
    rec = RecoveryRecord().with_chimerism(result(30, "t_cell", 96))
    with pytest.raises(ValidationError, match="already recorded"):
        rec.with_chimerism(result(30, "t_cell", 90))
    assert rec.without_chimerism(DAY0 + dt.timedelta(days=30), "t_cell").chimerism == ()


@pytest.mark.parametrize("bad", [(-1.0, "t_cell"), (100.5, "t_cell"), (50.0, "marrow")])
def test_impossible_results_are_refused(bad):
    with pytest.raises(ValidationError):
        ChimerismResult(DAY0, bad[1], bad[0])


def test_readings_trend_per_lineage():
    found = readings(
        [result(100, "t_cell", 80), result(30, "t_cell", 99), result(30, "myeloid", 100)]
    )
    by = {(r.lineage, r.date): g for r, g in found}
    latest = by[("t_cell", DAY0 + dt.timedelta(days=100))]
    assert latest.value == "mixed" and latest.components["change_points"] == -19.0
    assert by[("myeloid", DAY0 + dt.timedelta(days=30))].value == "full"


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([result(30, "t_cell", 96)], []),
        (
            [result(30, "t_cell", 95)],
            ["Chimerism T cells (CD3+) 95% donor D+30: mixed chimerism: confirm"],
        ),
        (
            [result(30, "myeloid", 4.9)],
            ["Chimerism myeloid cells (CD33+) 4.9% donor D+30: donor cells below 5%: confirm"],
        ),
        ([result(30, "t_cell", 100), result(60, "t_cell", 97)], []),  # still full: tab only
        (
            [result(30, "t_cell", 97), result(60, "t_cell", 90)],
            ["Chimerism T cells (CD3+) 90% donor D+60: mixed chimerism, falling from 97%: confirm"],
        ),
        ([result(30, "t_cell", 90), result(60, "t_cell", 99)], []),  # the latest counts
    ],
)
def test_board_alerts_for_the_latest_result_of_each_lineage(results, expected):
    assert chimerism_alerts(results, DAY0) == expected
