"""Pieces shared by the re-plan dialogs (Move Day 0, Set anchor date).

Both preview every date a change moves in the same table, pick a date the same way and
end with the same buttons; only what is changed and how a day is numbered differ.

The preview is a model over the list of changes, not a table of items: a refill is one
model reset, and only the rows on screen are asked for their text. Its columns have
widths set once from the font, never measured from the rows: measuring 200 rows on every
refill (``ResizeToContents``) cost the dialog most of a second per keystroke.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QTableView,
    QWidget,
)

from planner.domain.i18n import tr
from planner.domain.plans import DateChange
from ui.translation import QT_TRANSLATE_NOOP, format_date
from ui.widgets.date_field import DateField, DateLimit

HEADERS = (
    QT_TRANSLATE_NOOP("DateChangesModel", "Step"),
    QT_TRANSLATE_NOOP("DateChangesModel", "Old date"),
    QT_TRANSLATE_NOOP("DateChangesModel", "New date"),
    QT_TRANSLATE_NOOP("DateChangesModel", "Day"),
)
_ROOT = QModelIndex()


class DateChangesModel(QAbstractTableModel):
    """The changes of a re-plan: step, old date, new date and its day number."""

    def __init__(self) -> None:
        super().__init__()
        self._changes: list[DateChange] = []
        self._day_text: Callable[[DateChange], str] = lambda _ch: ""

    def set_changes(
        self, changes: Sequence[DateChange], day_text: Callable[[DateChange], str]
    ) -> None:
        """Show ``changes``; ``day_text`` numbers a new date (Day -3, M-Day 2...)."""
        self.beginResetModel()
        self._changes = list(changes)
        self._day_text = day_text
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._changes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("DateChangesModel", HEADERS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not 0 <= index.row() < len(self._changes):
            return None
        ch = self._changes[index.row()]
        col = index.column()
        if col == 0:
            return tr(ch.title)
        if col == 1:
            return format_date(ch.old_date, "%a %d %b %Y")
        if col == 2:
            return format_date(ch.new_date, "%a %d %b %Y")
        return self._day_text(ch)


class DateChangesTable(QTableView):
    """Every date a re-plan changes, read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.changes_model = DateChangesModel()
        self.setModel(self.changes_model)
        self.setAccessibleName(self.tr("Dates that change"))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        date_width = metrics.horizontalAdvance("Wed 30 Sep 2026") + 24
        for col, width in ((1, date_width), (2, date_width)):
            header.resizeSection(col, width)
        header.resizeSection(3, metrics.horizontalAdvance("M-Day 100") + 24)

    def show_changes(
        self, changes: Sequence[DateChange], day_text: Callable[[DateChange], str]
    ) -> None:
        """One row per change; ``day_text`` numbers the new date (Day -3, M-Day 2...)."""
        self.changes_model.set_changes(changes, day_text)

    def rowCount(self) -> int:
        """Rows shown."""
        return self.changes_model.rowCount()

    def text(self, row: int, column: int) -> str:
        """The text shown in a cell."""
        return str(self.changes_model.data(self.changes_model.index(row, column)))


def date_picker(
    date: dt.date,
    accessible_name: str,
    *,
    minimum: DateLimit | None = None,
    maximum: DateLimit | None = None,
) -> DateField:
    """The app's ISO date field (typed YYYY-MM-DD or picked from its calendar)."""
    return DateField(date, accessible_name=accessible_name, minimum=minimum, maximum=maximum)


def ok_cancel(dialog: QDialog, ok_text: str = "") -> QDialogButtonBox:
    """OK (named for what it does, when ``ok_text`` is given) and Cancel, wired to accept
    and reject.

    Cancel is never the default button: Enter in a field never cancels.
    """
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert isinstance(ok, QPushButton)
    if ok_text:
        ok.setText(ok_text)
    ok.setDefault(True)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setAutoDefault(False)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
