"""The registry forms list (View > Registry forms due) as a table model.

A long history lists tens of thousands of forms (never ticked in a programme that kept
them elsewhere before): a table widget made five items a form on the GUI thread (1.2 s
for 78,000 forms before any date was written). The model keeps the list and writes a
cell only when the view paints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from planner.app.forms import DONE, PAST_DUE, FormDue
from planner.domain.i18n import tr
from ui.translation import format_date

COLUMNS = 5  # MRN, form, due, window ends, status
STATUS_COLUMN = 4
_STATUS_COLOURS = {PAST_DUE: QColor("#b91c1c"), DONE: QColor("#15803d")}
_DATE = "%a %d %b %Y"
_ROOT = QModelIndex()


class FormsModel(QAbstractTableModel):
    """The forms of the last read, one row each, in the order read; ``headers``: the five
    column titles as shown (the dialog's, translated there)."""

    def __init__(self, headers: Sequence[str]) -> None:
        super().__init__()
        if len(headers) != COLUMNS:
            raise ValueError(f"{COLUMNS} column headers are needed, not {len(headers)}")
        self._headers = tuple(headers)
        self._forms: tuple[FormDue, ...] = ()

    def set_forms(self, forms: Sequence[FormDue]) -> None:
        """Show these forms instead."""
        self.beginResetModel()
        self._forms = tuple(forms)
        self.endResetModel()

    def form(self, row: int) -> FormDue:
        """The form at ``row``."""
        return self._forms[row]

    def cells(self, row: int) -> tuple[str, ...]:
        """The texts of ``row`` as shown, in column order."""
        form = self._forms[row]
        return (
            form.mrn,
            tr(form.form),
            format_date(form.due, _DATE),
            format_date(form.window_end, _DATE),
            tr(form.status),
        )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._forms)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._forms):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(index.row())[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATUS_COLUMN:
            return _STATUS_COLOURS.get(self._forms[index.row()].status)
        return None
