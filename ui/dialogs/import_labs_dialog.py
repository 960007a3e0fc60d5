"""Import a lab file: choose it, map its columns, preview (dry run), import.

A CSV or XLSX export needs its columns mapped; an HL7 v2 file (ORU^R01) needs none, only
the laboratory's own result codes when it does not send LOINC codes. The last mapping is
remembered in ``QSettings`` (column names, flags and codes, never patient data); a mapping
can also be saved under a name in the database (``planner.app.lab_mappings``), where the
command line's ``--mapping NAME`` and every workstation find it. The preview runs
``planner.app.lab_import.import_labs`` with ``dry_run=True`` and lists the accepted count
and every rejected row with its reason; Import stores the accepted rows in one transaction
(undoable where the dialog was opened). Whole-file refusals show the sentence of
``LabImportError``. The dialog holds no repository: it is given ``run_import``, which
runs the use case on the app's edit path, and ``SavedMappings`` for the saved ones.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from planner.app import lab_mappings
from planner.app.lab_import import ImportReport
from planner.errors import PlannerError
from planner.labimport.charset import decode_text
from planner.labimport.common import RejectedRow, code_table_text, parse_code_table
from planner.labimport.reader import ColumnMapping, LabImportError, check_size
from ui.models.lazy_table_model import LazyTableModel
from ui.translation import QT_TRANSLATE_NOOP

# Rows measured when the line-number column is sized to its contents.
SIZED_FROM_ROWS = 200


def _rejected_cells(row: RejectedRow) -> tuple[str, ...]:
    return (str(row.line), row.reason, " | ".join(row.raw))


ImportRunner = Callable[
    [
        bytes,
        str,
        ColumnMapping,
        bool,
        Callable[[ImportReport], None],
        Callable[[BaseException], None],
    ],
    None,
]
"""(file bytes, file name, mapping, dry run, on_done, on_error): starts ``import_labs`` off
the GUI thread; its report, or what refused it, comes back on the GUI thread."""


@dataclass(frozen=True)
class SavedMappings:
    """The mappings saved in the database, as the dialog reaches them.

    Attributes:
        names: the saved names, sorted.
        load: the mapping of a name (``LabImportError`` when there is none).
        save: save a mapping under a name (replacing one of that name).
    """

    names: Callable[[], list[str]]
    load: Callable[[str], ColumnMapping]
    save: Callable[[str, ColumnMapping], object]


class _EditPath(Protocol):
    """What ``saved_mappings_of`` needs of a session (``TransplantSession``)."""

    def read(self, use_case: Callable[[Any, Any], Any]) -> Any: ...

    def run(self, use_case: Callable[[Any, Any], Any]) -> Any: ...


def saved_mappings_of(session: _EditPath) -> SavedMappings:
    """``SavedMappings`` on a session's edit path: reads with ``read``, the save (an
    audited event) with ``run``."""
    return SavedMappings(
        names=lambda: list(session.read(lambda repo, _ctx: lab_mappings.mapping_names(repo))),
        load=lambda name: session.read(lambda repo, _ctx: lab_mappings.saved_mapping(repo, name)),
        save=lambda name, mapping: session.run(
            lambda repo, ctx: lab_mappings.save_mapping(repo, ctx, name, mapping)
        ),
    )


SETTINGS_GROUP = "lab_import"
# (field, label, default column name, required); the labels are translated where shown,
# the column names are the lab file's and never are.
FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    ("mrn", QT_TRANSLATE_NOOP("ColumnMappingDialog", "MRN"), "MRN", True),
    ("date", QT_TRANSLATE_NOOP("ColumnMappingDialog", "Sample date"), "Date", True),
    ("analyte", QT_TRANSLATE_NOOP("ColumnMappingDialog", "Test name"), "Test", True),
    ("value", QT_TRANSLATE_NOOP("ColumnMappingDialog", "Result"), "Result", True),
    ("unit", QT_TRANSLATE_NOOP("ColumnMappingDialog", "Unit"), "Unit", False),
)
NO_COLUMN = QT_TRANSLATE_NOOP("ColumnMappingDialog", "(none)")
UNSAVED = QT_TRANSLATE_NOOP("ImportLabsDialog", "(not saved)")


def load_mapping(settings: QSettings) -> ColumnMapping:
    """The remembered mapping (column names and the decimal-comma flag), or the defaults."""
    settings.beginGroup(SETTINGS_GROUP)
    try:
        values = {f: str(settings.value(f, default) or "") for f, _, default, _ in FIELDS}
        comma = str(settings.value("decimal_comma", "false")).lower() == "true"
        codes = str(settings.value("local_codes", "") or "")
    finally:
        settings.endGroup()
    try:
        local_codes = parse_code_table(codes)
    except LabImportError:
        local_codes = {}  # edited by hand outside the app: forget them, not the columns
    return ColumnMapping(
        mrn=values["mrn"] or "MRN",
        date=values["date"] or "Date",
        analyte=values["analyte"] or "Test",
        value=values["value"] or "Result",
        unit=values["unit"] or None,
        decimal_comma=comma,
        local_codes=local_codes,
    )


def save_mapping(settings: QSettings, mapping: ColumnMapping) -> None:
    """Remember the mapping's column names, flags and codes (no patient data)."""
    settings.beginGroup(SETTINGS_GROUP)
    try:
        for f, _, _, _ in FIELDS:
            settings.setValue(f, getattr(mapping, f) or "")
        settings.setValue("decimal_comma", "true" if mapping.decimal_comma else "false")
        settings.setValue("local_codes", code_table_text(mapping.local_codes))
    finally:
        settings.endGroup()
    settings.sync()


