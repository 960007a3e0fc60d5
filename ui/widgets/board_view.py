"""The clinic board table with its filters: search, coordinator, phase, this week, overdue.

The Alerts cell is painted by ``AlertsDelegate``: most severe first, a coloured dot per
alert line, every high alert in full (its row grows to hold it), the others elided; the
tooltip lists every alert with its severity and rule.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.app import alert_rules
from planner.app.board_rows import Alert, BoardRow
from planner.domain.search import search_key
from ui.models.board_model import (
    ALERTS_COLUMN,
    ALERTS_ROLE,
    BoardTableModel,
    shown_phase,
)
from ui.workers import when_gui_quiet

ALL = "All"  # the filters' value for "no filter" (each combo shows it translated)
# Typing pauses this long before the search also asks the store for closed transplants.
STORE_SEARCH_MS = 300

# The dot before each alert line. Each colour has at least 4.5:1 contrast on white
# (WCAG 2.1, success criterion 1.4.3), so the high text drawn in it reads as well as black;
# the "!" before a high alert says the same without colour.
SEVERITY_COLOURS = {
    alert_rules.HIGH: QColor("#b91c1c"),
    alert_rules.MEDIUM: QColor("#b45309"),
    alert_rules.LOW: QColor("#6b7280"),
}
# Pixels beside the text, as the default delegate leaves; the lines use the full height,
# and a row that must grow gets one more pixel for the grid line below its cells.
_HMARGIN = 3
_GRID = 1


def wrapped_lines(text: str, font: QFont, width: int, max_lines: int | None = None) -> list[str]:
    """``text`` in lines at most ``width`` pixels wide, broken between words where it can.

    With ``max_lines``, the last line holds the rest of the text, elided ("...").
    """
    if max_lines is not None and max_lines <= 0:
        return []
    width = max(width, 1)
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    units = text.encode("utf-16-le")  # Qt counts text positions in UTF-16 code units
    metrics = QFontMetrics(font)
    lines: list[str] = []
    layout.beginLayout()
    try:
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            if max_lines is not None and len(lines) == max_lines - 1:
                rest = units[2 * start :].decode("utf-16-le")
                lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
                break
            lines.append(units[2 * start : 2 * (start + length)].decode("utf-16-le").rstrip())
    finally:
        layout.endLayout()
    return lines


@dataclass(frozen=True)
class AlertLine:
    """One painted line of the Alerts cell.

    Attributes:
        text: what it says; severity: the dot's colour ("" on a continuation line).
        high: part of a high alert (drawn in the high colour).
    """

    text: str
    severity: str
    high: bool


def alert_cell_lines(
    alerts: Sequence[Alert], font: QFont, width: int, max_lines: int | None = None
) -> list[AlertLine]:
    """The lines of the Alerts cell: each high alert in full from a line of its own, then
    the other alerts on the lines left (one when ``max_lines`` is None), elided.

    ``alerts`` are most severe first (``BoardRow.alert_items``).
    """
    lines: list[AlertLine] = []
    others = [a for a in alerts if a.severity != alert_rules.HIGH]
    for alert in alerts:
        if alert.severity == alert_rules.HIGH:
            for i, text in enumerate(wrapped_lines(alert.marked, font, width)):
                lines.append(AlertLine(text, alert.severity if i == 0 else "", True))
    if others:
        room = 1 if max_lines is None else max_lines - len(lines)
        text = "; ".join(a.marked for a in others)
        for i, part in enumerate(wrapped_lines(text, font, width, room)):
            lines.append(AlertLine(part, others[0].severity if i == 0 else "", False))
    return lines


# The view rows fitted at once before the board is shown (more than a screen holds); once
# shown, the rows in view and this many either side. The others are fitted when the GUI is
# quiet (``BoardView.fit_alert_rows``).
FIT_FIRST_ROWS = 60
FIT_MARGIN_ROWS = 5
# The rows left out are measured, then given their heights, this long at a time. Done in
# one go once the GUI was quiet, that ran beside the worker opening the database, where
# each call into Qt waits for the interpreter: setting 61 rows' heights took 30 ms, and the
# start's longest stall went from 19 ms to 50-200 ms (bench_app, 8 December 2026).
FIT_SLICE_S = 0.003

# Row heights remembered by the alerts delegate (a clinic's rows with high alerts, many
# times over; cleared beyond this).
_HEIGHTS_KEPT = 5_000


class AlertsDelegate(QStyledItemDelegate):
    """Paints the Alerts cell from ``ALERTS_ROLE`` (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._heights: dict[tuple[object, ...], int] = {}

    @staticmethod
    def _dot_column(metrics: QFontMetrics) -> int:
        return metrics.height()

    def text_width(self, cell_width: int, font: QFont) -> int:
        """The width the alert texts have in a cell ``cell_width`` pixels wide."""
        return cell_width - 2 * _HMARGIN - self._dot_column(QFontMetrics(font))

    @staticmethod
    def _key(alerts: Sequence[Alert], cell_width: int, font: QFont) -> tuple[object, ...]:
        return (tuple(alerts), cell_width, font.key())

    def known_height(self, alerts: Sequence[Alert], cell_width: int, font: QFont) -> int | None:
        """``row_height`` if it was measured before (None: not yet, nothing measured)."""
        return self._heights.get(self._key(alerts, cell_width, font))

    def row_height(self, alerts: Sequence[Alert], cell_width: int, font: QFont) -> int:
        """The height that shows every high alert of ``alerts`` in full, and one more line.

        Remembered by alerts, width and font: the board is fitted again whenever its rows
        are recomputed (the live clinic replacing the stored board, each edit), mostly
        with the same alerts, and measuring wrapped text held the window ~0.1 s.
        """
        key = self._key(alerts, cell_width, font)
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > _HEIGHTS_KEPT:
                self._heights.clear()
            lines = alert_cell_lines(alerts, font, self.text_width(cell_width, font))
            height = self._heights[key] = len(lines) * QFontMetrics(font).lineSpacing() + _GRID
        return height

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        if index.data(ALERTS_ROLE):
            hint.setWidth(hint.width() + self._dot_column(QFontMetrics(option.font)))
        return hint

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        alerts = index.data(ALERTS_ROLE)
        if not alerts:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the background, selection and focus only: the lines are drawn below
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = opt.rect.adjusted(_HMARGIN, 0, -_HMARGIN, 0)
        metrics = QFontMetrics(opt.font)
        step = metrics.lineSpacing()
        capacity = max(1, rect.height() // step)
        dot = self._dot_column(metrics)
        lines = alert_cell_lines(alerts, opt.font, rect.width() - dot, capacity)[:capacity]
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        # The high colour is for a light background; on a selection or a dark theme the
        # text keeps the palette's colour (the dot and the "!" still mark it).
        light = palette.color(QPalette.ColorRole.Base).lightness() > 127
        top = rect.top() + max(0, (rect.height() - len(lines) * step) // 2)
        size = max(4, metrics.height() // 2)
        painter.save()
        painter.setFont(opt.font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i, line in enumerate(lines):
            y = top + i * step
            if line.severity:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(SEVERITY_COLOURS.get(line.severity, text_colour))
                painter.drawEllipse(
                    QRect(rect.left() + (dot - size) // 2, y + (step - size) // 2, size, size)
                )
            high = line.high and light and not selected
            painter.setPen(SEVERITY_COLOURS[alert_rules.HIGH] if high else text_colour)
            painter.drawText(
                QRect(rect.left() + dot, y, rect.width() - dot, step),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                line.text,
            )
        painter.restore()


class BoardFilter(QSortFilterProxyModel):
    """Filters board rows; sorting is the model's (``BoardTableModel.sort``: the Day column
    by day number, not by text), so the proxy keeps the model's order."""

    def __init__(self, source: BoardTableModel) -> None:
        super().__init__()
        self._board = source
        self.setSourceModel(source)
        self.search = ""
        self.coordinator = ALL
        self.phase = ALL
        self.this_week = False
        self.overdue_only = False

    def set_filters(
        self, *, search: str, coordinator: str, phase: str, this_week: bool, overdue_only: bool
    ) -> None:
        """Apply all filters at once (nothing to do when none changed)."""
        key = search_key(search.strip())
        if (key, coordinator, phase, this_week, overdue_only) == (
            self.search,
            self.coordinator,
            self.phase,
            self.this_week,
            self.overdue_only,
        ):
            return  # a model reset already re-filtered and re-sorted the rows
        self.beginFilterChange()
        self.search = key
        self.coordinator = coordinator
        self.phase = phase
        self.this_week = this_week
        self.overdue_only = overdue_only
        self.endFilterChange()

    def accepts(self, row: BoardRow) -> bool:
        """Whether ``row`` passes every filter."""
        if self.search and self.search not in search_key(f"{row.name} {row.mrn}"):
            return False
        if self.coordinator != ALL and row.coordinator != self.coordinator:
            return False
        if self.phase != ALL and row.phase != self.phase:
            return False
        if self.this_week and not row.due_this_week:
            return False
        return not (self.overdue_only and not row.overdue)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click sorts the model; the proxy only filters (its own sort column
        stays -1, so it never compares rows itself)."""
        self._board.sort(column, order)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        return self.accepts(self._board.row_at(source_row))


class BoardTable(QTableView):
    """Enter or Return opens the selected row.

    Signals:
        sig_row_activated: a row was opened; arg: proxy row index.
    """

    sig_row_activated = Signal(int)
    """Emitted with the proxy row when the user opens a row (Enter, double-click)."""

    def __init__(self) -> None:
        super().__init__()
        self.doubleClicked.connect(lambda index: self.sig_row_activated.emit(index.row()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.sig_row_activated.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class BoardView(QWidget):
    """Filter bar above the board table.

    Signals:
        sig_open_requested: open this transplant's workspace; arg: transplant id.
    """

    sig_open_requested = Signal(str)
    """Emitted with the transplant id of the row the user opened."""

    def __init__(self, model: BoardTableModel) -> None:
        super().__init__()
        self.model = model
        self.proxy = BoardFilter(model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name or MRN (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search patients by name or MRN"))
        self.coordinator = QComboBox()
        self.coordinator.setAccessibleName(self.tr("Filter by coordinator"))
        self.phase = QComboBox()
        self.phase.setAccessibleName(self.tr("Filter by phase"))
        self.this_week = QCheckBox(self.tr("Due this wee&k"))  # Alt+W: the View menu
        self.overdue_only = QCheckBox(self.tr("&Overdue only"))
        # Completed, cancelled and deceased transplants: off the board unless asked for.
        self.show_closed = QCheckBox(self.tr("C&losed transplants"))
        self.show_closed.setToolTip(
            self.tr("Also list the completed, cancelled and deceased transplants.")
        )
        self.table = BoardTable()
        self.table.setModel(self.proxy)
        self.alerts_delegate = AlertsDelegate(self.table)
        self.table.setItemDelegateForColumn(ALERTS_COLUMN, self.alerts_delegate)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(self.tr("Clinic board"))
        # Tab and Shift+Tab leave the table (to the clinic timeline, back to the filters);
        # the arrows move within it.
        self.table.setTabKeyNavigation(False)
        # No row numbers (the header showed an empty strip 2 pixels wide). Shown, its size
        # hint was measured again after each change of a row's height, asking the model
        # for the headers of 200 rows: 4 ms, 25-75 ms beside a worker thread.
        self.table.verticalHeader().setVisible(False)
        # Size columns from the first rows only: measuring 500 rows costs a pause.
        self.table.horizontalHeader().setResizeContentsPrecision(40)
        # Columns are sized to their contents once, on the first rows; after that the
        # widths are the user's (or the ones restored from the last session).
        self.columns_sized = False
        # The width this view last gave the Alerts column and its text's width, while it
        # follows the table's width (see _give_alerts_room); None: the widths are the user's.
        self._alerts_width: tuple[int, int] | None = None
        self.table.viewport().installEventFilter(self)
        self.apply_column_policy()
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(QLabel(self.tr("Coordinator")))
        bar.addWidget(self.coordinator)
        bar.addWidget(QLabel(self.tr("Phase")))
        bar.addWidget(self.phase)
        bar.addWidget(self.this_week)
        bar.addWidget(self.overdue_only)
        bar.addWidget(self.show_closed)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.setTabOrder(self.search, self.coordinator)
        self.setTabOrder(self.coordinator, self.phase)
        self.setTabOrder(self.phase, self.this_week)
        self.setTabOrder(self.this_week, self.overdue_only)
        self.setTabOrder(self.overdue_only, self.show_closed)
        self.setTabOrder(self.show_closed, self.table)
        for signal in (
            self.search.textChanged,
            self.coordinator.currentIndexChanged,
            self.phase.currentIndexChanged,
            self.this_week.toggled,
            self.overdue_only.toggled,
        ):
            signal.connect(self._on_filter_changed)
        self.show_closed.toggled.connect(model.set_show_closed)
        # The search also looks for closed transplants in the store, once typing pauses:
        # a query per pause, not per keystroke.
        self._store_search = QTimer(self)
        self._store_search.setSingleShot(True)
        self._store_search.setInterval(STORE_SEARCH_MS)
        self._store_search.timeout.connect(lambda: model.search_closed(self.search.text()))
        self.search.textChanged.connect(self._store_search.start)
        self.table.sig_row_activated.connect(self._on_table_row_activated)
        # Down goes to the results, Enter opens the selected (or first) patient found.
        self.search.installEventFilter(self)
        self.search.returnPressed.connect(self.open_from_search)
        model.modelReset.connect(self._on_model_reset)
        # An edit changes a few rows in place: their phase may be new to the filter.
        model.dataChanged.connect(self._fill_filters)
        # Rows with a high alert grow to show it in full: after any change of the rows
        # shown, their order, or the Alerts column's width. One pass after a burst (a new
        # day changes every row, one signal each), not one per signal.
        # Transplants whose rows were given more than the default height: by transplant,
        # not by place, as the table carries a row's height along when the board is sorted.
        self._tall_ids: set[str] = set()
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(lambda: self.fit_alert_rows(first=FIT_FIRST_ROWS))
        self._fit_rest_waiting = False  # a pass over the rows left out is asked for
        self._fit_generation = 0  # counts the fits: a slice of an older one is dropped
        for rows_signal in (
            self.proxy.modelReset,
            self.proxy.layoutChanged,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.dataChanged,
        ):
            rows_signal.connect(self._fit_soon)
        self.table.horizontalHeader().sectionResized.connect(self._on_section_resized)
        self._on_model_reset()
        self.fit_alert_rows()

    def apply_column_policy(self) -> None:
        """Every column between a floor and a ceiling; the user resizes any of them.

        Stretching the last column gave the coordinator's name the spare width, and three
        list columns at 340 pixels pushed Overdue and Coordinator off a 1366 screen.
        Called again after the last session's header is restored (it holds modes too).
        """
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(metrics.horizontalAdvance("D+100") + 12)
        header.setMaximumSectionSize(3 * self._column_cap())

    def _column_cap(self) -> int:
        """The widest a column is sized to its text: long lists (due steps) and names are
        elided there, the tooltip holds the full text."""
        return self.table.fontMetrics().horizontalAdvance("M") * 20

    def _size_columns(self) -> None:
        """Each column as wide as its text, up to the cap."""
        self.table.resizeColumnsToContents()
        header, cap = self.table.horizontalHeader(), self._column_cap()
        for column in range(header.count()):
            if header.sectionSize(column) > cap:
                header.resizeSection(column, cap)

    def _give_alerts_room(self) -> None:
        """The Alerts column takes the width the other columns leave (never less than its
        text's), as the table's width changes, until a column is resized by hand."""
        if self._alerts_width is None:
            return
        given, text = self._alerts_width
        header = self.table.horizontalHeader()
        if header.sectionSize(ALERTS_COLUMN) != given:
            self._alerts_width = None  # resized by the user: the widths are theirs now
            return
        room = self.table.viewport().width() - (header.length() - given)
        width = min(max(text, room), header.maximumSectionSize())
        self._alerts_width = (width, text)
        header.resizeSection(ALERTS_COLUMN, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._give_alerts_room()
            return False
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and not event.modifiers()
        ):
            self.focus_results()
            return True
        return super().eventFilter(watched, event)

    def focus_results(self) -> None:
        """Move the focus to the first row shown, selected (Down in the search field)."""
        if self.proxy.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setCurrentIndex(self.proxy.index(0, 0))

    def open_from_search(self) -> None:
        """Open the selected row's patient, or the first row's (Enter in the search field)."""
        selected = self.table.selectionModel().selectedRows()
        if selected:
            self._on_table_row_activated(selected[0].row())
        elif self.proxy.rowCount():
            self._on_table_row_activated(0)

    def _fill_combo(self, combo: QComboBox, values: list[tuple[str, str]]) -> None:
        """(value, shown text) items after "All"; the value filters, the text is shown."""
        current = combo.currentData() or ALL
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("All"), ALL)
        for value, text in values:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _fill_filters(self) -> None:
        rows = [self.model.row_at(i) for i in range(self.model.rowCount())]
        coordinators = sorted({r.coordinator for r in rows if r.coordinator})
        self._fill_combo(self.coordinator, [(c, c) for c in coordinators])
        self._fill_combo(self.phase, [(p, shown_phase(p)) for p in sorted({r.phase for r in rows})])
        self._on_filter_changed()

    def _on_model_reset(self) -> None:
        self._fill_filters()
        if not self.columns_sized and self.model.rowCount():
            self._size_columns()
            self.columns_sized = True
            text = self.table.columnWidth(ALERTS_COLUMN)
            self._alerts_width = (text, text)
            self._give_alerts_room()

    def _fit_soon(self, *_signal_args: object) -> None:
        # The rows may have moved: a slice of the rest still waiting names their old places.
        self._fit_generation += 1
        self._fit_timer.start()

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == ALERTS_COLUMN:
            # Later: while the header sizes several columns, columnWidth is still the old one.
            self._fit_soon()

    def fit_alert_rows(self, first: int | None = None) -> None:
        """Give each row with a high alert the height that shows it in full (others: the
        default height). Only rows with a high alert are measured.

        ``first``: fit only the rows in view (the ``first`` view rows before the table is
        shown); the others are fitted a slice at a time once the GUI is quiet
        (``_fit_the_rest``). A start fitted 63 rows with high alerts of a 500-patient
        board before its first paint (6-8 ms), of which a screen shows a handful.
        """
        self._fit_generation += 1  # a fit of the rest still under way is out of date
        count = self.proxy.rowCount()
        in_view = self._rows_in_view(first) if first is not None else range(count)
        heights, outside = self._wanted_heights(in_view)
        self._set_row_heights(heights)
        if outside and not self._fit_rest_waiting:
            self._fit_rest_waiting = True
            when_gui_quiet(self._fit_the_rest, owner=self)

    def _wanted_heights(self, in_view: range) -> tuple[dict[int, tuple[int, str]], bool]:
        """The heights of the view rows of ``in_view`` with a high alert (measured where
        not known) or made taller before (the default height now), with their transplants;
        and whether any such row is out of ``in_view``."""
        table = self.table
        base = table.verticalHeader().defaultSectionSize()
        width, font = table.columnWidth(ALERTS_COLUMN), table.font()
        # The board runs this after every edit: read the rows in Python and touch only the
        # rows with a high alert or made taller before (500 model lookups cost 6 ms).
        wanted: dict[int, tuple[int, str]] = {}
        outside = False
        for source_row in range(self.model.rowCount()):
            row = self.model.row_at(source_row)
            high = alert_rules.HIGH in row.alert_severities
            if not high and row.transplant_id not in self._tall_ids:
                continue
            view_row = self.proxy.mapFromSource(self.model.index(source_row, 0)).row()
            if view_row < 0:  # filtered out
                continue
            if view_row not in in_view:
                outside = True
                continue
            height = self.alerts_delegate.row_height(row.alert_items, width, font) if high else 0
            wanted[view_row] = (max(base, height), row.transplant_id)
        return wanted, outside

    def _set_row_heights(self, heights: dict[int, tuple[int, str]]) -> None:
        """Give these view rows these heights, then update the table once: its geometry,
        and its rows from the highest one changed down. That is what the table does on
        each row's resize signal, which is held back meanwhile: one update for many rows."""
        table = self.table
        base = table.verticalHeader().defaultSectionSize()
        changed = [r for r, (h, _) in heights.items() if table.rowHeight(r) != h]
        self._tall_ids.difference_update(t for h, t in heights.values() if h == base)
        self._tall_ids.update(t for h, t in heights.values() if h != base)
        if not changed:
            return
        header = table.verticalHeader()
        was_blocked = header.blockSignals(True)
        try:
            for view_row in changed:
                table.setRowHeight(view_row, heights[view_row][0])
        finally:
            header.blockSignals(was_blocked)
        table.updateGeometries()
        viewport = table.viewport()
        top = max(0, min(table.rowViewportPosition(r) for r in changed))
        if top < viewport.height():
            viewport.update(0, top, viewport.width(), viewport.height() - top)

    def _fit_the_rest(self) -> None:
        """Fit the rows a fit in view left out: measure their texts, then set their
        heights, each a slice of ``FIT_SLICE_S`` once the GUI is quiet."""
        if not self._measure_some(FIT_SLICE_S):
            when_gui_quiet(self._fit_the_rest, owner=self)
            return
        self._fit_rest_waiting = False
        heights, _ = self._wanted_heights(range(self.proxy.rowCount()))  # all measured now
        self._set_heights_in_slices(list(heights.items()), self._fit_generation)

    def _set_heights_in_slices(
        self, pending: list[tuple[int, tuple[int, str]]], generation: int
    ) -> None:
        """Set ``pending`` (view row, (height, transplant)) for ``FIT_SLICE_S``, then the
        rest once the GUI is quiet again; dropped if the board changed or was fitted since
        (its own fit asks for its own rest)."""
        if generation != self._fit_generation:
            return
        deadline = time.perf_counter() + FIT_SLICE_S
        done = 0
        while done < len(pending):  # eight rows at least, whatever the time
            done += 8
            self._set_row_heights(dict(pending[done - 8 : done]))
            if time.perf_counter() >= deadline:
                break
        if done < len(pending):
            rest = pending[done:]
            when_gui_quiet(lambda: self._set_heights_in_slices(rest, generation), owner=self)

    def _measure_some(self, budget_s: float) -> bool:
        """Measure rows with a high alert whose height is not known yet, for about
        ``budget_s``; True when none is left."""
        width, font = self.table.columnWidth(ALERTS_COLUMN), self.table.font()
        delegate = self.alerts_delegate
        deadline, measured = time.perf_counter() + budget_s, 0
        for source_row in range(self.model.rowCount()):
            row = self.model.row_at(source_row)
            if alert_rules.HIGH not in row.alert_severities:
                continue
            if delegate.known_height(row.alert_items, width, font) is not None:
                continue
            if measured and time.perf_counter() >= deadline:  # one row at least
                return False
            delegate.row_height(row.alert_items, width, font)
            measured += 1
        return True

    def _rows_in_view(self, first: int) -> range:
        """The view rows on screen, a few either side; the ``first`` rows before the table
        is shown (its size is not known yet)."""
        table = self.table
        if not table.isVisible():
            return range(first)
        top = max(table.rowAt(0), 0)
        bottom = table.rowAt(table.viewport().height() - 1)
        if bottom < 0:
            bottom = self.proxy.rowCount() - 1
        return range(max(0, top - FIT_MARGIN_ROWS), bottom + FIT_MARGIN_ROWS + 1)

    def _on_filter_changed(self) -> None:
        self.proxy.set_filters(
            search=self.search.text(),
            coordinator=self.coordinator.currentData() or ALL,
            phase=self.phase.currentData() or ALL,
            this_week=self.this_week.isChecked(),
            overdue_only=self.overdue_only.isChecked(),
        )
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        found, more = self.model.closed_found
        if not found:
            text = self.tr("{shown} of {total}").format(shown=shown, total=total)
        elif more:
            text = self.tr("{shown} of {total}, with {found} closed (type more to find others)")
        else:
            text = self.tr("{shown} of {total}, with {found} closed")
        self.count.setText(text.format(shown=shown, total=total, found=found))

    def _on_table_row_activated(self, proxy_row: int) -> None:
        source = self.proxy.mapToSource(self.proxy.index(proxy_row, 0))
        self.sig_open_requested.emit(self.model.row_at(source.row()).transplant_id)

    def selected_transplant_id(self) -> str | None:
        """The transplant of the selected row, if any."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        source = self.proxy.mapToSource(index)
        return self.model.row_at(source.row()).transplant_id
