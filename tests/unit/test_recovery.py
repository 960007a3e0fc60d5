"""Recovery: engraftment from samples with overrides, graft-failure watch, chart data, board."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from planner.domain.labs import CANONICAL_UNIT, LabSample
from planner.domain.patients import Donor, Patient, Transplant
from planner.domain.plans import instantiate_many
from planner.domain.templates import load_protocols
from planner.errors import ValidationError
from planner.records.recovery import (
    Override,
    RecoveryRecord,
    Superseded,
    Transfusion,
    assess,
    board_alerts,
    chart_data,
    demo_counts,
    demo_records,
    effective_samples,
)

DAY0 = dt.date(2026, 2, 1)
T = Transplant("t1", "p1", "allogeneic", "pbsc", day0=DAY0, donor=Donor("MUD"))
CORD = Transplant("t3", "p1", "allogeneic", "cord", day0=DAY0, donor=Donor("MUD"))
AUTO = Transplant("t2", "p1", "autologous", "pbsc", day0=DAY0)


def s(day: int, value: float, analyte: str = "anc", pid: str = "p1", source: str = "") -> LabSample:
    return LabSample(
        pid,
        "000123",
        DAY0 + dt.timedelta(days=day),
        analyte,  # type: ignore[arg-type]
        value,
        CANONICAL_UNIT[analyte],
        source=source,
    )


F7 = [
    (0, 2.1),
    (1, 1.2),
    (2, 0.6),
    (3, 0.3),
    (5, 0.05),
    (7, 0.01),
    (9, 0.02),
    (10, 0.2),
    (11, 0.6),
    (12, 0.4),
    (13, 0.7),
    (14, 1.1),
    (15, 1.8),
]
F8 = [10, 30, 25, 10, 15, 19, 23, 25, 40, 50, 56, 65, 72]


def today(day: int) -> dt.date:
    return DAY0 + dt.timedelta(days=day)


def test_f7_worked_example_through_assess() -> None:
    status = assess(T, [s(d, v) for d, v in F7], None, today(16))
    assert status.neutrophil_date == today(13)
    assert status.graft_failure is None
    assert status.day == 16


def test_f8_worked_example_with_transfusion_on_day0() -> None:
    rec = RecoveryRecord(transfusions=(Transfusion(DAY0, "platelets"),))
    samples = [s(d, v, "plt") for d, v in enumerate(F8)]
    status = assess(T, samples, rec, today(13))
    assert status.platelet20.date == today(7)
    assert status.platelet50.date == today(9)
    assert assess(T, samples, None, today(13)).platelet20.date == today(6)


def test_red_cell_transfusion_does_not_count_for_platelets() -> None:
    rec = RecoveryRecord(transfusions=(Transfusion(DAY0, "red_cells"),))
    samples = [s(d, v, "plt") for d, v in enumerate(F8)]
    assert assess(T, samples, rec, today(13)).platelet20.date == today(6)


def test_transfusion_exactly_seven_days_before_qualifies() -> None:
    rec = RecoveryRecord(transfusions=(Transfusion(today(3), "platelets"),))
    samples = [s(d, v, "plt") for d, v in [(2, 5), (10, 25), (11, 30), (12, 35)]]
    assert assess(T, samples, rec, today(13)).platelet20.date == today(10)


@pytest.mark.parametrize(
    ("transplant", "day", "expected"),
    [
        (T, 31, "Meets primary graft failure definition: confirm"),
        (CORD, 35, "No engraftment by D+28: watch"),
        (T, 27, None),
    ],
)
def test_f9_graft_failure_on_board(transplant: Transplant, day: int, expected: str | None) -> None:
    samples = [s(d, 0.1) for d in range(0, day, 2)]
    alerts = board_alerts(transplant, None, samples, None, today(day))
    assert (expected in alerts) if expected else alerts == []


def test_board_shows_engraftment_day() -> None:
    alerts = board_alerts(T, None, [s(d, v) for d, v in F7], None, today(20), harvest_alerts=("X",))
    assert alerts == ["X", "Neutrophil engraftment D+13"]
    assert board_alerts(T, None, [s(d, v) for d, v in F7], None, today(150)) == []
    # News for a week after the date (Day +13 here), then the phase carries it.
    assert board_alerts(T, None, [s(d, v) for d, v in F7], None, today(20)) != []
    assert board_alerts(T, None, [s(d, v) for d, v in F7], None, today(21)) == []
    assert board_alerts(T, None, [s(d, v) for d, v in F7], None, today(-3)) == []


def test_never_below() -> None:
    samples = [s(d, 1.5) for d in range(30)]
    assert board_alerts(AUTO, None, samples, None, today(29)) == ["ANC never below 0.5"]
    assert board_alerts(AUTO, None, samples[:10], None, today(10)) == []  # provisional


def test_other_patients_samples_ignored() -> None:
    samples = [s(d, v, pid="p2") for d, v in F7]
    assert assess(T, samples, None, today(16)).neutrophil_date is None


def test_override_with_reason_and_computed_kept() -> None:
    rec = RecoveryRecord().with_override(
        Override("neutrophil", today(12), "manual differential on D+12", "dr", "2026-02-20")
    )
    status = assess(T, [s(d, v) for d, v in F7], rec, today(16))
    assert status.neutrophil.date == today(12) and status.neutrophil.overridden
    assert status.neutrophil.computed is not None
    assert status.neutrophil.computed.date == today(13)
    assert "manual differential" in status.neutrophil.rule
    assert "(override)" in board_alerts(T, None, [], rec, today(16))[0]
    assert assess(T, [], rec.without_override("neutrophil"), today(16)).neutrophil_date is None


def test_override_requires_reason_and_known_key() -> None:
    with pytest.raises(ValidationError, match="reason"):
        Override("neutrophil", None, "  ", "dr", "")
    with pytest.raises(ValidationError):
        Override("lymphocyte", None, "x", "dr", "")


def test_override_not_engrafted_clears_graft_failure_question() -> None:
    rec = RecoveryRecord().with_override(Override("neutrophil", None, "dip", "dr", ""))
    status = assess(T, [s(d, v) for d, v in F7], rec, today(31))
    assert status.neutrophil_date is None
    assert status.graft_failure is not None


def test_record_round_trip_and_transfusion_twice_refused() -> None:
    rec = RecoveryRecord(
        transfusions=(
            Transfusion(today(5), "red_cells", "2 units"),
            Transfusion(today(3), "platelets"),
        ),
        overrides={"platelet20": Override("platelet20", today(15), "why", "dr", "t")},
        superseded=(Superseded(today(2), "anc", 5.0, "entered by hand", "typo", "dr", "t"),),
    )
    body = json.loads(json.dumps(rec.to_body()))
    assert RecoveryRecord.from_body(body) == rec
    assert [t.date for t in rec.transfusions] == [today(3), today(5)]
    with pytest.raises(ValidationError, match="already recorded"):
        rec.with_transfusion(Transfusion(today(3), "platelets"))
    with pytest.raises(ValidationError):
        Transfusion(today(3), "plasma")
    with pytest.raises(ValidationError, match="damaged"):
        RecoveryRecord.from_body({"schema": 1, "transfusions": [{"product": "x"}]})


def test_effective_samples_drop_superseded() -> None:
    bad = s(2, 5.0, source="entered by hand")
    rec = RecoveryRecord(superseded=(Superseded(bad.date, "anc", 5.0, bad.source, "typo"),))
    kept = s(2, 0.5, source="entered by hand 2")
    assert effective_samples([bad, kept], rec) == [kept]


def test_chart_data_series_thresholds_markers() -> None:
    protocols = load_protocols()
    plan = instantiate_many([protocols["beam-auto"]], DAY0)
    rec = RecoveryRecord(
        transfusions=(Transfusion(today(6), "platelets"), Transfusion(today(8), "red_cells"))
    )
    samples = [s(d, v) for d, v in F7] + [
        s(1, 0.3),
        s(3, 40, "plt"),
        s(3, 35, "plt"),
        s(4, 2.0, "wbc"),
    ]
    chart = chart_data(AUTO, plan, samples, rec, today(16))
    assert [x.analyte for x in chart.series] == ["anc", "plt", "wbc"]
    anc = chart.series[0]
    assert [p.day for p in anc.points][:3] == [0, 1, 2]
    assert anc.points[1].value == 0.3  # same-day values: the lowest
    assert chart.series[1].points[0].value == 35
    assert [t[1] for t in chart.thresholds] == [0.5, 20.0, 50.0]
    assert [m.label for m in chart.markers_of("engraftment")] == ["ANC engraftment D+13"]
    assert [m.day for m in chart.markers_of("transfusion_platelets")] == [6]
    assert [m.day for m in chart.markers_of("transfusion_red_cells")] == [8]
    gcsf = [m.day for m in chart.markers_of("gcsf")]
    assert gcsf and min(gcsf) >= 0 and max(gcsf) <= 16
    assert chart.first_day == 0 and chart.last_day == 16


def test_chart_data_needs_day0() -> None:
    with pytest.raises(ValidationError):
        chart_data(Transplant("t", "p1", "autologous", "pbsc"), None, [], None, DAY0)


def test_demo_counts_engraft() -> None:
    patient = Patient("p1", "DEMO-1", "A", "B", dt.date(1970, 1, 1), "male")
    clinic: list = [
        (patient, T, None),
        (patient, Transplant("t9", "p1", "autologous", "pbsc", day0=today(40)), None),
    ]
    samples = demo_counts(clinic, today(30))
    assert samples and {x.patient_id for x in samples} == {"p1"}
    records = demo_records(clinic, today(30))
    status = assess(T, samples, records["t1"], today(30))
    assert status.neutrophil_date == today(14)
    assert status.platelet20.status == "engrafted"
    assert "t9" not in records


def test_no_anc_data_is_not_graft_failure() -> None:
    assert board_alerts(T, None, [], None, today(31)) == [
        "No ANC results since Day 0: engraftment unknown"
    ]
    assert board_alerts(T, None, [s(-2, 0.1)], None, today(20)) == []


def test_clinic_alerts_collects_dates_and_texts() -> None:
    from planner.records.harvest_log import Collection, HarvestLog
    from planner.records.ports import ClinicalRecord
    from planner.records.recovery import clinic_alerts

    mobilising = Transplant("t5", "p5", "autologous", "pbsc", day0=today(40))
    log = HarvestLog.from_body(None, mobilising).with_collection(
        Collection("c1", today(0), 250, 75, cd34_per_ul=1500)
    )
    inactive = Transplant("t6", "p1", "autologous", "pbsc", day0=DAY0, status="completed")
    dates, alerts = clinic_alerts(
        [T, mobilising, inactive],
        {},
        [],
        [],
        [ClinicalRecord("t5", "harvest", log.to_body())],
        today(1),
    )
    assert dates == {}
    assert alerts == {"t5": ["CD34 target reached: stop collection"]}
    dates, alerts = clinic_alerts([T], {}, [s(d, v) for d, v in F7], [], [], today(20))
    assert dates == {"t1": today(13)} and alerts == {"t1": ["Neutrophil engraftment D+13"]}
