"""Qt table model over the clinic board rows held by the session."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from planner.app import alert_rules
from planner.app.alert_rules import shown_severity
from planner.app.board_rows import BoardRow
from planner.domain.i18n import tr
from ui.session import ClinicSession
from ui.translation import QT_TRANSLATE_NOOP

# (key, header): the headers are English source texts, shown translated (headerData).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", QT_TRANSLATE_NOOP("BoardTableModel", "Name")),
    ("mrn", QT_TRANSLATE_NOOP("BoardTableModel", "MRN")),
    ("transplant_type", QT_TRANSLATE_NOOP("BoardTableModel", "Type")),
    ("day_label", QT_TRANSLATE_NOOP("BoardTableModel", "Day")),
    # Alerts right after the phase: at 1366 px they must be on screen without scrolling.
    ("phase", QT_TRANSLATE_NOOP("BoardTableModel", "Phase")),
    ("alerts", QT_TRANSLATE_NOOP("BoardTableModel", "Alerts")),
    ("due_today", QT_TRANSLATE_NOOP("BoardTableModel", "Due today")),
    ("overdue", QT_TRANSLATE_NOOP("BoardTableModel", "Overdue")),
    ("coordinator", QT_TRANSLATE_NOOP("BoardTableModel", "Coordinator")),
)

# The phases of planner.app.board (PhaseReading.phase), shown translated: the board keeps
# the English value for filtering and sorting.
PHASES = (
    QT_TRANSLATE_NOOP("phases", "work-up"),
    QT_TRANSLATE_NOOP("phases", "mobilising"),
    QT_TRANSLATE_NOOP("phases", "conditioning"),
    QT_TRANSLATE_NOOP("phases", "infusion"),
    QT_TRANSLATE_NOOP("phases", "pre-engraftment"),
    QT_TRANSLATE_NOOP("phases", "engrafted"),
    QT_TRANSLATE_NOOP("phases", "recovery"),
    QT_TRANSLATE_NOOP("phases", "day +100"),
    QT_TRANSLATE_NOOP("phases", "late phase"),
    QT_TRANSLATE_NOOP("phases", "long-term follow-up"),
    QT_TRANSLATE_NOOP("phases", "monitoring"),
    # The statuses that take a transplant off the board: the phase of a closed row.
    QT_TRANSLATE_NOOP("phases", "completed"),
    QT_TRANSLATE_NOOP("phases", "cancelled"),
    QT_TRANSLATE_NOOP("phases", "deceased"),
)


# Transplant types (Transplant.transplant_type), shown translated like the phases.
TRANSPLANT_TYPES = {
    "autologous": QT_TRANSLATE_NOOP("transplant_types", "autologous"),
    "allogeneic": QT_TRANSLATE_NOOP("transplant_types", "allogeneic"),
    "car-t": QT_TRANSLATE_NOOP("transplant_types", "CAR-T"),
}


# Graft sources (Transplant.graft_source), shown translated.
GRAFT_SOURCES = {
    "pbsc": QT_TRANSLATE_NOOP("graft_sources", "pbsc"),
    "marrow": QT_TRANSLATE_NOOP("graft_sources", "marrow"),
    "cord": QT_TRANSLATE_NOOP("graft_sources", "cord"),
    "cell-product": QT_TRANSLATE_NOOP("graft_sources", "CAR T-cell product"),
}


def shown_graft_source(value: str) -> str:
    """A graft source in the interface's language ("PBSC" in English, as the team says)."""
    if value in GRAFT_SOURCES:
        shown = QCoreApplication.translate("graft_sources", GRAFT_SOURCES[value])
        return shown.upper() if shown == value else shown
    return value


def shown_transplant_type(value: str) -> str:
    """A transplant type in the interface's language."""
    if value in TRANSPLANT_TYPES:
        return QCoreApplication.translate("transplant_types", TRANSPLANT_TYPES[value])
    return value


def shown_phase(phase: str) -> str:
    """A board phase in the interface's language (one not in ``PHASES`` as it is)."""
    return QCoreApplication.translate("phases", phase) if phase in PHASES else phase


NO_DAY = 10**9  # rows without a day sort after every day


def sort_key(row: BoardRow, key: str) -> int | str:
    """The sort value of a cell: the day number for Day (rows without one last); for
    Alerts the most severe first, then the most alerts, then the text; else its text."""
    if key == "day_label":
        return row.day if row.day is not None else NO_DAY
    if key == "alerts":
        items = row.alert_items
        rank = (
            alert_rules.severity_rank(items[0].severity) if items else len(alert_rules.SEVERITIES)
        )
        return f"{rank}{999 - min(len(items), 999):03d}" + "; ".join(row.alerts)
    return _cell(row, key)


ALERTS_COLUMN = next(i for i, (key, _) in enumerate(COLUMNS) if key == "alerts")
# The row's alerts (``BoardRow.alert_items``: text, rule, severity; most severe first),
# for the board's alerts delegate.
ALERTS_ROLE = Qt.ItemDataRole.UserRole + 2

_ROOT = QModelIndex()


def alerts_text(row: BoardRow) -> str:
    """The Alerts cell as text: most severe first, a high alert after "!"."""
    return "; ".join(a.marked for a in row.alert_items)


