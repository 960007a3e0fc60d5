"""A read-only table of rows kept as objects, each cell written only when a view asks.

For lists that can run to tens of thousands of rows (the registry forms of a long
history, the rejected rows of a lab file read with the wrong mapping): a table widget
makes an item per cell on the GUI thread before anything is shown (2.6 s for 78,000
forms, 3.5 s for 100,000 rejected rows), while a view asks for the cells it paints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

_ROOT = QModelIndex()


class LazyTableModel(QAbstractTableModel):
    """Rows and the function that writes one row's cells.

    Args:
        headers: the column titles as shown (translated by the caller).
        cells: a row's texts, in column order.
        foreground: the colour of a row's cell in a column, or None for the default.
        tooltips: each cell's tooltip is its whole text (for cells a column cuts short).
    """

    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[Any], tuple[str, ...]],
        *,
        foreground: Callable[[Any, int], QColor | None] | None = None,
        tooltips: bool = False,
    ) -> None:
        super().__init__()
        self._headers = tuple(headers)
        self._cells = cells
        self._foreground = foreground
        self._tooltips = tooltips
        self._rows: tuple[Any, ...] = ()
        # The last row written: a view asks for a row's cells one column at a time.
        self._written: tuple[int, tuple[str, ...]] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show these rows instead."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self._written = None
        self.endResetModel()

    def row(self, index: int) -> Any:
        """The object shown at row ``index``."""
        return self._rows[index]

    def cells(self, index: int) -> tuple[str, ...]:
        """The texts of row ``index`` as shown, in column order."""
        return self._cells(self._rows[index])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole or (
            role == Qt.ItemDataRole.ToolTipRole and self._tooltips
        ):
            row = index.row()
            if self._written is None or self._written[0] != row:
                self._written = (row, self.cells(row))
            return self._written[1][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and self._foreground is not None:
            return self._foreground(self._rows[index.row()], index.column())
        return None
