"""Harvest arithmetic: CD34+ product dose, cumulative yield, the collection on which the
target is met, cord TNC and CD34+ per kg (docs/clinical-sources.md, Harvest)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.clinical.harvest import (
    cd34_dose,
    cord_cd34_dose,
    cord_tnc_dose,
    cumulative_yield,
    target_met_on,
)
from planner.errors import ValidationError


@pytest.mark.parametrize(
    ("conc", "volume", "weight", "expected"),
    [
        pytest.param(1500, 250, 75, 5.0, id="F6-1500-250-75"),
        pytest.param(800, 300, 90, 2.67, id="F6-800-300-90"),
        pytest.param(0, 250, 75, 0.0, id="empty-product"),
    ],
)
def test_cd34_dose(conc: float, volume: float, weight: float, expected: float) -> None:
    assert cd34_dose(conc, volume, weight) == pytest.approx(expected, abs=0.005)


def test_cd34_dose_formula_exact() -> None:
    assert cd34_dose(800, 300, 90) == 800 * 300 * 1000 / 90 / 1e6


@pytest.mark.parametrize(
    ("daily", "expected"),
    [
        pytest.param([2.1, 1.4, 0.9], [2.1, 3.5, 4.4], id="F6-three-days"),
        pytest.param([], [], id="no-collections"),
        pytest.param([3], [3.0], id="one-collection"),
        pytest.param((0.1,) * 10, [pytest.approx(0.1 * n) for n in range(1, 11)], id="tuple"),
    ],
)
def test_cumulative_yield(daily: list[float], expected: list[float]) -> None:
    assert cumulative_yield(daily) == pytest.approx(expected)


def test_cumulative_yield_ten_tenths_is_exactly_one() -> None:
    # A naive running sum gives 0.9999999999999999 here.
    assert cumulative_yield([0.1] * 10)[-1] == 1.0


@pytest.mark.parametrize(
    ("daily", "target", "expected"),
    [
        pytest.param([2.1, 1.4, 0.9], 4.0, 3, id="F6-met-on-day-3"),
        pytest.param([2.1, 1.4, 0.5], 4.0, 3, id="exactly-at-target"),
        pytest.param([0.7, 0.1], 0.8, 2, id="float-sum-just-below-target"),
        pytest.param([5.0, 1.0], 4.0, 1, id="first-day"),
        pytest.param([2.1, 1.4], 4.0, None, id="not-met"),
        pytest.param([], 2.0, None, id="no-collections"),
        pytest.param([1.0, 0.0, 1.0], 2.0, 3, id="zero-yield-day"),
        pytest.param([3.9999, 0.0], 4.0, None, id="clinically-short-is-not-met"),
    ],
)
def test_target_met_on(daily: list[float], target: float, expected: int | None) -> None:
    assert target_met_on(daily, target) == expected


def test_target_tolerance_is_needed_for_float_sums() -> None:
    # Guards the test above: the exact binary sum really is below 0.8.
    assert cumulative_yield([0.7, 0.1])[-1] < 0.8


@given(st.lists(st.floats(min_value=0, max_value=20), max_size=8), st.floats(0.1, 50))
def test_target_met_on_matches_cumulative(daily: list[float], target: float) -> None:
    day = target_met_on(daily, target)
    totals = cumulative_yield(daily)
    if day is None:
        assert all(total < target for total in totals)
    else:
        assert totals[day - 1] >= target * (1 - 1e-9)
        assert all(total < target for total in totals[: day - 1])


@pytest.mark.parametrize(
    ("cells", "weight", "expected"),
    [
        pytest.param(1.8e9, 60, 3.0e7, id="2.8-tnc-1.8e9-60kg"),
        pytest.param(2.5e9, 50, 5.0e7, id="tnc-2.5e9-50kg"),
    ],
)
def test_cord_tnc_dose(cells: float, weight: float, expected: float) -> None:
    assert cord_tnc_dose(cells, weight) == pytest.approx(expected)


def test_cord_cd34_dose() -> None:
    assert cord_cd34_dose(4.5e6, 60) == pytest.approx(0.75e5)


_BAD = [
    pytest.param(-1, id="negative"),
    pytest.param(float("nan"), id="nan"),
    pytest.param(float("inf"), id="inf"),
    pytest.param(True, id="bool"),
    pytest.param("75", id="text"),
    pytest.param(None, id="none"),
]


@pytest.mark.parametrize("bad", _BAD)
@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param(lambda v: cd34_dose(v, 250, 75), "conc_per_ul", id="cd34-conc"),
        pytest.param(lambda v: cd34_dose(1500, v, 75), "volume_ml", id="cd34-volume"),
        pytest.param(lambda v: cd34_dose(1500, 250, v), "weight_kg", id="cd34-weight"),
        pytest.param(lambda v: cumulative_yield([1.0, v]), "daily_yields", id="yield-item"),
        pytest.param(lambda v: target_met_on([1.0], v), "target", id="target"),
        pytest.param(lambda v: cord_tnc_dose(v, 60), "unit_tnc", id="cord-tnc"),
        pytest.param(lambda v: cord_tnc_dose(1.8e9, v), "weight_kg", id="cord-weight"),
        pytest.param(lambda v: cord_cd34_dose(v, 60), "unit_cd34", id="cord-cd34"),
    ],
)
def test_bad_numbers_rejected(call: Callable[[object], object], field: str, bad: object) -> None:
    with pytest.raises(ValidationError, match="enter a number from") as caught:
        call(bad)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        pytest.param(lambda: cd34_dose(1500, 250, 0), "weight_kg", "from 1 to 350 kg", id="weight-0"),
        pytest.param(lambda: cd34_dose(1500, 250, 700), "weight_kg", "700 kg", id="weight-700"),
        pytest.param(lambda: cd34_dose(1500, 0, 75), "volume_ml", "greater than 0", id="volume-0"),
        pytest.param(
            lambda: cd34_dose(1500, 6000, 75), "volume_ml", "up to|to 5,000 mL", id="volume-6000"
        ),
        pytest.param(
            lambda: cd34_dose(150_000, 250, 75), "conc_per_ul", "100,000", id="conc-per-ml-slip"
        ),
        pytest.param(lambda: target_met_on([1.0], 0), "target", "greater than 0", id="target-0"),
        pytest.param(
            lambda: cumulative_yield([1.0, 2.0, -0.5]), "daily_yields", "collection 3",
            id="names-the-collection",
        ),
    ],
)  # fmt: skip
def test_invalid_values_named(call: Callable[[], object], field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        call()
    assert caught.value.field == field
