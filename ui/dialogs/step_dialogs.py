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
    """When an occurrence really happened, and a note for late or changed entries."""

    actual_date: dt.date
    note: str


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
    ) -> DoneEntry | None:
        """Ask for the real date (defaults to the planned date, never after today).

        A date after today is refused under the field, which keeps what was typed.
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
        date_edit.setFocus()
        if run_step_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        done_on = date_edit.date()
        assert done_on is not None  # accepted only with a valid date
        return DoneEntry(done_on, note.text().strip())

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
