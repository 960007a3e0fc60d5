"""MonthCalendar: one month of a plan, a cell per day with its day number and steps.

A pure view like the timeline: it reads a ``Plan`` snapshot, caches the day
contents on ``set_plan`` and paints a 6 x 7 grid (weeks start on Monday). It
reports the day the user opens through ``sig_day_activated``; it edits nothing.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QColor,
    QFocusEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolButton, QToolTip, QWidget

from planner.domain.days import short_day_label
from planner.domain.i18n import tr
from planner.domain.plans import Plan, occurrence_notes
from planner.domain.templates import Phase
from ui.printing import page_of, pixel_font
from ui.widgets.plan_timeline import (
    long_date,
    month_abbreviation,
    month_name,
    weekday_abbreviation,
)
from ui.widgets.status_style import paint_shape, status_style

HEADER_H = 34
WEEKDAY_H = 20
WEEKS = 6

_TODAY_PEN = QPen(QColor("#0369a1"), 2.5)
_DAY0_COLOUR = QColor("#7e22ce")
_GRID_PEN = QPen(QColor("#d1d5db"), 1.0)
_FOCUS_PEN = QPen(QColor("#1d4ed8"), 1.0, Qt.PenStyle.DotLine)
_WEEKEND = QColor(0, 0, 0, 16)
_OUTSIDE = QColor(0, 0, 0, 28)
_SELECTED = QColor(37, 99, 235, 45)

PRINT_HEAD_H = 30.0
"""Height of a printed page's heading (patient, month, page number), logical pixels."""


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28 Feb)."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(date.day, monthrange(year, month + 1)[1]))


