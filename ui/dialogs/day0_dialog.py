"""Move Day 0: pick the new date, see every date that changes, give a reason.

The preview is computed when the date changes, never on a keystroke of the reason, by
the use case's own pure function (``planner.app.plans.day0_move``) when the dialog is
given the transplant, its patient and today: a refused date (before today, more than a
year ahead, away from a given infusion) is explained under the date and the dialog stays
open with what was typed. A move that could not be saved (``ui.dialogs.saving``) opens the
dialog again with the date and reason typed and the reason it failed.
"""

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

from planner.app.plans import day0_move
from planner.domain.days import day_label
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import DateChange, Plan, StepStatus, infusion_given, reanchor
from planner.errors import ValidationError
from ui.dialogs.date_changes import DateChangesTable, date_picker, ok_cancel
from ui.dialogs.saving import SaveErrorLine
from ui.translation import format_date

_PREVIEW_REASON = "preview"  # the preview needs a reason; the one typed is used on OK


@dataclass(frozen=True)
class Day0Move:
    """The user's decision: the new Day 0 and why."""

    new_day0: dt.date
    reason: str


class MoveDay0Dialog(QDialog):
    """Preview of a Day 0 move. Use ``MoveDay0Dialog.ask``.

    With ``today``, ``transplant`` and ``patient`` the preview is the use case's own
    check (``day0_move``); without them (tools) only the plan's own rules apply.
    ``typed`` and ``error``: the move typed before and why it was not saved (asked again).
    """

    def __init__(
        self,
        parent: QWidget | None,
        plan: Plan,
        *,
        today: dt.date | None = None,
        transplant: Transplant | None = None,
        patient: Patient | None = None,
        typed: Day0Move | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Move Day 0"))
        self.resize(900, 560)
        self._plan = plan
        self._today = today
        self._transplant = transplant
        self._patient = patient
        self.changes: list[DateChange] = []
        self.date_edit = date_picker(plan.day0, self.tr("New Day 0"))
        self.date_edit.set_day0(plan.day0)  # "Day +7": how far from the Day 0 it replaces
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("e.g. donor delayed; infection; product issue"))
        self.reason.setAccessibleName(self.tr("Reason for moving Day 0"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = DateChangesTable()
        self.kept = QLabel()
        self.kept.setWordWrap(True)
        self.error = SaveErrorLine(error)
        self.buttons = ok_cancel(self, self.tr("Move Day 0"))
        form = QFormLayout()
        form.addRow(
            self.tr("Day 0 is {date}. New &Day 0:").format(
                date=format_date(plan.day0, "%a %d %b %Y")
            ),
            self.date_edit,
        )
        form.addRow(self.tr("&Reason:"), self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.kept)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        done = sum(1 for o in plan.occurrences() if o.status is StepStatus.DONE)
        if done == 1:
            self.kept.setText(self.tr("1 step already done keeps its real date."))
        elif done:
            self.kept.setText(
                self.tr("{n} steps already done keep their real dates.").format(n=done)
            )
        self.date_edit.changed.connect(self._on_date_changed)
        self.date_edit.validity_changed.connect(self._update_ok)
        self.reason.textChanged.connect(self._update_ok)  # the preview does not change
        if typed is not None:
            self.date_edit.set_date(typed.new_day0)  # refills the preview
            self.reason.setText(typed.reason)
        self._on_date_changed()
        # Open ready to type the reason: the first key typed never lands on a button.
        self.reason.setFocus()

    @property
    def new_day0(self) -> dt.date | None:
        """The date in the date field (None while what is typed is not a date)."""
        return self.date_edit.date()

    def _preview(self, new_day0: dt.date) -> list[DateChange]:
        if self._today and self._transplant is not None and self._patient is not None:
            _, _, changes = day0_move(
                self._plan,
                self._transplant,
                self._patient,
                new_day0,
                _PREVIEW_REASON,
                today=self._today,
            )
        else:
            _, changes = reanchor(self._plan, new_day0, _PREVIEW_REASON)
        return sorted(changes, key=lambda c: (c.old_date, c.title))

    def _on_date_changed(self, *_args: object) -> None:
        new_day0 = self.new_day0
        self.changes = []
        if new_day0 is None:
            self.summary.setText("")  # the field says what is wrong with the text
        elif new_day0 == self._plan.day0:  # nothing picked yet: guidance, not an error
            self.summary.setText(self._guidance())
        else:
            try:
                self.changes = self._preview(new_day0)
            except ValidationError as err:
                self.summary.setText("")
                self.date_edit.set_error(str(err))
            else:
                self.summary.setText(self._moves(new_day0))
        self.table.show_changes(self.changes, lambda ch: day_label(ch.new_day))
        self._update_ok()

    def _moves(self, new_day0: dt.date) -> str:
        """ "Day 0 moves 3 days later, to ...: 12 dates change." """
        delta = (new_day0 - self._plan.day0).days
        if delta > 0:
            moves = (
                self.tr("Day 0 moves 1 day later, to {date}:")
                if delta == 1
                else self.tr("Day 0 moves {n} days later, to {date}:")
            )
        else:
            moves = (
                self.tr("Day 0 moves 1 day earlier, to {date}:")
                if delta == -1
                else self.tr("Day 0 moves {n} days earlier, to {date}:")
            )
        count = len(self.changes)
        change = (
            self.tr("1 date changes.")
            if count == 1
            else self.tr("{n} dates change.").format(n=count)
        )
        return moves.format(n=abs(delta), date=format_date(new_day0, "%a %d %b %Y")) + " " + change

    def _update_ok(self, *_args: object) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(
            self.date_edit.is_valid() and bool(self.changes) and bool(self.reason.text().strip())
        )

    def _guidance(self) -> str:
        given = infusion_given(self._plan)
        if given is None:
            return self.tr("Pick the new Day 0, then give the reason.")
        if given.date == self._plan.day0:
            return self.tr(
                "The infusion is recorded as given on {date}, so Day 0 stays there. "
                "If that record is wrong, correct it first."
            ).format(date=format_date(given.date, "%a %d %b %Y"))
        return self.tr(
            "The infusion is recorded as given on {date}: Day 0 can only move to that date."
        ).format(date=format_date(given.date, "%a %d %b %Y"))

    def accept(self) -> None:
        """Close with the move, only when OK would: Enter never bypasses a refusal."""
        if not self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            self.date_edit.show_error()
            return
        super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        plan: Plan,
        *,
        today: dt.date | None = None,
        transplant: Transplant | None = None,
        patient: Patient | None = None,
        typed: Day0Move | None = None,
        error: str = "",
    ) -> Day0Move | None:
        """Show the preview; the chosen move, or None if cancelled (``typed`` and
        ``error``: asked again after a failed save, see ``ui.dialogs.saving``)."""
        dialog = cls(
            parent,
            plan,
            today=today,
            transplant=transplant,
            patient=patient,
            typed=typed,
            error=error,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.new_day0 is not None:
            return Day0Move(dialog.new_day0, dialog.reason.text().strip())
        return None
