"""The Print / export dialog: live preview, save with one overwrite question, print, warnings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from planner.app.context import Context
from planner.app.patients import save_patient
from planner.domain.patients import ClinicSettings
from planner.records.documents import history
from tests.gui.conftest import ACTOR, NOW
from ui.dialogs import export_dialog
from ui.dialogs.day0_dialog import Day0Move, MoveDay0Dialog
from ui.dialogs.export_dialog import FOLDER_KEY, ExportDialog

RENDER_TIMEOUT = 20000


def _tid(repo, mrn: str) -> str:
    patient = repo.find_patient_by_mrn(mrn)
    return repo.list_transplants(patient.id)[0].id


def wait_preview(qtbot, dialog: ExportDialog) -> None:
    qtbot.waitUntil(
        lambda: not dialog.is_rendering() and dialog.document.pageCount() > 0,
        timeout=RENDER_TIMEOUT,
    )


CENTRE = ClinicSettings(centre_name="Test Centre", phone_24h="+1 555 0100")


@pytest.fixture
def make_dialog(qtbot, open_session, make_clinic, settings):
    def make(mrn: str = "DEMO-0003", repo=None, centre: ClinicSettings = CENTRE) -> ExportDialog:
        clinic = make_clinic(repo=repo) if repo is not None else None
        dialog = ExportDialog(open_session(mrn, clinic=clinic), centre, settings)
        qtbot.addWidget(dialog)
        wait_preview(qtbot, dialog)
        return dialog

    return make


def choose(
    qtbot,
    dialog: ExportDialog,
    *,
    kind: str | None = None,
    lang: str | None = None,
    large: bool | None = None,
) -> None:
    if kind is not None:
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    if lang is not None:
        dialog.language.setCurrentIndex(dialog.language.findData(lang))
    if large is not None:
        dialog.large_print.setChecked(large)
    wait_preview(qtbot, dialog)


@pytest.fixture
def save_as(monkeypatch):
    """Patch the file picker where it is used; records what it was offered."""
    offered: list[str] = []

    def install(path: Path) -> list[str]:
        def fake(_parent, _caption, default, _filter, **_kw):
            offered.append(default)
            return str(path), "PDF files (*.pdf)"

        monkeypatch.setattr(export_dialog.QFileDialog, "getSaveFileName", staticmethod(fake))
        return offered

    return install


@pytest.fixture
def answer(monkeypatch):
    """Patch the overwrite question; records every time it is asked."""
    asked: list[str] = []

    def install(button: QMessageBox.StandardButton) -> list[str]:
        def fake(_parent, _title, text, *_args):
            asked.append(text)
            return button

        monkeypatch.setattr(export_dialog.QMessageBox, "question", staticmethod(fake))
        return asked

    return install


@pytest.mark.parametrize("kind", ["handout", "summary", "handoff"])
def test_preview_loads_pages_in_memory(qtbot, make_dialog, kind, tmp_path):
    dialog = make_dialog()
    choose(qtbot, dialog, kind=kind)
    assert dialog.document.pageCount() > 0
    assert dialog.document.status().name == "Ready"
    assert dialog.save_button.isEnabled() and dialog.print_button.isEnabled()
    handout = kind == "handout"
    assert dialog.language.isEnabled() is handout and dialog.no_phi.isEnabled() is handout
    assert dialog.windowTitle() == "Print / export"


def test_preview_follows_options_and_shows_untranslated_steps(qtbot, make_dialog):
    dialog = make_dialog()
    english_pages = dialog.document.pageCount()
    choose(qtbot, dialog, lang="es", large=True)
    assert dialog.document.pageCount() > english_pages  # 16 pt, one week per row
    assert dialog._job.language == "es" and dialog._job.large_print


def test_save_writes_the_previewed_pdf_and_remembers_the_folder(
    qtbot, make_dialog, save_as, settings, tmp_path
):
    dialog = make_dialog()
    offered = save_as(tmp_path / "chosen.pdf")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "chosen.pdf").read_bytes() == dialog._rendered.pdf
    assert Path(offered[0]).name.startswith("handout_2026-03-10_")
    assert settings.value(FOLDER_KEY) == str(tmp_path.resolve())
    assert [e.kind for e in dialog.produced] == ["handout"]
    save_as(tmp_path / "again.pdf")
    dialog.save()
    assert Path(offered[1]).parent == tmp_path.resolve()  # the remembered folder


def test_overwrite_is_asked_once_and_no_keeps_the_file(
    qtbot, make_dialog, save_as, answer, tmp_path
):
    target = tmp_path / "h.pdf"
    target.write_bytes(b"printed last week")
    dialog = make_dialog()
    save_as(target)
    asked = answer(QMessageBox.StandardButton.No)
    dialog.save()
    assert len(asked) == 1 and "h.pdf already exists" in asked[0]
    assert target.read_bytes() == b"printed last week"
    assert dialog.produced == []
    asked = answer(QMessageBox.StandardButton.Yes)
    dialog.save()
    assert len(asked) == 2  # asked once more, for this second attempt
    assert target.read_bytes().startswith(b"%PDF")
    assert len(dialog.produced) == 1


def test_missing_glyph_warning_for_a_rare_ideograph(qtbot, demo_repo, make_dialog):
    # 田中 prints (bundled CJK face); 𠮷, outside the bundled subset, is named.
    patient = demo_repo.find_patient_by_mrn("DEMO-0013")
    save_patient(
        demo_repo,
        Context(ACTOR, NOW),
        dataclasses.replace(patient, family_name="𠮷田中", given_name="博"),
    )
    dialog = make_dialog("DEMO-0013")
    assert not dialog.warning.isHidden()
    assert "𠮷" in dialog.warning.text() and "box" in dialog.warning.text()
    assert "田" not in dialog.warning.text()
    choose(qtbot, dialog, kind="summary")
    assert not dialog.warning.isHidden()


def test_no_warning_for_latin_greek_cyrillic_names(make_dialog):
    dialog = make_dialog("DEMO-0005")  # PETROVA, Иванна
    assert dialog.warning.isHidden()


def test_handout_without_a_24_hour_number_warns(make_dialog):
    dialog = make_dialog("DEMO-0005", centre=ClinicSettings())
    assert not dialog.warning.isHidden()
    assert "No 24-hour phone number" in dialog.warning.text()


def test_print_draws_every_page_and_records_it(qtbot, make_dialog, tmp_path, demo_repo):
    dialog = make_dialog()
    choose(qtbot, dialog, kind="summary")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog.print_to(printer)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == dialog.document.pageCount()
    entries = history(demo_repo.get_record(_tid(demo_repo, "DEMO-0003"), "documents"))
    assert [(e.kind, e.output) for e in entries] == [("summary", "printer")]


def test_settings_hold_no_patient_data(qtbot, make_dialog, save_as, settings, tmp_path, demo_repo):
    dialog = make_dialog()
    save_as(tmp_path / "x.pdf")
    dialog.save()
    settings.sync()
    stored = Path(settings.fileName()).read_text(encoding="utf-8")
    patient = demo_repo.find_patient_by_mrn("DEMO-0003")
    for word in (
        patient.mrn,
        patient.family_name,
        patient.given_name,
        patient.date_of_birth.isoformat(),
    ):
        assert word not in stored


# --- the "Done means", from the main window ----------------------------------------------


def test_done_means_spanish_large_print_handout_and_english_summary(
    qtbot, demo_window, demo_repo, save_as, tmp_path, monkeypatch
):
    window = demo_window
    window.show()
    action = window.actions_by_name["export_documents"]
    assert action.shortcut() == QKeySequence("Ctrl+Shift+P")
    tid = _tid(demo_repo, "DEMO-0003")
    ws = window.open_transplant(tid)
    assert ws is not None and ws.documents_notice.isHidden()
    shots: list[Path] = []

    def drive(dialog: ExportDialog) -> int:
        wait_preview(qtbot, dialog)
        choose(qtbot, dialog, kind="handout", lang="es", large=True)
        assert dialog.document.pageCount() > 5
        save_as(tmp_path / "guia_es.pdf")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        shots.append(Path(qtbot.screenshot(dialog)))
        choose(qtbot, dialog, kind="summary")
        assert not dialog.language.isEnabled()
        save_as(tmp_path / "team_summary.pdf")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return 0

    monkeypatch.setattr(ExportDialog, "exec", drive)
    action.trigger()
    es = PdfReader(tmp_path / "guia_es.pdf")
    assert "Su guía del trasplante" in es.pages[0].extract_text()
    summary = PdfReader(tmp_path / "team_summary.pdf")
    assert summary.pages and "DEMO-0003" in summary.pages[0].extract_text()
    entries = history(demo_repo.get_record(tid, "documents"))
    assert [(e.kind, e.language, e.large_print) for e in entries] == [
        ("handout", "es", True),
        ("summary", "en", False),
    ]
    events = [r.new for r in demo_repo.audit_log() if r.entity == "event"]
    assert any("Export handout (es, large print)" in (e or "") for e in events)
    assert shots and shots[0].exists()

    # Day 0 moves (through the patient tab): the tab says the handout is out of date.
    plan = demo_repo.get_plan(tid)
    monkeypatch.setattr(
        MoveDay0Dialog,
        "ask",
        staticmethod(lambda *_a, **_k: Day0Move(plan.day0 + dt.timedelta(days=2), "bed not free")),
    )
    ws.move_day0()
    assert not ws.documents_notice.isHidden()
    assert ws.documents_notice.text() == ("Handout of 2026-03-10 is out of date: print a new one.")
    ws.session.undo_stack.undo()
    assert ws.documents_notice.isHidden()


def test_export_action_without_a_patient_tab_says_so(demo_window):
    demo_window.actions_by_name["export_documents"].trigger()
    assert "Open a patient" in demo_window.statusBar().currentMessage()
