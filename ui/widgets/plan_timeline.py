"""PlanTimeline: the Gantt chart of one patient's plan.

A pure view. It maps the pixel-free layout of ``planner.app.timeline`` (lanes, bars,
scale, level of detail) to a painter and turns mouse and keyboard gestures into
signals; the caller turns those into undoable commands and hands back a new plan
through ``set_plan``. The widget never edits a plan and never decides whether a
regimen-tied step may move: it reports, the command asks.

Coordinates: "content" x is ``TimeScale.x(date)``, content y is the lane stack;
widget x = LABEL_W + content x - horizontal scroll, and likewise for y under the
axis. The lane labels (left) and the axis (top) stay put while the chart scrolls.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import math
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QBrush,
    QColor,
    QContextMenuEvent,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QStatusTipEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QMenu, QScrollBar, QToolTip, QWidget

from planner.app.timeline import (
    Bar,
    Lane,
    TimeScale,
    detail_level,
    fit_scale,
    layout_lanes,
    step_bars,
    working_span,
)
from planner.domain.days import day_label, short_day_label
from planner.domain.i18n import tr
from planner.domain.plans import Occurrence, Plan, StepStatus, occurrence_notes
from ui.translation import QT_TRANSLATE_NOOP
from ui.widgets.status_style import (
    paint_shape,
    phase_colour,
    phase_label,
    status_style,
    status_word,
)

# Axis rows, top to bottom: Day 0 / today tags, dates, day numbers.
MARK_H = 16
AXIS_ROW_H = 18
AXIS_H = MARK_H + 2 * AXIS_ROW_H
LABEL_W = 140
ROW_H = 24
BAR_H = 14
LANE_PAD = 6
MARGIN_DAYS = 3
DEFAULT_PX_PER_DAY = 18.0
ZOOM_STEP = 1.25
# Today is shown even when it lies outside the plan, but not years away from it.
TODAY_REACH_DAYS = 180
TICK_DAYS = (1, 2, 7, 14, 28, 56, 91, 182, 364)
MIN_TICK_PX = 52.0
# From this label spacing on, dates carry the year: the view spans months or years.
YEAR_TICK_DAYS = 56
# Day and month names are English source texts (context "dates"), shown translated by
# the functions below; "10 Mar" is unambiguous in every language, unlike 03/10.
MONTH_NAMES = (
    QT_TRANSLATE_NOOP("dates", "January"),
    QT_TRANSLATE_NOOP("dates", "February"),
    QT_TRANSLATE_NOOP("dates", "March"),
    QT_TRANSLATE_NOOP("dates", "April"),
    QT_TRANSLATE_NOOP("dates", "May"),
    QT_TRANSLATE_NOOP("dates", "June"),
    QT_TRANSLATE_NOOP("dates", "July"),
    QT_TRANSLATE_NOOP("dates", "August"),
    QT_TRANSLATE_NOOP("dates", "September"),
    QT_TRANSLATE_NOOP("dates", "October"),
    QT_TRANSLATE_NOOP("dates", "November"),
    QT_TRANSLATE_NOOP("dates", "December"),
)
# Short month names have a context of their own: "May" is also the full name.
MONTHS = (
    QT_TRANSLATE_NOOP("months_short", "Jan"),
    QT_TRANSLATE_NOOP("months_short", "Feb"),
    QT_TRANSLATE_NOOP("months_short", "Mar"),
    QT_TRANSLATE_NOOP("months_short", "Apr"),
    QT_TRANSLATE_NOOP("months_short", "May"),
    QT_TRANSLATE_NOOP("months_short", "Jun"),
    QT_TRANSLATE_NOOP("months_short", "Jul"),
    QT_TRANSLATE_NOOP("months_short", "Aug"),
    QT_TRANSLATE_NOOP("months_short", "Sep"),
    QT_TRANSLATE_NOOP("months_short", "Oct"),
    QT_TRANSLATE_NOOP("months_short", "Nov"),
    QT_TRANSLATE_NOOP("months_short", "Dec"),
)
WEEKDAYS = (
    QT_TRANSLATE_NOOP("dates", "Mon"),
    QT_TRANSLATE_NOOP("dates", "Tue"),
    QT_TRANSLATE_NOOP("dates", "Wed"),
    QT_TRANSLATE_NOOP("dates", "Thu"),
    QT_TRANSLATE_NOOP("dates", "Fri"),
    QT_TRANSLATE_NOOP("dates", "Sat"),
    QT_TRANSLATE_NOOP("dates", "Sun"),
)


def month_name(month: int) -> str:
    """The name of ``month`` (1-12) in the interface's language ("March")."""
    return QCoreApplication.translate("dates", MONTH_NAMES[month - 1])


def month_abbreviation(month: int) -> str:
    """The short name of ``month`` (1-12) in the interface's language ("Mar")."""
    return QCoreApplication.translate("months_short", MONTHS[month - 1])


def weekday_abbreviation(weekday: int) -> str:
    """The short name of a weekday (0 Monday - 6 Sunday) in the interface's language."""
    return QCoreApplication.translate("dates", WEEKDAYS[weekday])


# The actions of a bar's menu: (key, English source text shown translated).
ACTIONS = (
    ("done", QT_TRANSLATE_NOOP("PlanTimeline", "Mark done...")),
    ("skip", QT_TRANSLATE_NOOP("PlanTimeline", "Skip...")),
    ("note", QT_TRANSLATE_NOOP("PlanTimeline", "Add note...")),
    ("cancel", QT_TRANSLATE_NOOP("PlanTimeline", "Cancel the whole step...")),
    ("replan", QT_TRANSLATE_NOOP("PlanTimeline", "Plan the whole step again")),
    ("undo_record", QT_TRANSLATE_NOOP("PlanTimeline", "Undo the done or skip record")),
    ("open", QT_TRANSLATE_NOOP("PlanTimeline", "Open step...")),
)

_DAY0_PEN = QPen(QColor("#7e22ce"), 2.0)
_TODAY_PEN = QPen(QColor("#0369a1"), 2.0, Qt.PenStyle.DashLine)
_EVENT_PEN = QPen(QColor("#15803d"), 2.0, Qt.PenStyle.DotLine)
_GRID_PEN = QPen(QColor("#e5e7eb"), 1.0)
_LANE_LINE_PEN = QPen(QColor("#d1d5db"), 1.0)
_WEEKEND = QColor(0, 0, 0, 18)
_CLOSURE = QColor(180, 83, 9, 40)
_CLOSURE_HATCH = QBrush(QColor(180, 83, 9, 110), Qt.BrushStyle.Dense6Pattern)
_SELECT_PEN = QPen(QColor("#111827"), 2.0)
_FOCUS_PEN = QPen(QColor("#2563eb"), 1.0, Qt.PenStyle.DotLine)
_GHOST_PEN = QPen(QColor("#111827"), 1.5, Qt.PenStyle.DashLine)
# Complication episodes (issue 5): their own lane above the phase lanes.
EPISODE_LANE_LABEL = QT_TRANSLATE_NOOP("PlanTimeline", "Complications")
_EPISODE_FILL = QColor("#fee2e2")
_EPISODE_PEN = QPen(QColor("#b91c1c"), 1.0)
_EPISODE_OPEN_PEN = QPen(QColor("#b91c1c"), 1.0, Qt.PenStyle.DashLine)
_EPISODE_LANE = QColor(254, 242, 242, 160)
# Visit windows (Day +28 +/-3): a light band on the occurrence's row, behind its marker,
# in the planned outline's blue; the outline reads without colour.
_WINDOW_FILL = QColor(29, 78, 216, 34)
_WINDOW_PEN = QPen(QColor(29, 78, 216, 130), 1.0)
_WINDOW_PAD = 2.0


