"""The app in Spanish: translators loaded at start, the language setting, access keys.

The translators are installed into the test's QApplication for one test and removed
after it, so every other test sees the English source texts.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from tests.gui import test_shortcuts as shortcuts
from tests.gui.conftest import ACTOR, NOW
from ui.actions import (
    LANGUAGE_MENU,
    LANGUAGE_MENU_OF,
    MENUS,
    SPECS,
    TOP_ACCESS_KEYS,
    access_key,
    duplicates,
    shown,
    shown_top_access_keys,
)
from ui.settings import WindowState
from ui.translation import (
    Loaded,
    catalogues,
    compiled_catalogue,
    format_date,
    install_translators,
    remove_translators,
    resolve_language,
    shown_language,
    translations_folder,
)
from ui.widgets.plan_timeline import long_date


@pytest.fixture
def spanish(qapp, tmp_path):
    """The Spanish catalogues installed (compiled into a cache when not built)."""
    loaded = install_translators(qapp, "es", cache=tmp_path / "cache")
    yield loaded
    remove_translators(qapp, loaded)


def test_spanish_loads_every_catalogue_and_qt_own(spanish):
    assert spanish.problems == []
    parts = catalogues(translations_folder(), "es")
    assert {"main"} <= set(parts)
    assert {f"{p}_es.qm" for p in parts} | {"qtbase_es.qm"} == set(spanish.files)
    assert shown_language() == "es"
    assert QCoreApplication.translate("actions", "&File") == "&Archivo"


def test_english_needs_no_translator(qapp, caplog):
    with caplog.at_level(logging.INFO, logger="transplant_planner"):
        loaded = install_translators(qapp, "en")
    assert loaded.files == [] and loaded.translators == []
    assert "interface language: en" in caplog.text
    assert QCoreApplication.translate("actions", "&File") == "&File"


def test_the_log_names_the_language_and_files(qapp, tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="transplant_planner"):
        loaded = install_translators(qapp, "es", cache=tmp_path)
    try:
        assert re.search(r"interface language: es \(.*main_es\.qm.*qtbase_es\.qm\)", caplog.text)
    finally:
        remove_translators(qapp, loaded)
    assert shown_language() == "en"
    assert QCoreApplication.translate("actions", "&File") == "&File"


def test_main_window_in_spanish(spanish, make_window, demo_repo, qtbot, monkeypatch):
    window = make_window(demo_repo)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:4] == ["&Archivo", "&Editar", "&Paciente", "&Ver"]
    assert titles[-1] == "Ayuda"
    assert [window.tabs.tabText(i) for i in (0, 1)] == ["&Tablero", "&Hoy"]
    headers = [
        window.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(window.model.columnCount())
    ]
    assert headers[:4] == ["Nombre", "NHC", "Tipo", "Día"]
    shown = {window.model.index(r, 2).data() for r in range(window.model.rowCount())}
    assert shown == {"autólogo", "alogénico", "CAR-T"}  # the stored value stays English
    assert window.actions_by_name["move_day0"].text() == "Mover el &Día 0..."
    assert window.board.this_week.text() == "Para esta &semana"
    assert re.match(
        r"\d+ trasplantes activos - hoy \w{3} \d\d \w+ 2026$", window.statusBar().currentMessage()
    )
    # A patient's tabs and header.
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == shortcuts.PATIENT_MRN)
    ws = window.open_transplant(tid)
    assert ws is not None
    tabs = [ws.tabs.tabText(i) for i in range(ws.tabs.count())]
    assert tabs[:5] == [
        "&Cronograma",
        "Calen&dario",
        "Pa&sos",
        "&Listas de verificación",
        "Complicacio&nes",
    ]
    assert "   NHC DEMO-0011   nacimiento " in ws.header.text()
    assert "alogénico" in ws.header.text() and "(injertado)" in ws.header.text()
    assert ws.table_model.headerData(3, Qt.Orientation.Horizontal) == "Paso"
    # A dialog: its own text, and Qt's standard button from qtbase_es.qm.
    seen: dict[str, object] = {}

    def capture(box: QMessageBox) -> int:
        seen["title"] = box.windowTitle()
        seen["text"] = box.text()
        seen["ok"] = box.button(QMessageBox.StandardButton.Ok).text()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", capture)
    window.restore_from_backup()
    assert seen["title"] == "Restaurar desde una copia de seguridad"
    assert str(seen["text"]).startswith("Para restaurar una copia de seguridad, cierre")
    assert str(seen["ok"]).replace("&", "") == "Aceptar"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancelar"


def test_dates_in_spanish(spanish):
    day = dt.date(2026, 3, 10)
    assert format_date(day, "%a %d %b %Y") == "mar 10 mar 2026"
    assert long_date(day) == "Mar 10 mar 2026"


def test_dates_in_english_are_strftime(qapp):
    day = dt.date(2026, 3, 10)
    assert format_date(day, "%a %d %b %Y") == day.strftime("%a %d %b %Y") == "Tue 10 Mar 2026"
    assert long_date(day) == "Tue 10 Mar 2026"


# --------------------------------------------------------------------------- access keys


def test_spanish_top_access_keys_are_unique(spanish):
    keys = shown_top_access_keys()
    assert keys != list(TOP_ACCESS_KEYS)  # translated...
    assert all(access_key(t) for t in keys)  # ...each with its key...
    assert not duplicates((access_key(t), t) for t in keys)  # ...none shared


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_menu_has_distinct_access_keys(qapp, tmp_path, language):
    loaded = install_translators(qapp, language, cache=tmp_path)
    try:
        for title, names in MENUS:
            entries = [
                (access_key(SPECS[n].shown_text), n) for n in names if n and SPECS[n].shown_text
            ]
            if title == LANGUAGE_MENU_OF:
                entries.append((access_key(shown(LANGUAGE_MENU)), "language"))
            assert all(key for key, _ in entries), (language, title)
            assert not duplicates(entries), (language, title)
    finally:
        remove_translators(qapp, loaded)


def test_nothing_on_the_board_or_today_shares_an_access_key_in_spanish(
    spanish, make_window, demo_repo, qtbot
):
    window = make_window(demo_repo)
    shortcuts._shown(window, qtbot)
    problems = []
    for context in (shortcuts.board_context(window), shortcuts.today_context(window)):
        context.reset(window)
        owners = shortcuts.access_key_owners(window)
        if shared := duplicates((o.key, str(o)) for o in owners):
            problems.append(f"{context.name}: {shared}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the setting


def test_language_menu_keeps_the_choice_for_the_next_start(make_window, demo_repo, settings):
    window = make_window(demo_repo)
    assert window.language_actions["system"].isChecked()  # the default
    window.language_actions["es"].trigger()
    assert "next time" in window.statusBar().currentMessage()
    settings.sync()
    stored = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    assert WindowState(stored).load_language() == "es"
    again = make_window(demo_repo)
    assert again.language_actions["es"].isChecked()
    assert not again.language_actions["system"].isChecked()


@pytest.mark.parametrize(
    ("choice", "system", "expected"),
    [
        ("system", "es_ES", "es"),
        ("system", "es_MX", "es"),
        ("system", "fr_FR", "en"),
        ("system", "en_GB", "en"),
        ("en", "es_ES", "en"),
        ("es", "en_US", "es"),
        ("klingon", "es_ES", "es"),  # an unknown stored value: as System
    ],
)
def test_language_from_the_choice_or_the_system_locale(qapp, choice, system, expected):
    assert resolve_language(choice, QLocale(system)) == expected


# --------------------------------------------------------------------------- catalogues


def test_a_missing_or_stale_catalogue_is_compiled_into_the_cache(tmp_path):
    folder = tmp_path / "translations"
    folder.mkdir()
    ts = shutil.copy(translations_folder() / "main_es.ts", folder / "main_es.ts")
    cache = tmp_path / "cache"
    built = compiled_catalogue(folder, "main", "es", cache)
    assert built == cache / "main_es.qm" and built.stat().st_size > 1000
    # Built beside the source and newer: used as it is.
    beside = shutil.copy(built, folder / "main_es.qm")
    assert compiled_catalogue(folder, "main", "es", cache) == beside
    # The source edited since (a pull): compiled again, into the cache.
    edited = os.stat(beside).st_mtime - 50
    os.utime(ts, (edited, edited))
    for old in (beside, built):
        os.utime(old, (edited - 50, edited - 50))
    assert compiled_catalogue(folder, "main", "es", cache) == built
    assert built.stat().st_mtime > edited  # compiled again
    # No cache to compile into: refused with the reason (the app says it and logs it).
    with pytest.raises(OSError, match=r"older than main_es\.ts"):
        compiled_catalogue(folder, "main", "es", None)


def test_a_catalogue_that_cannot_load_is_reported(qapp, tmp_path):
    folder = tmp_path / "translations"
    folder.mkdir()
    (folder / "main_es.qm").write_bytes(b"not a catalogue")
    loaded = install_translators(qapp, "es", folder=folder, cache=tmp_path)
    try:
        assert "main_es.qm could not be loaded" in loaded.problems
        assert "no translation of the interface into 'es' loaded" in loaded.problems
    finally:
        remove_translators(qapp, loaded)
    assert QApplication.translate("actions", "&File") == "&File"


def test_the_app_starts_in_the_stored_language(qapp, settings, demo_repo, monkeypatch, tmp_path):
    """``ui.app.run`` reads the choice before building the window and loads Spanish."""
    from ui import app as app_module
    from ui.main_window import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    WindowState(settings).save_language("es")
    installed: list[Loaded] = []

    def install(app: QCoreApplication, language: str, **kw: object) -> Loaded:
        installed.append(install_translators(app, language, cache=tmp_path))
        return installed[-1]

    monkeypatch.setattr(app_module, "install_translators", install)
    seen: list[list[str]] = []
    # Windows of earlier tests may not be deleted yet: look only at the one run() makes.
    # The earlier ones are held here (an id alone could be reused by the new window once
    # an old one is freed, and the loop would then never end).
    earlier = list(QApplication.topLevelWidgets())
    ticks = [0]

    def close_when_ready() -> None:
        ticks[0] += 1
        for widget in QApplication.topLevelWidgets():
            if any(widget is old for old in earlier):
                continue
            if isinstance(widget, MainWindow) and widget.session.ready:
                seen.append([a.text() for a in widget.menuBar().actions()])
                widget.close()
        if ticks[0] > 1500:  # 30 s: fail with what was seen rather than hang
            QApplication.instance().exit(3)

    timer = QTimer()
    timer.timeout.connect(close_when_ready)
    timer.start(20)
    try:
        code = app_module.run(
            demo_repo,
            actor=ACTOR,
            clock=lambda: NOW,
            demo=True,
            window_settings=settings,
            translation_cache=tmp_path,
        )
    finally:
        timer.stop()
        for loaded in installed:
            remove_translators(qapp, loaded)
    assert code == 0
    assert [loaded.language for loaded in installed] == ["es"]
    assert seen and seen[0][:4] == ["&Archivo", "&Editar", "&Paciente", "&Ver"]


def test_nothing_on_a_patient_page_shares_an_access_key_in_spanish(
    spanish, make_window, demo_repo, qtbot
):
    window = make_window(demo_repo)
    shortcuts._shown(window, qtbot)
    problems = []
    for context in shortcuts.all_contexts(window):
        context.reset(window)
        owners = shortcuts.access_key_owners(window)
        if shared := duplicates((o.key, str(o)) for o in owners):
            problems.append(f"{context.name}: {shared}")
    assert not problems, "\n".join(problems)
