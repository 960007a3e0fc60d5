"""The "Plan checks" tab of a patient: every plan-rule finding with its rule and source.

A finding someone must act on (a clash, a step to confirm, a dose not computed for a
missing value, an old weight before conditioning) comes first, by severity; a dose a
rule adjusted (letermovir with ciclosporin, a renal dose) is listed as "dose adjusted".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.clinical.plan_rules.findings import Finding

COLUMNS = ("Severity", "Rule", "Finding")


class PlanChecksPanel(QWidget):
    """A read-only table of findings; ``show_findings`` fills it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setAccessibleName("Plan checks")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)

    def show_findings(self, findings: list[Finding]) -> None:
        """Show ``findings`` (most severe first); each row's tooltip has rule and source."""
        act = [f for f in findings if f.action]
        self.summary.setText(
            f"{len(act)} finding(s) to act on; {len(findings) - len(act)} dose(s) adjusted by a "
            "rule. Rules and sources: resources/rules/plan-rules.toml (hover a row)."
            if findings
            else "The plan rules found nothing to act on and adjusted no dose."
        )
        ordered = act + [f for f in findings if not f.action]
        self.table.setRowCount(len(ordered))
        for row, finding in enumerate(ordered):
            severity = finding.label
            for col, text in enumerate((severity, finding.rule.id, finding.text)):
                item = QTableWidgetItem(text)
                item.setToolTip(finding.sentence)
                self.table.setItem(row, col, item)
