"""Import dialog: dry-run preview with every rejection, one-transaction import, remembered
column mapping, refused files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from planner.app.context import Context
from planner.labimport.reader import ColumnMapping
from tests.gui.conftest import ACTOR, NOW
from ui.counts_tab import CountsTab
from ui.dialogs.import_labs_dialog import (
    ColumnMappingDialog,
    ImportLabsDialog,
    header_of,
    load_mapping,
    save_mapping,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "labs"
CTX = Context(ACTOR, NOW)
GOOD = (
    "MRN,Date,Test,Result,Unit\nDEMO-0009,2026-03-01,ANC,0.4,10^9/L\n"
    "DEMO-0009,2026-03-01,PLT,22,K/uL\nNOPE,2026-03-01,ANC,1,10^9/L\n"
)


@pytest.fixture
def make(qtbot, open_session, settings):
    counts = CountsTab(open_session("DEMO-0009"))  # the dialog runs on the tab's edit path
    qtbot.addWidget(counts)

    def build(path: Path | str = "") -> ImportLabsDialog:
        dialog = ImportLabsDialog(None, counts.run_import, settings, str(path))
        qtbot.addWidget(dialog)
        return dialog

    return build


def test_preview_then_import(make, tmp_path, demo_repo) -> None:
    path = tmp_path / "labs.csv"
    path.write_text(GOOD, encoding="utf-8")
    stored = len(demo_repo.list_lab_samples())  # the demo clinic's synthetic counts
    dialog = make(path)
    assert not dialog.import_button.isEnabled()
    dialog.preview()
    assert "2 result(s) would be imported" in dialog.summary.text()
    assert dialog.rejected_table.rowCount() == 1
    assert dialog.rejected_table.item(0, 0).text() == "4"
    assert "Unknown MRN 'NOPE'" in dialog.rejected_table.item(0, 1).text()
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
    assert dialog.rejected_table.rowCount() == 17
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
        (b"PK\x03\x04" + b"\x00" * 64, "not a text CSV"),
        ("MRN,Date\nZo\u00eb,1\n".encode("latin-1"), "UTF"),
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
