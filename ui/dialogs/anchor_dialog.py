"""Set an anchor (mobilisation start, ...) to its real date: preview every change, give a reason.

Templates place anchors other than Day 0 at a default day relative to Day 0 (first
G-CSF dose at Day -14, say). When mobilisation really starts on another day, the
coordinator sets the real date: the anchor stops following Day 0, and its M-Day
numbering and every step counted from it follow the new date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from planner.domain.days import day_label, mobilisation_day, mobilisation_label
from planner.domain.plans import DateChange, Plan, set_anchor_date
from planner.domain.templates import DAY0
from planner.errors import ValidationError
from ui.dialogs.date_changes import DateChangesTable, date_picker, ok_cancel
from ui.dialogs.patient_dialog import pydate, qdate


@dataclass(frozen=True)
class AnchorMove:
    """The user's decision: which anchor, its real date, and why."""

    anchor: str
    date: dt.date
    reason: str


def settable_anchors(plan: Plan) -> list[str]:
    """The plan's anchors other than Day 0 (Day 0 has its own action)."""
    return [name for name in plan.anchors if name != DAY0]


def anchor_title(plan: Plan, name: str) -> str:
    """ "mobilisation: first G-CSF dose (M-Day 1)" for the anchor picker."""
    state = plan.anchors[name]
    text = f"{name}: {state.label}" if state.label else name
    mday = state.is_mobilisation and "M-Day 1" not in text
    return text + (" (M-Day 1)" if mday else "")


class SetAnchorDialog(QDialog):
    """Preview of setting an anchor to a real date. Use ``SetAnchorDialog.ask``."""

    def __init__(self, parent: QWidget | None, plan: Plan) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set an anchor date")
        self.resize(900, 560)
        self._plan = plan
        self.changes: list[DateChange] = []
        self.anchor = QComboBox()
        self.anchor.setAccessibleName("Anchor")
        for name in settable_anchors(plan):
            self.anchor.addItem(anchor_title(plan, name), name)
        self.date_edit = date_picker(plan.day0, "Real date of the anchor")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. G-CSF started two days late; bed availability")
        self.reason.setAccessibleName("Reason for setting the anchor date")
        self.current = QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = DateChangesTable()
        self.buttons = ok_cancel(self, "Set date")
        form = QFormLayout()
        form.addRow("&Anchor:", self.anchor)
        form.addRow("", self.current)
        form.addRow("Real &date:", self.date_edit)
        form.addRow("&Reason:", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.anchor.currentIndexChanged.connect(self._on_anchor_changed)
        self.date_edit.dateChanged.connect(self._on_input_changed)
        self.reason.textChanged.connect(self._on_input_changed)
        self._on_anchor_changed()

    @property
    def anchor_name(self) -> str:
        """The anchor picked."""
        return str(self.anchor.currentData())

    @property
    def new_date(self) -> dt.date:
        """The date in the date field."""
        return pydate(self.date_edit.date())

    def _on_anchor_changed(self) -> None:
        name = self.anchor_name
        current = self._plan.anchor_date(name)
        fixed = self._plan.anchors[name].fixed_date is not None
        self.current.setText(
            f"Now {current:%a %d %b %Y} "
            + ("(a real date set earlier)." if fixed else "(the template's default day).")
        )
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(qdate(current))
        self.date_edit.blockSignals(False)
        self._on_input_changed()

    def _on_input_changed(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            _, changes = set_anchor_date(self._plan, self.anchor_name, self.new_date)
            self.changes = sorted(changes, key=lambda c: (c.old_date, c.title))
        except ValidationError as err:
            self.changes = []
            self.summary.setText(str(err))
        else:
            count = len(self.changes)
            self.summary.setText(
                "Pick the real date, then give the reason."
                if self.new_date == self._plan.anchor_date(self.anchor_name)
                else f"{count} date{'s' if count != 1 else ''} change. Steps already done keep "
                "their real dates; the anchor no longer follows Day 0."
            )
        self._fill_table()
        ok.setEnabled(bool(self.changes) and bool(self.reason.text().strip()))

    def _day_text(self, change: DateChange) -> str:
        """M-Day number for steps counted from an M-Day anchor, else the transplant day."""
        step = self._plan.step(change.step_id)
        if step.anchor == self.anchor_name and self._plan.anchors[step.anchor].is_mobilisation:
            return mobilisation_label(mobilisation_day(change.new_date, self.new_date))
        return day_label(change.new_day)

    def _fill_table(self) -> None:
        self.table.show_changes(self.changes, self._day_text)

    @classmethod
    def ask(cls, parent: QWidget | None, plan: Plan) -> AnchorMove | None:
        """Show the preview; the chosen change, or None if cancelled."""
        dialog = cls(parent, plan)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return AnchorMove(dialog.anchor_name, dialog.new_date, dialog.reason.text().strip())
        return None
