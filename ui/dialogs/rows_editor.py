"""The small table behind a calculator's "rows" input (temperature readings, regimen
components)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class RowsEditor(QWidget):
    """A small table of text rows (temperature readings, regimen components).

    Signals:
        changed: a cell, or the number of rows, changed.
    """

    changed = Signal()
    """Emitted after any edit."""

    def __init__(self, columns: Sequence[str], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(columns))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels(list(columns))
        self.table.setAccessibleName(name)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(85 * len(columns))
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(110)
        self.table.setMaximumHeight(150)
        self.table.cellChanged.connect(lambda _row, _col: self.changed.emit())
        add = QPushButton(self.tr("Add row"))
        add.setAccessibleName(self.tr("Add a row to {name}").format(name=name))
        add.clicked.connect(self.add_row)
        remove = QPushButton(self.tr("Remove row"))
        remove.setAccessibleName(self.tr("Remove the selected row of {name}").format(name=name))
        remove.clicked.connect(self.remove_row)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_row()

    def add_row(self, values: Sequence[str] = ()) -> None:
        """Append a row (empty unless ``values`` are given)."""
        self.table.blockSignals(True)
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col in range(self.table.columnCount()):
            text = values[col] if col < len(values) else ""
            self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.changed.emit()

    def remove_row(self) -> None:
        """Remove the current row."""
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        """Replace every row."""
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for row in rows:
            self.add_row([str(v) for v in row])
        if not rows:
            self.add_row()

    def rows(self) -> list[tuple[str, ...]]:
        """The rows with any text, cells stripped."""
        found: list[tuple[str, ...]] = []
        for row in range(self.table.rowCount()):
            cells = []
            for col in range(self.table.columnCount()):
                item = self.table.item(row, col)
                cells.append("" if item is None else item.text().strip())
            if any(cells):
                found.append(tuple(cells))
        return found
