"""Move Day 0: pick the new date, see every date that changes, give a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from planner.domain.days import day_label
from planner.domain.plans import DateChange, Plan, StepStatus, infusion_given, reanchor
from planner.errors import ValidationError
from ui.dialogs.date_changes import DateChangesTable, date_picker, ok_cancel
from ui.dialogs.patient_dialog import pydate


@dataclass(frozen=True)
class Day0Move:
    """The user's decision: the new Day 0 and why."""

    new_day0: dt.date
    reason: str


class MoveDay0Dialog(QDialog):
    """Preview of a Day 0 move. Use ``MoveDay0Dialog.ask``."""

    def __init__(self, parent: QWidget | None, plan: Plan) -> None:
        super().__init__(parent)
        self.setWindowTitle("Move Day 0")
        self.resize(900, 560)
        self._plan = plan
        self.changes: list[DateChange] = []
        self.date_edit = date_picker(plan.day0, "New Day 0")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. donor delayed; infection; product issue")
        self.reason.setAccessibleName("Reason for moving Day 0")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = DateChangesTable()
        self.kept = QLabel()
        self.kept.setWordWrap(True)
        self.buttons = ok_cancel(self, "Move Day 0")
        form = QFormLayout()
        form.addRow(f"Day 0 is {plan.day0:%a %d %b %Y}. New &Day 0:", self.date_edit)
        form.addRow("&Reason:", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.kept)
        layout.addWidget(self.buttons)
        self.date_edit.dateChanged.connect(self._on_input_changed)
        self.reason.textChanged.connect(self._on_input_changed)
        self._on_input_changed()

    @property
    def new_day0(self) -> dt.date:
        """The date in the date field."""
        return pydate(self.date_edit.date())

    def _on_input_changed(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        new_day0 = self.new_day0
        if new_day0 == self._plan.day0:  # nothing picked yet: guidance, not an error
            self.changes = []
            self.summary.setText(self._guidance())
            self._fill_table()
            self.kept.setText("")
            ok.setEnabled(False)
            return
        try:
            _, changes = reanchor(self._plan, new_day0, self.reason.text() or "preview")
            self.changes = sorted(changes, key=lambda c: (c.old_date, c.title))
        except ValidationError as err:
            self.changes = []
            self.summary.setText(str(err))
        else:
            delta = (new_day0 - self._plan.day0).days
            self.summary.setText(
                f"Day 0 moves {abs(delta)} day{'s' if abs(delta) != 1 else ''} "
                f"{'later' if delta > 0 else 'earlier'}, to {new_day0:%a %d %b %Y}: "
                f"{len(self.changes)} date{'s' if len(self.changes) != 1 else ''} change."
            )
        self._fill_table()
        done = sum(1 for o in self._plan.occurrences() if o.status is StepStatus.DONE)
        self.kept.setText(
            f"{done} step{'s' if done != 1 else ''} already done keep their real dates."
            if done
            else ""
        )
        ok.setEnabled(bool(self.changes) and bool(self.reason.text().strip()))

    def _guidance(self) -> str:
        given = infusion_given(self._plan)
        if given is None:
            return "Pick the new Day 0, then give the reason."
        if given.date == self._plan.day0:
            return (
                f"The infusion is recorded as given on {given.date:%a %d %b %Y}, so Day 0 "
                "stays there. If that record is wrong, correct it first."
            )
        return (
            f"The infusion is recorded as given on {given.date:%a %d %b %Y}: Day 0 can "
            "only move to that date."
        )

    def _fill_table(self) -> None:
        self.table.show_changes(self.changes, lambda ch: day_label(ch.new_day))

    @classmethod
    def ask(cls, parent: QWidget | None, plan: Plan) -> Day0Move | None:
        """Show the preview; the chosen move, or None if cancelled."""
        dialog = cls(parent, plan)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return Day0Move(dialog.new_day0, dialog.reason.text().strip())
        return None
