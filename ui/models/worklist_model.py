"""The "Today" worklist: steps due today and overdue across patients, with check-off."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from planner.app.board_rows import WorklistItem
from planner.app.snapshot import is_decoded
from planner.domain.i18n import tr
from ui.session import ClinicSession
from ui.translation import QT_TRANSLATE_NOOP, format_date
from ui.workers import when_gui_quiet

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
        # The lines shown: the session's as of the last reset. A stored board's are
        # decoded once the board is painted (``_on_session_board_changed``), and the
        # model must not change its rows between two resets.
        self._items: Sequence[WorklistItem] = ()
        session.sig_board_changed.connect(self._on_session_board_changed)

    def item(self, row: int) -> WorklistItem:
        """The item at ``row``."""
        return self._items[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

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
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
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
                self.sig_check_off_requested.emit(self._items[index.row()])
                return True
        return False

    def _on_session_board_changed(self) -> None:
        items = self._session.worklist
        if not is_decoded(items):
            # A stored board's lines: the Today tab is not what a start shows, so they
            # are decoded once the board is painted and the GUI is quiet (start-up
            # budget), or at once when the tab is shown first (``decode_now``).
            when_gui_quiet(self.decode_now, owner=self)
            items = ()
        self._show(items)

    def decode_now(self) -> None:
        """Show the session's lines, decoding them if they are not yet."""
        items = self._session.worklist
        if items is not self._items:
            self._show(items)

    def _show(self, items: Sequence[WorklistItem]) -> None:
        self.beginResetModel()
        self._items = items
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


def worklist_html(items: Sequence[WorklistItem], title: str) -> str:
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
