"""Timeline layout arithmetic: scale, level of detail, bars, lanes, bands (no Qt)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.app.timeline import (
    MAX_PX_PER_DAY,
    MIN_PX_PER_DAY,
    TimeScale,
    detail_level,
    fit_scale,
    layout_lanes,
    phase_bands,
    step_bars,
    visible_rows,
    weekend_dates,
)
from planner.domain.plans import instantiate, mark_done
from planner.domain.templates import Phase, parse_protocol

D0 = dt.date(2026, 3, 10)

TEMPLATE = b"""
schema = 1
id = "tl"
version = "1"
title = "Timeline test"
category = "conditioning"
transplant_types = ["allogeneic"]
graft_sources = ["pbsc"]
review_status = "for local review"
source = "test"

[[steps]]
id = "bu"
title = "Busulfan"
phase = "conditioning"
kind = "medication"
from = -7
to = -4

[[steps]]
id = "cy"
title = "Cyclophosphamide"
phase = "conditioning"
kind = "medication"
days = [-3, -2]

[[steps]]
id = "seizure"
title = "Levetiracetam"
phase = "conditioning"
kind = "medication"
from = -8
to = -2

[[steps]]
id = "infusion"
title = "Infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "mtx"
title = "Methotrexate"
phase = "gvhd-prophylaxis"
kind = "medication"
days = [1, 3, 6, 11]

