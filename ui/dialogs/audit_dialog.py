"""The audit trail in view (View > Audit trail, Ctrl+4): who changed what, and when.

The rows ``transplant-planner audit`` prints, filtered by patient (MRN), user, days and
action, newest first, read in a worker thread (the trail only grows); the selected row's
before and after in full below the table; an export to CSV or XLSX whose cells a
spreadsheet shows as text, never runs (``planner.export.spreadsheet``), recorded in the
trail before the file appears.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from planner.app.audit_view import (
    AuditLine,
    AuditPage,
    audit_page,
    export_name,
    one_line,
    patient_of_mrn,
    save_audit_export,
)
from planner.errors import PlannerError
from planner.records.audit_query import AuditQuery, local_day_bounds
from ui.dialogs.replace_file import last_folder, save_replacing
from ui.errors import LOG, user_message
from ui.session import ClinicSession
from ui.widgets.date_field import DateField
from ui.workers import run_in_background

FOLDER_KEY = "audit/last_folder"  # a folder the user chose; never a file or patient name
# Before and after are cut to this many characters in the table (in full below it).
CELL_CHARS = 80
_INDEX = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    """The rows found, newest first; read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[AuditLine] = []
        self._headers = [
            self.tr("Time"),
            self.tr("User"),
            self.tr("Workstation"),
            self.tr("Action"),
            self.tr("MRN"),
            self.tr("Patient"),
            self.tr("What"),
            self.tr("Before"),
            self.tr("After"),
            self.tr("Reason"),
        ]

    def set_lines(self, lines: list[AuditLine]) -> None:
        """Show ``lines`` (a new search's rows)."""
        self.beginResetModel()
        self.lines = lines
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(self._cells(line)[index.column()], CELL_CHARS)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (7, 8, 9):
            return self._cells(line)[index.column()][:2000]
        return None

    @staticmethod
    def _cells(x: AuditLine) -> tuple[str, ...]:
        return (
            x.at.isoformat(sep=" ", timespec="seconds"),
            x.user,
            x.workstation,
            x.action,
            x.mrn,
            x.patient,
            x.what,
            x.before,
            x.after,
            x.reason,
        )


def _readable(text: str) -> str:
    """A stored value as a person reads it: JSON indented, anything else as stored."""
    if not text:
        return "-"
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


