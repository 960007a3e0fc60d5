"""Qt table model over the occurrences of the open plan; edits go through undo commands.

The model reads the session's current plan and keeps no copy. ``setData`` never
edits the plan: it builds the edited plan with a pure ``planner.domain.plans``
function and pushes it through ``TransplantSession.push`` (undoable, saved at once).
It rebuilds its rows when a change touches the plan, and repaints the dose column
when the patient (weight, height) changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from planner.app.changes import PATIENT, PLAN, TRANSPLANT, Change
from planner.clinical.plan_rules.checks import findings_for_step
from planner.clinical.step_doses import DoseLine, plan_dose_line
from planner.domain.i18n import tr
from planner.domain.plans import (
    Occurrence,
    StepStatus,
    move_occurrences,
    occurrence_notes,
    set_step_note,
)
from planner.errors import ValidationError
from ui.translation import ENGLISH, QT_TRANSLATE_NOOP, format_date, shown_language
from ui.transplant_session import TransplantSession
from ui.widgets.date_field import to_date
from ui.widgets.status_style import phase_label, status_word

# English source texts, shown translated (headerData).
COLUMNS = (
    QT_TRANSLATE_NOOP("StepTableModel", "Day"),
    QT_TRANSLATE_NOOP("StepTableModel", "Date"),
    QT_TRANSLATE_NOOP("StepTableModel", "Phase"),
    QT_TRANSLATE_NOOP("StepTableModel", "Step"),
    QT_TRANSLATE_NOOP("StepTableModel", "Dose"),
    QT_TRANSLATE_NOOP("StepTableModel", "Status"),
    QT_TRANSLATE_NOOP("StepTableModel", "Note"),
)
DATE_COL = 1
DOSE_COL = 4
NOTE_COL = 6
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()


class StepTableModel(QAbstractTableModel):
    """One row per dated occurrence, by date.

    Signals:
        sig_refused: an edit was not applied; arg: the reason, for the status bar.
    """

    sig_refused = Signal(str)
    """Emitted with a one-sentence reason when an edit is refused."""

    def __init__(
        self,
        session: TransplantSession,
        move_handler: Callable[[str, tuple[int, ...] | None, int], None] | None = None,
    ) -> None:
        super().__init__()
        self._session = session
        # Moves go through the same handler as timeline drags (regimen confirmation).
        self._move_handler = move_handler
        self._rows: list[Occurrence] = []
        self._reload()
        session.sig_changed.connect(self._on_session_changed)

    def _reload(self) -> None:
        # The sorted occurrence list is a view of the plan, rebuilt on every change.
        self._rows = self._session.plan.sorted_occurrences()

    def occurrence(self, row: int) -> Occurrence:
        """The occurrence shown at ``row``."""
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("StepTableModel", COLUMNS[section])
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base
        occ = self._rows[index.row()]
        if index.column() == NOTE_COL or (
            index.column() == DATE_COL and occ.status is StepStatus.PLANNED
        ):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        occ = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(occ, col)
        if role == Qt.ItemDataRole.EditRole:
            if col == DATE_COL:  # ISO text: the app's one date format (DateFieldDelegate)
                return occ.date.isoformat()
            return self._display(occ, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(occ, col)
        if role == SORT_ROLE:
            return (occ.date.toordinal(), occ.title) if col in (0, 1) else self._display(occ, col)
        return None

    def _display(self, occ: Occurrence, col: int) -> str:
        step = self._session.plan.step(occ.step_id)
        if col == 0:
            return occ.label
        if col == 1:
            return format_date(occ.date, "%a %d %b %Y")
        if col == 2:
            # The stored value in English (as before), the phase's name in another language.
            return occ.phase.value if shown_language() == ENGLISH else phase_label(occ.phase)
        if col == 3:
            # Shown in the interface's language; stored, sorted and audited in English.
            return tr(occ.title)
        if col == 4:
            line = self._dose(occ)
            return line.text if line else ""
        if col == 5:
            # The reason is what a colleague needs next to "skipped" or "cancelled".
            rec = step.record_for(occ.anchor_day)
            reason = rec.reason if rec is not None and rec.reason else step.status_reason
            word = status_word(occ.status.value)
            return f"{word}: {reason}" if reason else word
        return step.note

    def _dose(self, occ: Occurrence) -> DoseLine | None:
        session = self._session
        return plan_dose_line(session.plan.step(occ.step_id), session.plan, session.facts, occ.date)

    def _tooltip(self, occ: Occurrence, col: int) -> str | None:
        if col == 4:
            line = self._dose(occ)
            return line.explanation if line else None
        if col == 3:
            step = self._session.plan.step(occ.step_id)
            checks = [f.sentence for f in findings_for_step(self._session.plan_findings(), step.id)]
            cancelled = [step.status_reason] if step.status_reason else []
            return "\n\n".join([*cancelled, *checks, step.notes]).strip() or None
        if col == 1 and occ.date != occ.planned_date:
            return self.tr("Planned {date}").format(
                date=format_date(occ.planned_date, "%a %d %b %Y")
            )
        if col in (5, 6):
            return "\n".join(occurrence_notes(self._session.plan, occ)) or None
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        occ = self._rows[index.row()]
        try:
            if index.column() == DATE_COL:
                return self._move(occ, value)
            if index.column() == NOTE_COL:
                after = set_step_note(self._session.plan, occ.step_id, str(value))
                self._session.push(after, f"Note on {occ.title}")
                return True
        except ValidationError as err:
            self.sig_refused.emit(str(err))
            return False
        return False

    def _move(self, occ: Occurrence, value: Any) -> bool:
        new_date = to_date(value)  # a date, a QDate or ISO text; anything else is refused
        if new_date is None:
            raise ValidationError(
                "date",
                self.tr("“{value}” is not a date: enter it as YYYY-MM-DD.").format(value=value),
            )
        delta = (new_date - occ.date).days
        if delta == 0:
            return False
        # A row is one occurrence: its date edit moves that occurrence, not the series.
        if self._move_handler is not None:
            self._move_handler(occ.step_id, (occ.anchor_day,), delta)
            return True
        after, _ = move_occurrences(self._session.plan, occ.step_id, (occ.anchor_day,), delta)
        self._session.push(after, f"Move {occ.title}")
        return True

    def _on_session_changed(self, change: Change) -> None:
        if change.touches(PLAN, TRANSPLANT):
            self.beginResetModel()
            self._reload()
            self.endResetModel()
        elif change.touches(PATIENT) and self._rows:  # doses follow weight and height
            self.dataChanged.emit(
                self.index(0, DOSE_COL), self.index(len(self._rows) - 1, DOSE_COL)
            )
