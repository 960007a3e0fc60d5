"""Import dialog: dry-run preview with every rejection, one-transaction import, remembered
column mapping, refused files; HL7 feeds, recognised encodings, saved mappings by name and
local codes (issue 18)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox

from planner.app.context import Context
from planner.labimport.reader import ColumnMapping, LabImportError
from tests.gui.conftest import ACTOR, NOW
from ui.counts_tab import CountsTab
from ui.dialogs.import_labs_dialog import (
    ColumnMappingDialog,
    ImportLabsDialog,
    SavedMappings,
    header_of,
    load_mapping,
    save_mapping,
    saved_mappings_of,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "labs"
CTX = Context(ACTOR, NOW)
GOOD = (
    "MRN,Date,Test,Result,Unit\nDEMO-0009,2026-03-01,ANC,0.4,10^9/L\n"
    "DEMO-0009,2026-03-01,PLT,22,K/uL\nNOPE,2026-03-01,ANC,1,10^9/L\n"
)


def waiting(qtbot, dialog: ImportLabsDialog) -> ImportLabsDialog:
    """The dialog whose preview and import return once their worker has answered (the
    dialog's own calls of ``preview`` included)."""
    for name in ("preview", "do_import"):
        started = getattr(dialog, name)

        def waited(started=started) -> None:
            started()
            qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)

        setattr(dialog, name, waited)
    return dialog


@pytest.fixture
def make(qtbot, open_session, settings):
    counts = CountsTab(open_session("DEMO-0009"))  # the dialog runs on the tab's edit path
    qtbot.addWidget(counts)

    def build(path: Path | str = "") -> ImportLabsDialog:
        dialog = ImportLabsDialog(None, counts.run_import, settings, str(path))
        qtbot.addWidget(dialog)
        return waiting(qtbot, dialog)

    return build


def test_preview_then_import(make, tmp_path, demo_repo) -> None:
    path = tmp_path / "labs.csv"
    path.write_text(GOOD, encoding="utf-8")
    stored = len(demo_repo.list_lab_samples())  # the demo clinic's synthetic counts
    dialog = make(path)
    assert not dialog.import_button.isEnabled()
    dialog.preview()
    assert "2 result(s) would be imported" in dialog.summary.text()
    assert dialog.rejected_rows.rowCount() == 1
    assert dialog.rejected_rows.cells(0)[0] == "4"
    assert "Unknown MRN 'NOPE'" in dialog.rejected_rows.cells(0)[1]
    assert len(demo_repo.list_lab_samples()) == stored  # the dry run wrote nothing
    assert dialog.import_button.isEnabled()
    dialog.do_import()
    assert dialog.imported is not None and not dialog.imported.dry_run
    assert len(demo_repo.list_lab_samples()) == stored + 2
    assert "2 result(s) imported" in dialog.summary.text()
    assert not dialog.import_button.isEnabled() and not dialog.preview_button.isEnabled()


def test_messy_file_with_remembered_mapping(make, settings, monkeypatch) -> None:
    dialog = make(DATA / "messy_export.csv")
    assert header_of(DATA / "messy_export.csv")[:4] == ["MRN", "Surname", "Collected", "Test"]
    mapping = ColumnMapping(
        mrn="MRN", date="Collected", analyte="Test", value="Result", unit="Units"
    )
    monkeypatch.setattr(ColumnMappingDialog, "ask", staticmethod(lambda *a: mapping))
    dialog.columns_button.click()  # remembers and previews
    assert "MRN = MRN, date = Collected" in dialog.mapping_label.text()
    # no demo patient has MRN 000123: every row is rejected with its reason
    assert dialog.rejected_rows.rowCount() == 17
    assert not dialog.import_button.isEnabled()
    assert load_mapping(settings) == mapping
    assert make().mapping == mapping  # a new dialog starts from the remembered mapping
    stored = {k: settings.value(k) for k in settings.allKeys()}
    assert "000123" not in str(stored) and "Null" not in str(stored)