def _cell(row: BoardRow, key: str) -> str:
    if key == "alerts":
        return alerts_text(row)
    if key == "phase":
        return shown_phase(row.phase)
    if key == "transplant_type":
        return shown_transplant_type(row.transplant_type)
    value = getattr(row, key)
    if isinstance(value, tuple):
        # Step titles (due today, overdue): kept in English on the row, shown translated.
        return "; ".join(tr(v) for v in value)
    return str(value)


def alerts_tooltip(row: BoardRow) -> str:
    """Every alert, most severe first, with its severity and the rule that raised it
    (Standards: alerts show their rule)."""
    why = QCoreApplication.translate("BoardTableModel", "Why: {rule}")
    return "\n\n".join(
        f"{shown_severity(a.severity).upper()}: {a.text}"
        + (f"\n    {why.format(rule=a.rule)}" if a.rule else "")
        for a in row.alert_items
    )


class BoardTableModel(QAbstractTableModel):
    """One row per active transplant: a view of the session's rows (with the closed
    transplants after them when ``show_closed`` is on).

    The model sorts itself (``sort``, which the board's proxy forwards a header click
    to): the sort keys are read once per row and sorted by Python's sort, instead of Qt
    asking ``data`` for two keys on every comparison (a Python call each: 1.2 s for 5,000
    rows). Its base order is the session's (board order); a sort is stable over it. When
    the board is recomputed for the same transplants (after an edit), only the rows that
    changed are reported (``dataChanged``), after a layout change if the order moved.
    """

    def __init__(self, session: ClinicSession) -> None:
        super().__init__()
        self._session = session
        self._order: list[str] = []  # transplant ids, in this model's row order
        self._rows: dict[str, BoardRow] = {}  # the session's rows by transplant id
        self._base: list[str] = []  # transplant ids in the session's order
        self._sort_key: str | None = None  # COLUMNS key sorted by (None: session order)
        self._descending = False
        self.show_closed = False
        self._take(self._shown())
        session.sig_board_changed.connect(self._on_session_board_changed)

    def _shown(self) -> list[BoardRow]:
        rows = self._session.rows
        if self.show_closed:
            return rows + self._session.closed_rows
        # The closed transplants a search found in the store (none without a search).
        return rows + self._session.found_rows

    def search_closed(self, text: str) -> None:
        """Also show the closed transplants of the patients ``text`` finds in the store
        (they come with the session's next board change; a blank text takes them away)."""
        self._session.search_closed(text)

    @property
    def closed_found(self) -> tuple[int, bool]:
        """How many closed rows a search added, and whether the store may hold more."""
        found = self._session.found
        if self.show_closed or found is None:
            return 0, False
        return len(self._session.found_rows), found.more

    def set_show_closed(self, show: bool) -> None:
        """Add the completed, cancelled and deceased transplants to the rows, or take them
        away."""
        if show == self.show_closed:
            return
        self.show_closed = show
        # Read when first asked for: the rows come with sig_board_changed.
        self._session.want_closed(show)
        self.beginResetModel()
        self._take(self._shown())
        self.endResetModel()

    def _take(self, rows: list[BoardRow]) -> None:
        self._base = [r.transplant_id for r in rows]
        self._rows = {r.transplant_id: r for r in rows}
        self._order = self._sorted()

    def _sorted(self) -> list[str]:
        """The base order sorted by the current column (stable, so ties keep it)."""
        key = self._sort_key
        if key is None:
            return list(self._base)
        rows = self._rows
        return sorted(
            self._base, key=lambda tid: sort_key(rows[tid], key), reverse=self._descending
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` (-1: the session's order) and say so as a layout change."""
        self._sort_key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else None
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._relayout()

    def _relayout(self) -> None:
        """Apply the current sort; persistent indexes (selection, current) follow their
        transplants."""
        new = self._sorted()
        if new == self._order:
            return
        self.layoutAboutToBeChanged.emit()
        where = {tid: i for i, tid in enumerate(new)}
        old = self.persistentIndexList()
        moved = [self.index(where[self._order[p.row()]], p.column()) for p in old]
        self._order = new
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        row = self._rows[self._order[index.row()]]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and key == "phase":
            return row.phase_rule
        if role == Qt.ItemDataRole.ToolTipRole and key == "alerts":
            return alerts_tooltip(row) or None
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(getattr(row, key), tuple):
            return "\n".join(getattr(row, key)) or None  # full text of a capped column
        if role == ALERTS_ROLE and key == "alerts":
            return row.alert_items
        if role == Qt.ItemDataRole.UserRole:
            return row.transplant_id
        if role == Qt.ItemDataRole.UserRole + 1 and key == "day_label":
            return row.day if row.day is not None else -(10**6)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("BoardTableModel", COLUMNS[section][1])
        return None

    def row_at(self, row: int) -> BoardRow:
        """The board row of this model's row ``row``."""
        return self._rows[self._order[row]]

    def _on_session_board_changed(self) -> None:
        rows = self._shown()
        if len(rows) != len(self._order) or any(r.transplant_id not in self._rows for r in rows):
            self.beginResetModel()
            self._take(rows)
            self.endResetModel()
            return
        old, self._rows = self._rows, {r.transplant_id: r for r in rows}
        self._base = [r.transplant_id for r in rows]
        self._relayout()
        last = len(COLUMNS) - 1
        for i, tid in enumerate(self._order):
            if self._rows[tid] != old[tid]:
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))
