"""Registry forms due across the clinic (View > Registry forms due, Ctrl+3).

The list ``transplant-planner forms`` prints: each registry form past due, in its window,
or due in the next 31 days, with its time point and the end of its window; "Show every
form" adds the done and later ones. Read-only: a form is ticked on the patient's
Checklists tab, which opens on a double click.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app.forms import DONE, PAST_DUE, FormDue, forms_due
from planner.domain.i18n import tr
from ui.session import ClinicSession
from ui.translation import format_date

_STATUS_COLOURS = {PAST_DUE: "#b91c1c", DONE: "#15803d"}


class FormsDialog(QDialog):
    """The clinic's registry forms; ``open_patient`` is called with a transplant id."""

    def __init__(
        self,
        session: ClinicSession,
        open_patient: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Registry forms due"))
        self._session = session
        self._open_patient = open_patient
        self.forms: list[FormDue] = []
        self.summary = QLabel()
        self.every = QCheckBox(self.tr("Show &every form (done and later ones too)"))
        self.every.toggled.connect(self.reload)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("MRN"),
                self.tr("Form"),
                self.tr("Due"),
                self.tr("Window ends"),
                self.tr("Status"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.every, self.table, buttons):
            layout.addWidget(widget)
        self.resize(980, 560)
        self.reload()

    def reload(self) -> None:
        """Read the forms again (as of the session's today) and fill the table."""
        everything = self.every.isChecked()
        self.forms = self._session.read(
            lambda repo, ctx: forms_due(repo, ctx.today, everything=everything)
        )
        self.table.setRowCount(len(self.forms))
        for row, form in enumerate(self.forms):
            cells = (
                form.mrn,
                tr(form.form),
                format_date(form.due, "%a %d %b %Y"),
                format_date(form.window_end, "%a %d %b %Y"),
                tr(form.status),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 4 and form.status in _STATUS_COLOURS:
                    item.setForeground(QColor(_STATUS_COLOURS[form.status]))
                self.table.setItem(row, col, item)
        self.table.resizeColumnToContents(0)
        past = sum(f.status == PAST_DUE for f in self.forms)
        self.summary.setText(
            self.tr("{n} forms listed; {past} past due.").format(n=len(self.forms), past=past)
        )
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.forms):
            self._open_patient(self.forms[row].transplant_id)
