"""Timeline layout without pixels' worth of Qt: scales, lanes, bars, bands, level of detail.

The Gantt widgets only map these numbers to a painter. Everything that can be
wrong about a timeline (which day a pixel is, which lane a step is in, where two
steps overlap, what to draw when zoomed out) lives here and is tested without Qt.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from planner.domain.phases import Phase
from planner.domain.step_status import shown_status

if TYPE_CHECKING:
    # Plans are read, never made here: the clinic timeline painted at start-up from
    # stored sketches must not load the plan and template modules (start-up budget).
    from planner.domain.plans import Occurrence, Plan

MIN_PX_PER_DAY = 0.25
MAX_PX_PER_DAY = 120.0
# Below this zoom a day is narrower than a diamond: draw steps as merged bars.
STEP_DETAIL_PX = 6.0
# Below this zoom even bars are noise across a whole clinic: draw phase bands only.
PHASE_DETAIL_PX = 1.5


@dataclass(frozen=True)
class TimeScale:
    """Maps calendar dates to x positions: ``x = (date - origin) * px_per_day``.

    Attributes:
        origin: the date at x = 0 (left edge of day ``origin``).
        px_per_day: zoom, clamped to [MIN_PX_PER_DAY, MAX_PX_PER_DAY].
    """

    origin: dt.date
    px_per_day: float

    def __post_init__(self) -> None:
        clamped = min(MAX_PX_PER_DAY, max(MIN_PX_PER_DAY, self.px_per_day))
        object.__setattr__(self, "px_per_day", clamped)

    def x(self, date: dt.date) -> float:
        """Left edge of ``date``."""
        return (date - self.origin).days * self.px_per_day

    def date_at(self, x: float) -> dt.date:
        """The date whose cell contains ``x`` (snaps to whole days)."""
        return self.origin + dt.timedelta(days=math.floor(x / self.px_per_day))

    def nearest_day_delta(self, dx: float) -> int:
        """Whole days closest to a horizontal drag of ``dx`` pixels."""
        return round(dx / self.px_per_day)

    def visible_dates(self, left: float, width: float) -> tuple[dt.date, dt.date]:
        """First and last date at least partly visible between ``left`` and ``left + width``."""
        return self.date_at(left), self.date_at(left + max(width - 1e-9, 0.0))

    def zoomed(self, factor: float, anchor_x: float) -> tuple[TimeScale, float]:
        """Zoom by ``factor`` keeping the date under ``anchor_x`` still.

        Returns the new scale and the horizontal shift to apply to the scroll position.
        """
        new = TimeScale(self.origin, self.px_per_day * factor)
        days = anchor_x / self.px_per_day
        return new, days * new.px_per_day - anchor_x


def detail_level(px_per_day: float) -> str:
    """ "occurrence" (diamonds and day cells), "step" (merged bars) or "phase" (bands)."""
    if px_per_day >= STEP_DETAIL_PX:
        return "occurrence"
    if px_per_day >= PHASE_DETAIL_PX:
        return "step"
    return "phase"


def fit_scale(first: dt.date, last: dt.date, width: float, margin_days: int = 2) -> TimeScale:
    """A scale that shows ``first`` to ``last`` (plus margins) in ``width`` pixels."""
    origin = first - dt.timedelta(days=margin_days)
    days = (last - first).days + 1 + 2 * margin_days
    return TimeScale(origin, width / max(days, 1))


# What "Fit" shows first: the transplant through Day +100 (or the last step that is not
# long-term follow-up), never ten years of yearly visits squeezed into one screen.
WORKING_LAST_DAY = 100


def working_span(
    plan: Plan, today: dt.date, whole: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    """The span "Fit" shows first: the plan's first date to the later of Day +100, the last
    occurrence outside the follow-up phase and a week after today, within ``whole``."""
    first, last = whole
    active = [o.date for o in plan.occurrences() if o.phase is not Phase.FOLLOW_UP]
    end = max(
        plan.day0 + dt.timedelta(days=WORKING_LAST_DAY),
        max(active, default=first),
        today + dt.timedelta(days=7),
    )
    return first, min(end, last)


@dataclass(frozen=True)
class Bar:
    """A run of consecutive occurrences of one step, or a single-day diamond.

    Attributes:
        step_id, title, phase: the step.
        start, end: first and last date (inclusive).
        diamond: single-day occurrence (drawn as a diamond).
        status: "done", "planned", "overdue", "skipped" or "cancelled".
        lane: index of the phase lane; row: sub-row inside the lane (overlaps).
        regimen_tied: moving it off its relative day needs confirmation.
    """

    step_id: str
    title: str
    phase: Phase
    start: dt.date
    end: dt.date
    diamond: bool
    status: str
    lane: int = 0
    row: int = 0
    regimen_tied: bool = False


def _runs(occs: Sequence[Occurrence], today: dt.date | None) -> list[list[Occurrence]]:
    """Split a step's occurrences into runs of consecutive days with the same status."""
    runs: list[list[Occurrence]] = []
    for occ in sorted(occs, key=lambda o: o.date):
        if runs:
            last = runs[-1][-1]
            if (occ.date - last.date).days == 1 and occ.shown_status(today) == last.shown_status(
                today
            ):
                runs[-1].append(occ)
                continue
        runs.append([occ])
    return runs


