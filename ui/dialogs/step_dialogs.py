"""Small dialogs for one step: mark done (with the real date), skip (with a reason), note;
and the confirmation asked before a regimen-tied step leaves its relative day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDateEdit,
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

from planner.domain.plans import Occurrence
from ui.dialogs.patient_dialog import pydate, qdate


@dataclass(frozen=True)
class DoneEntry:
    """When an occurrence really happened, and a note for late or changed entries."""

    actual_date: dt.date
    note: str


def _dialog(parent: QWidget | None, title: str) -> tuple[QDialog, QFormLayout, QDialogButtonBox]:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    form = QFormLayout()
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(buttons)
    return dialog, form, buttons


class StepDialogs:
    """The seams the workspace calls; tests patch these static methods."""

    @staticmethod
    def ask_done(parent: QWidget | None, occ: Occurrence, today: dt.date) -> DoneEntry | None:
        """Ask for the real date (defaults to the planned date, never after today)."""
        dialog, form, _ = _dialog(parent, "Mark done")
        form.addRow(QLabel(f"{occ.title} - {occ.label}, planned {occ.planned_date:%a %d %b}"))
        date_edit = QDateEdit(qdate(min(occ.planned_date, today)))
        date_edit.setDisplayFormat("yyyy-MM-dd")
        date_edit.setCalendarPopup(True)
        date_edit.setMaximumDate(qdate(today))
        date_edit.setAccessibleName("Date done")
        note = QLineEdit()
        note.setAccessibleName("Note")
        form.addRow("&Done on:", date_edit)
        form.addRow("&Note:", note)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return DoneEntry(pydate(date_edit.date()), note.text().strip())

    @staticmethod
    def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
        """Ask for a required reason; OK stays disabled until one is typed."""
        dialog, form, buttons = _dialog(parent, title)
        reason = QLineEdit()
        reason.setAccessibleName("Reason")
        form.addRow(prompt, reason)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        reason.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return reason.text().strip()

    @staticmethod
    def ask_note(parent: QWidget | None, current: str) -> str | None:
        """Edit the team's note on a step."""
        dialog, form, _ = _dialog(parent, "Step note")
        text = QPlainTextEdit(current)
        text.setAccessibleName("Note")
        text.setTabChangesFocus(True)
        form.addRow(text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
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