class MonthCalendar(QWidget):
    """Month grid of a plan: date, transplant day and step titles in each cell.

    Attributes:
        selected_date: the day with the keyboard focus.
        year, month: the month shown.

    Signals:
        sig_day_activated: Enter or a double-click on a day.
        sig_selection_changed: the selected day changed.
        sig_month_changed: another month is shown.
    """

    sig_day_activated = Signal(object)
    """(date): the user opened a day."""

    sig_selection_changed = Signal(object)
    """(date): the newly selected day."""

    sig_month_changed = Signal(int, int)
    """(year, month) now shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None
        self._today = dt.date.min
        self._days: dict[dt.date, list[tuple[str, str]]] = {}
        self._notes: dict[dt.date, list[str]] = {}  # reasons and notes, for the tooltip
        self._mdays: dict[dt.date, str] = {}
        self._selected = dt.date(2000, 1, 1)
        self._year, self._month = 2000, 1
        self._printing = False  # a printed page shows no selection and no focus
        self._small = QFont(self.font())
        self._prev = self._button("<", self.tr("Previous month (Page Up)"), -1)
        self._next = self._button(">", self.tr("Next month (Page Down)"), 1)
        self._prev.setAccessibleName(self.tr("Previous month"))
        self._next.setAccessibleName(self.tr("Next month"))
        self._today_button = QToolButton(self)
        self._today_button.setText(self.tr("Today"))
        self._today_button.setAccessibleName(self.tr("Go to today"))
        self._today_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._today_button.clicked.connect(self._on_today_button_clicked)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(7 * 64, HEADER_H + WEEKDAY_H + WEEKS * 48)
        self.setAccessibleName(self.tr("Plan month calendar"))
        self._update_fonts()
        self._update_description()

    # ----------------------------------------------------------------- public API

    @property
    def selected_date(self) -> dt.date:
        """The selected day."""
        return self._selected

    @property
    def year(self) -> int:
        """Year of the month shown."""
        return self._year

    @property
    def month(self) -> int:
        """Month shown (1-12)."""
        return self._month

    def set_plan(self, plan: Plan, today: dt.date) -> None:
        """Show ``plan`` as of ``today``; the first plan opens on today's month."""
        first_load = self._plan is None
        self._plan, self._today = plan, today
        order = {p: i for i, p in enumerate(Phase)}
        days: dict[dt.date, list[tuple[int, str, str]]] = {}
        self._mdays = {}
        self._notes = {}
        for occ in plan.occurrences():
            days.setdefault(occ.date, []).append(
                (order[occ.phase], occ.title, occ.shown_status(today))
            )
            notes = occurrence_notes(plan, occ)
            if notes:
                self._notes.setdefault(occ.date, []).append(f"{tr(occ.title)}: {' '.join(notes)}")
            if occ.is_mobilisation:
                self._mdays[occ.date] = occ.label
        # Sorted by the stored (English) title so the order does not change with the language.
        self._days = {d: [(tr(t), s) for _, t, s in sorted(v)] for d, v in days.items()}
        if first_load:
            self._select(today)
        self._update_description()
        self.update()

    def show_month(self, year: int, month: int) -> None:
        """Show ``month`` of ``year``; the selection moves into it (same day, clamped)."""
        if (year, month) == (self._year, self._month):
            return
        self._year, self._month = year, month
        if (self._selected.year, self._selected.month) != (year, month):
            day = min(self._selected.day, monthrange(year, month)[1])
            self._selected = dt.date(year, month, day)
            self.sig_selection_changed.emit(self._selected)
        self._update_description()
        self.update()
        self.sig_month_changed.emit(year, month)

    def select_date(self, date: dt.date) -> None:
        """Select ``date``, showing its month."""
        self._select(date)

    def cell_rect(self, date: dt.date) -> QRectF:
        """Widget rectangle of ``date``'s cell (empty when not in the grid shown)."""
        index = (date - self._grid_start()).days
        if not 0 <= index < 7 * WEEKS:
            return QRectF()
        grid = self._grid()
        w, h = grid.width() / 7, grid.height() / WEEKS
        return QRectF(grid.left() + (index % 7) * w, grid.top() + (index // 7) * h, w, h)

    def date_at(self, pos: QPointF) -> dt.date | None:
        """The day under ``pos`` (None outside the grid)."""
        grid = self._grid()
        if not grid.contains(pos):
            return None
        col = min(6, int((pos.x() - grid.left()) / (grid.width() / 7)))
        row = min(WEEKS - 1, int((pos.y() - grid.top()) / (grid.height() / WEEKS)))
        return self._grid_start() + dt.timedelta(days=row * 7 + col)

    def day_label(self, date: dt.date) -> str:
        """What the cell shows as the day number: "D+12", with "M-Day 3" while mobilising."""
        if self._plan is None:
            return ""
        label = short_day_label((date - self._plan.day0).days)
        mday = self._mdays.get(date)
        return f"{mday} · {label}" if mday else label

    def cell_summary(self, date: dt.date) -> str:
        """One-line reading of a cell, for tooltips and screen readers."""
        entries = self._days.get(date, [])
        steps = "; ".join(
            f"{title} ({status_style(status).shown_label.lower()})" for title, status in entries
        ) or self.tr("no steps")
        when = (
            self.tr("{date}, today").format(date=long_date(date))
            if date == self._today
            else long_date(date)
        )
        notes = "; ".join(self._notes.get(date, []))
        return f"{when}, {self.day_label(date)}: {steps}" + (f"; {notes}" if notes else "")

    # ------------------------------------------------------------------ helpers

    def _button(self, text: str, tip: str, months: int) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        # Tab reaches it; a click does not steal the arrow keys from the grid.
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(lambda: self._select(add_months(self._selected, months)))
        return button

    def _on_today_button_clicked(self) -> None:
        self._select(self._today if self._plan is not None else self._selected)

    def _grid(self) -> QRectF:
        top = HEADER_H + WEEKDAY_H
        return QRectF(0, top, self.width() - 1, self.height() - top - 1)

    def _grid_start(self) -> dt.date:
        first = dt.date(self._year, self._month, 1)
        return first - dt.timedelta(days=first.weekday())

    def _select(self, date: dt.date) -> None:
        changed = date != self._selected
        self._selected = date
        if (date.year, date.month) != (self._year, self._month):
            self._year, self._month = date.year, date.month
            self.sig_month_changed.emit(date.year, date.month)
        self._update_description()
        self.update()
        if changed:
            self.sig_selection_changed.emit(date)

    def _update_fonts(self) -> None:
        self._small = QFont(self.font())
        if self.font().pixelSize() > 0:  # a printed copy's font (ui.printing.pixel_font)
            self._small.setPixelSize(max(9, round(self.font().pixelSize() * 0.85)))
        else:
            self._small.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))

    def _update_description(self) -> None:
        title = f"{month_name(self._month)} {self._year}"
        self.setAccessibleDescription(
            self.tr("{month}. Selected: {cell}").format(
                month=title, cell=self.cell_summary(self._selected)
            )
        )
        if QAccessible.isActive():
            QAccessible.updateAccessibility(
                QAccessibleEvent(self, QAccessible.Event.DescriptionChanged)
            )

    # ------------------------------------------------------------------ painting

    def _paint_header(self, p: QPainter) -> None:
        p.fillRect(QRectF(0, 0, self.width(), HEADER_H + WEEKDAY_H), self.palette().window())
        title = QFont(self.font())
        title.setBold(True)
        p.setFont(title)
        p.setPen(self.palette().windowText().color())
        p.drawText(
            QRectF(0, 0, self.width(), HEADER_H),
            Qt.AlignmentFlag.AlignCenter,
            f"{month_name(self._month)} {self._year}",
        )
        p.setFont(self._small)
        w = self.width() / 7
        for i in range(7):
            p.drawText(
                QRectF(i * w, HEADER_H, w, WEEKDAY_H),
                Qt.AlignmentFlag.AlignCenter,
                weekday_abbreviation(i),
            )

    def _paint_cell(self, p: QPainter, date: dt.date, rect: QRectF, line_h: float) -> None:
        inside = date.month == self._month
        if date.weekday() >= 5:
            p.fillRect(rect, _WEEKEND)
        if not inside:
            p.fillRect(rect, _OUTSIDE)
        if date == self._selected and not self._printing:
            p.fillRect(rect, _SELECTED)
        p.setPen(_GRID_PEN)
        p.drawRect(rect)
        inner = rect.adjusted(4, 2, -4, -2)
        text = self.palette().text().color() if inside else self.palette().placeholderText().color()
        p.setPen(text)
        p.setFont(self.font())
        first_line = QRectF(inner.left(), inner.top(), inner.width(), line_h + 2)
        number = str(date.day) if date.day != 1 else f"{date.day} {month_abbreviation(date.month)}"
        p.drawText(first_line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, number)
        p.setFont(self._small)
        if self._plan is not None:
            if date == self._plan.day0:
                p.setPen(_DAY0_COLOUR)
            fm = p.fontMetrics()
            label = fm.elidedText(
                self.day_label(date), Qt.TextElideMode.ElideLeft, int(inner.width() * 0.6)
            )
            p.drawText(
                first_line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label
            )
        self._paint_entries(p, date, inner.adjusted(0, line_h + 3, 0, 0), line_h, text)
        if date == self._today:
            p.setPen(_TODAY_PEN)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(1.5, 1.5, -1.5, -1.5))
        if date == self._selected and self.hasFocus() and not self._printing:
            p.setPen(_FOCUS_PEN)
            p.drawRect(rect.adjusted(3.5, 3.5, -3.5, -3.5))

    def _paint_entries(
        self, p: QPainter, date: dt.date, area: QRectF, line_h: float, colour: QColor
    ) -> None:
        entries = self._days.get(date)
        if not entries:
            return
        capacity = max(0, int(area.height() // line_h))
        shown = entries if len(entries) <= capacity else entries[: max(0, capacity - 1)]
        fm = p.fontMetrics()
        mark = min(line_h - 4, 10.0)
        y = area.top()
        for title, status in shown:
            paint_shape(p, QRectF(area.left(), y + (line_h - mark) / 2, mark, mark), status)
            p.setPen(colour)
            text_rect = QRectF(area.left() + mark + 3, y, area.width() - mark - 3, line_h)
            p.drawText(
                text_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(title, Qt.TextElideMode.ElideRight, int(text_rect.width())),
            )
            y += line_h
        hidden = len(entries) - len(shown)
        if hidden and capacity:
            p.setPen(colour)
            p.drawText(
                QRectF(area.left(), y, area.width(), line_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.tr("+{count} more").format(count=hidden),
            )

    # ------------------------------------------------------------- Qt overrides

    def event(self, e: QEvent) -> bool:
        if isinstance(e, QHelpEvent) and e.type() == QEvent.Type.ToolTip:
            date = self.date_at(QPointF(e.pos()))
            if date is not None and self._plan is not None:
                QToolTip.showText(e.globalPos(), self.cell_summary(date).replace("; ", "\n"), self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._paint_month(QPainter(self), QRectF(event.rect()))

    def _paint_month(self, p: QPainter, dirty: QRectF) -> None:
        """The month shown, on screen or on a printed page (the cells within ``dirty``)."""
        p.fillRect(self.rect(), self.palette().base())
        self._paint_header(p)
        line_h = float(p.fontMetrics().height())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        start = self._grid_start()
        for i in range(7 * WEEKS):
            date = start + dt.timedelta(days=i)
            rect = self.cell_rect(date)
            if rect.intersects(dirty):
                self._paint_cell(p, date, rect, line_h)

    def resizeEvent(self, event: QResizeEvent) -> None:
        side = HEADER_H - 6
        self._prev.setGeometry(4, 3, side, side)
        self._next.setGeometry(8 + side, 3, side, side)
        hint = self._today_button.sizeHint()
        self._today_button.setGeometry(12 + 2 * side, 3, hint.width(), side)
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._update_fonts()
        super().changeEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        date = self.date_at(event.position())
        if date is not None and event.button() == Qt.MouseButton.LeftButton:
            self._select(date)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        date = self.date_at(event.position())
        if date is not None and event.button() == Qt.MouseButton.LeftButton:
            self._select(date)
            self.sig_day_activated.emit(date)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -7, Qt.Key.Key_Down: 7}
        key = Qt.Key(event.key())
        sel = self._selected
        if key in moves:
            self._select(sel + dt.timedelta(days=moves[key]))
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self._select(add_months(sel, 1 if key == Qt.Key.Key_PageDown else -1))
        elif key == Qt.Key.Key_Home:
            self._select(sel.replace(day=1))
        elif key == Qt.Key.Key_End:
            self._select(sel.replace(day=monthrange(sel.year, sel.month)[1]))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.sig_day_activated.emit(sel)
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class CalendarPrint:
    """The months of a plan on paper, one month per page, drawn by the calendar's own
    paint routines on an off-screen copy at the printer's resolution."""

    def __init__(self, source: MonthCalendar, page: QRectF, heading: str) -> None:
        """Lay out every month with a step of ``source``'s plan on pages of ``page`` size."""
        if source._plan is None:
            raise ValueError("no plan to print")
        self._heading = heading
        view = MonthCalendar()
        view.setFont(pixel_font(source.font()))
        palette = view.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("white"))  # no grey ink on paper
        view.setPalette(palette)
        view.set_plan(source._plan, source._today)
        view._printing = True
        view.resize(int(page.width()), int(page.height() - PRINT_HEAD_H))
        self._view = view
        # Only months with a step: years of follow-up would otherwise print a page per
        # empty month.
        dates = list(view._days) or [source._plan.day0]
        self._months = sorted({(d.year, d.month) for d in dates})

    @property
    def count(self) -> int:
        """How many pages (months) the calendar takes."""
        return len(self._months)

    def paint(self, p: QPainter, index: int, rect: QRectF) -> None:
        """Draw page ``index`` into ``rect`` (see ``ui.printing.print_pages``)."""
        view = self._view
        view.show_month(*self._months[index])
        p.save()
        p.translate(rect.topLeft())
        p.setPen(QColor("black"))
        p.setFont(view.font())
        head = QRectF(0, 0, rect.width(), PRINT_HEAD_H - 6)
        p.drawText(head, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._heading)
        p.drawText(
            head,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            page_of(index + 1, self.count),
        )
        p.translate(0, PRINT_HEAD_H)
        view._paint_month(p, QRectF(view.rect()))
        p.restore()
