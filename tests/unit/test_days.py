"""Day arithmetic: Day 0 is the infusion, no Day -0, M-Day 1 is the first G-CSF dose; day
numbers from calendar dates, never timestamps (docs/clinical-sources.md, Day numbering)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.days import (
    DayWindow,
    calendar_date,
    date_for_day,
    date_for_mobilisation_day,
    day_label,
    mobilisation_day,
    mobilisation_label,
    optional_calendar_date,
    short_day_label,
    transplant_day,
)
from planner.errors import ValidationError

D = dt.date

# --- worked examples: Day 0 = 2025-03-10 -> Day -7 = 2025-03-03, Day +100 = 2025-06-18 --------

WORKED_DAY0 = D(2025, 3, 10)

CLINICAL_1_1 = [
    (-7, D(2025, 3, 3)),
    (-1, D(2025, 3, 9)),
    (0, D(2025, 3, 10)),
    (28, D(2025, 4, 7)),
    (30, D(2025, 4, 9)),
    (42, D(2025, 4, 21)),
    (100, D(2025, 6, 18)),
    (180, D(2025, 9, 6)),
    (365, D(2026, 3, 10)),
]


@pytest.mark.parametrize(("day", "date"), CLINICAL_1_1, ids=[f"day{d:+d}" for d, _ in CLINICAL_1_1])
def test_clinical_worked_example_both_directions(day: int, date: dt.date) -> None:
    assert date_for_day(day, WORKED_DAY0) == date
    assert transplant_day(date, WORKED_DAY0) == day


F1_CASES = [
    # (day0, day, date)
    pytest.param(D(2025, 3, 10), 100, D(2025, 6, 18), id="F1-day+100"),
    pytest.param(D(2025, 3, 10), -7, D(2025, 3, 3), id="F1-day-7"),
    pytest.param(D(2024, 2, 27), 2, D(2024, 2, 29), id="F1-leap-day"),
    pytest.param(D(2025, 2, 28), 1, D(2025, 3, 1), id="3.11-feb28-2025"),
    pytest.param(D(2024, 2, 28), 1, D(2024, 2, 29), id="3.11-feb28-2024-leap"),
    pytest.param(D(2024, 2, 28), 2, D(2024, 3, 1), id="leap-year-day+2"),
    pytest.param(D(2025, 12, 31), 1, D(2026, 1, 1), id="3.11-year-end"),
    pytest.param(D(2025, 12, 31), 100, D(2026, 4, 10), id="year-end-day+100"),
    pytest.param(D(2026, 1, 1), -1, D(2025, 12, 31), id="new-year-day-1"),
    pytest.param(D(2024, 3, 1), -1, D(2024, 2, 29), id="back-onto-leap-day"),
    pytest.param(D(2024, 2, 29), 365, D(2025, 2, 28), id="leap-day0-day+365"),
    pytest.param(D(2100, 2, 28), 1, D(2100, 3, 1), id="2100-not-leap"),
    pytest.param(D(2000, 2, 28), 1, D(2000, 2, 29), id="2000-leap"),
    pytest.param(D(2025, 3, 8), 1, D(2025, 3, 9), id="us-dst-start"),
    pytest.param(D(2025, 3, 29), 2, D(2025, 3, 31), id="eu-dst-start"),
    pytest.param(D(2025, 10, 25), 2, D(2025, 10, 27), id="eu-dst-end"),
]


@pytest.mark.parametrize(("day0", "day", "date"), F1_CASES)
def test_f1_and_calendar_edges(day0: dt.date, day: int, date: dt.date) -> None:
    assert date_for_day(day, day0) == date
    assert transplant_day(date, day0) == day


def test_day0_is_day_zero_not_minus_zero() -> None:
    assert transplant_day(WORKED_DAY0, WORKED_DAY0) == 0
    assert day_label(transplant_day(WORKED_DAY0, WORKED_DAY0)) == "Day 0"


# --- labels -------------------------------------------------------------------------------

LABELS = [
    pytest.param(-3, "Day -3", "D-3", id="minus3"),
    pytest.param(-1, "Day -1", "D-1", id="minus1"),
    pytest.param(0, "Day 0", "D0", id="zero"),
    pytest.param(-0, "Day 0", "D0", id="minus-zero"),
    pytest.param(1, "Day +1", "D+1", id="plus1"),
    pytest.param(12, "Day +12", "D+12", id="plus12"),
    pytest.param(100, "Day +100", "D+100", id="plus100"),
    pytest.param(-365, "Day -365", "D-365", id="minus365"),
]


@pytest.mark.parametrize(("day", "long", "short"), LABELS)
def test_day_labels(day: int, long: str, short: str) -> None:
    assert day_label(day) == long
    assert short_day_label(day) == short


@given(st.integers(-5000, 5000))
def test_labels_never_say_minus_zero_and_carry_the_sign(day: int) -> None:
    long, short = day_label(day), short_day_label(day)
    assert "-0" not in long and "+0" not in long
    assert "-0" not in short and "+0" not in short
    if day > 0:
        assert long == f"Day +{day}" and short == f"D+{day}"
    elif day < 0:
        assert long == f"Day -{-day}" and short == f"D-{-day}"
    # The label parses back to the number.
    assert int(long.removeprefix("Day ")) == day
    assert int(short.removeprefix("D")) == day


@pytest.mark.parametrize(
    ("mday", "label"), [(1, "M-Day 1"), (4, "M-Day 4"), (12, "M-Day 12")], ids=["m1", "m4", "m12"]
)
def test_mobilisation_label(mday: int, label: str) -> None:
    assert mobilisation_label(mday) == label


# --- mobilisation days -------------------------------------------------------------------------

FIRST_DOSE = D(2025, 2, 3)

MDAYS = [
    pytest.param(D(2025, 2, 3), 1, id="first-dose-is-mday1"),
    pytest.param(D(2025, 2, 4), 2, id="next-day-mday2"),
    pytest.param(D(2025, 2, 6), 4, id="mday4"),
    pytest.param(D(2025, 2, 7), 5, id="mday5-collection"),
    pytest.param(D(2025, 2, 2), -1, id="day-before-is-mday-1"),
    pytest.param(D(2025, 1, 31), -3, id="three-days-before"),
    pytest.param(D(2025, 3, 1), 27, id="across-month-end"),
]


@pytest.mark.parametrize(("date", "mday"), MDAYS)
def test_mobilisation_day_table(date: dt.date, mday: int) -> None:
    assert mobilisation_day(date, FIRST_DOSE) == mday
    assert date_for_mobilisation_day(mday, FIRST_DOSE) == date


def test_there_is_no_mday_zero() -> None:
    with pytest.raises(ValidationError, match="no M-Day 0") as err:
        date_for_mobilisation_day(0, FIRST_DOSE)
    assert err.value.field == "mday"
    nearby = {mobilisation_day(FIRST_DOSE + dt.timedelta(days=k), FIRST_DOSE) for k in range(-3, 4)}
    assert nearby == {-3, -2, -1, 1, 2, 3, 4}


def test_mobilisation_days_are_not_transplant_days() -> None:
    # The same date is M-Day 1 and Day 0 of a different counter: they must differ by one.
    assert mobilisation_day(FIRST_DOSE, FIRST_DOSE) == 1
    assert transplant_day(FIRST_DOSE, FIRST_DOSE) == 0


# --- DayWindow -------------------------------------------------------------------------------

WINDOWS = [
    pytest.param(DayWindow(28, 3, 3), 25, 31, "Day +28 +/-3", id="day28-pm3"),
    pytest.param(DayWindow(28, 2, 5), 26, 33, "Day +28 -2/+5", id="uneven"),
    pytest.param(DayWindow(100), 100, 100, "Day +100", id="no-tolerance"),
    pytest.param(DayWindow(0, 1, 1), -1, 1, "Day 0 +/-1", id="around-day0"),
    pytest.param(DayWindow(-7, 0, 2), -7, -5, "Day -7 -0/+2", id="late-only"),
]


@pytest.mark.parametrize(("window", "first", "last", "label"), WINDOWS)
def test_day_window(window: DayWindow, first: int, last: int, label: str) -> None:
    assert (window.first, window.last) == (first, last)
    assert window.label() == label
    assert window.contains(first) and window.contains(last) and window.contains(window.day)
    assert not window.contains(first - 1)
    assert not window.contains(last + 1)


def test_day28_window_dates() -> None:
    window = DayWindow(28, 3, 3)
    assert window.dates(WORKED_DAY0) == (D(2025, 4, 4), D(2025, 4, 10))
    assert [d for d in range(20, 40) if window.contains(d)] == list(range(25, 32))


@pytest.mark.parametrize(
    ("before", "after"), [(-1, 0), (0, -1), (-3, -3)], ids=["before", "after", "both"]
)
def test_negative_window_refused(before: int, after: int) -> None:
    with pytest.raises(ValidationError, match="cannot be negative"):
        DayWindow(28, before, after)


# --- dates only, never timestamps -------------------------------------------------------------

NOON = dt.datetime(2025, 3, 10, 12, 0)
AWARE = dt.datetime(2025, 3, 10, 23, 30, tzinfo=dt.UTC)

REFUSED: list[tuple[str, Callable[[], object]]] = [
    ("transplant_day-date-naive", lambda: transplant_day(NOON, WORKED_DAY0)),
    ("transplant_day-date-aware", lambda: transplant_day(AWARE, WORKED_DAY0)),
    ("transplant_day-day0", lambda: transplant_day(WORKED_DAY0, NOON)),
    ("transplant_day-string", lambda: transplant_day("2025-03-10", WORKED_DAY0)),
    ("date_for_day-day0", lambda: date_for_day(3, NOON)),
    ("date_for_day-day0-none", lambda: date_for_day(3, None)),  # type: ignore[arg-type]
    ("mobilisation_day-date", lambda: mobilisation_day(NOON, FIRST_DOSE)),
    ("mobilisation_day-first", lambda: mobilisation_day(FIRST_DOSE, AWARE)),
    ("date_for_mobilisation_day", lambda: date_for_mobilisation_day(2, NOON)),
    ("window-dates", lambda: DayWindow(28, 3, 3).dates(NOON)),
]


@pytest.mark.parametrize("call", [c for _, c in REFUSED], ids=[i for i, _ in REFUSED])
def test_datetimes_and_non_dates_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValidationError, match="calendar date"):
        call()


# --- properties -----------------------------------------------------------------------------

dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))
offsets = st.integers(min_value=-5000, max_value=5000)
edge_dates = st.sampled_from(
    [
        D(2024, 2, 28),
        D(2024, 2, 29),
        D(2024, 3, 1),
        D(2025, 2, 28),
        D(2025, 3, 1),
        D(2025, 12, 31),
        D(2026, 1, 1),
        D(1900, 2, 28),
        D(1900, 3, 1),
        D(2000, 2, 29),
        D(2100, 2, 28),
        D(2100, 3, 1),
        D(2025, 3, 9),
        D(2025, 3, 30),
        D(2025, 11, 2),
        D(2025, 4, 30),
        D(2025, 6, 30),
        D(2025, 9, 30),
    ]
)
any_date = st.one_of(dates, edge_dates)


@given(day0=any_date, day=offsets)
def test_date_for_day_then_transplant_day_is_identity(day0: dt.date, day: int) -> None:
    date = date_for_day(day, day0)
    assert transplant_day(date, day0) == day
    assert date.toordinal() - day0.toordinal() == day


@given(day0=any_date, date=any_date)
def test_transplant_day_then_date_for_day_is_identity(day0: dt.date, date: dt.date) -> None:
    assert date_for_day(transplant_day(date, day0), day0) == date


@given(a=any_date, b=any_date, c=any_date)
def test_transplant_day_is_additive(a: dt.date, b: dt.date, c: dt.date) -> None:
    assert transplant_day(c, a) == transplant_day(c, b) + transplant_day(b, a)
    assert transplant_day(a, b) == -transplant_day(b, a)


@given(day0=any_date, m=offsets, n=offsets)
def test_date_for_day_composes(day0: dt.date, m: int, n: int) -> None:
    assert date_for_day(m + n, day0) == date_for_day(n, date_for_day(m, day0))


@given(first=any_date, date=any_date)
def test_mobilisation_day_inverse_from_dates(first: dt.date, date: dt.date) -> None:
    mday = mobilisation_day(date, first)
    assert mday != 0
    assert date_for_mobilisation_day(mday, first) == date
    # Monotone: a later date never has a smaller M-Day.
    assert (mday > 0) == (date >= first)


@given(first=any_date, mday=offsets.filter(lambda n: n != 0))
def test_mobilisation_day_inverse_from_numbers(first: dt.date, mday: int) -> None:
    date = date_for_mobilisation_day(mday, first)
    assert mobilisation_day(date, first) == mday
    gap = transplant_day(date, first)
    assert gap == (mday - 1 if mday > 0 else mday)


# --- zone independence: the same day numbers in every time zone, across DST --------------------

ZONES = ["America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe"]


def _set_tz(zone: str | None) -> None:
    if zone is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = zone
    if hasattr(time, "tzset"):
        time.tzset()


@pytest.fixture
def restore_tz() -> Iterator[Callable[[str], None]]:
    """Yield a zone setter; put the original TZ back (and re-read it) afterwards."""
    original = os.environ.get("TZ")
    try:
        yield _set_tz
    finally:
        _set_tz(original)


def _battery() -> list[object]:
    """A fixed set of day computations whose answers must not depend on the zone."""
    out: list[object] = []
    for day0 in (
        D(2025, 3, 9),
        D(2025, 3, 30),
        D(2025, 4, 6),
        D(2025, 10, 5),
        D(2025, 11, 2),
        D(2024, 2, 29),
        D(2025, 12, 31),
        D(1950, 6, 1),
    ):
        for n in (-7, -1, 0, 1, 28, 100, 365):
            date = date_for_day(n, day0)
            out.append((date, transplant_day(date, day0), day_label(n), short_day_label(n)))
            out.append((mobilisation_day(date, day0), date_for_mobilisation_day(n or 1, day0)))
    return out


def _utc_offset_minutes(when: dt.datetime) -> int:
    offset = when.astimezone().utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


EXPECTED_WINTER_OFFSET = {  # January, minutes east of UTC
    "America/New_York": -300,
    "Asia/Kolkata": 330,
    "Pacific/Chatham": 825,
    "Australia/Lord_Howe": 660,
}


@pytest.mark.parametrize("zone", ZONES)
def test_answers_do_not_depend_on_the_zone(zone: str, restore_tz: Callable[[str], None]) -> None:
    restore_tz("UTC")
    baseline = _battery()
    restore_tz(zone)
    # The switch must really have happened, or this test would prove nothing.
    if hasattr(time, "tzset"):
        january = dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)
        assert _utc_offset_minutes(january) == EXPECTED_WINTER_OFFSET[zone]
    assert _battery() == baseline
    assert transplant_day(D(2025, 6, 18), WORKED_DAY0) == 100


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(day0=any_date, day=offsets, date=any_date, zone=st.sampled_from(ZONES))
def test_property_zone_independence(
    day0: dt.date, day: int, date: dt.date, zone: str, restore_tz: Callable[[str], None]
) -> None:
    restore_tz("UTC")
    expected = (
        date_for_day(day, day0),
        transplant_day(date, day0),
        mobilisation_day(date, day0),
        day_label(day),
    )
    restore_tz(zone)
    got = (
        date_for_day(day, day0),
        transplant_day(date, day0),
        mobilisation_day(date, day0),
        day_label(day),
    )
    assert got == expected


def test_stored_dates_are_read_one_way() -> None:
    assert calendar_date("2026-03-10", "day0") == dt.date(2026, 3, 10)
    assert calendar_date(dt.date(2026, 3, 10), "day0") == dt.date(2026, 3, 10)
    with pytest.raises(ValidationError, match="calendar date, not a date and time") as caught:
        calendar_date(dt.datetime(2026, 3, 10, 9), "day0")
    assert caught.value.field == "day0"
    for bad in ("10/03/2026", "2026-02-30", 20260310, None):
        with pytest.raises(ValidationError, match="is not a calendar date"):
            calendar_date(bad, "actual_date")
    assert optional_calendar_date(None, "x") is None
    assert optional_calendar_date("", "x") is None
    assert optional_calendar_date("2026-03-10", "x") == dt.date(2026, 3, 10)
