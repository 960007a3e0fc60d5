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
from ui.translation import QT_TRANSLATE_NOOP

COLUMNS = (
    QT_TRANSLATE_NOOP("PlanChecksPanel", "Severity"),
    QT_TRANSLATE_NOOP("PlanChecksPanel", "Rule"),
    QT_TRANSLATE_NOOP("PlanChecksPanel", "Finding"),
)
# ``Finding.label`` as shown: a rule's severity, or what a rule did to a dose.
LABELS = {
    "high": QT_TRANSLATE_NOOP("PlanChecksPanel", "high"),
    "medium": QT_TRANSLATE_NOOP("PlanChecksPanel", "medium"),
    "low": QT_TRANSLATE_NOOP("PlanChecksPanel", "low"),
    "dose adjusted": QT_TRANSLATE_NOOP("PlanChecksPanel", "dose adjusted"),
    "note": QT_TRANSLATE_NOOP("PlanChecksPanel", "note"),
}


class PlanChecksPanel(QWidget):
    """A read-only table of findings; ``show_findings`` fills it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setAccessibleName(self.tr("Plan checks"))
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
            self.tr(
                "Findings to act on: {act}; doses adjusted by a rule: {adjusted}. Rules and "
                "sources: resources/rules/plan-rules.toml (hover a row)."
            ).format(act=len(act), adjusted=len(findings) - len(act))
            if findings
            else self.tr("The plan rules found nothing to act on and adjusted no dose.")
        )
        ordered = act + [f for f in findings if not f.action]
        self.table.setRowCount(len(ordered))
        for row, finding in enumerate(ordered):
            severity = self.tr(LABELS.get(finding.label, finding.label))
            for col, text in enumerate((severity, finding.rule.id, finding.text)):
                item = QTableWidgetItem(text)
                item.setToolTip(finding.sentence)
                self.table.setItem(row, col, item)
