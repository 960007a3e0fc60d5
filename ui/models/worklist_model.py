"""The "Today" worklist: steps due today and overdue across patients, with check-off."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from planner.app.board import WorklistItem
from planner.domain.i18n import tr
from ui.session import ClinicSession
from ui.translation import QT_TRANSLATE_NOOP, format_date

# English source texts, shown translated (``headers``).
COLUMNS = (
    QT_TRANSLATE_NOOP("WorklistModel", "Done"),
    QT_TRANSLATE_NOOP("WorklistModel", "Patient"),
    QT_TRANSLATE_NOOP("WorklistModel", "MRN"),
    QT_TRANSLATE_NOOP("WorklistModel", "Day"),
    QT_TRANSLATE_NOOP("WorklistModel", "Step"),
    QT_TRANSLATE_NOOP("WorklistModel", "Planned"),
    QT_TRANSLATE_NOOP("WorklistModel", "Status"),
)


def headers() -> list[str]:
    """The column headers in the interface's language."""
    return [QCoreApplication.translate("WorklistModel", c) for c in COLUMNS]


_ROOT = QModelIndex()


class WorklistModel(QAbstractTableModel):
    """Rows from the session's worklist; ticking a row asks for it to be marked done.

    Signals:
        sig_check_off_requested: the user ticked a row; arg: the WorklistItem.
    """

    sig_check_off_requested = Signal(object)
    """Emitted with the ``WorklistItem`` the user ticked."""

    def __init__(self, session: ClinicSession) -> None:
        super().__init__()
        self._session = session
        session.sig_board_changed.connect(self._on_session_board_changed)

    def item(self, row: int) -> WorklistItem:
        """The item at ``row``."""
        return self._session.worklist[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._session.worklist)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("WorklistModel", COLUMNS[section])
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._session.worklist):
            return None
        item = self._session.worklist[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            return Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return _cells(item)[index.column()]
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
            if checked:
                self.sig_check_off_requested.emit(self._session.worklist[index.row()])
                return True
        return False

    def _on_session_board_changed(self) -> None:
        self.beginResetModel()
        self.endResetModel()


def _cells(item: WorklistItem) -> tuple[str, ...]:
    return (
        "",
        item.name,
        item.mrn,
        item.day_label,
        tr(item.title),
        format_date(item.date, "%a %d %b"),
        QCoreApplication.translate("WorklistModel", "OVERDUE")
        if item.overdue
        else QCoreApplication.translate("WorklistModel", "due today"),
    )


def worklist_html(items: list[WorklistItem], title: str) -> str:
    """The printable worklist: every value escaped, so text never becomes markup.

    The header row is a ``thead``: Qt repeats it at the top of every printed page.
    """
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in ("[  ]", *_cells(i)[1:])) + "</tr>"
        for i in items
    )
    head = "".join(f"<th>{html.escape(c)}</th>" for c in headers())
    return (
        f"<h2>{html.escape(title)}</h2><table border='1' cellspacing='0' cellpadding='4'>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
