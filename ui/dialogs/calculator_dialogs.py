"""Calculator dialogs, built from the calculator registry of ``planner``.

Each dialog shows, as the values are typed, the result of a calculator of
``planner.clinical.calculators.registry``: the grade or dose, the criteria and their
version, the rule that decided it, the stages or sub-scores, the inputs and any flag
that needs the clinician's confirmation. A value out of range is refused beside its
field, with the allowed range, which is always shown. Saving goes through the ``save``
callable the caller passes in (a use case run through the transplant session).

Calculators whose result is not a complication (HCT-CI, ABO, CMV, plerixafor, ...) show
the result with "Copy result" only.

Seams for tests: ``run_dialog`` (how a dialog is executed) and ``DateNoteDialog.ask``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from planner.clinical.calculators.registry import calculator
from ui.dialogs.calculator_form import CalculatorDialog, SaveFn
from ui.dialogs.saving import SaveErrorLine
from ui.widgets.date_field import DateField, DateLimit


def run_dialog(dialog: QDialog) -> int:
    """Run a dialog modally (the seam GUI tests replace)."""
    return dialog.exec()


def make_calculator_dialog(
    parent: QWidget | None,
    key: str,
    *,
    today: dt.date,
    save: SaveFn | None = None,
    defaults: Mapping[str, object] | None = None,
    sources: Mapping[str, str] | None = None,
) -> CalculatorDialog:
    """Build the dialog of one calculator from the registry.

    ``defaults`` pre-fill the fields of that name the calculator has (e.g. "weight_kg",
    "age_years", "day0", "recipient_abo", "components"); empty values are skipped.
    ``sources`` say beside a pre-filled field where and when it was measured.
    ``save`` is not used by calculators that only show and copy their result.
    """
    calc = calculator(key)
    dialog = CalculatorDialog(
        parent,
        title=calc.title,
        fields=calc.fields,
        compute=calc.compute,
        save=save if calc.records else None,
        today=today,
        with_date=calc.with_date,
    )
    for name, value in (defaults or {}).items():
        if name in dialog.editors and value not in (None, "", [], ()):
            dialog.set_value(name, value)
            if name in (sources or {}):
                dialog.show_source(name, (sources or {})[name])
    return dialog


# --- a date and a note -----------------------------------------------------------------


class DateNoteDialog:
    """Ask for a date (not after today) and a note; the seam tests patch."""

    @staticmethod
    def ask(
        parent: QWidget | None,
        title: str,
        prompt: str,
        today: dt.date,
        default: dt.date | None = None,
        *,
        note_required: bool = False,
        typed: tuple[dt.date, str] | None = None,
        error: str = "",
    ) -> tuple[dt.date, str] | None:
        """Returns (date, note), or None when cancelled (``typed`` and ``error``: what was
        typed before and why it was not saved, asked again; ``ui.dialogs.saving``)."""
        dialog = QDialog(parent)
        dialog.setWindowTitle(title)
        form = QFormLayout()
        form.addRow(QLabel(prompt))
        date_edit = DateField(
            typed[0] if typed is not None else min(default or today, today),
            accessible_name=QCoreApplication.translate("DateNoteDialog", "Date"),
            maximum=DateLimit(
                today,
                QCoreApplication.translate(
                    "DateNoteDialog", "after today: what is recorded has happened"
                ),
            ),
        )
        note = QLineEdit(typed[1] if typed is not None else "")
        note.setAccessibleName(QCoreApplication.translate("DateNoteDialog", "Note"))
        form.addRow(QCoreApplication.translate("DateNoteDialog", "&Date:"), date_edit)
        form.addRow(QCoreApplication.translate("DateNoteDialog", "&Note:"), note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        # Cancel is never the default: Enter or a space typed in a field never cancels.
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)

        def accept() -> None:  # only with an acceptable date; else the refusal shows
            if date_edit.is_valid():
                dialog.accept()
            else:
                date_edit.show_error()
                date_edit.setFocus()

        buttons.accepted.connect(accept)
        buttons.rejected.connect(dialog.reject)
        if note_required:
            ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(bool(note.text().strip()))
            note.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(dialog)
        layout.addLayout(form)
        layout.addWidget(SaveErrorLine(error))
        layout.addWidget(buttons)
        date_edit.setFocus()
        if run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        date = date_edit.date()
        assert date is not None  # accepted only with a valid date
        return date, note.text().strip()
