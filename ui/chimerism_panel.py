"""Donor chimerism results of an allogeneic transplant, on its Counts tab.

Each result is read by the ASTCT 2021 definitions with the trend from the previous result
of its lineage (``planner.records.chimerism_log``); recording one uses the Chimerism
calculator's dialog, built from the registry, and saves through the edit path (undoable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app.counts import record_chimerism, remove_chimerism
from planner.clinical.calculators.registry import calculator
from planner.clinical.calculators.text import describe_result
from planner.clinical.chimerism import LINEAGES
from planner.clinical.grading import GradeResult
from planner.domain.days import short_day_label
from planner.domain.i18n import tr
from planner.domain.numbers import format_number
from planner.errors import PlannerError
from planner.records.chimerism_log import ChimerismResult, readings
from ui.dialogs import calculator_dialogs
from ui.dialogs.calculator_form import CalculatorDialog
from ui.dialogs.saving import ask_until_saved
from ui.dialogs.step_dialogs import StepDialogs
from ui.translation import QT_TRANSLATE_NOOP, format_date

if TYPE_CHECKING:
    from ui.transplant_session import TransplantSession

COLUMNS = (
    QT_TRANSLATE_NOOP("ChimerismPanel", "Date"),
    QT_TRANSLATE_NOOP("ChimerismPanel", "Day"),
    QT_TRANSLATE_NOOP("ChimerismPanel", "Lineage"),
    QT_TRANSLATE_NOOP("ChimerismPanel", "Donor %"),
    QT_TRANSLATE_NOOP("ChimerismPanel", "Reading"),
)


class ChimerismPanel(QGroupBox):
    """The recorded results, newest first, with "Record" and "Remove" buttons."""

    def __init__(
        self,
        session: TransplantSession,
        status: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Donor chimerism (ASTCT 2021)"))
        self.session = session
        self._status = status
        self._shown: list[ChimerismResult] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(self.tr("Donor chimerism results"))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.record_button = QPushButton(self.tr("Record chi&merism..."))
        self.record_button.clicked.connect(self.record)
        self.remove_button = QPushButton(self.tr("Remove..."))
        self.remove_button.setAccessibleName(self.tr("Remove the selected chimerism result"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def show_results(self, results: tuple[ChimerismResult, ...], day0: dt.date | None) -> None:
        """Show ``results`` newest first; the tooltip of a row has the rule and notes."""
        rows = list(reversed(readings(results)))
        self._shown = [r for r, _ in rows]
        self.table.setRowCount(len(rows))
        for row, (result, grade) in enumerate(rows):
            day = short_day_label((result.date - day0).days) if day0 else ""
            cells = (
                result.date.isoformat(),
                day,
                tr(LINEAGES[result.lineage]),
                format_number(result.donor_percent),
                _reading(grade),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(describe_result(grade))
                self.table.setItem(row, col, item)
        self.remove_button.setEnabled(bool(rows))
        self.table.resizeColumnsToContents()

    def record(self) -> None:
        """Open the Chimerism dialog; "Record result" saves it (one undoable edit)."""
        spec = calculator("chimerism")
        tid = self.session.transplant.id

        def save(_grade: GradeResult, date: dt.date, _reason: str) -> object:
            # A refusal (a duplicate, a date before Day 0) raises PlannerError: the dialog
            # shows it and stays open with what was typed.
            values: dict[str, Any] = dialog.values()
            lineage, percent = str(values["lineage"]), float(values["donor_percent"])
            change = self.session.run(
                lambda repo, ctx: record_chimerism(repo, ctx, tid, date, lineage, percent)
            )
            self._status(
                self.tr("Chimerism {lineage} {percent}% on {date} recorded.").format(
                    lineage=tr(LINEAGES[lineage]),
                    percent=format_number(percent),
                    date=format_date(date, "%d %b"),
                )
            )
            return change

        dialog = CalculatorDialog(
            self,
            title=spec.title,
            fields=spec.fields,
            compute=spec.compute,
            save=save,
            today=self.session.today,
            with_date=spec.with_date,
            save_text=self.tr("&Record result"),
        )
        calculator_dialogs.run_dialog(dialog)

    def remove_selected(self) -> None:
        """Remove the selected result, with a reason (undoable)."""
        row = self.table.currentRow()
        if not 0 <= row < len(self._shown):
            return
        result = self._shown[row]
        what = self.tr("{lineage} result of {date}").format(
            lineage=tr(LINEAGES[result.lineage]), date=format_date(result.date, "%d %b %Y")
        )
        tid = self.session.transplant.id

        def save(reason: str) -> bool:
            # Through the session, which raises: a removal refused or not saved brings
            # the dialog back with the reason typed and why (ui.dialogs.saving).
            self.session.run(
                lambda repo, ctx: remove_chimerism(
                    repo, ctx, tid, result.date, result.lineage, reason
                )
            )
            return True

        try:
            removed = ask_until_saved(
                lambda **again: StepDialogs.ask_reason(
                    self,
                    self.tr("Remove chimerism result"),
                    self.tr("Why remove the {what}?").format(what=what),
                    **again,
                ),
                save,
            )
        except PlannerError as err:  # a conflict: the record was reloaded
            self._status(str(err))
            return
        if removed:
            self._status(self.tr("Chimerism {what} removed.").format(what=what))


def _reading(grade: GradeResult) -> str:
    change = grade.components.get("change_points")
    if isinstance(change, int | float) and change < 0:
        return QCoreApplication.translate("ChimerismPanel", "{reading}, falling {n} points").format(
            reading=grade.label, n=format_number(-change)
        )
    return grade.label
