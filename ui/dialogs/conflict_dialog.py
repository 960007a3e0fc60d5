"""A save met a newer version from another workstation: show both, let the user choose."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.domain.i18n import tr
from planner.domain.plans import diff_dates
from ui.translation import format_date
from ui.transplant_session import Snapshot


class ConflictDialog(QDialog):
    """Both versions side by side. Use ``ConflictDialog.ask``."""

    def __init__(self, parent: QWidget | None, mine: Snapshot, theirs: Snapshot) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Changed on another workstation"))
        self.keep_mine = False
        changes = diff_dates(theirs.plan, mine.plan)
        differ = (
            self.tr("1 date differs.")
            if len(changes) == 1
            else self.tr("{n} dates differ.").format(n=len(changes))
        )
        text = QLabel(
            self.tr(
                "Someone saved this plan on another workstation while you were editing it.\n"
                "Their Day 0: {theirs}. Yours: {mine}. {differ} Nothing has been overwritten."
            ).format(
                theirs=format_date(theirs.plan.day0, "%a %d %b %Y"),
                mine=format_date(mine.plan.day0, "%a %d %b %Y"),
                differ=differ,
            )
        )
        text.setWordWrap(True)
        table = QTableWidget(len(changes), 3)
        table.setTabKeyNavigation(False)  # Tab reaches the dialog's buttons
        table.setHorizontalHeaderLabels(
            [self.tr("Step"), self.tr("Their date"), self.tr("Your date")]
        )
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, ch in enumerate(changes):
            for col, value in enumerate(
                (
                    tr(ch.title),
                    format_date(ch.old_date, "%a %d %b %Y"),
                    format_date(ch.new_date, "%a %d %b %Y"),
                )
            ):
                table.setItem(row, col, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        buttons = QDialogButtonBox()
        theirs_btn = QPushButton(self.tr("Take &their version"))
        mine_btn = QPushButton(self.tr("Keep &my version"))
        buttons.addButton(theirs_btn, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(mine_btn, QDialogButtonBox.ButtonRole.AcceptRole)
        theirs_btn.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(table)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, mine: Snapshot, theirs: Snapshot) -> bool:
        """True to keep my version (saved over theirs, audited), False to take theirs."""
        return cls(parent, mine, theirs).exec() == QDialog.DialogCode.Accepted
