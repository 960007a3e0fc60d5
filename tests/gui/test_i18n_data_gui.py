"""Bundled checklist and plan-rule texts in Spanish in the window: the Checklists tab
(picker, items, sections, warnings, tick prompt, printable view) and the Plan checks tab's
tooltips; English by default, and the stored ticks unchanged."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from planner.app.checklists import checklist_states
from ui.dialogs.calculator_dialogs import DateNoteDialog
from ui.translation import install_translators, remove_translators, translations_folder

IDM_TITLE_ES = "Marcadores de enfermedades infecciosas: VIH-1/2"
IDM_WARNING_ES = "Marcadores infecciosos: caduca 3 días antes de la recolección prevista"
LETERMOVIR_ES = "Letermovir 240 mg una vez al día si se administra con ciclosporina"


@pytest.fixture(scope="module")
def catalogue_folder(tmp_path_factory) -> Path:
    """A copy of the interface catalogues, compiled there (the bundled folder is untouched)."""
    folder = tmp_path_factory.mktemp("translations")
    for ts in translations_folder().glob("*_es.ts"):
        shutil.copy(ts, folder / ts.name)
    return folder


@pytest.fixture
def spanish(qapp: QApplication, catalogue_folder: Path) -> Iterator[None]:
    """The interface in Spanish as the app starts it (Qt catalogues and the planner's)."""
    loaded = install_translators(qapp, "es", folder=catalogue_folder, cache=catalogue_folder)
    assert loaded.files, loaded.problems
    yield
    remove_translators(qapp, loaded)


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


def _checklists(window):
    ws = _open(window, "DEMO-0001")  # autologous, in work-up, collection on 21 Mar
    ws.tabs.setCurrentWidget(ws.checklists)
    return ws.checklists


def _cell(tab, item_id: str, column: int) -> str:
    row = tab.row_of(item_id)
    assert row >= 0, item_id
    return tab.table.item(row, column).text()


def _tick_idm(monkeypatch, qtbot, tab) -> list[str]:
    prompts: list[str] = []

    def ask(parent, title, prompt, today, default=None, **_options):
        prompts.append(prompt)
        return dt.date(2026, 2, 16), "negativos"

    monkeypatch.setattr(DateNoteDialog, "ask", ask)
    tab.table.setFocus()
    tab.table.selectRow(tab.row_of("idm"))
    qtbot.keyClick(tab.table, Qt.Key.Key_Space)
    return prompts


def test_the_checklists_tab_shows_the_bundled_texts_in_spanish(
    spanish, demo_window, demo_repo, qtbot, monkeypatch
):
    tab = _checklists(demo_window)
    # The picker finds a checklist by its id, which stays English.
    assert tab.picker.itemText(tab.picker.findData("pre-transplant-workup")) == (
        "Estudio pretrasplante"
    )
    assert _cell(tab, "idm", 1).startswith(IDM_TITLE_ES)
    assert _cell(tab, "idm", 2) == "Infección"
    prompts = _tick_idm(monkeypatch, qtbot, tab)
    assert prompts and "Marcadores infecciosos" in prompts[0]
    assert _cell(tab, "idm", 7) == IDM_WARNING_ES
    assert IDM_WARNING_ES in tab.warnings.text()
    assert "<h2>Estudio pretrasplante</h2>" in tab.printable_html("Paciente")
    states, _ = checklist_states(demo_repo, tab.session.transplant.id)
    entry = states["pre-transplant-workup"].get("idm")
    assert entry is not None and entry.done and entry.note == "negativos"


def test_the_checklists_tab_is_english_by_default(demo_window, qtbot, monkeypatch):
    tab = _checklists(demo_window)
    index = tab.picker.findData("pre-transplant-workup")
    assert tab.picker.itemText(index) == "Pre-transplant work-up"
    assert _cell(tab, "idm", 1).startswith("Infectious-disease markers: HIV-1/2")
    assert _cell(tab, "idm", 2) == "Infection"
    _tick_idm(monkeypatch, qtbot, tab)
    assert _cell(tab, "idm", 7) == "IDM tests expire 3 days before the planned collection"


def _letermovir_tooltip(window) -> str:
    ws = _open(window, "DEMO-0005")  # Flu/Bu4 + ciclosporin-methotrexate, CMV positive
    table = ws.plan_checks.table
    rules = [table.item(r, 1).text() for r in range(table.rowCount())]
    row = rules.index("letermovir-with-ciclosporin")
    return table.item(row, 2).toolTip()


def test_the_plan_checks_tooltip_names_the_rule_in_spanish(spanish, demo_window):
    tip = _letermovir_tooltip(demo_window)
    assert LETERMOVIR_ES in tip
    assert "Prevymis" in tip  # the published source stays as written


def test_the_plan_checks_tooltip_is_english_by_default(demo_window):
    tip = _letermovir_tooltip(demo_window)
    assert "Letermovir 240 mg once daily when given with ciclosporin" in tip