def header_of(path: Path, max_bytes: int = 64 * 1024) -> list[str]:
    """The column names of a CSV's first line, in whatever encoding the import reads
    (empty for spreadsheets, HL7 files and unreadable files)."""
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return []
    try:
        with path.open("rb") as fh:
            head = fh.read(max_bytes)
        lines = decode_text(head[: head.rfind(b"\n") + 1] or head).text.splitlines()
        text = lines[0]
        if text.startswith(("MSH", "FHS", "BHS")):
            return []
    except (OSError, LabImportError, IndexError):
        return []
    delimiter = max((",", ";", "\t"), key=text.count)
    return [c.strip() for c in next(csv.reader(io.StringIO(text), delimiter=delimiter), [])]


class ColumnMappingDialog(QDialog):
    """Which column holds what. Use ``ColumnMappingDialog.ask``."""

    def __init__(self, parent: QWidget | None, mapping: ColumnMapping, columns: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Lab file columns"))
        self.combos: dict[str, QComboBox] = {}
        self._no_column = self.tr(NO_COLUMN)
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                self.tr(
                    "Long format: one result per row. Pick the column for each field "
                    "(the names are remembered on this workstation)."
                )
            )
        )
        for f, source, _, required in FIELDS:
            label = self.tr(source)
            combo = QComboBox()
            combo.setEditable(True)
            if not required:
                combo.addItem(self._no_column)
            combo.addItems(columns)
            current = getattr(mapping, f) or (self._no_column if not required else "")
            combo.setCurrentText(current)
            combo.setAccessibleName(self.tr("{field} column").format(field=label))
            self.combos[f] = combo
            form.addRow(self.tr("{field}:").format(field=label), combo)
        self.decimal_comma = QCheckBox(self.tr("Results use a decimal comma (1,5)"))
        self.decimal_comma.setChecked(mapping.decimal_comma)
        form.addRow(self.decimal_comma)
        self.local_codes = QPlainTextEdit(code_table_text(mapping.local_codes))
        self.local_codes.setTabChangesFocus(True)
        self.local_codes.setPlaceholderText(self.tr("CREA = creatinine"))
        self.local_codes.setAccessibleName(self.tr("Local result codes"))
        self.local_codes.setMaximumHeight(90)
        form.addRow(
            QLabel(
                self.tr(
                    "HL7 results coded by the laboratory itself, one per line as CODE = "
                    "analyte (wbc, anc, plt, hb, creatinine, bilirubin):"
                )
            )
        )
        form.addRow(self.local_codes)
        self.error = QLabel()
        self.error.setStyleSheet("color:#a00000;")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.mapping: ColumnMapping | None = None

    def _on_buttons_accepted(self) -> None:
        text = {f: c.currentText().strip() for f, c in self.combos.items()}
        if any(not text[f] for f, _, _, required in FIELDS if required):
            self.error.setText(
                self.tr("Choose a column for MRN, sample date, test name and result.")
            )
            return
        try:
            self.mapping = ColumnMapping(
                mrn=text["mrn"],
                date=text["date"],
                analyte=text["analyte"],
                value=text["value"],
                unit=None if text["unit"] in ("", self._no_column) else text["unit"],
                decimal_comma=self.decimal_comma.isChecked(),
                local_codes=parse_code_table(self.local_codes.toPlainText()),
            )
        except LabImportError as err:
            self.error.setText(str(err))
            return
        self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, mapping: ColumnMapping, columns: list[str]
    ) -> ColumnMapping | None:
        """The edited mapping, or None when cancelled."""
        dialog = cls(parent, mapping, columns)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.mapping