def tick_days(px_per_day: float) -> int:
    """Days between axis labels so that labels do not collide (wider ones carry a year)."""
    for days in TICK_DAYS:
        if days * px_per_day >= (MIN_TICK_PX if days < YEAR_TICK_DAYS else 2 * MIN_TICK_PX):
            return days
    return TICK_DAYS[-1]


def short_date(date: dt.date, *, year: bool = False) -> str:
    """ "10 Mar" (or "10 Mar 2026"): unambiguous in every locale, unlike 03/10."""
    text = f"{date.day} {month_abbreviation(date.month)}"
    return f"{text} {date.year}" if year else text


def long_date(date: dt.date) -> str:
    """ "Tue 10 Mar 2026"."""
    return f"{weekday_abbreviation(date.weekday())} {short_date(date, year=True)}"


class PlanTimeline(QWidget):
    """Gantt chart of one plan: lanes per phase, bars and diamonds, zoom, drag and keys.

    Attributes:
        selected_step_id: the selected step ("" when nothing is selected).
        px_per_day: the current zoom.

    Signals:
        sig_step_move_requested: a Ctrl+drag or Ctrl+Shift+arrow asks to move the whole
            series of a step by whole days.
        sig_occurrences_move_requested: a drag or Shift+arrow asks to move the occurrences
            of the grabbed bar only (one weekly test, one run of days).
        sig_step_drag_preview: the snapped offset of a running drag changed.
        sig_step_activated: a step was double-clicked or Enter was pressed on it.
        sig_step_action_requested: a context-menu action was chosen on an occurrence.
        sig_selection_changed: the selected step changed.
        sig_move_refused: a move of a done bar was refused (with the reason).
    """

    sig_step_move_requested = Signal(str, int)
    """(step_id, delta_days): move the step's whole series (what is not recorded); sent once
    per gesture."""

    sig_occurrences_move_requested = Signal(str, object, int)
    """(step_id, offsets, delta_days): move these occurrences of the step only."""

    sig_step_drag_preview = Signal(str, int)
    """(step_id, delta_days) while dragging; 0 again when the drag returns or is cancelled."""

    sig_step_activated = Signal(str)
    """(step_id): open the step (double-click or Enter)."""

    sig_step_action_requested = Signal(str, str, int)
    """(step_id, action, offset): action is "done", "skip", "note", "cancel", "replan" or
    "open"; offset is the occurrence's day in its anchor's numbering (``Occurrence.anchor_day``).
    """

    sig_selection_changed = Signal(str)
    """(step_id) of the new selection, "" when cleared."""

    sig_move_refused = Signal(str, str)
    """(step_id, message): a drag or nudge of a done bar was refused; the message is also
    sent as a status tip, which a QMainWindow shows in its status bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None
        self._today = dt.date.min
        self._closures: tuple[dt.date, ...] = ()
        self._lanes: list[Lane] = []
        self._lane_tops: list[float] = []
        self._lane_spans: list[tuple[dt.date, dt.date]] = []
        self._bars: list[Bar] = []
        self._bar_y: list[float] = []
        self._bar_occs: list[tuple[Occurrence, ...]] = []
        self._prev_in_row: list[dt.date | None] = []
        self._next_in_row: list[dt.date | None] = []
        self._step_bars: dict[str, list[int]] = {}
        # The windows of planned occurrences that have one: (first day, last day as date
        # ordinals, bar index, occurrence), by first day; ``_window_firsts`` for bisecting
        # and ``_window_reach`` (the longest, in days) find the ones in view without
        # looking at the others.
        self._windows: list[tuple[int, int, int, Occurrence]] = []
        self._window_firsts: list[int] = []
        self._window_reach = 0
        self._labels: dict[int, tuple[str, float]] = {}
        self._first_date = dt.date.min
        self._last_date = dt.date.min
        self._content_h = 0.0
        self._scale = TimeScale(dt.date(2000, 1, 1), DEFAULT_PX_PER_DAY)
        self._selected: int | None = None
        self._press: tuple[int, float] | None = None
        self._drag_delta: int | None = None
        self._drag_refused = False
        self._drag_series = False  # Ctrl held at the press: the whole series moves
        # Complication episode bands (label, onset, resolution or None, description).
        self._episodes: list[tuple[str, dt.date, dt.date | None, str]] = []
        # (step id, date) -> lines for the tooltip: the dose after the plan rules and the
        # rule findings on the step (set by the workspace; the widget knows no patient).
        self.step_details: Callable[[str, dt.date], Sequence[str]] | None = None
        self._events: list[tuple[dt.date, str]] = []
        self._episode_top = 0.0
        # While a page is printed: (scroll x, scroll y, chart area) of that page.
        self._h = QScrollBar(Qt.Orientation.Horizontal, self)
        self._v = QScrollBar(Qt.Orientation.Vertical, self)
        self._h.setAccessibleName(self.tr("Scroll timeline in time"))
        self._v.setAccessibleName(self.tr("Scroll timeline lanes"))
        self._h.valueChanged.connect(self._on_scrollbar_value_changed)
        self._v.valueChanged.connect(self._on_scrollbar_value_changed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(LABEL_W + 120, AXIS_H + 3 * ROW_H)
        self.setAccessibleName(self.tr("Plan timeline"))
        self.setAccessibleDescription(self.tr("No plan loaded."))

    # ----------------------------------------------------------------- public API

    @property
    def selected_step_id(self) -> str:
        """The selected step's id, or "" when nothing is selected."""
        return "" if self._selected is None else self._bars[self._selected].step_id

    @property
    def px_per_day(self) -> float:
        """Current zoom in pixels per day."""
        return self._scale.px_per_day

    def set_plan(
        self,
        plan: Plan,
        today: dt.date,
        closures: frozenset[dt.date] = frozenset(),
        episodes: Sequence[tuple[str, dt.date, dt.date | None, str]] | None = None,
    ) -> None:
        """Show ``plan`` as of ``today``; keeps zoom, scroll position and selection.

        ``episodes``: new complication bands (see ``set_episodes``), laid out in the same
        pass; None keeps the bands shown.
        """
        if episodes is not None:
            self._episodes = list(episodes)
        first_load = self._plan is None
        left_date = None if first_load else self._scale.date_at(self._h.value())
        # The part of a day the view was scrolled into: kept, so an edit, undo or redo never
        # shifts the view (snapping to the day's start drifted it a day at a time).
        within_day = 0.0 if left_date is None else self._h.value() - self._scale.x(left_date)
        keep = self.selected_step_id
        self._plan, self._today = plan, today
        self._closures = tuple(sorted(closures))
        self._layout(plan, today)
        origin = self._first_date - dt.timedelta(days=MARGIN_DAYS)
        self._scale = TimeScale(origin, self._scale.px_per_day)
        self._place_labels()
        self._update_scrollbars()
        if left_date is None:  # first plan: open on the week before today
            left_date = max(origin, today - dt.timedelta(days=7))
        self._h.setValue(round(self._scale.x(left_date) + within_day))
        self._selected = next((i for i, b in enumerate(self._bars) if b.step_id == keep), None)
        self._update_description()
        self.update()

    def set_episodes(self, bands: Sequence[tuple[str, dt.date, dt.date | None, str]]) -> None:
        """Show complication episodes as labelled bands in their own lane (issue 5).

        Each band is (label such as "aGVHD III", onset, resolution date or None while
        active, description for the tooltip); an active band runs to today.
        """
        self._episodes = list(bands)
        if self._plan is not None:
            self.set_plan(self._plan, self._today, frozenset(self._closures))

    def set_events(self, events: Sequence[tuple[dt.date, str]]) -> None:
        """Mark dated events across all lanes, e.g. (date, "ANC engraftment") (issue 4)."""
        self._events = list(events)
        self._update_description()
        self.update()

    def events(self) -> list[tuple[dt.date, str]]:
        """The dated events shown."""
        return list(self._events)

    def _marker_list(self) -> list[tuple[dt.date, QPen, str]]:
        assert self._plan is not None
        return [
            (self._plan.day0, _DAY0_PEN, self.tr("Day 0")),
            (self._today, _TODAY_PEN, self.tr("Today")),
            *((date, _EVENT_PEN, label) for date, label in self._events),
        ]

    def episode_rect(self, index: int) -> QRectF:
        """Widget rectangle of episode band ``index``."""
        _, start, end, _ = self._episodes[index]
        last = end if end is not None else max(start, self._today)
        ppd = self._scale.px_per_day
        left = self._scale.x(start)
        right = self._scale.x(last) + ppd
        top = self._episode_top + LANE_PAD / 2 + index * ROW_H + (ROW_H - BAR_H) / 2
        return QRectF(left, top, max(right - left, 3.0), BAR_H).translated(
            LABEL_W - self._h.value(), AXIS_H - self._v.value()
        )

    def select_step(self, step_id: str) -> None:
        """Select the first bar of ``step_id`` ("" clears) and scroll it into view."""
        index = next((i for i, b in enumerate(self._bars) if b.step_id == step_id), None)
        self._select(index)

    def bar_rect(self, step_id: str) -> QRectF:
        """Widget rectangle of the step's first bar (empty when the step has none)."""
        for i, bar in enumerate(self._bars):
            if bar.step_id == step_id:
                return self._bar_rect(i)
        return QRectF()

    def window_rects(self) -> list[tuple[QRectF, Occurrence]]:
        """Widget rectangles of the windows in view (Day +28 +/-3: a light band on the
        occurrence's row, from its first to its last day), with their occurrences.

        Only planned occurrences with a non-zero window have one, and only the windows at
        least partly inside the chart are looked at (a frame touches what it shows); none
        when zoomed out to phase bands.
        """
        if self._plan is None or not self._windows:
            return []
        if detail_level(self._scale.px_per_day) == "phase":
            return []
        canvas = self._canvas()
        first, last = self._scale.visible_dates(self._scroll_x(), canvas.width())
        first_day, last_day = first.toordinal(), last.toordinal()
        lo = bisect.bisect_left(self._window_firsts, first_day - self._window_reach)
        hi = bisect.bisect_right(self._window_firsts, last_day)
        ppd = self._scale.px_per_day
        origin = self._scale.origin.toordinal()
        height = ROW_H - 2 * _WINDOW_PAD
        found: list[tuple[QRectF, Occurrence]] = []
        for k in range(lo, hi):
            start, end, index, occ = self._windows[k]
            if end < first_day:
                continue
            top = self._wy(self._bar_y[index]) + _WINDOW_PAD
            if top > canvas.bottom() or top + height < canvas.top():
                continue
            left = self._wx((start - origin) * ppd)
            right = self._wx((end + 1 - origin) * ppd)
            found.append((QRectF(left, top, right - left, height), occ))
        return found

    def zoom_in(self) -> None:
        """Zoom in around the middle of the chart."""
        self._zoom(ZOOM_STEP, self._canvas().width() / 2)

    def zoom_out(self) -> None:
        """Zoom out around the middle of the chart."""
        self._zoom(1 / ZOOM_STEP, self._canvas().width() / 2)

    def fit(self) -> None:
        """Zoom to the working span (the transplant to Day +100, see ``working_span``);
        pressed again at that zoom, to the whole plan (years of follow-up)."""
        if self._plan is None:
            return
        whole = (self._first_date, self._last_date)
        first, last = working_span(self._plan, self._today, whole)
        width = self._canvas().width()
        working = fit_scale(first, last, width, MARGIN_DAYS)
        if math.isclose(working.px_per_day, self._scale.px_per_day) and (first, last) != whole:
            working = fit_scale(*whole, width, MARGIN_DAYS)
        self._scale = working
        self._place_labels()
        self._update_scrollbars()
        self._h.setValue(0)
        self.update()

    def tooltip_at(self, pos: QPointF) -> str:
        """Rich-text tooltip of the occurrence under ``pos``, or of the window band under it
        ("" over empty space)."""
        index = self._bar_at(pos)
        occ: Occurrence | None = None
        if index is None and self._canvas().contains(pos):
            for i, band in enumerate(self._episodes):
                if self.episode_rect(i).adjusted(-2, -2, 2, 2).contains(pos):
                    return f"<b>{html.escape(band[0])}</b><br>{html.escape(band[3])}"
            occ = next((o for rect, o in self.window_rects() if rect.contains(pos)), None)
            if occ is not None:
                index = self._bar_of(occ)
        if index is None or self._plan is None:
            return ""
        bar = self._bars[index]
        if occ is None:
            occ = self._occurrence_at(index, self._date_at(pos.x()))
        step = self._plan.step(bar.step_id)
        lines = [
            f"<b>{html.escape(tr(bar.title))}</b>",
            f"{occ.label} &middot; {long_date(occ.date)}",
        ]
        window = self._window_text(occ)
        if window:
            lines.append(window)
        if not bar.diamond:
            days = (bar.end - bar.start).days + 1
            lines.append(
                self.tr("{start} to {end} ({days} days)").format(
                    start=day_label((bar.start - self._plan.day0).days),
                    end=day_label((bar.end - self._plan.day0).days),
                    days=days,
                )
            )
        lines.append(
            self.tr("Status: {status}").format(
                status=status_style(occ.shown_status(self._today)).shown_label
            )
        )
        if step.dose is not None and self.step_details is None:
            order = " ".join(
                t for t in (step.dose.order_text, step.dose.route, step.dose.frequency) if t
            )
            lines.append(self.tr("Order: {order}").format(order=html.escape(order)))
        if self.step_details is not None:
            lines.extend(html.escape(t) for t in self.step_details(bar.step_id, occ.date))
        if bar.regimen_tied:
            lines.append(self.tr("Tied to Day 0 by the regimen"))
        # The record's reason, the step's status reason and the team's note: the same lines
        # as the Steps table, the calendar and the team summary.
        lines += [html.escape(text) for text in occurrence_notes(self._plan, occ)]
        return "<br>".join(lines)

    def _window_text(self, occ: Occurrence) -> str:
        """ "Window: 2026-03-07 to 2026-03-13" for a planned occurrence with a window."""
        window = occ.window if occ.status is StepStatus.PLANNED else None
        if window is None:
            return ""
        return self.tr("Window: {first} to {last}").format(
            first=window[0].isoformat(), last=window[1].isoformat()
        )

    def _bar_of(self, occ: Occurrence) -> int | None:
        """The bar that holds ``occ``."""
        return next(
            (
                i
                for i in self._step_bars.get(occ.step_id, ())
                if self._bars[i].start <= occ.date <= self._bars[i].end
            ),
            None,
        )

    # ------------------------------------------------------------------- layout

    def _layout(self, plan: Plan, today: dt.date) -> None:
        """Cache everything that does not depend on zoom or scroll."""
        lanes, placed = layout_lanes(step_bars(plan, today))
        bars = sorted(placed, key=lambda b: (b.start, b.lane, b.row, b.step_id))
        self._lanes, self._bars = lanes, bars
        # Complication episodes (if any) get the top lane, so they are seen first.
        self._episode_top = 0.0
        top = len(self._episodes) * ROW_H + LANE_PAD if self._episodes else 0.0
        self._lane_tops = []
        for lane in lanes:
            self._lane_tops.append(top)
            top += lane.rows * ROW_H + LANE_PAD
        self._content_h = top
        self._bar_y = [self._lane_tops[b.lane] + LANE_PAD / 2 + b.row * ROW_H for b in bars]
        occs: dict[str, list[Occurrence]] = {}
        for occ in plan.occurrences():
            occs.setdefault(occ.step_id, []).append(occ)
        self._bar_occs = [
            tuple(
                o
                for o in occs.get(b.step_id, ())
                if b.start <= o.date <= b.end and o.shown_status(today) == b.status
            )
            or tuple(occs[b.step_id])
            for b in bars
        ]
        self._layout_windows(bars)
        self._prev_in_row = [None] * len(bars)
        self._next_in_row = [None] * len(bars)
        self._step_bars = {}
        last_in_row: dict[tuple[int, int], int] = {}
        spans: dict[int, tuple[dt.date, dt.date]] = {}
        for i, bar in enumerate(bars):
            prev = last_in_row.get((bar.lane, bar.row))
            if prev is not None:
                self._next_in_row[prev] = bar.start
                self._prev_in_row[i] = bars[prev].end
            last_in_row[(bar.lane, bar.row)] = i
            self._step_bars.setdefault(bar.step_id, []).append(i)
            start, end = spans.get(bar.lane, (bar.start, bar.end))
            spans[bar.lane] = (min(start, bar.start), max(end, bar.end))
        self._lane_spans = [spans[i] for i in range(len(lanes))]
        dates = [
            plan.day0,
            *(b.start for b in bars),
            *(b.end for b in bars),
            *(e[1] for e in self._episodes),
            *(e[2] for e in self._episodes if e[2]),
        ]
        if self._windows:  # a window reaching past the first or last step is shown whole
            dates.append(dt.date.fromordinal(self._windows[0][0]))
            dates.append(dt.date.fromordinal(max(w[1] for w in self._windows)))
        first, last = min(dates), max(dates)
        reach = dt.timedelta(days=TODAY_REACH_DAYS)
        if first - reach <= today <= last + reach:
            first, last = min(first, today), max(last, today)
        self._first_date, self._last_date = first, last

    def _layout_windows(self, bars: Sequence[Bar]) -> None:
        """The windows of the planned occurrences of each bar (once per plan, not per frame)."""
        windows: list[tuple[int, int, int, Occurrence]] = []
        for index, (bar, occs) in enumerate(zip(bars, self._bar_occs, strict=True)):
            for occ in occs:
                if occ.status is not StepStatus.PLANNED or not bar.start <= occ.date <= bar.end:
                    continue
                window = occ.window
                if window is not None:
                    windows.append((window[0].toordinal(), window[1].toordinal(), index, occ))
        windows.sort(key=lambda w: (w[0], w[2]))
        self._windows = windows
        self._window_firsts = [w[0] for w in windows]
        self._window_reach = max((last - first for first, last, _i, _o in windows), default=0)

    def _place_labels(self) -> None:
        """Decide, per zoom, where each step's title goes: inside, right or left of a bar.

        A title inside every bar it fits; otherwise once, right of the step's last bar or
        left of its first, where the row has room; as a last resort elided inside.
        """
        fm = self.fontMetrics()
        ppd = self._scale.px_per_day
        self._labels = {}
        # Titles already placed outside their bars, per row: a later title must not be
        # drawn over them (a step's title left of its marker overlapped the title another
        # step had put right of its own in the same gap).
        taken: dict[float, list[tuple[float, float]]] = {}

        def free(row: float, start: float, end: float) -> bool:
            return all(end <= a or start >= b for a, b in taken.get(row, ()))

        for indices in self._step_bars.values():
            title = tr(self._bars[indices[0]].title)
            need = fm.horizontalAdvance(title) + 4
            rects = {i: self._content_rect(i) for i in indices}
            inner = {
                i: rects[i].width() - self._glyph_width(i) - 4
                for i in indices
                if not self._bars[i].diamond
            }
            fits = [i for i, width in inner.items() if width >= need]
            if fits:
                self._labels.update({i: ("inside", inner[i]) for i in fits})
                continue
            last, first = indices[-1], indices[0]
            nxt, prev = self._next_in_row[last], self._prev_in_row[first]
            right = (self._scale.x(nxt) if nxt else rects[last].right() + 1e4) - rects[last].right()
            left = rects[first].left() - (self._scale.x(prev) + ppd if prev else 0.0)
            wanted = min(need, 60.0) + 8
            row, end, start = rects[last].top(), rects[last].right(), rects[first].left()
            if right >= wanted and free(row, end, end + min(need, right - 8) + 8):
                self._labels[last] = ("right", right - 8)
                taken.setdefault(row, []).append((end, end + min(need, right - 8) + 8))
            elif left >= wanted and free(row, start - min(need, left - 8) - 8, start):
                self._labels[first] = ("left", left - 8)
                taken.setdefault(row, []).append((start - min(need, left - 8) - 8, start))
            elif inner and max(inner.values()) >= 24:
                best = max(inner, key=lambda i: inner[i])
                self._labels[best] = ("inside", inner[best])

    def _glyph_width(self, index: int) -> float:
        return 0.0 if status_style(self._bars[index].status).glyph == "none" else BAR_H

    def _canvas(self) -> QRectF:
        """The scrolling chart area, in widget coordinates."""
        right = self.width() - (self._v.width() if self._v.isVisible() else 0)
        bottom = self.height() - self._h.height()
        return QRectF(LABEL_W, AXIS_H, max(0, right - LABEL_W), max(0, bottom - AXIS_H))

    def _content_width(self) -> float:
        return self._scale.x(self._last_date + dt.timedelta(days=1 + MARGIN_DAYS))

    def _update_scrollbars(self) -> None:
        hb = self._h.sizeHint().height()
        vb = self._v.sizeHint().width()
        chart_h = self.height() - hb - AXIS_H
        need_v = self._content_h > chart_h
        self._v.setVisible(need_v)
        width = self.width() - (vb if need_v else 0)
        self._h.setGeometry(0, self.height() - hb, width, hb)
        self._v.setGeometry(self.width() - vb, AXIS_H, vb, max(0, chart_h))
        canvas = self._canvas()
        self._h.setRange(0, max(0, math.ceil(self._content_width() - canvas.width())))
        self._h.setPageStep(max(1, int(canvas.width())))
        self._h.setSingleStep(max(1, round(self._scale.px_per_day)))
        self._v.setRange(0, max(0, math.ceil(self._content_h - canvas.height())))
        self._v.setPageStep(max(1, int(canvas.height())))
        self._v.setSingleStep(ROW_H)

    def _zoom(self, factor: float, anchor_canvas_x: float) -> None:
        old_value = self._h.value()
        scale, shift = self._scale.zoomed(factor, old_value + anchor_canvas_x)
        if scale.px_per_day == self._scale.px_per_day:
            return
        self._scale = scale
        self._place_labels()
        self._update_scrollbars()
        self._h.setValue(round(old_value + shift))
        self.update()

    # --------------------------------------------------------------- geometry

    def _scroll_x(self) -> float:
        """How far the chart is scrolled in time."""
        return self._h.value()

    def _scroll_y(self) -> float:
        return self._v.value()

    def _wx(self, content_x: float) -> float:
        return LABEL_W + content_x - self._scroll_x()

    def _wy(self, content_y: float) -> float:
        return AXIS_H + content_y - self._scroll_y()

    def _date_at(self, widget_x: float) -> dt.date:
        return self._scale.date_at(widget_x - LABEL_W + self._scroll_x())

    def _content_rect(self, index: int) -> QRectF:
        """Rectangle of one bar in content coordinates at the current zoom."""
        bar = self._bars[index]
        ppd = self._scale.px_per_day
        left = self._scale.x(bar.start)
        right = self._scale.x(bar.end) + ppd
        top = self._bar_y[index] + (ROW_H - BAR_H) / 2
        if bar.diamond and ppd >= BAR_H / 2:
            centre = (left + right) / 2
            return QRectF(centre - BAR_H / 2, top, BAR_H, BAR_H)
        return QRectF(left, top, max(right - left, 3.0), BAR_H)

    def _bar_rect(self, index: int) -> QRectF:
        """Widget rectangle of one bar at the current zoom and scroll."""
        return self._content_rect(index).translated(
            LABEL_W - self._scroll_x(), AXIS_H - self._scroll_y()
        )

    def _bar_at(self, pos: QPointF) -> int | None:
        if not self._canvas().contains(pos):
            return None
        for i in reversed(range(len(self._bars))):
            if self._bar_rect(i).adjusted(-3, -3, 3, 3).contains(pos):
                return i
        return None

    def _occurrence_at(self, index: int, date: dt.date) -> Occurrence:
        """The bar's occurrence nearest to ``date``."""
        return min(self._bar_occs[index], key=lambda o: abs((o.date - date).days))

    # -------------------------------------------------------------- selection

    def _select(self, index: int | None) -> None:
        changed = index != self._selected
        self._selected = index
        if index is not None:
            self._ensure_visible(index)
        self.update()
        self._update_description()
        if changed:
            self.sig_selection_changed.emit(self.selected_step_id)

    def _ensure_visible(self, index: int) -> None:
        rect, canvas = self._bar_rect(index), self._canvas()
        if rect.right() < canvas.left() or rect.left() > canvas.right():
            # Out of view: bring it to the middle, with room to drag it either way
            # (scrolling just enough would leave it against the edge).
            self._h.setValue(round(self._h.value() + rect.center().x() - canvas.center().x()))
        elif rect.left() < canvas.left() + 4:
            self._h.setValue(round(self._h.value() - (canvas.left() + 4 - rect.left())))
        elif rect.right() > canvas.right() - 4:
            shift = min(rect.right() - canvas.right() + 4, rect.left() - canvas.left() - 4)
            self._h.setValue(round(self._h.value() + max(shift, 0)))
        if rect.top() < canvas.top():
            self._v.setValue(round(self._v.value() - (canvas.top() - rect.top()) - 4))
        elif rect.bottom() > canvas.bottom():
            self._v.setValue(round(self._v.value() + rect.bottom() - canvas.bottom() + 4))

    def _step_in_time(self, step: int) -> None:
        if not self._bars:
            return
        if self._selected is None:
            self._select(0 if step > 0 else len(self._bars) - 1)
        else:
            self._select(max(0, min(len(self._bars) - 1, self._selected + step)))

    def _step_lane(self, step: int) -> None:
        if self._selected is None:
            self._step_in_time(1)
            return
        current = self._bars[self._selected]
        lane = current.lane + step
        candidates = [i for i, b in enumerate(self._bars) if b.lane == lane]
        if candidates:
            self._select(
                min(
                    candidates,
                    key=lambda i: (
                        abs((self._bars[i].start - current.start).days),
                        self._bars[i].start,
                    ),
                )
            )

    def _update_description(self) -> None:
        if self._plan is None:
            text = self.tr("No plan loaded.")
        else:
            text = self.tr("{bars} bars in {lanes} phase lanes.").format(
                bars=len(self._bars), lanes=len(self._lanes)
            )
            if self._episodes:
                text += " " + self.tr("Complications: {episodes}.").format(
                    episodes="; ".join(e[3] for e in self._episodes)
                )
            if self._events:
                events = "; ".join(
                    f"{label} {day_label((d - self._plan.day0).days)}" for d, label in self._events
                )
                text += " " + self.tr("Events: {events}.").format(events=events)
            if self._selected is not None:
                bar = self._bars[self._selected]
                occ = self._bar_occs[self._selected][0]
                text += " " + self.tr("Selected: {step}, {occurrence}, {date}, {status}.").format(
                    step=tr(bar.title),
                    occurrence=occ.label,
                    date=long_date(bar.start),
                    status=status_style(bar.status).shown_label,
                )
                window = self._window_text(occ)
                if window:
                    text += f" {window}."
        self.setAccessibleDescription(text)
        if QAccessible.isActive():
            QAccessible.updateAccessibility(
                QAccessibleEvent(self, QAccessible.Event.DescriptionChanged)
            )

    # ------------------------------------------------------------ move gestures

    def _refuse_move(self, index: int) -> bool:
        """True (and a status-bar message) when the bar cannot be moved: it is recorded as
        done or skipped (a record is about its date)."""
        bar = self._bars[index]
        if bar.status not in ("done", "skipped"):
            return False
        message = self.tr(
            "'{step}' is {status} on these dates; recorded occurrences keep their "
            "dates (undo the record to move it)."
        ).format(step=tr(bar.title), status=status_word(bar.status))
        QApplication.sendEvent(self, QStatusTipEvent(message))
        self.sig_move_refused.emit(bar.step_id, message)
        return True

    def _bar_offsets(self, index: int) -> tuple[int, ...]:
        """The grabbed bar's occurrences (their days in the anchor's numbering)."""
        return tuple(o.anchor_day for o in self._bar_occs[index])

    def _request_move(self, delta: int, *, series: bool = False) -> None:
        if self._selected is None or self._refuse_move(self._selected):
            return
        if series:
            self.sig_step_move_requested.emit(self.selected_step_id, delta)
        else:
            self.sig_occurrences_move_requested.emit(
                self.selected_step_id, self._bar_offsets(self._selected), delta
            )

    def _drag_to(self, x: float) -> None:
        if self._press is None or self._drag_refused:
            return
        index, press_x = self._press
        dx = x - press_x
        if self._drag_delta is None:
            if abs(dx) < QApplication.startDragDistance():
                return
            if self._refuse_move(index):
                self._drag_refused = True
                return
        delta = self._scale.nearest_day_delta(dx)
        if delta != self._drag_delta:
            self._drag_delta = delta
            self.sig_step_drag_preview.emit(self._bars[index].step_id, delta)
            self.update()

    def _end_drag(self, *, cancel: bool = False) -> None:
        press, delta, series = self._press, self._drag_delta, self._drag_series
        self._press, self._drag_delta, self._drag_refused = None, None, False
        self._drag_series = False
        if press is None or delta is None:
            return
        step_id = self._bars[press[0]].step_id
        if cancel:
            if delta:
                self.sig_step_drag_preview.emit(step_id, 0)
        elif delta and series:
            self.sig_step_move_requested.emit(step_id, delta)
        elif delta:
            self.sig_occurrences_move_requested.emit(step_id, self._bar_offsets(press[0]), delta)
        self.update()

    # ------------------------------------------------------------ context menu

    def _context_menu_at(self, pos: QPointF) -> QMenu | None:
        """Build (not show) the context menu for the occurrence under ``pos``."""
        index = self._bar_at(pos)
        if index is None:
            return None
        return self._build_context_menu(index, self._occurrence_at(index, self._date_at(pos.x())))

    def _build_context_menu(self, index: int, occ: Occurrence) -> QMenu:
        step_id = self._bars[index].step_id
        planned = self._plan is None or self._plan.step(step_id).status is StepStatus.PLANNED
        # A step is cancelled (drug stopped, test not needed) or planned again as a whole.
        hidden = "replan" if planned else "cancel"
        menu = QMenu(self)
        menu.setAccessibleName(
            self.tr("Actions for {step}, {occurrence}").format(
                step=tr(self._bars[index].title), occurrence=occ.label
            )
        )
        for key, text in ACTIONS:
            if key == hidden:
                continue
            if key in ("cancel", "replan", "open"):
                menu.addSeparator()
            if key == "undo_record" and occ.status.value not in ("done", "skipped"):
                continue
            action = menu.addAction(QCoreApplication.translate("PlanTimeline", text))
            action.setData(key)
            # Done or skipped: a record exists; Mark done and Skip would overwrite it.
            recorded = occ.status.value in ("done", "skipped")
            action.setEnabled(not (key in ("done", "skip") and recorded))
            action.triggered.connect(
                partial(self._on_menu_action_triggered, step_id, key, occ.anchor_day)
            )
        return menu

    def _on_menu_action_triggered(self, step_id: str, action: str, offset: int) -> None:
        self.sig_step_action_requested.emit(step_id, action, offset)

    def _on_scrollbar_value_changed(self) -> None:
        self.update()

    # ------------------------------------------------------------------ painting

    def _paint_background(self, p: QPainter, canvas: QRectF) -> None:
        p.fillRect(canvas, self.palette().base())
        for lane, top in zip(self._lanes, self._lane_tops, strict=True):
            y = self._wy(top)
            height = lane.rows * ROW_H + LANE_PAD
            if y > canvas.bottom() or y + height < canvas.top():
                continue
            tint = QColor(phase_colour(lane.phase))
            tint.setAlpha(140)
            p.fillRect(QRectF(canvas.left(), y, canvas.width(), height), tint)
            p.setPen(_LANE_LINE_PEN)
            p.drawLine(QPointF(canvas.left(), y + height), QPointF(canvas.right(), y + height))

    def _paint_days(self, p: QPainter, canvas: QRectF, first: dt.date, last: dt.date) -> None:
        """Weekend and closure shading, and tick grid lines."""
        ppd = self._scale.px_per_day
        if ppd >= 1.5:
            day = first - dt.timedelta(days=(first.weekday() - 5) % 7)  # the Saturday before
            while day <= last:
                x = self._wx(self._scale.x(day))
                p.fillRect(QRectF(x, canvas.top(), 2 * ppd, canvas.height()), _WEEKEND)
                day += dt.timedelta(days=7)
        lo = bisect.bisect_left(self._closures, first)
        hi = bisect.bisect_right(self._closures, last)
        for day in self._closures[lo:hi]:
            x = self._wx(self._scale.x(day))
            p.fillRect(QRectF(x, canvas.top(), max(ppd, 1.0), canvas.height()), _CLOSURE)
            if ppd >= 8:  # a pattern, so a closure reads without colour
                p.fillRect(QRectF(x, canvas.top(), ppd, canvas.height()), _CLOSURE_HATCH)
        p.setPen(_GRID_PEN)
        for day in self._ticks(first, last):
            x = self._wx(self._scale.x(day))
            p.drawLine(QPointF(x, canvas.top()), QPointF(x, canvas.bottom()))

    def _ticks(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """Label dates in view, aligned to Day 0 so that D0, D+7, D+14 line up."""
        assert self._plan is not None
        step = tick_days(self._scale.px_per_day)
        start = math.floor((first - self._plan.day0).days / step) * step
        end = (last - self._plan.day0).days
        return [self._plan.day0 + dt.timedelta(days=d) for d in range(start, end + 1, step)]

    def _paint_bars(self, p: QPainter, canvas: QRectF, level: str) -> None:
        if level == "phase":
            for lane_index, (start, end) in enumerate(self._lane_spans):
                y = self._wy(self._lane_tops[lane_index]) + LANE_PAD / 2
                left = self._wx(self._scale.x(start))
                right = self._wx(self._scale.x(end + dt.timedelta(days=1)))
                band = QRectF(left, y + (ROW_H - BAR_H) / 2, max(right - left, 3.0), BAR_H)
                p.fillRect(band, phase_colour(self._lanes[lane_index].phase).darker(115))
                p.setPen(_LANE_LINE_PEN)
                p.drawRect(band)
        else:
            detail = level == "occurrence"
            for i, bar in enumerate(self._bars):
                rect = self._bar_rect(i)
                if not rect.intersects(canvas):
                    if rect.left() > canvas.right():
                        break  # bars are in time order: nothing further right is visible
                    continue
                paint_shape(p, rect, bar.status, diamond=bar.diamond and detail, detail=detail)
                if detail:
                    self._paint_label(p, i, rect)
        self._paint_selection(p)

    def _paint_windows(self, p: QPainter) -> None:
        """The windows in view, behind the markers (drawn after them)."""
        windows = self.window_rects()
        if not windows:
            return
        p.setPen(_WINDOW_PEN)
        p.setBrush(_WINDOW_FILL)
        for rect, _occ in windows:
            p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        p.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_episodes(self, p: QPainter, canvas: QRectF) -> None:
        if not self._episodes:
            return
        y = self._wy(self._episode_top)
        height = len(self._episodes) * ROW_H + LANE_PAD
        p.fillRect(QRectF(canvas.left(), y, canvas.width(), height), _EPISODE_LANE)
        for i, (label, _start, end, _desc) in enumerate(self._episodes):
            rect = self.episode_rect(i)
            p.fillRect(rect, _EPISODE_FILL)
            p.setPen(_EPISODE_PEN if end is not None else _EPISODE_OPEN_PEN)
            p.drawRect(rect)
            p.setPen(QColor("#7f1d1d"))
            need = self.fontMetrics().horizontalAdvance(label) + 4
            # Inside the band when it fits, else just right of it.
            left = rect.left() + 4 if rect.width() - 6 >= need else rect.right() + 4
            p.drawText(
                QRectF(left, rect.top() - 2, need, rect.height() + 4),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                label,
            )

    def _paint_label(self, p: QPainter, index: int, rect: QRectF) -> None:
        placed = self._labels.get(index)
        if placed is None:
            return
        where, room = placed
        bar = self._bars[index]
        align = Qt.AlignmentFlag.AlignVCenter
        if where == "inside":
            text_rect = QRectF(
                rect.left() + self._glyph_width(index) + 2, rect.top(), room, rect.height()
            )
            p.setPen(status_style(bar.status).text)
            align |= Qt.AlignmentFlag.AlignLeft
        elif where == "right":
            text_rect = QRectF(rect.right() + 4, rect.top() - 2, room, rect.height() + 4)
            p.setPen(self.palette().text().color())
            align |= Qt.AlignmentFlag.AlignLeft
        else:
            text_rect = QRectF(rect.left() - 4 - room, rect.top() - 2, room, rect.height() + 4)
            p.setPen(self.palette().text().color())
            align |= Qt.AlignmentFlag.AlignRight
        text = self.fontMetrics().elidedText(tr(bar.title), Qt.TextElideMode.ElideRight, int(room))
        p.drawText(text_rect, align, text)

    def _paint_selection(self, p: QPainter) -> None:
        if self._selected is None:
            return
        step_id = self.selected_step_id
        ppd = self._scale.px_per_day
        for i, bar in enumerate(self._bars):
            if bar.step_id != step_id:
                continue
            rect = self._bar_rect(i)
            p.setPen(_SELECT_PEN)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(-2.5, -2.5, 2.5, 2.5))
            if i == self._selected and self.hasFocus():
                p.setPen(_FOCUS_PEN)
                p.drawRect(rect.adjusted(-4.5, -4.5, 4.5, 4.5))
            if self._drag_delta and bar.status != "done":
                p.setPen(_GHOST_PEN)
                p.drawRect(rect.translated(self._drag_delta * ppd, 0))
        if self._drag_delta and self._press is not None:
            rect = self._bar_rect(self._press[0]).translated(self._drag_delta * ppd, 0)
            p.setPen(self.palette().text().color())
            p.drawText(
                QPointF(rect.left(), rect.top() - 3),
                self.tr("{delta} d").format(delta=f"{self._drag_delta:+d}"),
            )

    def _paint_markers(self, p: QPainter, canvas: QRectF) -> None:
        assert self._plan is not None
        half = self._scale.px_per_day / 2
        for date, pen, _text in self._marker_list():
            x = self._wx(self._scale.x(date)) + half
            if canvas.left() <= x <= canvas.right():
                p.setPen(pen)
                p.drawLine(QPointF(x, canvas.top()), QPointF(x, canvas.bottom()))

    def _paint_axis(self, p: QPainter, canvas: QRectF, first: dt.date, last: dt.date) -> None:
        assert self._plan is not None
        axis = QRectF(canvas.left(), 0, canvas.width(), AXIS_H)
        p.fillRect(axis, self.palette().window())
        p.save()
        p.setClipRect(axis)
        step = tick_days(self._scale.px_per_day)
        fm = self.fontMetrics()
        date_base = MARK_H + AXIS_ROW_H - 5
        text_pen = QPen(self.palette().windowText().color())
        for day in self._ticks(first, last):
            x = self._wx(self._scale.x(day))
            p.setPen(_LANE_LINE_PEN)
            p.drawLine(QPointF(x, MARK_H + 2), QPointF(x, AXIS_H))
            p.setPen(text_pen)
            p.drawText(QPointF(x + 3, date_base), short_date(day, year=step >= YEAR_TICK_DAYS))
            p.drawText(QPointF(x + 3, AXIS_H - 5), short_day_label((day - self._plan.day0).days))
        taken = QRectF()
        for date, pen, text in self._marker_list():
            x = self._wx(self._scale.x(date)) + self._scale.px_per_day / 2
            width = fm.horizontalAdvance(text) + 6
            box = QRectF(x - width / 2, 0, width, MARK_H)
            if box.intersects(taken):  # Day 0 and today close together: side by side
                box.moveLeft(taken.right() if x >= taken.center().x() else taken.left() - width)
            p.setPen(QPen(pen.color(), 2.0))
            p.drawLine(QPointF(x, MARK_H - 2), QPointF(x, MARK_H + 3))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            taken = box
        p.restore()
        p.setPen(_LANE_LINE_PEN)
        p.drawLine(QPointF(canvas.left(), AXIS_H - 0.5), QPointF(canvas.right(), AXIS_H - 0.5))

    def _paint_lane_labels(self, p: QPainter, canvas: QRectF) -> None:
        column = QRectF(0, AXIS_H, LABEL_W, canvas.height())
        p.fillRect(column, self.palette().window())
        p.save()
        p.setClipRect(column)
        for lane, top in zip(self._lanes, self._lane_tops, strict=True):
            y = self._wy(top)
            height = lane.rows * ROW_H + LANE_PAD
            p.fillRect(QRectF(0, y, 5, height), phase_colour(lane.phase).darker(140))
            p.setPen(self.palette().windowText().color())
            p.drawText(
                QRectF(10, y, LABEL_W - 14, min(height, ROW_H + LANE_PAD)),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                phase_label(lane.phase),
            )
            p.setPen(_LANE_LINE_PEN)
            p.drawLine(QPointF(0, y + height), QPointF(LABEL_W, y + height))
        if self._episodes:
            y = self._wy(self._episode_top)
            p.fillRect(
                QRectF(0, y, 5, len(self._episodes) * ROW_H + LANE_PAD), _EPISODE_PEN.color()
            )
            p.setPen(self.palette().windowText().color())
            p.drawText(
                QRectF(10, y, LABEL_W - 14, ROW_H + LANE_PAD),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                QCoreApplication.translate("PlanTimeline", EPISODE_LANE_LABEL),
            )
        p.restore()
        p.setPen(_LANE_LINE_PEN)
        p.drawLine(QPointF(LABEL_W - 0.5, 0), QPointF(LABEL_W - 0.5, canvas.bottom()))
        p.setPen(self.palette().placeholderText().color())
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        p.drawText(QRectF(0, MARK_H, LABEL_W - 8, AXIS_ROW_H), right, self.tr("Date"))
        p.drawText(QRectF(0, MARK_H + AXIS_ROW_H, LABEL_W - 8, AXIS_ROW_H), right, self.tr("Day"))

    # ------------------------------------------------------------- Qt overrides

    def event(self, e: QEvent) -> bool:
        if isinstance(e, QHelpEvent) and e.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(QPointF(e.pos()))
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().window())
        canvas = self._canvas()
        if self._plan is None:
            p.drawText(canvas, Qt.AlignmentFlag.AlignCenter, "No plan")
            return
        self._paint_chart(p, canvas)
        self._paint_focus_frame(p, canvas)

    def _paint_chart(self, p: QPainter, canvas: QRectF) -> None:
        """The chart, its axis and lane labels: on screen and on a printed page."""
        assert self._plan is not None
        first, last = self._scale.visible_dates(self._scroll_x(), canvas.width())
        p.save()
        p.setClipRect(canvas)
        self._paint_background(p, canvas)
        self._paint_days(p, canvas, first, last)
        self._paint_windows(p)
        self._paint_markers(p, canvas)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._paint_bars(p, canvas, detail_level(self._scale.px_per_day))
        self._paint_episodes(p, canvas)
        p.restore()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._paint_axis(p, canvas, first, last)
        self._paint_lane_labels(p, canvas)

    def _paint_focus_frame(self, p: QPainter, canvas: QRectF) -> None:
        """A frame round the timeline while it has focus: the keys (arrows, +, -, Enter)
        act here even before a bar is selected, so the focus must show before that too."""
        if not self.hasFocus():
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(self.palette().highlight().color(), 2))
        p.drawRect(QRectF(1, 1, canvas.right() - 2, canvas.bottom() - 2))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._update_scrollbars()
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if delta.y():
                self._zoom(ZOOM_STEP ** (delta.y() / 120), event.position().x() - LABEL_W)
            event.accept()
            return
        pixels = event.pixelDelta()
        dx = pixels.x() if not pixels.isNull() else delta.x() / 120 * 3 * ROW_H
        dy = pixels.y() if not pixels.isNull() else delta.y() / 120 * 3 * ROW_H
        horizontal = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if horizontal or abs(dx) > abs(dy) or self._v.maximum() == 0:
            self._h.setValue(round(self._h.value() - (dx if abs(dx) > abs(dy) else dy)))
        else:
            self._v.setValue(round(self._v.value() - dy))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            super().mousePressEvent(event)
            return
        index = self._bar_at(event.position())
        self._select(index)
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            # Dx is measured from here, in widget pixels; scrolling mid-drag is not supported.
            self._press = (index, event.position().x())
            self._drag_series = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            self._drag_to(event.position().x())
            return
        index = self._bar_at(event.position())
        movable = index is not None and self._bars[index].status != "done"
        self.setCursor(Qt.CursorShape.OpenHandCursor if movable else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            self._drag_to(event.position().x())
            self._end_drag()
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self._bar_at(event.position())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self._select(index)
            self.sig_step_activated.emit(self._bars[index].step_id)
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            if self._selected is None:
                return
            pos = self._bar_rect(self._selected).center()
            global_pos = self.mapToGlobal(pos.toPoint())
        else:
            pos, global_pos = QPointF(event.pos()), event.globalPos()
            self._select(self._bar_at(pos))
        menu = self._context_menu_at(pos)
        if menu is not None:
            menu.exec(global_pos)
            menu.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        moving = bool(mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier))
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = 1 if key == Qt.Key.Key_Right else -1
            if moving:
                series = bool(mods & Qt.KeyboardModifier.ControlModifier)
                self._request_move(step, series=series)
            else:
                self._step_in_time(step)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._step_lane(1 if key == Qt.Key.Key_Down else -1)
        elif key == Qt.Key.Key_Home and self._bars:
            self._select(0)
        elif key == Qt.Key.Key_End and self._bars:
            self._select(len(self._bars) - 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._selected is not None:
            self.sig_step_activated.emit(self.selected_step_id)
        elif key == Qt.Key.Key_Escape and self._press is not None:
            self._end_drag(cancel=True)
        else:
            super().keyPressEvent(event)
            return
        event.accept()
