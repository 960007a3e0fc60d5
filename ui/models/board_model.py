"""Qt table model over the clinic board rows held by the session."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from planner.app.board import BoardRow
from ui.session import ClinicSession

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("mrn", "MRN"),
    ("transplant_type", "Type"),
    ("day_label", "Day"),
    # Alerts right after the phase: at 1366 px they must be on screen without scrolling.
    ("phase", "Phase"),
    ("alerts", "Alerts"),
    ("due_today", "Due today"),
    ("overdue", "Overdue"),
    ("coordinator", "Coordinator"),
)


_ROOT = QModelIndex()


def _cell(row: BoardRow, key: str) -> str:
    value = getattr(row, key)
    if isinstance(value, tuple):
        return "; ".join(value)
    return str(value)


def alerts_tooltip(row: BoardRow) -> str:
    """Each alert with the rule that raised it (Standards: alerts show their rule)."""
    rules = row.alert_rules + ("",) * (len(row.alerts) - len(row.alert_rules))
    return "\n\n".join(
        f"{text}\n    Why: {rule}" if rule else text
        for text, rule in zip(row.alerts, rules, strict=False)
    )


class BoardTableModel(QAbstractTableModel):
    """One row per active transplant; reads the session's rows, keeps no copy."""

    def __init__(self, session: ClinicSession) -> None:
        super().__init__()
        self._session = session
        session.sig_board_changed.connect(self._on_session_board_changed)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._session.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._session.rows):
            return None
        row = self._session.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and key == "phase":
            return row.phase_rule
        if role == Qt.ItemDataRole.ToolTipRole and key == "alerts":
            return alerts_tooltip(row) or None
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(getattr(row, key), tuple):
            return "\n".join(getattr(row, key)) or None  # full text of a capped column
        if role == Qt.ItemDataRole.UserRole:
            return row.transplant_id
        if role == Qt.ItemDataRole.UserRole + 1 and key == "day_label":
            return row.day if row.day is not None else -(10**6)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def row_at(self, row: int) -> BoardRow:
        """The board row shown at ``row``."""
        return self._session.rows[row]

    def _on_session_board_changed(self) -> None:
        self.beginResetModel()
        self.endResetModel()
