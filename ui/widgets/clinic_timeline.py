"""The clinic-wide timeline: one row per patient, phases as bands, Day 0, today, weekends.

Drawing 500 patients x 60 steps naively cannot hold a 60 Hz frame (16 ms; measured by
``benchmarks.bench_timeline``), so this widget:

* turns each row's sketch into integer day ranges on its first paint, or in idle slices
  before it, each zoom level's part when first needed (``_RowGeometry``);
* paints only the rows in the viewport (``visible_rows``) and, per row, only the items
  overlapping the visible days (bisect on starts, prefix maxima of ends);
* aggregates when zoomed out (``detail_level``): phase bands, then merged step bars,
  then single occurrences;
* creates every pen, brush, font and static text once, never per item.

Layout arithmetic lives in ``planner.app.timeline``; this module maps it to a painter.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QStaticText,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from planner.app.timeline import (
    BAND_PHASES,
    RowSketch,
    TimeScale,
    detail_level,
    fit_scale,
    row_sketch,
    visible_rows,
    weekend_dates,
)
from planner.domain.phases import Phase
from planner.domain.step_status import overdue_before
from ui.translation import format_date
from ui.widgets.status_style import phase_label

if TYPE_CHECKING:
    from planner.domain.plans import Plan

NAME_WIDTH = 230
AXIS_HEIGHT = 36
ROW_HEIGHT = 28
# Inside a row: band from y+2 to y+26, phase label on top, bars and markers underneath.
_TEXT_Y, _BAR_Y, _SIDE_Y, _MARK_Y = 2, 16, 23, 19
ZOOM_STEP = 1.25
DEFAULT_PX_PER_DAY = 3.0
MARGIN_DAYS = 14
# Idle time given to building the geometry of rows not yet painted, per turn of the event
# loop: well inside a frame (16 ms), so input and painting wait at most this long.
PREPARE_SLICE_S = 0.006
# Time a paint gives to building the rows in view that have no geometry yet (a page of
# new plans right after a load, before their sketches come: 1-1.5 ms a row, 40-45 ms for
# a 1600x900 page). The rest are drawn in the frames that follow, a few at a time, so
# no frame holds input back for a whole page.
PAINT_BUILD_S = 0.006
# Below this zoom a weekend is under 4 px: shading would only be a grey blur.
WEEKEND_MIN_PX = 2.0

_PHASES = tuple(Phase)
_PHASE_INDEX = {p: i for i, p in enumerate(_PHASES)}
_MAIN_PATH = frozenset(_PHASE_INDEX[p] for p in BAND_PHASES)
# (light band colour, strong bar colour, overlay pattern, short label). The pattern and
# the label make phases distinguishable without colour (issue 3, "Desktop habits").
_PHASE_STYLE: dict[Phase, tuple[str, str, Qt.BrushStyle, str]] = {
    Phase.WORKUP: ("#dbe4ee", "#64748b", Qt.BrushStyle.NoBrush, "WU"),
    Phase.MOBILISATION: ("#fde7c7", "#c2710c", Qt.BrushStyle.BDiagPattern, "MOB"),
    Phase.COLLECTION: ("#fbd5e5", "#be185d", Qt.BrushStyle.CrossPattern, "COL"),
    Phase.CONDITIONING: ("#fecaca", "#b91c1c", Qt.BrushStyle.FDiagPattern, "COND"),
    Phase.INFUSION: ("#ddd6fe", "#6d28d9", Qt.BrushStyle.Dense4Pattern, "INF"),
    Phase.GVHD_PROPHYLAXIS: ("#cffafe", "#0e7490", Qt.BrushStyle.NoBrush, "GVHD"),
    Phase.SUPPORTIVE_CARE: ("#e0f2fe", "#0369a1", Qt.BrushStyle.NoBrush, "SUP"),
    Phase.RECOVERY: ("#d1fae5", "#047857", Qt.BrushStyle.Dense6Pattern, "REC"),
    Phase.FOLLOW_UP: ("#e5e7eb", "#374151", Qt.BrushStyle.HorPattern, "FU"),
}
# Occurrence status -> (priority when several share a day, colour). Shapes differ too.
_STATUS = {
    "overdue": (3, "#dc2626"),
    "planned": (2, "#1f2937"),
    "done": (1, "#15803d"),
    "skipped": (0, "#9ca3af"),
    "cancelled": (0, "#9ca3af"),
}
_STATUS_NAMES = tuple(sorted(_STATUS, key=lambda s: -_STATUS[s][0]))


@dataclass(frozen=True)
class ClinicRow:
    """One patient row of the clinic timeline.

    Attributes:
        transplant_id: emitted when the row is activated.
        label: what the sticky name column shows, e.g. "OKAFOR, Chidi · D+12".
        plan: the care plan, or None when no plan has been made yet.
        sketch: what the row paints, made from the plan ahead of time (in a worker
            thread, or stored with the board snapshot for the start); without it the
            row is sketched from ``plan`` when first painted.
    """

    transplant_id: str
    label: str
    plan: Plan | None = None
    sketch: RowSketch | None = None

    def row_sketch(self) -> RowSketch | None:
        """What this row paints (computed from the plan on first need)."""
        if self.sketch is not None:
            return self.sketch
        return row_sketch(self.plan) if self.plan is not None else None


@dataclass(frozen=True)
class _Spans:
    """Day ranges ``[start, end)`` sorted by start, with prefix maxima of the ends."""

    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()
    kinds: tuple[int, ...] = ()
    max_ends: tuple[int, ...] = ()

    @staticmethod
    def of(items: Iterable[tuple[int, int, int]]) -> _Spans:
        ordered = sorted(items)
        if not ordered:
            return _Spans()
        starts, ends, kinds = zip(*ordered, strict=True)
        return _Spans(starts, ends, kinds, tuple(accumulate(ends, max)))

    def overlapping(self, first: int, last: int) -> range:
        """Indices of spans that may overlap days ``[first, last)`` (a superset, in order)."""
        return range(bisect_right(self.max_ends, first), bisect_left(self.starts, last))


class _RowGeometry:
    """A row in day units relative to the timeline origin, kept from one ``set_rows`` to
    the next while its plan and the axis stay.

    Each zoom level paints part of it: the bands at every level, the step bars at the
    step level, the occurrence markers at the occurrence level. Bars and markers are
    made on first need (a row's markers are a day-by-day walk of its runs, about half of
    the whole), so a page of rows first painted at a phase or step zoom costs the bands
    or the bars only: 2,000 rows of 60 steps, 0.29 ms a row for everything.

    Attributes:
        bands: phase bands (kind = phase index).
        day0: Day 0 in days from the origin, or None without a plan.
    """

    __slots__ = ("_bars", "_markers", "_origin", "_sketch", "_today", "bands", "day0")

    def __init__(self, sketch: RowSketch | None, origin: dt.date, today: dt.date) -> None:
        self._sketch, self._origin, self._today = sketch, origin, today
        self._bars: _Spans | None = None
        self._markers: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        if sketch is None:
            self.bands, self.day0 = _Spans(), None
            return
        self.bands = _Spans.of(
            ((b.start - origin).days, (b.end - origin).days + 1, _PHASE_INDEX[b.phase])
            for b in sketch.bands
        )
        self.day0 = (sketch.day0 - origin).days

    @property
    def bars(self) -> _Spans:
        """Merged step bars per phase (kind = phase index)."""
        if self._bars is None:
            self._bars = _bars_of(self._sketch, self._origin, self._today)
        return self._bars

    @property
    def markers(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(days, statuses): one marker per day, the most urgent status (index in
        ``_STATUS_NAMES``)."""
        if self._markers is None:
            self._markers = _markers_of(self._sketch, self._origin, self._today)
        return self._markers

    def ready(self, level: str) -> bool:
        """A paint at ``level`` needs nothing more to be made."""
        if level == "step":
            return self._bars is not None
        if level == "occurrence":
            return self._markers is not None
        return True

    def prepare(self, level: str) -> None:
        """Make now what a paint at ``level`` (``detail_level``) will need."""
        if level == "step":
            _ = self.bars
        elif level == "occurrence":
            _ = self.markers


