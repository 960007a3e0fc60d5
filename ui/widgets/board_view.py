"""The clinic board table with its filters: search, coordinator, phase, this week, overdue."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.app.board import BoardRow
from ui.models.board_model import BoardTableModel

ALL = "All"


def search_key(text: str) -> str:
    """Case- and accent-insensitive form for incremental search ("Łukasz" ~ "lukasz")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.replace("ł", "l").replace("ø", "o").replace("đ", "d")


class BoardFilter(QSortFilterProxyModel):
    """Filters board rows; sorts the Day column by day number, not by text."""

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

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        return self.accepts(self._board.row_at(source_row))

    def lessThan(
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if left.column() == 3:  # Day: numeric order, rows without a day last
            a = self._board.row_at(left.row()).day
            b = self._board.row_at(right.row()).day
            return (a is None, a or 0) < (b is None, b or 0)
        return str(left.data()) < str(right.data())


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
        self.search.setPlaceholderText("Search name or MRN (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search patients by name or MRN")
        self.coordinator = QComboBox()
        self.coordinator.setAccessibleName("Filter by coordinator")
        self.phase = QComboBox()
        self.phase.setAccessibleName("Filter by phase")
        self.this_week = QCheckBox("Due this &week")
        self.overdue_only = QCheckBox("&Overdue only")
        self.table = BoardTable()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Clinic board")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Size columns from the first rows only: measuring 500 rows costs a pause.
        self.table.horizontalHeader().setResizeContentsPrecision(40)
        # Columns are sized to their contents once, on the first rows; after that the
        # widths are the user's (or the ones restored from the last session).
        self.columns_sized = False
        # Long lists (alerts, due steps) are capped; the tooltip holds the full text.
        self.table.horizontalHeader().setMaximumSectionSize(340)
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(QLabel("Coordinator"))
        bar.addWidget(self.coordinator)
        bar.addWidget(QLabel("Phase"))
        bar.addWidget(self.phase)
        bar.addWidget(self.this_week)
        bar.addWidget(self.overdue_only)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.setTabOrder(self.search, self.coordinator)
        self.setTabOrder(self.coordinator, self.phase)
        self.setTabOrder(self.phase, self.this_week)
        self.setTabOrder(self.this_week, self.overdue_only)
        self.setTabOrder(self.overdue_only, self.table)
        for signal in (
            self.search.textChanged,
            self.coordinator.currentIndexChanged,
            self.phase.currentIndexChanged,
            self.this_week.toggled,
            self.overdue_only.toggled,
        ):
            signal.connect(self._on_filter_changed)
        self.table.sig_row_activated.connect(self._on_table_row_activated)
        model.modelReset.connect(self._on_model_reset)
        # An edit changes a few rows in place: their phase may be new to the filter.
        model.dataChanged.connect(self._fill_filters)
        self._on_model_reset()

    def _fill_combo(self, combo: QComboBox, values: list[str]) -> None:
        current = combo.currentText() or ALL
        combo.blockSignals(True)
        combo.clear()
        combo.addItems([ALL, *values])
        combo.setCurrentText(current if current in values else ALL)
        combo.blockSignals(False)

    def _fill_filters(self) -> None:
        rows = [self.model.row_at(i) for i in range(self.model.rowCount())]
        self._fill_combo(self.coordinator, sorted({r.coordinator for r in rows if r.coordinator}))
        self._fill_combo(self.phase, sorted({r.phase for r in rows}))
        self._on_filter_changed()

    def _on_model_reset(self) -> None:
        self._fill_filters()
        if not self.columns_sized and self.model.rowCount():
            self.table.resizeColumnsToContents()
            self.columns_sized = True

    def _on_filter_changed(self) -> None:
        self.proxy.set_filters(
            search=self.search.text(),
            coordinator=self.coordinator.currentText() or ALL,
            phase=self.phase.currentText() or ALL,
            this_week=self.this_week.isChecked(),
            overdue_only=self.overdue_only.isChecked(),
        )
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown} of {total}")

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
