"""Set an anchor (mobilisation start, ...) to its real date: preview every change, give a reason.

Templates place anchors other than Day 0 at a default day relative to Day 0 (first
G-CSF dose at Day -14, say). When mobilisation really starts on another day, the
coordinator sets the real date: the anchor stops following Day 0, and its M-Day
numbering and every step counted from it follow the new date. A change that could not
be saved (``ui.dialogs.saving``) opens the dialog again with what was typed and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
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
from planner.domain.i18n import tr
from planner.domain.plans import DateChange, Plan, set_anchor_date
from planner.domain.templates import DAY0
from planner.errors import ValidationError
from ui.dialogs.date_changes import DateChangesTable, date_picker, ok_cancel
from ui.dialogs.saving import SaveErrorLine
from ui.translation import format_date


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
    # The label is stored in English (checked for "M-Day 1"), shown in the interface's language.
    text = f"{name}: {tr(state.label)}" if state.label else name
    mday = state.is_mobilisation and "M-Day 1" not in f"{name}: {state.label}"
    if not mday:
        return text
    return QCoreApplication.translate("anchor_dialog", "{anchor} (M-Day 1)").format(anchor=text)


class SetAnchorDialog(QDialog):
    """Preview of setting an anchor to a real date. Use ``SetAnchorDialog.ask``.

    ``typed`` and ``error``: the change typed before and why it was not saved (asked again).
    """

    def __init__(
        self,
        parent: QWidget | None,
        plan: Plan,
        *,
        typed: AnchorMove | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set an anchor date"))
        self.resize(900, 560)
        self._plan = plan
        self.changes: list[DateChange] = []
        self.anchor = QComboBox()
        self.anchor.setAccessibleName(self.tr("Anchor"))
        for name in settable_anchors(plan):
            self.anchor.addItem(anchor_title(plan, name), name)
        self.date_edit = date_picker(plan.day0, self.tr("Real date of the anchor"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(
            self.tr("e.g. G-CSF started two days late; bed availability")
        )
        self.reason.setAccessibleName(self.tr("Reason for setting the anchor date"))
        self.current = QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = DateChangesTable()
        self.error = SaveErrorLine(error)
        self.buttons = ok_cancel(self, self.tr("Set date"))
        form = QFormLayout()
        form.addRow(self.tr("&Anchor:"), self.anchor)
        form.addRow("", self.current)
        form.addRow(self.tr("Real &date:"), self.date_edit)
        form.addRow(self.tr("&Reason:"), self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.anchor.currentIndexChanged.connect(self._on_anchor_changed)
        # The preview follows the anchor and the date, not the reason's keystrokes.
        self.date_edit.changed.connect(self._on_date_changed)
        self.date_edit.validity_changed.connect(self._update_ok)
        self.reason.textChanged.connect(self._update_ok)
        self._on_anchor_changed()
        if typed is not None:
            index = self.anchor.findData(typed.anchor)
            if index >= 0:
                self.anchor.setCurrentIndex(index)  # refills the date and the preview
            self.date_edit.set_date(typed.date)
            self.reason.setText(typed.reason)
        # Open ready to type the reason: the first key typed never lands on a button.
        self.reason.setFocus()

    @property
    def anchor_name(self) -> str:
        """The anchor picked."""
        return str(self.anchor.currentData())

    @property
    def new_date(self) -> dt.date | None:
        """The date in the date field (None while what is typed is not a date)."""
        return self.date_edit.date()

    def _on_anchor_changed(self) -> None:
        name = self.anchor_name
        current = self._plan.anchor_date(name)
        fixed = self._plan.anchors[name].fixed_date is not None
        self.current.setText(
            (
                self.tr("Now {date} (a real date set earlier).")
                if fixed
                else self.tr("Now {date} (the template's default day).")
            ).format(date=format_date(current, "%a %d %b %Y"))
        )
        self.date_edit.blockSignals(True)
        self.date_edit.set_date(current)
        self.date_edit.blockSignals(False)
        self.date_edit.set_day0(self._plan.day0)
        self._on_date_changed()

    def _on_date_changed(self, *_args: object) -> None:
        new_date = self.new_date
        self.changes = []
        if new_date is None:
            self.summary.setText("")  # the field says what is wrong with the text
        else:
            try:
                _, changes = set_anchor_date(self._plan, self.anchor_name, new_date)
                self.changes = sorted(changes, key=lambda c: (c.old_date, c.title))
            except ValidationError as err:
                self.summary.setText("")
                self.date_edit.set_error(str(err))
            else:
                count = len(self.changes)
                if new_date == self._plan.anchor_date(self.anchor_name):
                    self.summary.setText(self.tr("Pick the real date, then give the reason."))
                else:
                    self.summary.setText(
                        (
                            self.tr("1 date changes.")
                            if count == 1
                            else self.tr("{n} dates change.").format(n=count)
                        )
                        + " "
                        + self.tr(
                            "Steps already done keep their real dates; the anchor no longer "
                            "follows Day 0."
                        )
                    )
        self._fill_table()
        self._update_ok()

    def _update_ok(self, *_args: object) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(
            self.date_edit.is_valid() and bool(self.changes) and bool(self.reason.text().strip())
        )

    def accept(self) -> None:
        """Close with the change, only when OK would: Enter never bypasses a refusal."""
        if not self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            self.date_edit.show_error()
            return
        super().accept()

    def _day_text(self, change: DateChange) -> str:
        """M-Day number for steps counted from an M-Day anchor, else the transplant day."""
        step = self._plan.step(change.step_id)
        anchor_date = self.new_date
        if (
            anchor_date is not None
            and step.anchor == self.anchor_name
            and self._plan.anchors[step.anchor].is_mobilisation
        ):
            return mobilisation_label(mobilisation_day(change.new_date, anchor_date))
        return day_label(change.new_day)

    def _fill_table(self) -> None:
        self.table.show_changes(self.changes, self._day_text)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        plan: Plan,
        *,
        typed: AnchorMove | None = None,
        error: str = "",
    ) -> AnchorMove | None:
        """Show the preview; the chosen change, or None if cancelled (``typed`` and
        ``error``: asked again after a failed save, see ``ui.dialogs.saving``)."""
        dialog = cls(parent, plan, typed=typed, error=error)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.new_date is not None:
            return AnchorMove(dialog.anchor_name, dialog.new_date, dialog.reason.text().strip())
        return None