def step_bars(plan: Plan, today: dt.date | None = None) -> list[Bar]:
    """Bars and diamonds of every step, in step order (lanes not yet assigned)."""
    bars: list[Bar] = []
    for step in plan.steps:
        occs = list(plan.step_occurrences(step))
        for run in _runs(occs, today):
            bars.append(
                Bar(
                    step_id=step.id,
                    title=step.title,
                    phase=step.phase,
                    start=run[0].date,
                    end=run[-1].date,
                    diamond=len(run) == 1,
                    status=run[0].shown_status(today),
                    regimen_tied=step.regimen_tied,
                )
            )
    return bars


@dataclass(frozen=True)
class Lane:
    """One phase lane of a patient timeline.

    Attributes:
        phase: the lane's phase; rows: how many sub-rows its bars need.
    """

    phase: Phase
    rows: int


def layout_lanes(bars: Iterable[Bar]) -> tuple[list[Lane], list[Bar]]:
    """Group bars by phase (in phase order) and pack overlapping ones into sub-rows.

    A step keeps one sub-row for all its runs, so a repeated step reads along one line.
    """
    by_phase: dict[Phase, list[Bar]] = {}
    for bar in bars:
        by_phase.setdefault(bar.phase, []).append(bar)
    lanes: list[Lane] = []
    placed: list[Bar] = []
    for phase in Phase:
        if phase not in by_phase:
            continue
        rows = _pack_steps(by_phase[phase])
        lane_index = len(lanes)
        lanes.append(Lane(phase, 1 + max(rows.values(), default=0)))
        placed.extend(_with_place(b, lane_index, rows[b.step_id]) for b in by_phase[phase])
    return lanes, placed


def _with_place(bar: Bar, lane: int, row: int) -> Bar:
    return Bar(
        bar.step_id,
        bar.title,
        bar.phase,
        bar.start,
        bar.end,
        bar.diamond,
        bar.status,
        lane,
        row,
        bar.regimen_tied,
    )


def _pack_steps(bars: Sequence[Bar]) -> dict[str, int]:
    """Greedy interval packing of whole steps (first start first) into the lowest free row."""
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for bar in bars:
        start, end = spans.get(bar.step_id, (bar.start, bar.end))
        spans[bar.step_id] = (min(start, bar.start), max(end, bar.end))
    row_ends: list[dt.date] = []
    rows: dict[str, int] = {}
    for step_id, (start, end) in sorted(spans.items(), key=lambda kv: (kv[1][0], kv[0])):
        for i, row_end in enumerate(row_ends):
            if row_end < start:
                row_ends[i] = end
                rows[step_id] = i
                break
        else:
            row_ends.append(end)
            rows[step_id] = len(row_ends) - 1
    return rows


@dataclass(frozen=True)
class Band:
    """A phase band of the clinic timeline: a phase's first to last date for one patient.

    Attributes:
        phase: the phase; start, end: inclusive dates.
    """

    phase: Phase
    start: dt.date
    end: dt.date


# Prophylaxis and supportive care run alongside everything else; as clinic-wide bands
# they would hide the phases a coordinator scans for, so the board shows the main path.
BAND_PHASES = (
    Phase.WORKUP,
    Phase.MOBILISATION,
    Phase.COLLECTION,
    Phase.CONDITIONING,
    Phase.INFUSION,
    Phase.RECOVERY,
    Phase.FOLLOW_UP,
)


# After Day 0 the path is read by day number, not from step phases: registry forms due on
# Day 0 and visits from Day +7 belong to "follow-up" templates, yet a patient at D+12 is
# recovering. Recovery runs to Day +100 (the first registry time point: the CIBMTR
# Day +100 follow-up form).
RECOVERY_LAST_DAY = 100
_BEFORE_DAY0 = (Phase.WORKUP, Phase.MOBILISATION, Phase.COLLECTION, Phase.CONDITIONING)


