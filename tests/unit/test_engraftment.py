"""Engraftment and graft-failure rules: CIBMTR Forms Instruction Manual and the ASTCT
consensus (Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.clinical.engraftment import (
    EngraftmentResult,
    count_series,
    graft_failure_flag,
    neutrophil_engraftment,
    override,
    platelet_engraftment,
)
from planner.domain.labs import LabSample
from planner.domain.patients import GraftSource
from planner.errors import ValidationError

DAY0 = dt.date(2025, 3, 10)


def d(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def series(days: list[int], values: list[float]) -> pd.Series:
    return pd.Series(values, index=[d(n) for n in days], dtype=float)


# Neutrophil worked example, engraftment on Day +13: Day +2 is a pre-nadir run, Day +11 is
# broken by Day +12.
F7_DAYS = [0, 1, 2, 3, 5, 7, 9, 10, 11, 12, 13, 14, 15]
F7_ANC = [2.1, 1.2, 0.6, 0.3, 0.05, 0.01, 0.02, 0.2, 0.6, 0.4, 0.7, 1.1, 1.8]


# --------------------------------------------------------------------------- neutrophils


@pytest.mark.parametrize("use_day0", [True, False], ids=["day0", "no-day0"])
@pytest.mark.parametrize(
    ("days", "anc", "status", "expected_day"),
    [
        pytest.param(F7_DAYS, F7_ANC, "engrafted", 13, id="F7-reference-day13"),
        pytest.param(
            [0, 3, 7, 12, 13, 16],
            [1.5, 0.2, 0.01, 0.5, 0.9, 1.4],
            "engrafted",
            12,
            id="F7-non-daily-0.5-counts",
        ),
        pytest.param([0, 3, 7, 10], [2.0, 1.1, 0.6, 0.9], "never_below", None, id="F7-never-below"),
        pytest.param([0, 5, 9, 11], [2.0, 0.1, 0.6, 0.8], "not_engrafted", None, id="two-of-three"),
    ],
)
def test_neutrophil_worked_examples(
    days: list[int], anc: list[float], status: str, expected_day: int | None, use_day0: bool
) -> None:
    result = neutrophil_engraftment(series(days, anc), day0=DAY0 if use_day0 else None)
    assert result.status == status
    assert result.date == (d(expected_day) if expected_day is not None else None)
    assert "CIBMTR/ASTCT 2021" in result.rule
    assert "3 consecutive" in result.rule


def test_f7_result_shows_nadir_and_deciding_values() -> None:
    result = neutrophil_engraftment(series(F7_DAYS, F7_ANC), day0=DAY0)
    assert (result.nadir_date, result.nadir_value) == (d(7), 0.01)
    assert result.deciding_values == ((d(13), 0.7), (d(14), 1.1), (d(15), 1.8))
    text = result.explanation()
    assert "2025-03-23" in text and "0.7" in text and "Nadir 0.01" in text and "Rule:" in text


def test_exactly_half_counts_and_asks_for_manual_differential() -> None:
    result = neutrophil_engraftment(series([0, 7, 12, 13, 16], [1, 0.01, 0.5, 0.9, 1.4]))
    assert result.date == d(12)
    assert any("manual differential" in n for n in result.notes)


def test_gaps_between_draws_are_allowed() -> None:
    result = neutrophil_engraftment(
        series([0, 8, 20, 27, 35], [1.0, 0.0, 0.6, 0.7, 0.8]), day0=DAY0
    )
    assert result.status == "engrafted"
    assert result.date == d(20)


def test_dip_after_recovery_keeps_first_date_and_notes_it() -> None:
    result = neutrophil_engraftment(
        series([0, 7, 12, 13, 14, 20, 21], [1.0, 0.0, 0.8, 0.9, 1.0, 0.3, 0.2]), day0=DAY0
    )
    assert result.date == d(12)
    assert any("fell below 0.5 again" in n and "clinician confirms" in n for n in result.notes)


def test_later_deeper_nadir_outside_window_does_not_move_date() -> None:
    # Secondary fall after Day +42 to 0.0 must not restart the count (design decision: the
    # nadir is searched from Day 0 to Day +42 only).
    result = neutrophil_engraftment(
        series([0, 7, 12, 13, 14, 50, 55, 56, 57], [1, 0.1, 0.8, 0.9, 1, 0.0, 0.7, 0.8, 0.9]),
        day0=DAY0,
    )
    assert result.date == d(12)
    assert result.nadir_date == d(7)


def test_nadir_is_first_occurrence_of_minimum() -> None:
    result = neutrophil_engraftment(
        series([0, 5, 8, 9, 10, 11, 12, 13], [1, 0.0, 0.6, 0.7, 0.0, 0.8, 0.9, 1.0]), day0=DAY0
    )
    assert result.nadir_date == d(5)
    assert result.date == d(11)  # Days 8, 9 are broken by the second 0.0 on Day 10


def test_values_before_day0_are_ignored() -> None:
    result = neutrophil_engraftment(
        series([-10, -9, -8, -7, 3, 8, 9, 10], [0.1, 0.6, 0.7, 0.8, 0.2, 0.6, 0.7, 0.9]),
        day0=DAY0,
    )
    assert result.date == d(8)
    assert any("before Day 0" in n for n in result.notes)


def test_unsorted_input() -> None:
    s = series(F7_DAYS, F7_ANC)
    result = neutrophil_engraftment(s.iloc[::-1], day0=DAY0)
    assert result.date == d(13)


def test_same_day_duplicates_use_lowest() -> None:
    # Day 13 has 0.7 and 0.4: the lowest (0.4) breaks the run, so recovery is Day 14.
    days = [*F7_DAYS, 13]
    anc = [*F7_ANC, 0.4]
    result = neutrophil_engraftment(series(days, anc), day0=DAY0)
    assert result.status == "not_engrafted"  # 14, 15 only two after the break
    assert any("lowest (0.4)" in n for n in result.notes)
    result = neutrophil_engraftment(series([*days, 16], [*anc, 2.0]), day0=DAY0)
    assert result.date == d(14)


def test_nan_values_dropped_with_note() -> None:
    result = neutrophil_engraftment(
        series([0, 7, 12, 13, 14, 15], [1, 0.0, 0.8, math.nan, 0.9, 1.0]), day0=DAY0
    )
    assert result.date == d(12)
    assert any("ignored" in n for n in result.notes)


@pytest.mark.parametrize(
    "s",
    [
        pytest.param(pd.Series([], dtype=float), id="empty"),
        pytest.param(series([0, 1], [math.nan, math.nan]), id="all-nan"),
    ],
)
def test_no_values(s: pd.Series) -> None:
    result = neutrophil_engraftment(s, day0=DAY0)
    assert result.status == "not_engrafted"
    assert result.date is None
    assert result.notes


def test_single_value() -> None:
    low = neutrophil_engraftment(series([7], [0.1]), day0=DAY0)
    assert (low.status, low.nadir_value) == ("not_engrafted", 0.1)
    high = neutrophil_engraftment(series([1], [3.0]), day0=DAY0)
    assert high.status == "never_below"
    assert any("Provisional" in n for n in high.notes)


def test_timestamp_and_text_index() -> None:
    s = series(F7_DAYS, F7_ANC)
    by_ts = pd.Series(s.to_numpy(), index=pd.to_datetime([x.isoformat() for x in s.index]))
    by_text = pd.Series(s.to_numpy(), index=[x.isoformat() for x in s.index])
    assert neutrophil_engraftment(by_ts).date == d(13)
    assert neutrophil_engraftment(by_text).date == d(13)


@pytest.mark.parametrize("bad", [-0.1, math.inf])
def test_impossible_values_refused(bad: float) -> None:
    with pytest.raises(ValidationError):
        neutrophil_engraftment(series([0, 1], [1.0, bad]))


def test_recovery_in_progress_note() -> None:
    result = neutrophil_engraftment(series([0, 7, 12, 13], [1, 0.0, 0.8, 0.9]), day0=DAY0)
    assert result.status == "not_engrafted"
    assert any("2 of 3" in n for n in result.notes)


anc_values = st.lists(
    st.tuples(st.integers(-5, 60), st.floats(0, 20, allow_nan=False)), min_size=0, max_size=30
)


@settings(max_examples=200, deadline=None)
@given(anc_values, st.randoms(use_true_random=False))
def test_shuffling_never_changes_neutrophil_result(points: list[tuple[int, float]], rnd) -> None:  # type: ignore[no-untyped-def]
    s = pd.Series([v for _, v in points], index=[d(n) for n, _ in points], dtype=float)
    shuffled = list(points)
    rnd.shuffle(shuffled)
    t = pd.Series([v for _, v in shuffled], index=[d(n) for n, _ in shuffled], dtype=float)
    for day0 in (None, DAY0):
        a, b = neutrophil_engraftment(s, day0=day0), neutrophil_engraftment(t, day0=day0)
        assert (a.status, a.date, a.nadir_date, a.deciding_values) == (
            b.status,
            b.date,
            b.nadir_date,
            b.deciding_values,
        )


@settings(max_examples=200, deadline=None)
@given(
    anc_values,
    st.lists(st.integers(-5, 60), max_size=5),
    st.sampled_from([20, 50]),
    st.randoms(use_true_random=False),
)
def test_shuffling_never_changes_platelet_result(  # type: ignore[no-untyped-def]
    points: list[tuple[int, float]], tx: list[int], threshold: int, rnd
) -> None:
    points = [(n, v * 10) for n, v in points]
    s = pd.Series([v for _, v in points], index=[d(n) for n, _ in points], dtype=float)
    shuffled = list(points)
    rnd.shuffle(shuffled)
    t = pd.Series([v for _, v in shuffled], index=[d(n) for n, _ in shuffled], dtype=float)
    tx_dates = [d(n) for n in tx]
    a = platelet_engraftment(s, tx_dates, threshold)
    b = platelet_engraftment(t, list(reversed(tx_dates)), threshold)
    assert (a.status, a.date, a.deciding_values) == (b.status, b.date, b.deciding_values)
    if a.status == "engrafted":
        assert a.date is not None
        assert all(v >= threshold for _, v in a.deciding_values)
        assert all((day - t).days >= 7 or t > day for day, _ in a.deciding_values for t in tx_dates)


# ---------------------------------------------- platelets (CIBMTR Forms Instruction Manual example)

F8_DAYS = list(range(13))
F8_PLT = [10, 30, 25, 10, 15, 19, 23, 25, 40, 50, 56, 65, 72]


@pytest.mark.parametrize(
    ("transfusions", "threshold", "expected_day"),
    [
        pytest.param([0], 20, 7, id="F8-cibmtr-20-day7"),
        pytest.param([0], 50, 9, id="F8-cibmtr-50-day9"),
        pytest.param([], 20, 6, id="F8-no-transfusion-day6"),
    ],
)
def test_platelet_worked_examples(
    transfusions: list[int], threshold: int, expected_day: int
) -> None:
    result = platelet_engraftment(
        series(F8_DAYS, F8_PLT), [d(n) for n in transfusions], threshold=threshold
    )
    assert result.status == "engrafted"
    assert result.date == d(expected_day)
    assert "7 days" in result.rule and f">= {threshold}" in result.rule


def test_f8_deciding_values_and_transfusion_note() -> None:
    result = platelet_engraftment(series(F8_DAYS, F8_PLT), [d(0)])
    assert result.deciding_values == ((d(7), 25), (d(8), 40), (d(9), 50))
    assert any("7 days earlier" in n for n in result.notes)


def test_transfusion_exactly_seven_days_before_qualifies_six_does_not() -> None:
    s = series([0, 5, 12, 13, 14], [30, 8, 25, 30, 35])
    assert platelet_engraftment(s, [d(5)]).date == d(12)  # 12 - 5 = 7
    assert platelet_engraftment(s, [d(6)]).date is None  # 12 - 6 = 6: run 13, 14 only
    assert platelet_engraftment(
        series([0, 5, 12, 13, 14, 15], [30, 8, 25, 30, 35, 40]), [d(6)]
    ).date == d(13)


def test_transfusion_same_day_disqualifies() -> None:
    s = series([3, 10, 11, 12, 13], [5, 25, 30, 35, 40])
    assert platelet_engraftment(s, [d(11)]).status == "not_engrafted"


def test_transfusion_before_day0_still_counts_for_7_days() -> None:
    s = series([0, 1, 2, 3, 4, 5, 6], [15, 25, 30, 35, 40, 45, 50])
    result = platelet_engraftment(s, [d(-3)], day0=DAY0)
    assert result.date == d(4)  # Day +4 is 7 days after Day -3


@pytest.mark.parametrize(
    ("values", "transfusions", "status"),
    [
        pytest.param([150, 90, 60, 45, 60], [], "never_below", id="never-below-no-tx"),
        pytest.param([150, 90, 60, 45, 60], [2], "not_engrafted", id="tx-given-not-never-below"),
    ],
)
def test_platelet_never_below(values: list[int], transfusions: list[int], status: str) -> None:
    result = platelet_engraftment(
        series(list(range(len(values))), values), [d(n) for n in transfusions]
    )
    assert result.status == status


def test_pre_nadir_platelets_do_not_count() -> None:
    # Early post-transplant counts above 20 before the fall must not give Day 0.
    s = series([0, 1, 2, 5, 8, 12, 13, 14], [80, 60, 45, 12, 15, 22, 30, 35])
    result = platelet_engraftment(s, day0=DAY0)
    assert result.date == d(12)


def test_platelet_dip_and_later_transfusion_notes() -> None:
    s = series([0, 10, 11, 12, 15], [10, 25, 30, 35, 12])
    result = platelet_engraftment(s, [d(2), d(16)])
    assert result.date == d(10)
    assert any("again" in n for n in result.notes)
    assert any("after the engraftment date" in n and "2025-03-26" in n for n in result.notes)


def test_platelet_unsorted_duplicates_and_empty() -> None:
    s = series(F8_DAYS, F8_PLT)
    assert platelet_engraftment(s.sample(frac=1, random_state=1), [d(0)]).date == d(7)
    dup = pd.concat([s, series([7], [5])])
    assert platelet_engraftment(dup, [d(0)]).date == d(8)
    empty = platelet_engraftment(pd.Series([], dtype=float))
    assert empty.status == "not_engrafted"


@pytest.mark.parametrize("bad", [0, -5, True, "20"])
def test_platelet_threshold_validated(bad: object) -> None:
    with pytest.raises(ValidationError):
        platelet_engraftment(series([0], [10]), threshold=bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- override


def test_override_keeps_computed_and_reason() -> None:
    computed = neutrophil_engraftment(series(F7_DAYS, F7_ANC), day0=DAY0)
    changed = override(computed, d(14), "automated ANC on Day +13 was a lab error", "Dr Smith")
    assert changed.status == "engrafted" and changed.date == d(14)
    assert changed.overridden and changed.computed == computed
    assert "Dr Smith" in changed.rule and "lab error" in changed.rule
    assert any("Computed: engrafted on 2025-03-23" in n for n in changed.notes)
    again = override(changed, None, "counts unreliable", "Dr Jones")
    assert again.status == "not_engrafted" and again.computed == computed
    assert computed.status == "engrafted"  # frozen original untouched


@pytest.mark.parametrize(("reason", "by"), [("", "Dr X"), ("   ", "Dr X"), ("ok", "")])
def test_override_needs_reason_and_name(reason: str, by: str) -> None:
    computed = neutrophil_engraftment(series(F7_DAYS, F7_ANC))
    with pytest.raises(ValidationError):
        override(computed, d(14), reason, by)


def test_result_is_frozen() -> None:
    result = neutrophil_engraftment(series(F7_DAYS, F7_ANC))
    with pytest.raises(AttributeError):
        result.date = None  # type: ignore[misc]
    assert isinstance(result, EngraftmentResult)


# --------------------------------------- graft failure (ASTCT 2021: Day +30, cord Day +42)


@pytest.mark.parametrize(
    ("engrafted_on", "source", "day", "level"),
    [
        pytest.param(None, "pbsc", 31, "meets_primary_gf_definition", id="F9-pbsc-day31-meets"),
        pytest.param(None, "cord", 35, "watch", id="F9-cord-day35-watch"),
        pytest.param(d(19), "marrow", 40, None, id="F9-bm-engrafted-day19-none"),
        pytest.param(None, "pbsc", 27, None, id="before-watch"),
        pytest.param(None, "pbsc", 28, "watch", id="pbsc-day28-watch"),
        pytest.param(None, "marrow", 30, "meets_primary_gf_definition", id="marrow-day30"),
        pytest.param(None, "cord", 41, "watch", id="cord-day41-watch"),
        pytest.param(None, GraftSource.CORD, 42, "meets_primary_gf_definition", id="cord-day42"),
    ],
)
def test_graft_failure_flag(
    engrafted_on: dt.date | None, source: str, day: int, level: str | None
) -> None:
    flag = graft_failure_flag(engrafted_on, source, day)
    if level is None:
        assert flag is None
        return
    assert flag is not None
    assert flag.level == level
    assert "clinician must confirm pancytopenia" in flag.message
    assert "ASTCT 2021" in flag.rule


def test_graft_failure_flag_from_result() -> None:
    never = neutrophil_engraftment(series([0, 5], [2.0, 1.5]))
    assert graft_failure_flag(never, "pbsc", 35) is None
    pending = neutrophil_engraftment(series([0, 7], [2.0, 0.0]))
    flag = graft_failure_flag(pending, "pbsc", 35)
    assert flag is not None and flag.limit_day == 30


def test_graft_failure_flag_bad_source() -> None:
    with pytest.raises(ValidationError):
        graft_failure_flag(None, "liver", 30)


# --------------------------------------------------------------------------- count_series


def _sample(
    day: int, analyte: str, value: float, qualifier: str = "", pid: str = "p1"
) -> LabSample:
    return LabSample(
        patient_id=pid,
        mrn="000123",
        date=d(day),
        analyte=analyte,  # type: ignore[arg-type]
        value=value,
        unit="g/L" if analyte == "hb" else "10^9/L",
        qualifier=qualifier,  # type: ignore[arg-type]
    )


def test_count_series_filters_sorts_and_feeds_rules() -> None:
    samples = [_sample(n, "anc", v) for n, v in zip(F7_DAYS, F7_ANC, strict=True)]
    samples += [_sample(3, "plt", 50), _sample(4, "anc", 9, pid="other")]
    samples.reverse()
    s = count_series(samples, "anc", patient_id="p1")
    assert list(s.index) == [d(n) for n in F7_DAYS]
    assert neutrophil_engraftment(s, day0=DAY0).date == d(13)


def test_count_series_less_than_never_reaches_threshold() -> None:
    s = count_series([_sample(1, "anc", 0.5, "<")], "anc")
    assert s.iloc[0] < 0.5
    s = count_series([_sample(1, "anc", 0.1, "<")], "anc")
    assert s.iloc[0] == pytest.approx(0.1)


def test_count_series_empty_and_bad_analyte() -> None:
    assert count_series([], "plt").empty
    with pytest.raises(ValidationError):
        count_series([], "crp")


# --------------------------------------------------------------------------- LabSample


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": math.nan}, "value"),
        ({"value": math.inf}, "value"),
        ({"value": 150.0}, "value"),
        ({"value": True}, "value"),
        ({"date": dt.datetime(2025, 3, 10, 8, 0)}, "date"),
        ({"analyte": "crp"}, "analyte"),
        ({"unit": "K/uL"}, "unit"),
        ({"qualifier": "<="}, "qualifier"),
    ],
)
def test_lab_sample_validates(change: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "patient_id": "p1",
        "mrn": "000123",
        "date": DAY0,
        "analyte": "anc",
        "value": 1.0,
        "unit": "10^9/L",
    }
    with pytest.raises(ValidationError) as err:
        LabSample(**{**base, **change})  # type: ignore[arg-type]
    assert err.value.field == field