class ImportLabsDialog(QDialog):
    """Choose, map, preview and import a lab file. Use ``ImportLabsDialog.ask``.

    Attributes:
        report: the last preview or import report.
        imported: the report of the committed import, if one was made.
        mapping_name: the saved mapping ``mapping`` is, or "" when it is not a saved one.
    """

    def __init__(
        self,
        parent: QWidget | None,
        run_import: ImportRunner,
        settings: QSettings | None,
        path: str | None = None,
        mappings: SavedMappings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import lab results"))
        self.resize(960, 600)
        self._run_import = run_import
        self._settings = settings
        self._mappings = mappings
        self.mapping = load_mapping(settings) if settings is not None else load_mapping_default()
        self.mapping_name = ""
        self.report: ImportReport | None = None
        self.imported: ImportReport | None = None
        self.busy = False  # a dry run or an import is under way (in a worker thread)
        self._storing = False  # an import is under way: the dialog stays open until it ends
        self._data: bytes | None = None
        self.path_edit = QLineEdit(path or "")
        self.path_edit.setAccessibleName(self.tr("Lab file"))
        self.path_edit.setPlaceholderText(self.tr("CSV, .xlsx or HL7 v2 lab file"))
        self.path_edit.textChanged.connect(self._on_path_edit_text_changed)
        self.choose_button = QPushButton(self.tr("&Choose..."))
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.columns_button = QPushButton(self.tr("C&olumns..."))
        self.columns_button.clicked.connect(self._on_columns_button_clicked)
        self.mapping_label = QLabel()
        self.mapping_label.setTextFormat(Qt.TextFormat.PlainText)
        self.mapping_label.setWordWrap(True)
        self.saved_combo = QComboBox()
        self.saved_combo.setAccessibleName(self.tr("Saved mapping"))
        self.saved_combo.setMinimumContentsLength(24)
        self.saved_combo.activated.connect(self._on_saved_combo_activated)
        self.save_button = QPushButton(self.tr("Save &as..."))
        self.save_button.setToolTip(
            self.tr(
                "Save these columns, the decimal comma and the local codes under a name, for "
                "every workstation and for the command line (--mapping NAME)."
            )
        )
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.preview_button = QPushButton(self.tr("&Preview (dry run)"))
        self.preview_button.clicked.connect(self.preview)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName(self.tr("Import summary"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color:#a00000;font-weight:bold;")
        # A file read with the wrong mapping can reject every one of 100,000 rows: the
        # view asks for the rows it paints (one line each, the whole text as a tooltip).
        self.rejected_rows = LazyTableModel(
            [self.tr("Line"), self.tr("Reason"), self.tr("Row as read")],
            _rejected_cells,
            tooltips=True,
        )
        self.rejected_table = QTableView()
        self.rejected_table.setModel(self.rejected_rows)
        self.rejected_table.setAccessibleName(self.tr("Rejected rows"))
        self.rejected_table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.rejected_table.verticalHeader().setVisible(False)
        self.rejected_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.rejected_table.setWordWrap(False)
        header = self.rejected_table.horizontalHeader()
        header.setResizeContentsPrecision(SIZED_FROM_ROWS)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton(
            self.tr("&Import"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.clicked.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self.accept)
        row = QHBoxLayout()
        file_label = QLabel(self.tr("&File:"))
        file_label.setBuddy(self.path_edit)  # Alt+F; without a buddy the "&" was shown
        row.addWidget(file_label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.columns_button)
        saved_label = QLabel(self.tr("Sa&ved mapping:"))
        saved_label.setBuddy(self.saved_combo)
        row_saved = QHBoxLayout()
        row_saved.addWidget(saved_label)
        row_saved.addWidget(self.saved_combo, 1)
        row_saved.addWidget(self.save_button)
        for widget in (saved_label, self.saved_combo, self.save_button):
            widget.setVisible(mappings is not None)
        row2 = QHBoxLayout()
        row2.addWidget(self.mapping_label, 1)
        row2.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(row_saved)
        layout.addLayout(row2)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.rejected_table, 1)
        layout.addWidget(self.buttons)
        self._fill_saved(self._remembered_name())
        self._show_mapping()
        self._update_buttons()

    # --- seams -------------------------------------------------------------------------------

    @staticmethod
    def choose_file(parent: QWidget | None) -> str:
        """The file-open dialog (tests patch this)."""
        path, _ = QFileDialog.getOpenFileName(
            parent,
            QCoreApplication.translate("ImportLabsDialog", "Import lab results"),
            "",
            QCoreApplication.translate(
                "ImportLabsDialog", "Lab files (*.csv *.txt *.tsv *.xlsx *.hl7 *.oru *.msg)"
            ),
        )
        return path

    @staticmethod
    def ask_mapping_name(parent: QWidget | None, current: str) -> str | None:
        """The name to save the mapping under, or None when cancelled (tests patch this)."""
        name, ok = QInputDialog.getText(
            parent,
            QCoreApplication.translate("ImportLabsDialog", "Save column mapping"),
            QCoreApplication.translate(
                "ImportLabsDialog", "Name (the command line uses it with --mapping NAME):"
            ),
            QLineEdit.EchoMode.Normal,
            current,
        )
        return name if ok else None

    # --- saved mappings ----------------------------------------------------------------------

    def _remembered_name(self) -> str:
        if self._settings is None:
            return ""
        self._settings.beginGroup(SETTINGS_GROUP)
        try:
            return str(self._settings.value("mapping_name", "") or "")
        finally:
            self._settings.endGroup()

    def _remember(self) -> None:
        """Keep the mapping in use (and the name it was saved under) for the next time."""
        if self._settings is None:
            return
        save_mapping(self._settings, self.mapping)
        self._settings.beginGroup(SETTINGS_GROUP)
        try:
            self._settings.setValue("mapping_name", self.mapping_name)
        finally:
            self._settings.endGroup()
        self._settings.sync()

    def _fill_saved(self, select: str) -> None:
        """List the saved mappings; select and use ``select`` when it is one of them."""
        if self._mappings is None:
            return
        try:
            names = self._mappings.names()
        except PlannerError as err:
            self.error.setText(
                self.tr("The saved mappings cannot be read: {reason}").format(reason=err)
            )
            names = []
        self.saved_combo.clear()
        self.saved_combo.addItem(self.tr(UNSAVED), "")
        for name in names:
            self.saved_combo.addItem(name, name)
        if select in names:
            self._use_saved(select)
        else:
            self.mapping_name = ""
        self.saved_combo.setCurrentIndex(max(self.saved_combo.findData(self.mapping_name), 0))

    def _use_saved(self, name: str) -> bool:
        """Take the mapping saved under ``name``; False (the reason shown) when it fails."""
        assert self._mappings is not None
        try:
            self.mapping = self._mappings.load(name)
        except PlannerError as err:
            self.error.setText(str(err))
            return False
        self.mapping_name = name
        return True

    def _on_saved_combo_activated(self, index: int) -> None:
        name = str(self.saved_combo.itemData(index) or "")
        if name == self.mapping_name:
            return
        if not name:  # "(not saved)": keep the columns, no longer as the saved mapping
            self.mapping_name = ""
            self._remember()
            return
        self.error.setText("")
        if not self._use_saved(name):
            self.saved_combo.setCurrentIndex(max(self.saved_combo.findData(self.mapping_name), 0))
            return
        self._mapping_changed()

    def _on_save_button_clicked(self) -> None:
        if self._mappings is None:
            return
        name = self.ask_mapping_name(self, self.mapping_name)
        if name is None:
            return
        self.error.setText("")
        try:
            text = lab_mappings.check_mapping_name(name)
            self._mappings.save(text, self.mapping)
        except PlannerError as err:
            self.error.setText(self.tr("The mapping was not saved: {reason}").format(reason=err))
            return
        self.mapping_name = text
        self._remember()
        self._fill_saved(text)
        self._show_mapping()

    def _mapping_changed(self) -> None:
        """The mapping in use changed: remember it, show it, and preview again."""
        self._remember()
        self._show_mapping()
        self.report = None
        self._update_buttons()
        if self.path_edit.text().strip():
            self.preview()

    # --- state -------------------------------------------------------------------------------

    def _show_mapping(self) -> None:
        m = self.mapping
        self.mapping_label.setText(
            (
                self.tr(
                    "Columns: MRN = {mrn}, date = {date}, test = {test}, result = {result}, "
                    "unit = {unit}, decimal comma"
                )
                if m.decimal_comma
                else self.tr(
                    "Columns: MRN = {mrn}, date = {date}, test = {test}, result = {result}, "
                    "unit = {unit}"
                )
            ).format(
                mrn=m.mrn,
                date=m.date,
                test=m.analyte,
                result=m.value,
                unit=m.unit or QCoreApplication.translate("ColumnMappingDialog", NO_COLUMN),
            )
            + (
                "\n"
                + self.tr("Local codes: {codes}").format(
                    codes=", ".join(f"{c} = {a}" for c, a in m.local_codes.items())
                )
                if m.local_codes
                else ""
            )
        )

    def _update_buttons(self) -> None:
        has_file = bool(self.path_edit.text().strip())
        self.preview_button.setEnabled(has_file and self.imported is None and not self.busy)
        can_import = (
            self.report is not None
            and self.report.dry_run
            and bool(self.report.accepted)
            and self.imported is None
            and not self.busy
        )
        self.import_button.setEnabled(can_import)
        # What the answer under way was asked for stays as it was until it comes.
        for widget in (
            self.path_edit,
            self.choose_button,
            self.columns_button,
            self.saved_combo,
            self.save_button,
        ):
            widget.setEnabled(not self.busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not self._storing)

    def _on_path_edit_text_changed(self, _text: str) -> None:
        self.report = None
        self._data = None
        self.imported = None
        self._update_buttons()

    def _on_choose_button_clicked(self) -> None:
        path = self.choose_file(self)
        if path:
            self.path_edit.setText(path)
            self.preview()

    def _on_columns_button_clicked(self) -> None:
        columns = header_of(Path(self.path_edit.text().strip()))
        mapping = ColumnMappingDialog.ask(self, self.mapping, columns)
        if mapping is None:
            return
        if mapping != self.mapping:
            self.mapping_name = ""  # edited: no longer the saved one
            self.saved_combo.setCurrentIndex(0)
        self.mapping = mapping
        self._mapping_changed()

    # --- actions -----------------------------------------------------------------------------

    def _read(self) -> bytes:
        path = Path(self.path_edit.text().strip())
        check_size(os.stat(path).st_size)  # refuse before reading a huge file
        return path.read_bytes()

    def _run(self, dry_run: bool) -> None:
        """Start a dry run or the import in a worker thread: a 100,000-row file takes
        about a second, which the window must not freeze for. The dialog says what is
        under way, and its buttons wait for the answer."""
        self.error.setText("")
        try:
            if self._data is None:
                self._data = self._read()
        except (LabImportError, OSError) as err:
            self._refused(err)
            return
        name = Path(self.path_edit.text().strip()).name
        self.busy, self._storing = True, not dry_run
        self.summary.setText(
            self.tr("Checking the file...") if dry_run else self.tr("Importing...")
        )
        self._update_buttons()
        started = False
        try:
            self._run_import(self._data, name, self.mapping, dry_run, self._answered, self._refused)
            started = True
        except PlannerError as err:  # refused before it started (no database open)
            self._refused(err)
        finally:
            if not started and self.busy:  # a fault of the program: the dialog must not wait
                self.busy = self._storing = False
                self.summary.setText("")
                self._update_buttons()

    def _answered(self, report: ImportReport) -> None:
        if not isValid(self):
            return
        self.busy = self._storing = False
        self.report = report
        if not report.dry_run:
            self.imported = report
        self._show(report)
        self._update_buttons()

    def _refused(self, err: BaseException) -> None:
        if not isValid(self):
            return
        self.busy = self._storing = False
        if isinstance(err, LabImportError):
            self.error.setText(self.tr("The file was refused: {reason}").format(reason=err))
        elif isinstance(err, OSError):
            self.error.setText(
                self.tr("The file cannot be read: {reason}.").format(reason=err.strerror or err)
            )
        elif isinstance(err, PlannerError):
            self.error.setText(self.tr("Not imported: {reason}").format(reason=err))
        self._data = None
        self.summary.setText("")
        self.rejected_rows.set_rows(())
        self._update_buttons()
        if not isinstance(err, (LabImportError, OSError, PlannerError)):
            raise err  # a fault of the program: the crash report takes it

    def preview(self) -> None:
        """Dry run: show what would be imported and every rejected row with its reason."""
        self._run(dry_run=True)

    def do_import(self) -> None:
        """Store the accepted rows in one transaction and show the final report."""
        self._run(dry_run=False)

    def reject(self) -> None:
        """Close, except while an import is being stored: its report is still to come."""
        if not self._storing:
            super().reject()

    def _show(self, report: ImportReport) -> None:
        notes = "".join("\n" + self.tr("Note: {note}").format(note=w) for w in report.warnings)
        self.summary.setText(report.summary() + notes)
        self.rejected_rows.set_rows(sorted(report.rejected, key=lambda r: r.line))
        self.rejected_table.resizeColumnToContents(0)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        run_import: ImportRunner,
        settings: QSettings | None,
        path: str | None = None,
        mappings: SavedMappings | None = None,
    ) -> ImportReport | None:
        """Run the dialog; the committed import's report, or None when nothing was imported.

        ``mappings``: the saved mappings to offer and save to (``saved_mappings_of``);
        without them the dialog remembers the last mapping on this workstation only."""
        dialog = cls(parent, run_import, settings, path, mappings)
        if path:
            dialog.preview()
        dialog.exec()
        return dialog.imported


def load_mapping_default() -> ColumnMapping:
    """The default long-format mapping (MRN, Date, Test, Result, Unit)."""
    return ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