class AuditDialog(QDialog):
    """The audit trail, filtered; ``settings`` keeps the export folder."""

    def __init__(
        self,
        session: ClinicSession,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        mrn: str = "",
    ) -> None:
        """``mrn``: open filtered on that patient."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Audit trail"))
        self._session = session
        self._settings = settings
        self._searches = 0  # searches started: only the latest one's rows are shown
        self.page: AuditPage | None = None
        self.searching = False
        self.mrn = QLineEdit()
        self.mrn.setPlaceholderText(self.tr("every patient"))
        self.user = QLineEdit()
        self.user.setPlaceholderText(self.tr("every user"))
        self.since = DateField(empty="", accessible_name=self.tr("From"))
        self.until = DateField(empty="", accessible_name=self.tr("To"))
        self.action = QLineEdit()
        self.action.setPlaceholderText(self.tr("e.g. Day 0, View patient, Export"))
        self.search_button = QPushButton(self.tr("&Search"))
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.clear_button = QPushButton(self.tr("C&lear filters"))
        self.clear_button.clicked.connect(self.clear_filters)
        form = QFormLayout()
        for label, field in (
            (self.tr("Patient &MRN:"), self.mrn),
            (self.tr("&User:"), self.user),
            (self.tr("&From:"), self.since),
            (self.tr("&To:"), self.until),
            (self.tr("&Action contains:"), self.action),
        ):
            form.addRow(label, field)
        for edit in (self.mrn, self.user, self.action, self.since.line_edit, self.until.line_edit):
            edit.returnPressed.connect(self.search)
        filter_buttons = QHBoxLayout()
        filter_buttons.addWidget(self.search_button)
        filter_buttons.addWidget(self.clear_button)
        filter_buttons.addStretch(1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.model = AuditTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Audit rows"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName(self.tr("The selected row in full"))
        self.detail.setPlaceholderText(self.tr("Select a row to see its before and after in full."))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.export_button = QPushButton(self.tr("&Export..."))
        self.export_button.setToolTip(
            self.tr("Save the rows shown as a CSV or XLSX file (recorded in the audit trail)")
        )
        self.export_button.clicked.connect(self.export)
        self.export_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(filter_buttons)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.resize(1100, 680)
        self.mrn.setText(mrn)
        self.search()

    # --- searching ----------------------------------------------------------------------

    def clear_filters(self) -> None:
        """Every filter emptied, and the newest rows of the whole trail shown."""
        for edit in (self.mrn, self.user, self.action):
            edit.clear()
        self.since.set_date(None)
        self.until.set_date(None)
        self.search()

    def _query_parts(self) -> tuple[str, AuditQuery] | None:
        """(the MRN typed, the query without its patient) or None with the refusal shown."""
        for field in (self.since, self.until):
            if not field.is_valid():
                field.show_error()
                self.summary.setText(
                    self.tr("Correct the dates first: {error}").format(error=field.error_text())
                )
                return None
        first, last = self.since.date(), self.until.date()
        if first is not None and last is not None and last < first:
            self.summary.setText(self.tr("The To day is before the From day."))
            return None
        since, until = local_day_bounds(first, last)  # this computer's days
        return self.mrn.text().strip(), AuditQuery(
            user=self.user.text().strip(),
            since=since,
            until=until,
            action=self.action.text().strip(),
        )

    def search(self) -> None:
        """Read the rows the filters ask for in a worker thread, then show them; a
        search that a newer one replaced is dropped."""
        parts = self._query_parts()
        if parts is None:
            return
        mrn, query = parts
        self._searches += 1
        search = self._searches
        self.searching = True
        self.summary.setText(self.tr("Reading the audit trail..."))

        def read(repo: Any, _ctx: Any) -> AuditPage:
            if mrn:
                return audit_page(repo, replace(query, patient_id=patient_of_mrn(repo, mrn)))
            return audit_page(repo, query)

        def done(page: AuditPage) -> None:
            if search == self._searches and isValid(self):
                self._show(page)
                if page.query.patient_id is not None and page.lines:
                    # One patient's changes on screen: a view of their record, recorded
                    # (or queued until the database can be written) as opening it is.
                    self._session.record_view(page.query.patient_id)

        def failed(exc: BaseException) -> None:
            LOG.warning("audit trail not read: %s", type(exc).__name__)
            if search == self._searches and isValid(self):
                self.searching = False
                self.page = None
                self.model.set_lines([])
                self.export_button.setEnabled(False)
                self.summary.setText(user_message(exc))

        session = self._session
        run_in_background(lambda: session.read(read), done, failed)

    def _show(self, page: AuditPage) -> None:
        self.searching = False
        self.page = page
        self.model.set_lines(page.lines)
        self.export_button.setEnabled(bool(page.lines))
        self.detail.clear()
        n = len(page.lines)
        if not n:
            self.summary.setText(self.tr("No audit row matches these filters."))
        elif page.more:
            self.summary.setText(
                self.tr(
                    "The newest {n} rows, newest first; narrow the filters to see older ones."
                ).format(n=f"{n:,}")
            )
        else:
            self.summary.setText(
                (self.tr("1 row.") if n == 1 else self.tr("{n} rows, newest first.")).format(
                    n=f"{n:,}"
                )
            )
        # Sized from the font, not measured row by row (a thousand rows per search).
        metrics = self.table.fontMetrics()
        for column, sample in (
            (0, "2026-12-31 23:59:59+00:00"),
            (3, "Export audit trail as XLSX"),
            (6, "record:engraftment · transfusions"),
            (7, "M" * 16),
            (8, "M" * 16),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 16)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.model.lines):
            self.detail.clear()
            return
        x = self.model.lines[current.row()]
        who = f"{x.mrn} {x.patient}".strip() or self.tr("(no patient)")
        before, after, reason = self.tr("Before"), self.tr("After"), self.tr("Reason")
        parts = [
            f"{x.action} · {x.what} · {who}",
            f"{before}:\n{_readable(x.before)}",
            f"{after}:\n{_readable(x.after)}",
        ]
        if x.reason:
            parts.append(f"{reason}: {x.reason}")
        self.detail.setPlainText("\n\n".join(parts))

    # --- export -------------------------------------------------------------------------

    def _folder(self) -> Path:
        return last_folder(self._settings, FOLDER_KEY)

    def export(self) -> None:
        """Ask for a file (CSV or XLSX; the default name holds no patient data) and save
        the rows shown there."""
        if self.page is None or not self.page.lines:
            return
        name = export_name("xlsx", self._session.today)
        path, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the audit trail"),
            str(self._folder() / name),
            self.tr("Excel workbook (*.xlsx);;CSV file (*.csv)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # save_to asks, once
        if path:
            if not Path(path).suffix:
                path += ".csv" if "csv" in chosen.lower() else ".xlsx"
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Save the rows shown to ``path``; True when saved. An existing file is replaced
        only when the user says so; a refusal is said in a message."""
        page = self.page
        if page is None:
            return False

        def save(overwrite: bool) -> Path:
            return self._session.perform(
                lambda repo, ctx: save_audit_export(repo, ctx, page, path, overwrite=overwrite)
            ).path

        try:
            target = save_replacing(self, save)
            if target is None:
                self.summary.setText(self.tr("Not exported: the existing file was kept."))
                return False
        except PlannerError as exc:
            QMessageBox.warning(self, self.tr("Not exported"), user_message(exc))
            return False
        self._settings.setValue(FOLDER_KEY, str(target.parent))
        self.summary.setText(
            self.tr("Exported {n} rows to {name}.").format(n=len(page.lines), name=target.name)
        )
        return True