def test_mapping_dialog_requires_columns(qtbot) -> None:
    dialog = ColumnMappingDialog(
        None, ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result"), ["MRN", "Date"]
    )
    qtbot.addWidget(dialog)
    dialog.combos["value"].setCurrentText("")
    dialog._on_buttons_accepted()
    assert "Choose a column" in dialog.error.text() and dialog.mapping is None
    dialog.combos["value"].setCurrentText("Result")
    dialog.decimal_comma.setChecked(True)
    dialog._on_buttons_accepted()
    assert dialog.mapping is not None and dialog.mapping.decimal_comma
    assert dialog.mapping.unit is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 64, "not a text file"),
        ("MRN,Date\nZo\u00eb,1\n".encode("utf-32"), "UTF-32"),
        (b"A,B\n1,2\n", "not found"),
    ],
)
def test_refused_files_show_the_reason(make, tmp_path, content, message, demo_repo) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    stored = len(demo_repo.list_lab_samples())
    dialog = make(path)
    dialog.preview()
    assert dialog.error.text().startswith("The file was refused:")
    assert message in dialog.error.text()
    assert not dialog.import_button.isEnabled()
    assert len(demo_repo.list_lab_samples()) == stored


def test_oversize_refused_before_reading(make, tmp_path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: 21 MB on paper
    assert os.stat(path).st_size > 20 * 1024 * 1024
    dialog = make(path)
    dialog.preview()
    assert "MB" in dialog.error.text() and "refused" in dialog.error.text()


def test_missing_file(make, tmp_path) -> None:
    dialog = make(tmp_path / "nope.csv")
    dialog.preview()
    assert "cannot be read" in dialog.error.text()


def test_choose_file_seam(make, tmp_path, monkeypatch) -> None:
    path = tmp_path / "labs.csv"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(ImportLabsDialog, "choose_file", staticmethod(lambda parent: str(path)))
    dialog = make()
    assert not dialog.preview_button.isEnabled()
    dialog.choose_button.click()
    assert dialog.path_edit.text() == str(path)
    assert dialog.report is not None and dialog.report.dry_run


def test_save_mapping_roundtrip(tmp_path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert load_mapping(settings).mrn == "MRN"
    m = ColumnMapping(
        mrn="Patient", date="When", analyte="What", value="Val", unit=None, decimal_comma=True
    )
    save_mapping(settings, m)
    assert load_mapping(settings) == m


# --------------------------------------------------------------------------- issue 18


HL7_FEED = (
    "MSH|^~\\&|LIS|LAB|PLANNER|BMT|20260301||ORU^R01|1|P|2.5.1\r"
    "PID|1||DEMO-0009^^^H^MR\r"
    "OBR|1|||CBC|||20260301\r"
    "OBX|1|NM|751-8^ANC^LN||0.4|10\\S\\9/L|||||F\r"
    "OBX|2|NM|2160-0^Creatinine^LN||97|umol/L|||||F\r"
    "OBX|3|NM|12345-6^Other^LN||1|mg/dL|||||F\r"
)


def test_hl7_feed_preview_names_message_and_obx_then_imports(make, tmp_path, demo_repo) -> None:
    path = tmp_path / "feed.hl7"
    path.write_bytes(HL7_FEED.encode())
    stored = len(demo_repo.list_lab_samples())
    dialog = make(path)
    dialog.preview()
    assert dialog.error.text() == ""
    assert "2 result(s) would be imported" in dialog.summary.text()
    assert dialog.rejected_rows.rowCount() == 1
    assert dialog.rejected_rows.cells(0)[1] == (
        "message 1, OBX 3: Unknown code 12345-6 (not a LOINC code the planner reads)."
    )
    dialog.do_import()
    assert "2 result(s) imported" in dialog.summary.text()
    new = demo_repo.list_lab_samples()
    assert len(new) == stored + 2
    assert {(s.analyte, s.unit) for s in new if s.source.startswith("feed.hl7")} == {
        ("anc", "10^9/L"),
        ("creatinine", "mg/dL"),
    }


def test_windows_1252_file_previews_with_the_encoding_said(make, tmp_path) -> None:
    path = tmp_path / "ansi.csv"
    text = "MRN;Name;Date;Test;Result;Unit\nDEMO-0009;Müller;2026-03-01;Creatinine;97;µmol/L\n"
    path.write_bytes(text.encode("cp1252") * 1)
    dialog = make(path)
    dialog.preview()
    assert "1 result(s) would be imported" in dialog.summary.text()
    assert "read as Windows-1252" in dialog.summary.text()
    assert header_of(path)[:2] == ["MRN", "Name"]


class FakeSaved:
    """Saved mappings kept in a dict, as ``SavedMappings`` reaches them."""

    def __init__(self) -> None:
        self.saved: dict[str, ColumnMapping] = {}

    def store(self) -> SavedMappings:
        return SavedMappings(
            names=lambda: sorted(self.saved),
            load=self.load,
            save=self.saved.__setitem__,
        )

    def load(self, name: str) -> ColumnMapping:
        if name not in self.saved:
            raise LabImportError(f"No mapping {name}.")
        return self.saved[name]


CENTRAL = ColumnMapping(
    mrn="Patient", date="When", analyte="What", value="Val", local_codes={"CREA": "creatinine"}
)


def test_saved_mapping_picked_and_saved_under_a_name(qtbot, settings, monkeypatch) -> None:
    fake = FakeSaved()
    fake.saved["Central lab"] = CENTRAL
    runs: list[ColumnMapping] = []

    def run(_data, _name, mapping, _dry, _done, failed):
        runs.append(mapping)
        failed(LabImportError("not run"))

    dialog = ImportLabsDialog(None, run, settings, None, fake.store())
    qtbot.addWidget(dialog)
    assert dialog.saved_combo.isVisibleTo(dialog)
    assert [dialog.saved_combo.itemText(i) for i in range(dialog.saved_combo.count())] == [
        "(not saved)",
        "Central lab",
    ]
    dialog.saved_combo.setCurrentIndex(1)
    dialog.saved_combo.activated.emit(1)
    assert dialog.mapping == CENTRAL and dialog.mapping_name == "Central lab"
    assert "Local codes: CREA = creatinine" in dialog.mapping_label.text()
    # A new dialog starts on the saved mapping it was left on.
    again = ImportLabsDialog(None, run, settings, None, fake.store())
    qtbot.addWidget(again)
    assert again.mapping_name == "Central lab" and again.saved_combo.currentText() == "Central lab"
    again.saved_combo.setCurrentIndex(0)
    again.saved_combo.activated.emit(0)
    assert again.mapping_name == "" and again.mapping == CENTRAL
    # Edited columns are no longer the saved mapping; Save as stores them under a name.
    edited = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
    monkeypatch.setattr(ColumnMappingDialog, "ask", staticmethod(lambda *a: edited))
    again.columns_button.click()
    assert again.mapping_name == "" and again.saved_combo.currentIndex() == 0
    monkeypatch.setattr(ImportLabsDialog, "ask_mapping_name", staticmethod(lambda *a: "  "))
    again.save_button.click()
    assert again.error.text() == "The mapping was not saved: Give the column mapping a name."
    monkeypatch.setattr(ImportLabsDialog, "ask_mapping_name", staticmethod(lambda *a: "North"))
    again.save_button.click()
    assert fake.saved["North"] == edited
    assert again.saved_combo.currentText() == "North" and again.mapping_name == "North"


def test_without_saved_mappings_the_row_is_hidden(qtbot, settings) -> None:
    dialog = ImportLabsDialog(None, lambda *a: pytest.fail("not run"), settings)
    qtbot.addWidget(dialog)
    assert not dialog.saved_combo.isVisibleTo(dialog)
    assert not dialog.save_button.isVisibleTo(dialog)


def test_saved_mappings_on_the_session_reach_the_database(open_session, qtbot, settings) -> None:
    from planner.app.lab_mappings import mapping_names, saved_mapping

    session = open_session("DEMO-0009")
    store = saved_mappings_of(session)
    store.save("Central lab", CENTRAL)
    repo = session.read(lambda repo, _ctx: repo)
    assert mapping_names(repo) == ["Central lab"] == store.names()
    assert saved_mapping(repo, "central lab") == CENTRAL == store.load("Central lab")
    assert repo.audit_log()[-1].action == "Save lab import mapping 'Central lab'"


def test_mapping_dialog_local_codes(qtbot) -> None:
    dialog = ColumnMappingDialog(None, CENTRAL, [])
    qtbot.addWidget(dialog)
    assert dialog.local_codes.toPlainText() == "CREA = creatinine"
    dialog.local_codes.setPlainText("CREA = creatinine\nTBIL bilirubin")
    dialog._on_buttons_accepted()
    assert dialog.mapping is None
    assert "Line 2 of the local codes is not written as CODE = analyte." in dialog.error.text()
    dialog.local_codes.setPlainText("CREA = Creatinine\n\nTBIL = bilirubin\n")
    dialog._on_buttons_accepted()
    assert dialog.mapping is not None
    assert dict(dialog.mapping.local_codes) == {"CREA": "creatinine", "TBIL": "bilirubin"}


def test_local_codes_remembered_in_settings(tmp_path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    save_mapping(settings, CENTRAL)
    assert load_mapping(settings).local_codes == {"CREA": "creatinine"}
    settings.setValue("lab_import/local_codes", "not a table")
    assert load_mapping(settings).local_codes == {}


# ------------------------------------------------- a long file, off the GUI thread (issue 16)


def test_the_import_runs_in_a_worker_and_is_undoable_in_the_tab(
    qtbot, open_session, settings, tmp_path, demo_repo
) -> None:
    session = open_session("DEMO-0009")
    counts = CountsTab(session)
    qtbot.addWidget(counts)
    path = tmp_path / "labs.csv"
    path.write_text(GOOD, encoding="utf-8")
    stored = len(demo_repo.list_lab_samples())
    held: list[tuple] = []  # the import's answer, held until the test lets it through

    def gated(data, name, mapping, dry_run, done, failed) -> None:
        answer = done if dry_run else (lambda report: held.append((done, report)))
        counts.run_import(data, name, mapping, dry_run, answer, failed)

    dialog = ImportLabsDialog(None, gated, settings, str(path))
    qtbot.addWidget(dialog)
    dialog.preview()
    assert dialog.busy and dialog.summary.text() == "Checking the file..."
    assert not dialog.preview_button.isEnabled() and not dialog.choose_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "2 result(s) would be imported" in dialog.summary.text()
    dialog.do_import()
    assert dialog.busy and dialog.summary.text() == "Importing..."
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert not close.isEnabled()
    with qtbot.waitExposed(dialog):
        dialog.show()
    qtbot.waitUntil(lambda: bool(held))  # stored; its report not yet shown
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the report is still to come: it stays
    assert dialog.isVisible() and dialog.busy
    done, report = held[0]
    done(report)
    assert not dialog.busy
    assert dialog.imported is not None and close.isEnabled()
    assert len(demo_repo.list_lab_samples()) == stored + 2
    # On this tab's edit path, as before: Ctrl+Z there takes back what it derived.
    assert session.undo_stack.canUndo() and "labs.csv" in session.undo_stack.undoText()
    session.undo_stack.undo()
    assert session.undo_stack.canRedo() and not session.undo_stack.canUndo()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_refused_import_says_why_and_pushes_nothing(
    qtbot, open_session, settings, tmp_path, monkeypatch
) -> None:
    from planner.errors import StorageError
    from ui import counts_tab

    session = open_session("DEMO-0009")
    counts = CountsTab(session)
    qtbot.addWidget(counts)
    path = tmp_path / "labs.csv"
    path.write_text(GOOD, encoding="utf-8")
    dialog = waiting(qtbot, ImportLabsDialog(None, counts.run_import, settings, str(path)))
    qtbot.addWidget(dialog)
    dialog.preview()
    whole = counts_tab.import_labs

    def refused(*args, **kwargs):
        if kwargs.get("dry_run"):
            return whole(*args, **kwargs)
        raise StorageError("The database is read-only.")

    monkeypatch.setattr(counts_tab, "import_labs", refused)
    dialog.do_import()
    assert dialog.error.text() == "Not imported: The database is read-only."
    assert dialog.imported is None and not session.undo_stack.canUndo()
    assert dialog.rejected_rows.rowCount() == 0 and dialog.summary.text() == ""


def test_a_hundred_thousand_rejected_rows_are_not_written_out_row_by_row(
    qtbot, settings, monkeypatch, tmp_path
) -> None:
    from planner.app.lab_import import ImportReport
    from planner.labimport.common import RejectedRow
    from ui.models.lazy_table_model import LazyTableModel

    rows = tuple(
        RejectedRow(i + 2, f"Unknown MRN '{i:06d}'.", (f"{i:06d}", "2026-03-01", "ANC", "1"))
        for i in range(100_000)
    )
    report = ImportReport("labs.csv", True, (), rows, rows_read=100_000)
    path = tmp_path / "labs.csv"
    path.write_text(GOOD, encoding="utf-8")  # read; the runner answers with the report
    asked: list[int] = []
    cells = LazyTableModel.cells
    monkeypatch.setattr(
        LazyTableModel, "cells", lambda self, row: (asked.append(row), cells(self, row))[1]
    )
    dialog = ImportLabsDialog(
        None, lambda _d, _n, _m, _dry, done, _failed: done(report), settings, str(path)
    )
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.preview()
    dialog.rejected_table.viewport().repaint()
    assert dialog.rejected_rows.rowCount() == 100_000
    assert asked and max(asked) < 1_000  # the rows painted and sized, not all
    last = dialog.rejected_rows.index(99_999, 1)
    assert last.data() == "Unknown MRN '099999'."
    assert last.data(Qt.ItemDataRole.ToolTipRole) == last.data()  # cut short: the whole text


def test_alt_f_goes_to_the_file_and_no_ampersand_is_shown(qtbot, settings) -> None:
    from PySide6.QtWidgets import QLabel

    dialog = ImportLabsDialog(None, lambda *a: pytest.fail("not run"), settings)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    label = next(w for w in dialog.findChildren(QLabel) if w.text() == "&File:")
    assert label.buddy() is dialog.path_edit  # shown as "File:" with F underlined
    dialog.preview_button.setFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert dialog.path_edit.hasFocus()


def test_a_runner_that_fails_before_it_starts_leaves_the_dialog_usable(qtbot, settings, tmp_path):
    from planner.errors import StorageError

    path = tmp_path / "labs.csv"
    path.write_text(GOOD, encoding="utf-8")

    def closed(*_args) -> None:
        raise StorageError("The database is closed.")

    dialog = ImportLabsDialog(None, closed, settings, str(path))
    qtbot.addWidget(dialog)
    dialog.preview()
    assert not dialog.busy and dialog.preview_button.isEnabled()
    assert dialog.error.text() == "Not imported: The database is closed."

    def broken(*_args) -> None:
        raise RuntimeError("a fault of the program")

    dialog._run_import = broken
    with pytest.raises(RuntimeError):
        dialog.preview()
    assert not dialog.busy and dialog.preview_button.isEnabled()  # never stuck waiting
