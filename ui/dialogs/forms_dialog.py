"""Registry forms due across the clinic (View > Registry forms due, Ctrl+3).

The list ``transplant-planner forms`` prints: each registry form past due, in its window,
or due in the next 31 days, with its time point and the end of its window; "Show every
form" adds the done and later ones. Read-only: a form is ticked on the patient's
Checklists tab, which opens on a double click or Enter.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from planner.app.forms import PAST_DUE, FormDue, forms_due
from ui.errors import user_message
from ui.models.forms_model import FormsModel
from ui.session import ClinicSession
from ui.workers import run_in_background

# Rows measured when sizing a column to its contents: the dates and statuses are of one
# width, and measuring every row of a long history would hold the GUI thread.
SIZED_FROM_ROWS = 200


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
        self.loading = False  # a read is under way (reload)
        self._reads = 0  # reads started: a result is shown only if no newer one was
        self.summary = QLabel()
        self.every = QCheckBox(self.tr("Show &every form (done and later ones too)"))
        self.every.toggled.connect(self.reload)
        self.model = FormsModel(
            [
                self.tr("MRN"),
                self.tr("Form"),
                self.tr("Due"),
                self.tr("Window ends"),
                self.tr("Status"),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        # Rows of one line and one height, never measured one by one (a long history
        # lists thousands); the columns are sized from the first rows (``_fill``).
        self.table.setWordWrap(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setResizeContentsPrecision(SIZED_FROM_ROWS)
        # A double click or Enter on a row opens its patient.
        self.table.activated.connect(self._on_activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Enter opens the current form's patient; it must not also close the list.
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        close.setDefault(False)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.every, self.table, buttons):
            layout.addWidget(widget)
        self.resize(980, 560)
        self.reload()

    def reload(self) -> None:
        """Read the forms again (as of the session's today) in a worker thread, then fill
        the table: the forms of every transplant ever recorded are computed (registry
        follow-up goes on for years), seconds on a long history, and the window must not
        freeze meanwhile. A read that a newer one replaced is dropped."""
        everything = self.every.isChecked()
        self._reads += 1
        read = self._reads
        self.loading = True
        self.summary.setText(self.tr("Reading the registry forms..."))
        session = self._session

        def done(forms: list[FormDue]) -> None:
            if read == self._reads and isValid(self):
                self._fill(forms)

        def failed(exc: BaseException) -> None:
            if read == self._reads and isValid(self):
                self.loading = False
                self.summary.setText(user_message(exc))

        run_in_background(
            lambda: session.read(
                lambda repo, ctx: forms_due(repo, ctx.today, everything=everything)
            ),
            done,
            failed,
        )

    def _fill(self, forms: list[FormDue]) -> None:
        self.forms = forms
        self.loading = False
        self.model.set_forms(forms)
        for column in (0, 2, 3, 4):  # the form's title takes the rest
            self.table.resizeColumnToContents(column)
        past = sum(f.status == PAST_DUE for f in self.forms)
        self.summary.setText(
            self.tr("{n} forms listed; {past} past due.").format(n=len(self.forms), past=past)
        )
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def _on_activated(self, index: QModelIndex) -> None:
        self._open(index.row())

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.forms):
            self._open_patient(self.forms[row].transplant_id)
