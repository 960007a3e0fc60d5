"""Small dialogs for one step: mark done (with the real date), skip (with a reason), note;
and the confirmation asked before a regimen-tied step leaves its relative day.

Each opens with the keyboard in the field to fill, and Cancel is never the default
button: a reason typed at once never presses a button (a space on a focused Cancel
used to cancel the dialog). Asked again after a failed save (``ui.dialogs.saving``),
each shows what was typed (``typed``) and why it was not saved (``error``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from planner.domain.i18n import tr
from planner.domain.plans import Occurrence
from ui.dialogs.saving import SaveErrorLine
from ui.translation import format_date
from ui.widgets.date_field import DateField, DateLimit


@dataclass(frozen=True)
class DoneEntry:
    """When an occurrence really happened, a note for late or changed entries, and why a
    refusal was overridden (empty when none was asked)."""

    actual_date: dt.date
    note: str
    override: str = ""


def _dialog(
    parent: QWidget | None, title: str, error: str = ""
) -> tuple[QDialog, QFormLayout, QDialogButtonBox]:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    form = QFormLayout()
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(SaveErrorLine(error))
    layout.addWidget(buttons)
    return dialog, form, buttons


def run_step_dialog(dialog: QDialog) -> int:
    """Run a dialog modally (the seam GUI tests replace to type into it)."""
    return dialog.exec()


def _accept_when_valid(dialog: QDialog, field: DateField) -> None:
    """Close only with an acceptable date; else the refusal shows under the field."""
    if field.is_valid():
        dialog.accept()
        return
    field.show_error()
    field.setFocus()


def _ask_override(dialog: QDialog, field: DateField, reason: list[str]) -> None:
    """Ask why the refusal is overridden; with a reason (and a valid date), close."""
    if not field.is_valid():
        field.show_error()
        field.setFocus()
        return
    why = StepDialogs.ask_reason(
        dialog,
        QCoreApplication.translate("StepDialogs", "Override"),
        QCoreApplication.translate(
            "StepDialogs",
            "Why is this dose given before the graft is secured? "
            "(Recorded with your name and the time.)",
        ),
    )
    if why:
        reason[:] = [why]
        dialog.accept()


class StepDialogs:
    """The seams the workspace calls; tests patch these static methods."""

    @staticmethod
    def ask_done(
        parent: QWidget | None,
        occ: Occurrence,
        today: dt.date,
        *,
        typed: DoneEntry | None = None,
        error: str = "",
        can_override: bool = False,
    ) -> DoneEntry | None:
        """Ask for the real date (defaults to the planned date, never after today).

        A date after today is refused under the field, which keeps what was typed.
        ``can_override``: the save was refused by a rule that may be overridden (a
        conditioning dose before the graft is secured); an "Override..." button asks
        why and closes the dialog with the reason, which is recorded with the dose.
        """
        dialog, form, buttons = _dialog(
            parent, QCoreApplication.translate("StepDialogs", "Mark done"), error
        )
        form.addRow(
            QLabel(
                QCoreApplication.translate("StepDialogs", "{step} - {day}, planned {date}").format(
                    step=tr(occ.title),
                    day=occ.label,
                    date=format_date(occ.planned_date, "%a %d %b"),
                )
            )
        )
        date_edit = DateField(
            typed.actual_date if typed is not None else min(occ.planned_date, today),
            accessible_name=QCoreApplication.translate("StepDialogs", "Date done"),
            maximum=DateLimit(
                today,
                QCoreApplication.translate(
                    "StepDialogs", "after today: a done date cannot be in the future"
                ),
            ),
            empty=QCoreApplication.translate("StepDialogs", "Enter the date it was done."),
        )
        note = QLineEdit(typed.note if typed is not None else "")
        note.setAccessibleName(QCoreApplication.translate("StepDialogs", "Note"))
        form.addRow(QCoreApplication.translate("StepDialogs", "&Done on:"), date_edit)
        form.addRow(QCoreApplication.translate("StepDialogs", "&Note:"), note)
        # OK (and Enter) close only with an acceptable date; else the refusal shows.
        buttons.accepted.disconnect(dialog.accept)
        buttons.accepted.connect(lambda: _accept_when_valid(dialog, date_edit))
        # A reason given before a save that failed for another cause is kept.
        override = [typed.override] if typed is not None and typed.override else []
        if can_override and error:
            button = buttons.addButton(
                QCoreApplication.translate("StepDialogs", "&Override..."),
                QDialogButtonBox.ButtonRole.ActionRole,
            )
            button.setObjectName("override")
            button.setAutoDefault(False)
            button.clicked.connect(lambda: _ask_override(dialog, date_edit, override))
        date_edit.setFocus()
        if run_step_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        done_on = date_edit.date()
        assert done_on is not None  # accepted only with a valid date
        return DoneEntry(done_on, note.text().strip(), override[0] if override else "")

    @staticmethod
    def ask_reason(
        parent: QWidget | None,
        title: str,
        prompt: str,
        *,
        typed: str | None = None,
        error: str = "",
    ) -> str | None:
        """Ask for a required reason; OK stays disabled until one is typed."""
        dialog, form, buttons = _dialog(parent, title, error)
        reason = QLineEdit(typed or "")
        reason.setAccessibleName(QCoreApplication.translate("StepDialogs", "Reason"))
        form.addRow(prompt, reason)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(reason.text().strip()))  # Enter with no reason presses nothing
        reason.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        reason.setFocus()
        if run_step_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return reason.text().strip()

    @staticmethod
    def ask_note(
        parent: QWidget | None, current: str, *, typed: str | None = None, error: str = ""
    ) -> str | None:
        """Edit the team's note on a step."""
        dialog, form, _ = _dialog(
            parent, QCoreApplication.translate("StepDialogs", "Step note"), error
        )
        text = QPlainTextEdit(current if typed is None else typed)
        text.setAccessibleName(QCoreApplication.translate("StepDialogs", "Note"))
        text.setTabChangesFocus(True)
        form.addRow(text)
        text.setFocus()
        if run_step_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return text.toPlainText()

    @staticmethod
    def confirm(parent: QWidget | None, title: str, text: str) -> bool:
        """A yes/no question (default No)."""
        answer = QMessageBox.question(
            parent,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
