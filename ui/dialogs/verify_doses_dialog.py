"""Patient > Verify doses: the independent double check, signed with one's password.

Shows every dose the check covers (conditioning, and any dose a plan rule adjusted) with
its formula and values, the measurements they were computed from, and the signatures so
far with whether they stand; the signer types their password to sign, with the meaning
shown ("verified doses"). ``planner.app.dose_check`` holds the rules.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app.dose_check import VERIFIED_DOSES, DoseCheck, dose_check, verify_doses
from planner.domain.i18n import tr
from ui.errors import user_message
from ui.transplant_session import TransplantSession


class VerifyDosesDialog(QDialog):
    """The doses, the signatures, and a password field to sign."""

    def __init__(self, session: TransplantSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(
            # The MRN, as the tab: a window title shows in task bars and screen shares.
            self.tr("Verify doses: {mrn}").format(mrn=session.patient.mrn)
        )
        self.resize(760, 480)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Step"), self.tr("Dose")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # A handful of rows: the dose is read whole, never wrapped.
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("Doses to verify"))
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.table.currentCellChanged.connect(self._explain)
        self.basis = QLabel()
        self.basis.setWordWrap(True)
        self.basis.setTextFormat(Qt.TextFormat.PlainText)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setAccessibleName(self.tr("Signatures"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Your password"))
        self.password.setMaxLength(256)
        meaning = QLabel(tr(VERIFIED_DOSES))
        form = QFormLayout()
        form.addRow(self.tr("Meaning of the signature:"), meaning)
        form.addRow(self.tr("Signed by:"), QLabel(session.actor_name))
        form.addRow(self.tr("Your &password:"), self.password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(self.tr("Verify doses message"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sign_button = self.buttons.addButton(
            self.tr("&Sign as verified"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        # Enter signs, never closes: Close is no default (set once the box is in the
        # dialog, below; a button outside a dialog cannot be its default).
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.buttons.accepted.connect(self.sign)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.explanation)
        layout.addWidget(self.basis)
        layout.addWidget(self.state)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.sign_button.setDefault(True)
        self.check: DoseCheck | None = None
        self.refresh()
        self.password.setFocus()

    def refresh(self) -> None:
        """Show the doses and the signatures as they are now."""
        s = self.session
        self.check = dose_check(s.plan, s.patient, s.transplant)
        doses = self.check.doses
        self.table.setRowCount(len(doses))
        for row, dose in enumerate(doses):
            for col, text in enumerate((tr(dose.title), dose.text)):
                item = QTableWidgetItem(text)
                item.setToolTip(dose.explanation)
                self.table.setItem(row, col, item)
        self.basis.setText(self.tr("Computed from: {basis}").format(basis=self.check.basis))
        self.state.setText(self.check.sentence())
        if doses:
            self.table.setCurrentCell(0, 0)
        self.sign_button.setEnabled(bool(doses) and not self.check.complete)

    def _explain(self, row: int, *_: int) -> None:
        if self.check is not None and 0 <= row < len(self.check.doses):
            self.explanation.setText(self.check.doses[row].explanation)

    def sign(self) -> None:
        """Sign with the typed password (checked in a worker thread)."""
        password = self.password.text()
        if not password:
            self.message.setText(self.tr("Type your password to sign."))
            return
        tid = self.session.transplant.id
        self.sign_button.setEnabled(False)
        self.message.setText(self.tr("Checking..."))

        def done(_change: object) -> None:
            self.password.clear()
            self.session.reload()
            self.refresh()
            self.message.setText(self.tr("Signed."))

        def refused(exc: BaseException) -> None:
            self.password.clear()
            self.message.setText(user_message(exc))
            self.refresh()

        self.session.sign(lambda repo, ctx: verify_doses(repo, ctx, tid, password), done, refused)
