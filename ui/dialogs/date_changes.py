"""Pieces shared by the re-plan dialogs (Move Day 0, Set anchor date).

Both preview every date a change moves in the same table, pick a date the same way and
end with the same buttons; only what is changed and how a day is numbered differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from planner.domain.plans import DateChange
from ui.dialogs.patient_dialog import qdate


class DateChangesTable(QTableWidget):
    """Every date a re-plan changes: step, old date, new date and its day number."""

    def __init__(self) -> None:
        super().__init__(0, 4)
        self.setHorizontalHeaderLabels(["Step", "Old date", "New date", "Day"])
        self.setAccessibleName("Dates that change")
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

    def show_changes(
        self, changes: Sequence[DateChange], day_text: Callable[[DateChange], str]
    ) -> None:
        """One row per change; ``day_text`` numbers the new date (Day -3, M-Day 2...)."""
        self.setRowCount(len(changes))
        for row, ch in enumerate(changes):
            cells = (
                ch.title,
                f"{ch.old_date:%a %d %b %Y}",
                f"{ch.new_date:%a %d %b %Y}",
                day_text(ch),
            )
            for col, text in enumerate(cells):
                self.setItem(row, col, QTableWidgetItem(text))


def date_picker(date: dt.date, accessible_name: str) -> QDateEdit:
    """An ISO date field with a calendar pop-up."""
    edit = QDateEdit(qdate(date))
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(accessible_name)
    return edit


def ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    """OK (named for what it does) and Cancel, wired to accept and reject."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert isinstance(ok, QPushButton)
    ok.setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