def phase_bands(plan: Plan) -> list[Band]:
    """The patient's path as bands: work-up, mobilisation, collection and conditioning from
    their steps; Day 0; recovery to Day +100; follow-up after it, to the last step."""
    spans: dict[Phase, tuple[dt.date, dt.date]] = {}
    last = plan.day0
    for occ in plan.occurrences():
        last = max(last, occ.date)
        if occ.phase not in _BEFORE_DAY0:
            continue
        start, end = spans.get(occ.phase, (occ.date, occ.date))
        spans[occ.phase] = (min(start, occ.date), max(end, occ.date))
    day0 = plan.day0
    spans[Phase.INFUSION] = (day0, day0)
    recovery_end = min(last, day0 + dt.timedelta(days=RECOVERY_LAST_DAY))
    if recovery_end > day0:
        spans[Phase.RECOVERY] = (day0 + dt.timedelta(days=1), recovery_end)
    if last > recovery_end:
        spans[Phase.FOLLOW_UP] = (recovery_end + dt.timedelta(days=1), last)
    return [Band(p, *spans[p]) for p in BAND_PHASES if p in spans]


def weekend_dates(first: dt.date, last: dt.date) -> list[dt.date]:
    """Saturdays and Sundays from ``first`` to ``last`` inclusive."""
    days = (last - first).days + 1
    return [
        first + dt.timedelta(days=i)
        for i in range(max(days, 0))
        if (first + dt.timedelta(days=i)).weekday() >= 5
    ]


def visible_rows(first_row: float, height: float, row_height: float, count: int) -> range:
    """Indices of the rows at least partly inside a viewport (for drawing only those)."""
    if count <= 0 or row_height <= 0:
        return range(0)
    top = max(0, math.floor(first_row / row_height))
    bottom = min(count, math.ceil((first_row + height) / row_height))
    return range(top, max(top, bottom))


# --- row sketches: what the clinic timeline paints of one patient, independent of today ---


class StepRun(NamedTuple):
    """Consecutive days of one step with the same recorded status.

    A named tuple: a clinic has tens of thousands and the snapshot makes them at start-up.

    Attributes:
        phase: the step's phase; start, end: inclusive dates.
        status: the recorded status ("planned", "done", "skipped", "cancelled").
        window_after: days a planned occurrence may run late before it is overdue.
    """

    phase: Phase
    start: dt.date
    end: dt.date
    status: str
    window_after: int

    def status_on(self, day: dt.date, today: dt.date) -> str:
        """The status the occurrence on ``day`` shows ``today`` (as ``step_bars`` does)."""
        return shown_status(self.status, day, self.window_after, today)


SketchDetail = tuple[tuple[Band, ...], tuple[StepRun, ...]]


@dataclass(frozen=True)
class RowSketch:
    """One patient's clinic-timeline row without the plan behind it.

    Small enough to store with the board snapshot, so the first paint of the clinic
    timeline needs no plan; ``row_sketch`` makes it from a plan for the live rows. The
    bands and runs are made on first use (``detail``): at start-up only the rows in view
    are painted, and a 500-patient clinic has some 40,000 runs.

    Attributes:
        day0: Day 0; first, last: the earliest and latest date drawn (Day 0 included).
        detail: makes (bands, runs); see ``bands`` and ``runs``.
    """

    day0: dt.date
    first: dt.date
    last: dt.date
    detail: Callable[[], SketchDetail] = field(compare=False, repr=False)

    @cached_property
    def _detail(self) -> SketchDetail:
        return self.detail()

    @property
    def bands(self) -> tuple[Band, ...]:
        """The phase bands (``phase_bands``)."""
        return self._detail[0]

    @property
    def runs(self) -> tuple[StepRun, ...]:
        """The steps' runs of days."""
        return self._detail[1]


def _step_runs(plan: Plan) -> list[StepRun]:
    runs: list[StepRun] = []
    for step in plan.steps:
        current: StepRun | None = None
        for occ in sorted(plan.step_occurrences(step), key=lambda o: o.date):
            status = occ.status.value
            if (
                current is not None
                and current.status == status
                and ((occ.date - current.end).days == 1)
            ):
                current = StepRun(
                    current.phase, current.start, occ.date, status, current.window_after
                )
                runs[-1] = current
                continue
            current = StepRun(step.phase, occ.date, occ.date, status, occ.window_after)
            runs.append(current)
    return runs


def row_sketch(plan: Plan) -> RowSketch:
    """The sketch of a plan's clinic-timeline row."""
    occs = plan.sorted_occurrences()
    dates = [plan.day0, *((occs[0].date, occs[-1].date) if occs else ())]
    return RowSketch(
        plan.day0,
        min(dates),
        max(dates),
        lambda: (tuple(phase_bands(plan)), tuple(_step_runs(plan))),
    )