def _merge(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of ``[start, end)`` intervals, touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _run_days(
    sketch: RowSketch, origin: dt.date, today: dt.date
) -> Iterable[tuple[int, int, int, int]]:
    """(start, end, phase index, status priority) per run piece, in days from ``origin``.

    A planned run turns overdue day by day: the part whose window has passed is cut off
    as its own piece (the same status ``step_bars`` gives each occurrence).
    """
    # One date per window length (a plan has a handful), not one per run.
    first_on_time: dict[int, int] = {}
    for run in sketch.runs:
        start, end = (run.start - origin).days, (run.end - origin).days + 1
        phase = _PHASE_INDEX[run.phase]
        if run.status == "planned":
            # The days before ``overdue_before`` are overdue (the rule of the plan).
            on_time = first_on_time.get(run.window_after)
            if on_time is None:
                on_time = (overdue_before(today, run.window_after) - origin).days
                first_on_time[run.window_after] = on_time
            cut = min(max(on_time, start), end)
            if cut > start:
                yield start, cut, phase, _STATUS["overdue"][0]
            if end > cut:
                yield cut, end, phase, _STATUS["planned"][0]
        else:
            yield start, end, phase, _STATUS.get(run.status, (0, ""))[0]


def _bars_of(sketch: RowSketch | None, origin: dt.date, today: dt.date) -> _Spans:
    if sketch is None:
        return _Spans()
    per_phase: dict[int, list[tuple[int, int]]] = {}
    for start, end, phase, _prio in _run_days(sketch, origin, today):
        per_phase.setdefault(phase, []).append((start, end))
    return _Spans.of((s, e, k) for k, spans in per_phase.items() for s, e in _merge(spans))


def _markers_of(
    sketch: RowSketch | None, origin: dt.date, today: dt.date
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if sketch is None:
        return (), ()
    runs_by_prio: dict[int, list[range]] = {}
    for start, end, _phase, prio in _run_days(sketch, origin, today):
        runs_by_prio.setdefault(prio, []).append(range(start, end))
    # Each day's most urgent status: the days of each priority written in increasing
    # order, so a more urgent one overwrites (dict.fromkeys and update loop in C: a row
    # of long daily runs has thousands of run-days).
    worst: dict[int, int] = {}
    for prio in sorted(runs_by_prio):
        for days_of_run in runs_by_prio[prio]:
            worst.update(dict.fromkeys(days_of_run, prio))
    days = sorted(worst)
    by_prio = {_STATUS[name][0]: i for i, name in enumerate(_STATUS_NAMES)}
    return tuple(days), tuple(by_prio[worst[d]] for d in days)


def _row_key(row: ClinicRow) -> tuple[str, int, int]:
    """A row's identity for reusing its geometry: the same plan or sketch object."""
    return row.transplant_id, id(row.plan), id(row.sketch)


def _rows_date_range(rows: Iterable[ClinicRow], today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last date any occurrence or Day 0 may touch (today included).

    From the plans' step spans, which need no occurrence built: 500 plans at every
    refresh, on the GUI thread. A little wider than the bars at worst: more margin.
    """
    first = last = today
    for row in rows:
        if row.plan is not None:
            span = row.plan.date_span() or (row.plan.day0, row.plan.day0)
            first = min(first, span[0], row.plan.day0)
            last = max(last, span[1], row.plan.day0)
        elif row.sketch is not None:
            first, last = min(first, row.sketch.first), max(last, row.sketch.last)
    return first, last


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    cur = first.replace(day=1)
    while cur <= last:
        out.append(cur)
        cur = (cur + dt.timedelta(days=32)).replace(day=1)
    return out


def _diamond(cx: float, cy: float, r: float) -> QPolygonF:
    return QPolygonF(
        [QPointF(cx, cy - r), QPointF(cx + r, cy), QPointF(cx, cy + r), QPointF(cx - r, cy)]
    )


class ClinicTimeline(QAbstractScrollArea):
    """Every patient on one time axis; zoom from years (phase bands) to days (occurrences).

    Keys: Up/Down select, Enter opens, +/- zoom, T scrolls to today, Left/Right and
    PageUp/PageDown scroll. Ctrl+wheel zooms around the cursor, Shift+wheel scrolls
    sideways.

    Attributes:
        painted_rows: how many rows the last paint drew (for tests of culling).
        drawing_deferred: the last paint left rows in view undrawn, their geometry not
            built within ``PAINT_BUILD_S``; the next frames draw them (``_catch_up``).

    Signals:
        sig_patient_activated: a row was opened (Enter or double-click).
        sig_patient_selected: the selected row changed.
        sig_zoom_changed: the zoom (pixels per day) changed.
    """

    sig_patient_activated = Signal(str)
    """transplant_id of the row opened by Enter or a double-click."""
    sig_patient_selected = Signal(str)
    """transplant_id of the newly selected row ("" when the selection is cleared)."""
    sig_zoom_changed = Signal(float)
    """New zoom in pixels per day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Clinic timeline"))
        self.setAccessibleDescription(
            self.tr("One row per patient. Up and Down select, Enter opens, plus and minus zoom.")
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.painted_rows = 0
        self.drawing_deferred = False
        self._rows: tuple[ClinicRow, ...] = ()
        # Row geometry is built on first paint of each row: at start-up only the rows
        # in view cost anything. The others are built while the window is idle, a few
        # milliseconds at a time, nearest the view first (``prepare_while_idle``): a row
        # reached by scrolling then paints without building (0.5-2 ms a row, some 50 ms
        # for a page of them at once).
        self._geometry: list[_RowGeometry | None] = []
        self._pending: list[int] = []  # rows still without geometry, nearest the view last
        self._prepare = QTimer(self)
        self._prepare.setInterval(0)
        self._prepare.timeout.connect(self._prepare_some)
        # Paints again after a paint that left rows undrawn, once input has been handled.
        self._catch_up = QTimer(self)
        self._catch_up.setSingleShot(True)
        self._catch_up.setInterval(0)
        self._catch_up.timeout.connect(self.viewport().update)
        # The clock is never read here (the shell reads it): a placeholder until set_rows.
        self._today = dt.date(2000, 1, 1)
        self._origin = self._today - dt.timedelta(days=MARGIN_DAYS)
        self._days = 2 * MARGIN_DAYS
        self._scale = TimeScale(self._origin, DEFAULT_PX_PER_DAY)
        self._x = 0.0  # horizontal scroll in content pixels; float so zoom keeps its anchor
        self._selected = -1
        self._placed = False
        # What the empty timeline says until its rows come (the window says "sign in"
        # while a sign-in is asked for).
        self.waiting_text = self.tr("Loading the clinic...")
        self._labels: dict[int, QStaticText] = {}
        self._stamps: dict[tuple[int, int], QPixmap] = {}
        self._init_style()

    # --- public API -------------------------------------------------------------------

    def set_rows(self, rows: Sequence[ClinicRow], today: dt.date) -> None:
        """Show ``rows`` (top to bottom); keeps zoom, scroll and the selected patient."""
        keep = self.selected_transplant_id()
        first, last = _rows_date_range(rows, today)
        old_origin, old_today = self._origin, self._today
        self._origin = first - dt.timedelta(days=MARGIN_DAYS)
        self._days = (last - self._origin).days + 1 + MARGIN_DAYS
        # A row whose plan (or sketch) is the same object drawn on the same axis keeps its
        # geometry: after an edit, only the edited patient's row is measured again.
        same_axis = self._origin == old_origin and old_today == today
        self._today = today
        kept: dict[tuple[str, int, int], _RowGeometry] = {}
        if same_axis:
            kept = {
                _row_key(row): geometry
                for row, geometry in zip(self._rows, self._geometry, strict=True)
                if geometry is not None
            }
        self._rows = tuple(rows)
        self._geometry = [kept.get(_row_key(row)) for row in self._rows]
        self._labels.clear()
        ids = [r.transplant_id for r in self._rows]
        self._selected = ids.index(keep) if keep in ids else -1
        # Keep the same dates in view when a refresh moves the origin.
        self._x += (self._origin - old_origin).days * -self._scale.px_per_day
        self._scale = TimeScale(self._origin, self._scale.px_per_day)
        self._update_ranges()
        if not self._placed:
            self._placed = True
            self.scroll_to_today()
        self.viewport().update()

    def prepare_while_idle(self) -> None:
        """Build the geometry of the rows without it in idle slices, nearest the view
        first. Asked for by the window once no load or sketching runs beside it: in a
        slice beside a worker thread holding the interpreter, one row can take tens of
        milliseconds."""
        shown = self._rows_in_view()
        middle = (shown.start + shown.stop) // 2
        missing = [i for i, g in enumerate(self._geometry) if g is None]
        self._pending = sorted(missing, key=lambda i: abs(i - middle), reverse=True)
        if self._pending:
            self._prepare.start()
        else:
            self._prepare.stop()

    def _prepare_some(self) -> None:
        """Build row geometry for at most PREPARE_SLICE_S of this turn of the event loop."""
        deadline = time.perf_counter() + PREPARE_SLICE_S
        pending = self._pending
        level = detail_level(self._scale.px_per_day)
        while pending and time.perf_counter() < deadline:
            self._row_geometry_at(pending.pop()).prepare(level)
        if not pending:
            self._prepare.stop()

    def _row_geometry_at(self, index: int) -> _RowGeometry:
        geometry = self._geometry[index]
        if geometry is None:
            geometry = _RowGeometry(self._rows[index].row_sketch(), self._origin, self._today)
            self._geometry[index] = geometry
        return geometry

    def rows(self) -> tuple[ClinicRow, ...]:
        """The rows shown, top to bottom."""
        return self._rows

    @property
    def px_per_day(self) -> float:
        """Current zoom."""
        return self._scale.px_per_day

    def detail_level(self) -> str:
        """ "phase", "step" or "occurrence": what the current zoom draws."""
        return detail_level(self._scale.px_per_day)

    def set_px_per_day(self, px_per_day: float, anchor: float | None = None) -> None:
        """Zoom to ``px_per_day`` keeping the date at viewport x ``anchor`` (default centre)."""
        if anchor is None:
            anchor = NAME_WIDTH + self._content_width() / 2
        factor = px_per_day / self._scale.px_per_day
        scale, shift = self._scale.zoomed(factor, self._x + anchor - NAME_WIDTH)
        if scale.px_per_day == self._scale.px_per_day:
            return
        self._scale = scale
        self._update_ranges()
        self._set_x(self._x + shift)
        self.sig_zoom_changed.emit(scale.px_per_day)

    def zoom_in(self) -> None:
        """Zoom in one step around the centre."""
        self.set_px_per_day(self._scale.px_per_day * ZOOM_STEP)

    def zoom_out(self) -> None:
        """Zoom out one step around the centre."""
        self.set_px_per_day(self._scale.px_per_day / ZOOM_STEP)

    def fit(self) -> None:
        """Show every plan's whole span across the width."""
        first = self._origin + dt.timedelta(days=MARGIN_DAYS)
        last = self._origin + dt.timedelta(days=self._days - MARGIN_DAYS - 1)
        fitted = fit_scale(first, last, self._content_width())
        self.set_px_per_day(fitted.px_per_day)
        self._set_x(self._scale.x(fitted.origin))

    def scroll_to_date(self, date: dt.date, fraction: float = 0.0) -> None:
        """Put ``date`` at ``fraction`` of the visible width (0 = left edge)."""
        self._set_x(self._scale.x(date) - fraction * self._content_width())

    def scroll_to_today(self) -> None:
        """Bring today into view, a third of the way across."""
        self.scroll_to_date(self._today, 1 / 3)

    def selected_row(self) -> int:
        """Index of the selected row, or -1."""
        return self._selected

    def selected_transplant_id(self) -> str:
        """transplant_id of the selected row, or ""."""
        return self._rows[self._selected].transplant_id if self._selected >= 0 else ""

    def set_selected_row(self, index: int) -> None:
        """Select row ``index`` (clamped; -1 clears) and scroll it into view."""
        index = -1 if not self._rows or index < 0 else min(index, len(self._rows) - 1)
        if index == self._selected:
            return
        self._selected = index
        if index >= 0:
            bar = self.verticalScrollBar()
            top, height = index * ROW_HEIGHT, self._rows_height()
            if top < bar.value():
                bar.setValue(top)
            elif top + ROW_HEIGHT > bar.value() + height:
                bar.setValue(top + ROW_HEIGHT - height)
        self.viewport().update()
        self.sig_patient_selected.emit(self.selected_transplant_id())

    def row_at(self, y: float) -> int:
        """Row under viewport y, or -1."""
        if y < AXIS_HEIGHT:
            return -1
        index = math.floor((y - AXIS_HEIGHT + self.verticalScrollBar().value()) / ROW_HEIGHT)
        return index if 0 <= index < len(self._rows) else -1

    def date_at(self, x: float) -> dt.date:
        """Date under viewport x (left of the name column edge counts as its first day)."""
        return self._scale.date_at(self._x + max(x, NAME_WIDTH) - NAME_WIDTH)

    # --- private ----------------------------------------------------------------------

    def _init_style(self) -> None:
        self._font = QFont(self.font())
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.8))
        self._fm = QFontMetrics(self._font)
        self._small_fm = QFontMetrics(self._small)
        self._band = {_PHASE_INDEX[p]: QColor(s[0]) for p, s in _PHASE_STYLE.items()}
        self._strong = {_PHASE_INDEX[p]: QColor(s[1]) for p, s in _PHASE_STYLE.items()}
        self._pattern = {
            _PHASE_INDEX[p]: QBrush(QColor(s[1]).lighter(130), s[2])
            for p, s in _PHASE_STYLE.items()
            if s[2] != Qt.BrushStyle.NoBrush
        }
        self._phase_text = {
            _PHASE_INDEX[p]: (QStaticText(phase_label(p)), QStaticText(s[3]))
            for p, s in _PHASE_STYLE.items()
        }
        for full, short in self._phase_text.values():
            full.prepare(font=self._small)
            short.prepare(font=self._small)
        self._phase_text_w = {
            k: (
                self._small_fm.horizontalAdvance(f.text()),
                self._small_fm.horizontalAdvance(s.text()),
            )
            for k, (f, s) in self._phase_text.items()
        }
        self._status_colour = [QColor(_STATUS[n][1]) for n in _STATUS_NAMES]
        self._bg = QColor("#ffffff")
        self._weekend = QColor("#f1f3f5")
        self._grid = QPen(QColor("#e5e7eb"))
        self._axis_bg = QColor("#f8fafc")
        self._text_pen = QPen(QColor("#111827"))
        self._muted_pen = QPen(QColor("#6b7280"))
        self._today_pen = QPen(QColor("#dc2626"), 2)
        self._day0_pen = QPen(QColor("#111827"), 1.5)
        self._day0_brush = QBrush(QColor("#fbbf24"))
        self._select = QColor("#dbeafe")
        self._select_name = QColor("#2563eb")
        self._no_plan = QStaticText(self.tr("no plan yet"))
        self._no_plan.prepare(font=self._small)
        self._day_numbers = {d: QStaticText(str(d)) for d in range(1, 32)}
        for text in self._day_numbers.values():
            text.prepare(font=self._small)

    def _content_width(self) -> float:
        return max(1.0, self.viewport().width() - NAME_WIDTH)

    def _rows_height(self) -> int:
        return max(1, self.viewport().height() - AXIS_HEIGHT)

    def _update_ranges(self) -> None:
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        width = self._content_width()
        hbar.setRange(0, max(0, math.ceil(self._days * self._scale.px_per_day - width)))
        hbar.setPageStep(int(width))
        hbar.setSingleStep(max(1, int(self._scale.px_per_day * 7)))
        height = self._rows_height()
        vbar.setRange(0, max(0, len(self._rows) * ROW_HEIGHT - height))
        vbar.setPageStep(height)
        vbar.setSingleStep(ROW_HEIGHT)

    def _set_x(self, x: float) -> None:
        self._x = min(max(0.0, x), float(self.horizontalScrollBar().maximum()))
        self.horizontalScrollBar().setValue(round(self._x))
        self.viewport().update()

    def _label(self, index: int) -> QStaticText:
        text = self._labels.get(index)
        if text is None:
            elided = self._fm.elidedText(
                self._rows[index].label, Qt.TextElideMode.ElideRight, NAME_WIDTH - 12
            )
            text = QStaticText(elided)
            text.prepare(font=self._font)
            self._labels[index] = text
        return text

    def _stamp(self, status: int, size: int) -> QPixmap:
        """A pre-drawn occurrence marker: diamond (planned, overdue), square (done), ring."""
        key = (status, size)
        stamp = self._stamps.get(key)
        if stamp is None:
            ratio = self.devicePixelRatioF()
            stamp = QPixmap(round(size * ratio), round(size * ratio))
            stamp.setDevicePixelRatio(ratio)
            stamp.fill(Qt.GlobalColor.transparent)
            p = QPainter(stamp)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            colour = self._status_colour[status]
            name, r = _STATUS_NAMES[status], size / 2
            if name == "done":
                p.fillRect(QRectF(1, 1, size - 2, size - 2), colour)
            elif name in ("skipped", "cancelled"):
                p.setPen(QPen(colour, 1.5))
                p.drawEllipse(QRectF(1, 1, size - 2, size - 2))
            else:
                p.setPen(QPen(QColor("#ffffff"), 1) if name == "planned" else QPen(colour, 1))
                p.setBrush(colour)
                p.drawPolygon(_diamond(r, r, r - 0.5))
            p.end()
            self._stamps[key] = stamp
        return stamp

    def _rows_in_view(self) -> range:
        return visible_rows(
            self.verticalScrollBar().value(), self._rows_height(), ROW_HEIGHT, len(self._rows)
        )

    # --- painting ---------------------------------------------------------------------

    def _paint_rows(self, p: QPainter, rows: range, first: int, last: int) -> None:
        ppd, base = self._scale.px_per_day, NAME_WIDTH - self._x
        level = detail_level(ppd)
        top = AXIS_HEIGHT - self.verticalScrollBar().value()
        stamp_size = max(5, min(9, int(ppd * 0.7)))
        stamps = [self._stamp(s, stamp_size) for s in range(len(_STATUS_NAMES))]
        left_edge, right_edge = float(NAME_WIDTH), float(self.viewport().width())
        text_ok = self._small_fm.height() <= _BAR_Y - _TEXT_Y
        deadline = time.perf_counter() + PAINT_BUILD_S
        built = deferred = False
        for i in rows:
            y = top + i * ROW_HEIGHT
            if i == self._selected:
                p.fillRect(QRectF(left_edge, y, right_edge - left_edge, ROW_HEIGHT), self._select)
            g = self._geometry[i]
            if g is None or not g.ready(level):
                # At least one row a frame, so the page always fills in.
                if built and time.perf_counter() >= deadline:
                    deferred = True
                    continue
                g = self._row_geometry_at(i)
                g.prepare(level)
                built = True
            if g.day0 is None:
                p.setPen(self._muted_pen)
                p.drawStaticText(QPointF(left_edge + 6, y + 5), self._no_plan)
                continue
            spans = g.bands
            for k in spans.overlapping(first, last):
                x0 = base + spans.starts[k] * ppd
                x1 = base + spans.ends[k] * ppd
                rect = QRectF(x0, y + 2, x1 - x0, ROW_HEIGHT - 4)
                kind = spans.kinds[k]
                p.fillRect(rect, self._band[kind])
                pattern = self._pattern.get(kind)
                if pattern is not None:
                    p.fillRect(rect, pattern)
                if text_ok:
                    self._band_text(p, kind, max(x0, left_edge), min(x1, right_edge), y + _TEXT_Y)
            if level == "step":
                self._paint_bars(p, g.bars, first, last, base, ppd, y)
            elif level == "occurrence":
                cy = y + _MARK_Y - stamp_size / 2
                days, status = g.markers
                half = ppd / 2 - stamp_size / 2
                for k in range(bisect_left(days, first), bisect_left(days, last)):
                    p.drawPixmap(QPointF(base + days[k] * ppd + half, cy), stamps[status[k]])
            if first <= g.day0 < last:
                self._paint_day0(p, base + (g.day0 + 0.5) * ppd, y + ROW_HEIGHT / 2)
        self.drawing_deferred = deferred
        if deferred:
            self._catch_up.start()

    def _paint_bars(
        self, p: QPainter, bars: _Spans, first: int, last: int, base: float, ppd: float, y: float
    ) -> None:
        main_y, side_y = y + _BAR_Y, y + _SIDE_Y
        for k in bars.overlapping(first, last):
            x0 = base + bars.starts[k] * ppd
            width = max(1.0, (bars.ends[k] - bars.starts[k]) * ppd)
            kind = bars.kinds[k]
            if kind in _MAIN_PATH:
                p.fillRect(QRectF(x0, main_y, width, 6), self._strong[kind])
            else:  # prophylaxis and supportive care: a thin line under the main path
                p.fillRect(QRectF(x0, side_y, width, 2), self._strong[kind])

    def _band_text(self, p: QPainter, kind: int, x0: float, x1: float, y: float) -> None:
        full_w, short_w = self._phase_text_w[kind]
        full, short = self._phase_text[kind]
        if x1 - x0 >= full_w + 8:
            text = full
        elif x1 - x0 >= short_w + 6:
            text = short
        else:
            return
        p.setPen(self._text_pen)
        p.drawStaticText(QPointF(x0 + 3, y), text)

    def _paint_day0(self, p: QPainter, cx: float, cy: float) -> None:
        p.setPen(self._day0_pen)
        p.setBrush(self._day0_brush)
        p.drawPolygon(_diamond(cx, cy, 5.5))
        p.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_weekends(self, p: QPainter, first: int, last: int, bottom: float) -> None:
        ppd = self._scale.px_per_day
        if ppd < WEEKEND_MIN_PX:
            return
        start = self._origin + dt.timedelta(days=first)
        end = self._origin + dt.timedelta(days=last)
        base = NAME_WIDTH - self._x
        for day in weekend_dates(start, end):
            if day.weekday() == 5 or day == start:
                x = base + (day - self._origin).days * ppd
                days = 2 if day.weekday() == 5 else 1
                p.fillRect(QRectF(x, AXIS_HEIGHT, days * ppd, bottom - AXIS_HEIGHT), self._weekend)

    def _paint_axis(self, p: QPainter, first: int, last: int) -> None:
        """Months (or years) on the upper line; weeks or days on the lower line."""
        width = self.viewport().width()
        p.fillRect(QRectF(NAME_WIDTH, 0, width - NAME_WIDTH, AXIS_HEIGHT), self._axis_bg)
        ppd, base, half = self._scale.px_per_day, NAME_WIDTH - self._x, AXIS_HEIGHT / 2
        start = self._origin + dt.timedelta(days=first)
        end = self._origin + dt.timedelta(days=last)
        self._paint_months(p, start, end, base, half)
        p.setPen(self._muted_pen)
        if ppd >= 16:
            for d in range(first, last):
                day = self._origin + dt.timedelta(days=d)
                p.drawStaticText(QPointF(base + d * ppd + 2, half + 2), self._day_numbers[day.day])
        elif ppd >= 1.5:
            monday = start + dt.timedelta(days=-start.weekday() % 7)
            while monday <= end:
                x = base + (monday - self._origin).days * ppd
                p.drawLine(QPointF(x, half), QPointF(x, AXIS_HEIGHT))
                if ppd >= 7:
                    p.drawText(
                        QPointF(x + 2, AXIS_HEIGHT - 5), f"{monday.day} {format_date(monday, '%b')}"
                    )
                elif ppd >= 3:
                    p.drawStaticText(QPointF(x + 2, half + 2), self._day_numbers[monday.day])
                monday += dt.timedelta(days=7)
        p.setPen(self._grid)
        p.drawLine(QPointF(NAME_WIDTH, AXIS_HEIGHT - 0.5), QPointF(width, AXIS_HEIGHT - 0.5))

    def _paint_months(
        self, p: QPainter, start: dt.date, end: dt.date, base: float, half: float
    ) -> None:
        ppd = self._scale.px_per_day
        fmt = "%b %Y" if ppd * 30 >= 60 else "%b" if ppd * 30 >= 26 else ""
        months = _month_starts(start, end)
        xs = [base + (m - self._origin).days * ppd for m in months]
        for k, (month, x) in enumerate(zip(months, xs, strict=True)):
            p.setPen(self._grid)
            p.drawLine(QPointF(x, 0), QPointF(x, half))
            # January carries the year whenever month names alone are shown.
            text = format_date(month, "%Y" if month.month == 1 and fmt != "%b %Y" else fmt)
            if not text:
                continue
            # The first month's label sticks to the left edge until the next one pushes it.
            label_x = max(x, float(NAME_WIDTH)) + 3
            if k + 1 < len(xs):
                label_x = min(label_x, xs[k + 1] - self._small_fm.horizontalAdvance(text) - 6)
            p.setPen(self._text_pen)
            p.drawText(QPointF(label_x, half - 5), text)

    def _paint_names(self, p: QPainter, rows: range) -> None:
        p.fillRect(QRectF(0, 0, NAME_WIDTH, self.viewport().height()), self._axis_bg)
        top = AXIS_HEIGHT - self.verticalScrollBar().value()
        text_y = (ROW_HEIGHT - self._fm.height()) / 2
        for i in rows:
            y = top + i * ROW_HEIGHT
            if i == self._selected:
                p.fillRect(QRectF(0, y, NAME_WIDTH, ROW_HEIGHT), self._select_name)
                p.setPen(QColor("#ffffff"))
            else:
                p.setPen(self._text_pen)
            p.drawStaticText(QPointF(6, y + text_y), self._label(i))
        p.setPen(self._grid)
        p.drawLine(
            QPointF(NAME_WIDTH - 0.5, 0), QPointF(NAME_WIDTH - 0.5, self.viewport().height())
        )
        p.setPen(self._text_pen)
        p.drawText(
            QRectF(6, 0, NAME_WIDTH - 12, AXIS_HEIGHT),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            self.tr("{count} patients").format(count=len(self._rows)),
        )

    def _today_x(self) -> float:
        return NAME_WIDTH - self._x + self._scale.x(self._today) + self._scale.px_per_day / 2

    def _paint_today(self, p: QPainter, top: float, bottom: float, label: bool) -> None:
        x = self._today_x()
        if x < NAME_WIDTH or x > self.viewport().width():
            return
        p.setPen(self._today_pen)
        p.drawLine(QPointF(x, top), QPointF(x, bottom))
        if label:  # an opaque chip, so week labels underneath do not garble it
            today = self.tr("Today")
            text_w = self._small_fm.horizontalAdvance(today) + 6
            chip = QRectF(x + 1, AXIS_HEIGHT / 2 + 1, text_w, AXIS_HEIGHT / 2 - 2)
            p.fillRect(chip, self._today_pen.color())
            p.setPen(self._bg)
            p.drawText(chip, Qt.AlignmentFlag.AlignCenter, today)

    # --- Qt overrides -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self.viewport())
        width, height = self.viewport().width(), self.viewport().height()
        p.fillRect(0, 0, width, height, self._bg)
        if not self._placed:  # no rows yet: no axis, no today line on a placeholder date
            p.setPen(self._muted_pen)
            p.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, self.waiting_text)
            return
        ppd = self._scale.px_per_day
        first = math.floor(self._x / ppd)
        last = math.ceil((self._x + self._content_width()) / ppd) + 1
        rows = self._rows_in_view()
        bottom = min(
            float(height),
            AXIS_HEIGHT + len(self._rows) * ROW_HEIGHT - self.verticalScrollBar().value(),
        )
        p.setClipRect(QRectF(NAME_WIDTH, AXIS_HEIGHT, width - NAME_WIDTH, height - AXIS_HEIGHT))
        self._paint_weekends(p, first, last, bottom)
        p.setFont(self._small)
        self._paint_rows(p, rows, first, last)
        self._paint_today(p, AXIS_HEIGHT, bottom, label=False)
        p.setClipRect(QRectF(NAME_WIDTH, 0, width - NAME_WIDTH, AXIS_HEIGHT))
        self._paint_axis(p, first, last)
        self._paint_today(p, AXIS_HEIGHT / 2, AXIS_HEIGHT, label=True)
        p.setClipping(False)
        p.setFont(self._font)
        self._paint_names(p, rows)
        if not self._rows:
            p.setPen(self._muted_pen)
            p.drawText(
                QRectF(NAME_WIDTH, AXIS_HEIGHT, width - NAME_WIDTH, 40),
                Qt.AlignmentFlag.AlignCenter,
                "No patients",
            )
        if self.hasFocus():
            p.setPen(QPen(self.palette().highlight().color(), 1, Qt.PenStyle.DotLine))
            p.drawRect(QRectF(0.5, 0.5, width - 1, height - 1))
        p.end()
        self.painted_rows = len(rows)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_ranges()
        self._set_x(self._x)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # A scroll-bar drag moved the view: take its position unless it is our own rounding.
        if self.horizontalScrollBar().value() != round(self._x):
            self._x = float(self.horizontalScrollBar().value())
        self.viewport().update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        mods = event.modifiers()
        if mods & Qt.KeyboardModifier.ControlModifier:
            if delta.y():
                factor = ZOOM_STEP ** (delta.y() / 120)
                self.set_px_per_day(self._scale.px_per_day * factor, event.position().x())
            event.accept()
        elif mods & Qt.KeyboardModifier.ShiftModifier or abs(delta.x()) > abs(delta.y()):
            step = delta.x() or delta.y()
            self._set_x(self._x - step / 120 * self.horizontalScrollBar().singleStep() * 3)
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Down:
            self.set_selected_row(self._selected + 1)
        elif key == Qt.Key.Key_Up:
            self.set_selected_row(max(0, self._selected - 1))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._selected >= 0:
                self.sig_patient_activated.emit(self.selected_transplant_id())
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key == Qt.Key.Key_T:
            self.scroll_to_today()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            row = self.row_at(event.position().y())
            if row >= 0:
                self.set_selected_row(row)
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position().y())
        if event.button() == Qt.MouseButton.LeftButton and row >= 0:
            self.set_selected_row(row)
            self.sig_patient_activated.emit(self._rows[row].transplant_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)