[[steps]]
id = "visit"
title = "Day +30 visit"
phase = "follow-up"
kind = "visit"
day = 30
"""


@pytest.fixture
def plan():
    return instantiate(parse_protocol(TEMPLATE, "tl.toml"), D0)


def test_scale_maps_dates_and_back():
    scale = TimeScale(D0, 10.0)
    assert scale.x(D0) == 0
    assert scale.x(D0 + dt.timedelta(days=3)) == 30
    assert scale.x(D0 - dt.timedelta(days=1)) == -10
    assert scale.date_at(0) == D0
    assert scale.date_at(9.99) == D0
    assert scale.date_at(10) == D0 + dt.timedelta(days=1)
    assert scale.date_at(-0.01) == D0 - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("dx", "days"), [(0, 0), (4.9, 0), (5.1, 1), (-14.9, -1), (-15.1, -2), (100, 10)]
)
def test_drag_snaps_to_nearest_day(dx, days):
    assert TimeScale(D0, 10.0).nearest_day_delta(dx) == days


def test_zoom_is_clamped_and_keeps_anchor_date():
    assert TimeScale(D0, 1000).px_per_day == MAX_PX_PER_DAY
    assert TimeScale(D0, 0.0001).px_per_day == MIN_PX_PER_DAY
    scale = TimeScale(D0, 10.0)
    anchor_x = 155.0
    before = scale.date_at(anchor_x)
    zoomed, shift = scale.zoomed(2.0, anchor_x)
    assert zoomed.px_per_day == 20.0
    assert zoomed.date_at(anchor_x + shift) == before


@pytest.mark.parametrize(
    ("px", "level"),
    [
        (40, "occurrence"),
        (6, "occurrence"),
        (5.9, "step"),
        (1.5, "step"),
        (1.49, "phase"),
        (0.25, "phase"),
    ],
)
def test_detail_level_thresholds(px, level):
    assert detail_level(px) == level


def test_fit_scale_shows_the_range_with_margins():
    scale = fit_scale(D0, D0 + dt.timedelta(days=95), 1000, margin_days=2)
    assert scale.origin == D0 - dt.timedelta(days=2)
    assert scale.x(D0 + dt.timedelta(days=98)) == pytest.approx(1000)


def test_visible_dates_cover_the_viewport():
    scale = TimeScale(D0, 10.0)
    assert scale.visible_dates(0, 100) == (D0, D0 + dt.timedelta(days=9))
    assert scale.visible_dates(5, 100) == (D0, D0 + dt.timedelta(days=10))


def test_bars_merge_consecutive_days_and_keep_repeats_as_diamonds(plan):
    bars = {(b.step_id, b.start): b for b in step_bars(plan)}
    bu = bars[("tl/bu", D0 - dt.timedelta(days=7))]
    assert (bu.end, bu.diamond) == (D0 - dt.timedelta(days=4), False)
    mtx = [b for b in step_bars(plan) if b.step_id == "tl/mtx"]
    assert [b.diamond for b in mtx] == [True, True, True, True]
    assert [b.start for b in mtx] == [D0 + dt.timedelta(days=d) for d in (1, 3, 6, 11)]


def test_status_splits_runs_and_overdue_uses_today(plan):
    plan = mark_done(plan, "tl/bu", -7, D0 - dt.timedelta(days=7), by="u", at="t")
    today = D0 - dt.timedelta(days=5)
    bu = [b for b in step_bars(plan, today) if b.step_id == "tl/bu"]
    # Day -7 done, Day -6 passed without a record, Days -5 and -4 still to come.
    assert [(b.status, b.diamond) for b in bu] == [
        ("done", True),
        ("overdue", True),
        ("planned", False),
    ]


def test_lanes_in_phase_order_with_overlaps_packed(plan):
    lanes, bars = layout_lanes(step_bars(plan))
    assert [lane.phase for lane in lanes] == [
        Phase.CONDITIONING,
        Phase.INFUSION,
        Phase.GVHD_PROPHYLAXIS,
        Phase.FOLLOW_UP,
    ]
    # levetiracetam (-8..-2) overlaps busulfan (-7..-4) and cyclophosphamide (-3..-2);
    # busulfan and cyclophosphamide do not overlap each other, so they share a row.
    assert lanes[0].rows == 2
    rows = {b.step_id: b.row for b in bars if b.lane == 0}
    assert rows["tl/seizure"] != rows["tl/bu"]
    assert rows["tl/bu"] == rows["tl/cy"]
    for lane_index, lane in enumerate(lanes):
        lane_bars = [b for b in bars if b.lane == lane_index]
        assert all(b.phase is lane.phase and 0 <= b.row < lane.rows for b in lane_bars)


@given(st.lists(st.tuples(st.integers(-30, 60), st.integers(0, 10)), min_size=1, max_size=25))
def test_packed_rows_never_overlap(spans):
    steps = "\n".join(
        f'[[steps]]\nid = "s{i}"\ntitle = "S{i}"\nphase = "recovery"\nkind = "lab"\n'
        f"from = {start}\nto = {start + length}\n"
        for i, (start, length) in enumerate(spans)
    )
    header = TEMPLATE.split(b"[[steps]]")[0].decode()
    plan = instantiate(parse_protocol((header + steps).encode(), "p.toml"), D0)
    _, bars = layout_lanes(step_bars(plan))
    by_row: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for bar in bars:
        by_row.setdefault(bar.row, []).append((bar.start, bar.end))
    for intervals in by_row.values():
        intervals.sort()
        for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
            assert end < start


def test_phase_bands_follow_the_main_path(plan):
    bands = {b.phase: (b.start, b.end) for b in phase_bands(plan)}
    assert bands[Phase.CONDITIONING] == (D0 - dt.timedelta(days=8), D0 - dt.timedelta(days=2))
    assert bands[Phase.INFUSION] == (D0, D0)
    assert Phase.GVHD_PROPHYLAXIS not in bands  # runs alongside, not a board band


def test_weekends_between_dates():
    first = dt.date(2026, 3, 9)  # Monday
    assert weekend_dates(first, first + dt.timedelta(days=13)) == [
        dt.date(2026, 3, 14),
        dt.date(2026, 3, 15),
        dt.date(2026, 3, 21),
        dt.date(2026, 3, 22),
    ]
    assert weekend_dates(first, first - dt.timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("top", "height", "expected"),
    [
        (0, 100, range(5)),
        (30, 40, range(1, 4)),
        (9_000, 100, range(450, 455)),
        (20_000, 100, range(500, 500)),
    ],
)
def test_only_visible_rows_are_drawn(top, height, expected):
    assert visible_rows(top, height, 20, 500) == expected


def test_after_day0_the_path_is_read_by_day_number():
    template = TEMPLATE.replace(b"day = 30\n", b"days = [0, 30, 180]\n")
    plan = instantiate(parse_protocol(template, "tl.toml"), D0)
    bands = {b.phase: (b.start, b.end) for b in phase_bands(plan)}
    # A follow-up step on Day 0 (a registry form) does not make D0-D+100 "follow-up".
    assert bands[Phase.RECOVERY] == (D0 + dt.timedelta(days=1), D0 + dt.timedelta(days=100))
    assert bands[Phase.FOLLOW_UP] == (D0 + dt.timedelta(days=101), D0 + dt.timedelta(days=180))
    ordered = [b.phase for b in phase_bands(plan)]
    assert (
        ordered.index(Phase.CONDITIONING)
        < ordered.index(Phase.INFUSION)
        < ordered.index(Phase.RECOVERY)
        < ordered.index(Phase.FOLLOW_UP)
    )
