"""Harvest log: doses with formulas, targets (tandem), stop alert, plerixafor prompt, forecast."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.patients import Donor, Transplant
from planner.errors import ValidationError
from planner.records.harvest_log import (
    Collection,
    HarvestLog,
    PbCd34,
    Targets,
    board_alert,
    day_table,
    default_targets,
    expected_yield,
    forecast,
    is_collecting,
    plerixafor_prompt,
    stop_alert,
)

D = dt.date(2026, 3, 10)
AUTO = Transplant("t1", "p1", "autologous", "pbsc", day0=dt.date(2026, 4, 14))
TANDEM = Transplant("t1", "p1", "autologous", "pbsc", day0=dt.date(2026, 4, 14), tandem=True)
ALLO = Transplant("t2", "p2", "allogeneic", "pbsc", day0=D, donor=Donor("MUD"))


def coll(
    cid: str,
    day: int,
    conc: float | None = 1500,
    volume: float = 250,
    weight: float = 75,
    **kw: object,
) -> Collection:
    return Collection(cid, D + dt.timedelta(days=day), volume, weight, cd34_per_ul=conc, **kw)


def log_with(*doses: float, tandem_transplant: Transplant = AUTO) -> HarvestLog:
    log = HarvestLog.from_body(None, tandem_transplant)
    for i, dose in enumerate(doses):
        # total form: dose x10^6/kg at 75 kg
        log = log.with_collection(
            Collection(f"c{i + 1}", D + dt.timedelta(days=i), 200, 75, cd34_total_e6=dose * 75)
        )
    return log


def test_dose_f6_worked_examples_carry_formula() -> None:
    d = coll("c1", 0).dose()
    assert d.value == pytest.approx(5.0)
    assert "1,500 cells/uL x 250 mL x 1000 / 75 kg / 10^6 = 5" in d.formula
    assert coll("c1", 0, 800, 300, 90).dose().value == pytest.approx(2.67, abs=0.005)


def test_dose_from_total() -> None:
    c = Collection("c1", D, 200, 80, cd34_total_e6=320)
    assert c.dose().value == pytest.approx(4.0)
    assert "320 x10^6 CD34+ / 80 kg = 4" in c.dose().formula


def test_concentration_or_total_not_both() -> None:
    with pytest.raises(ValidationError, match="either"):
        Collection("c1", D, 200, 80, cd34_per_ul=10, cd34_total_e6=5)
    with pytest.raises(ValidationError, match="either"):
        Collection("c1", D, 200, 80)


@pytest.mark.parametrize("field", ["product_volume_ml", "weight_kg", "blood_volume_l"])
def test_implausible_inputs_refused(field: str) -> None:
    kwargs: dict[str, object] = {"product_volume_ml": 200, "weight_kg": 80, "blood_volume_l": 15}
    kwargs[field] = -1
    with pytest.raises(ValidationError):
        Collection("c1", D, cd34_per_ul=100, **kwargs)  # type: ignore[arg-type]


def test_cumulative_f6_and_target_met_on_third() -> None:
    log = log_with(2.1, 1.4, 0.9)
    assert [c.value for c in log.cumulative()] == pytest.approx([2.1, 3.5, 4.4])
    assert "2.1 + 1.4 + 0.9 = 4.4" in log.cumulative()[-1].formula


def test_defaults_and_tandem_doubling() -> None:
    assert default_targets(AUTO) == Targets(2.0, 5.0)
    assert default_targets(ALLO) == Targets(2.0, 4.0, 8.0)
    minimum, optimal, maximum = HarvestLog.from_body(None, TANDEM).effective_targets(True)
    assert (minimum.value, optimal.value, maximum) == (4.0, 10.0, None)
    assert "tandem" in optimal.formula


def test_stop_alert_levels() -> None:
    assert stop_alert(log_with(), False) is None
    assert stop_alert(log_with(1.0), False) is None
    minimum = stop_alert(log_with(2.5), False)
    assert minimum is not None and minimum.kind == "minimum"
    stop = stop_alert(log_with(3.0, 2.0), False)
    assert stop is not None and stop.kind == "stop"
    assert "Target reached: stop collection" in stop.message and "5 x10^6" in stop.message
    assert "centre practice" in stop.rule


def test_stop_alert_exact_target_despite_float_sum() -> None:
    # 2.1 + 1.4 + 1.5 = 4.999999999999999 in binary
    log = log_with(2.1, 1.4, 1.5)
    alert = stop_alert(log, False)
    assert alert is not None and alert.kind == "stop"


def test_tandem_needs_double() -> None:
    assert stop_alert(log_with(3.0, 2.5), True).kind == "minimum"  # type: ignore[union-attr]
    assert stop_alert(log_with(6.0, 4.0), True).kind == "stop"  # type: ignore[union-attr]


def test_allo_maximum() -> None:
    alert = stop_alert(log_with(5.0, 4.0, tandem_transplant=ALLO), False)
    assert alert is not None and alert.kind == "maximum" and "maximum 8" in alert.message


def test_plerixafor_prompt_below_threshold() -> None:
    log = log_with().with_pb_cd34(PbCd34(D, 6))
    prompt = plerixafor_prompt(log, D)
    assert (
        prompt is not None
        and "6/uL" in prompt.message
        and "below the threshold 10/uL" in (prompt.message)
    )
    assert "Bone Marrow Transplant 2012" in prompt.rule
    assert plerixafor_prompt(log.with_pb_cd34(PbCd34(D, 10)), D) is None  # 10 is not below 10
    assert plerixafor_prompt(log, D + dt.timedelta(days=1)) is None  # no count that day


def test_plerixafor_threshold_is_editable() -> None:
    log = HarvestLog(Targets(2, 5), plerixafor_threshold=20, pb_cd34=(PbCd34(D, 15),))
    assert plerixafor_prompt(log, D) is not None


def test_plerixafor_prompt_low_first_yield() -> None:
    log = log_with(1.0)
    prompt = plerixafor_prompt(log, D)
    assert prompt is not None and "First collection" in prompt.message


def test_no_plerixafor_prompt_once_target_reached_or_given() -> None:
    log = log_with(5.0).with_pb_cd34(PbCd34(D, 3))
    assert plerixafor_prompt(log, D) is None
    given = HarvestLog(
        Targets(2, 5),
        pb_cd34=(PbCd34(D, 3),),
        collections=(coll("c1", 0, 100, plerixafor_given=True),),
    )
    assert plerixafor_prompt(given, D) is None


def test_forecast() -> None:
    f = forecast(log_with(1.5, 1.0), False)
    assert f.per_collection == pytest.approx(1.25)
    assert f.collections_needed == 2  # (5 - 2.5) / 1.25 = 2 exactly
    assert "ceil" in f.formula and "heuristic" in f.formula
    assert forecast(log_with(5.0), False).collections_needed == 0
    assert forecast(log_with(), False).collections_needed is None
    assert forecast(log_with(0.0), False).collections_needed is None
    assert forecast(log_with(1.0, 1.0, 2.0), False).collections_needed == 1  # uses last two


def test_expected_yield_reference_example() -> None:
    y = expected_yield(30, 15, 75)
    assert y.value == pytest.approx(3.0)
    assert "unverified" in y.formula


def test_body_round_trip() -> None:
    log = HarvestLog(
        Targets(2, 4.5),
        plerixafor_threshold=20,
        pb_cd34=(PbCd34(D, 12.5, "am"),),
        collections=(
            coll("c1", 0, blood_volume_l=15.5, bags=("B1", "B2")),
            Collection("c2", D, 100, 70, cd34_total_e6=90),
        ),
    )
    body = log.to_body()
    assert HarvestLog.from_body(body, AUTO) == log
    import json

    assert json.loads(json.dumps(body)) == body


def test_from_body_damaged_and_newer() -> None:
    with pytest.raises(ValidationError, match="newer"):
        HarvestLog.from_body({"schema": 99}, AUTO)
    with pytest.raises(ValidationError, match="damaged"):
        HarvestLog.from_body({"schema": 1, "collections": [{"id": "c1"}]}, AUTO)


def test_edits_replace_by_date_and_id() -> None:
    log = log_with().with_pb_cd34(PbCd34(D, 5)).with_pb_cd34(PbCd34(D, 7))
    assert [p.value for p in log.pb_cd34] == [7]
    log = log.with_collection(coll("c1", 0)).with_collection(coll("c1", 0, conc=300))
    assert len(log.collections) == 1 and log.collections[0].cd34_per_ul == 300
    new = log.next_collection_id()
    assert new.startswith("c-") and new != log.next_collection_id()  # random, not "c2"
    with pytest.raises(ValidationError, match="already in the log"):
        log.with_new_collection(coll("c1", 0, conc=900))
    assert new in {c.id for c in log.with_new_collection(coll(new, 0)).collections}
    assert log.without_collection("c1").collections == ()
    assert log.without_pb_cd34(D).pb_cd34 == ()


def test_duplicate_bags_and_count_dates_refused() -> None:
    with pytest.raises(ValidationError, match="twice"):
        coll("c1", 0, bags=("B1", "B1"))
    with pytest.raises(ValidationError, match="one blood"):
        HarvestLog(Targets(2, 5), pb_cd34=(PbCd34(D, 1), PbCd34(D, 2)))


def test_day_table_mday_numbers() -> None:
    first = D - dt.timedelta(days=4)  # D is M-Day 5
    log = (
        log_with(2.0, 1.0)
        .with_pb_cd34(PbCd34(D, 25))
        .with_pb_cd34(PbCd34(D - dt.timedelta(days=1), 8))
    )
    rows = day_table(log, first)
    assert [r.label for r in rows] == ["M-Day 4", "M-Day 5", "M-Day 6"]
    assert rows[1].pb_cd34 is not None and rows[1].collections[0][2].value == pytest.approx(2.0)
    assert rows[2].collections[0][2].value == pytest.approx(3.0)
    assert day_table(log, None)[0].label == (D - dt.timedelta(days=1)).isoformat()


def test_board_alert_and_collecting() -> None:
    assert board_alert(log_with(3.0, 2.5), False, D + dt.timedelta(days=1)) == [
        "CD34 target reached: stop collection"
    ]
    assert board_alert(log_with(3.0, 2.5), False, D + dt.timedelta(days=30)) == []
    assert board_alert(log_with().with_pb_cd34(PbCd34(D, 3)), False, D) == [
        "Low CD34: consider plerixafor"
    ]
    assert is_collecting(log_with(1.0), False)
    assert not is_collecting(log_with(5.0), False)
    assert not is_collecting(log_with(), False)
