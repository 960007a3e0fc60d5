"""The dialogs and patient tabs in Spanish: their catalogue (resources/translations/
dialogs_es.ts) is complete, keeps every placeholder and access key, and is what a dialog
shows once it is loaded; what the dialogs store stays the same in every language."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QWidget,
)

from planner.domain.patients import TransplantType
from planner.protocols import load_protocols
from tests.gui.conftest import NOW
from tests.gui.test_shortcuts import access_key_owners
from ui.checklist_tab import ChecklistTab
from ui.dialogs.anchor_dialog import SetAnchorDialog
from ui.dialogs.day0_dialog import MoveDay0Dialog
from ui.dialogs.import_labs_dialog import ImportLabsDialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.plan_wizard import PlanWizard
from ui.harvest_tab import CollectionDialog, HarvestTab, NewCollection
from ui.translation import (
    format_date,
    install_translators,
    remove_translators,
    translations_folder,
)

TODAY = NOW.date()
TS = translations_folder() / "dialogs_es.ts"
_PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def _messages() -> Iterator[tuple[str, str, ET.Element]]:
    """(context, source, translation element) of every message of the catalogue."""
    root = ET.parse(TS).getroot()
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            yield name, message.findtext("source", ""), translation


def _access_key(text: str) -> str:
    """The letter after a single "&" ("" when there is none)."""
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else ""


# --------------------------------------------------------------------------- the catalogue


def test_every_message_is_translated_and_keeps_its_placeholders():
    """No unfinished or empty message; the same {placeholders}, access keys kept."""
    messages = list(_messages())
    assert len(messages) > 400  # the whole of the dialogs and tabs, not a sample
    for context, source, translation in messages:
        where = f"{context}: {source!r}"
        assert translation.get("type") is None, f"unfinished: {where}"
        assert (translation.text or "").strip(), f"empty: {where}"
        text = translation.text or ""
        assert Counter(_PLACEHOLDER.findall(text)) == Counter(_PLACEHOLDER.findall(source)), where
        assert bool(_access_key(text)) == bool(_access_key(source)), f"access key: {where}"


def test_the_catalogue_is_current_with_the_code(tmp_path):
    """lupdate finds no text in the code that the catalogue lacks (nothing left English)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    files = sorted(
        str(p)
        for p in [
            *(root / "ui" / "dialogs").glob("*.py"),
            *(
                root / "ui" / name
                for name in (
                    "checklist_tab.py",
                    "complications_tab.py",
                    "counts_tab.py",
                    "harvest_tab.py",
                    "infusion_dialog.py",
                    "chimerism_panel.py",
                    "plan_checks_panel.py",
                )
            ),
        ]
    )
    copy = tmp_path / "dialogs_es.ts"
    copy.write_bytes(TS.read_bytes())
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    done = subprocess.run(
        [str(lupdate), *files, "-ts", str(copy), "-no-obsolete"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "(0 new and" in done.stdout, done.stdout
    assert "Removed" not in done.stdout, done.stdout  # no stale message either


# --------------------------------------------------------------------------- on screen


@pytest.fixture(scope="module")
def catalogue_folder(tmp_path_factory) -> Path:
    """A folder with this catalogue alone: what is tested is its text, not another's."""
    folder = tmp_path_factory.mktemp("translations")
    shutil.copy(TS, folder / TS.name)
    return folder


@pytest.fixture
def spanish(qapp: QApplication, catalogue_folder: Path) -> Iterator[None]:
    """The interface in Spanish as the app starts it (the dialogs' catalogue and Qt's own),
    for one test; English again after it."""
    loaded = install_translators(qapp, "es", folder=catalogue_folder, cache=catalogue_folder)
    assert "dialogs_es.qm" in loaded.files, loaded.problems
    yield
    remove_translators(qapp, loaded)


def _texts(widget: QWidget) -> list[str]:
    """Every label, button and group title shown in ``widget``."""
    found = [w.text() for w in widget.findChildren(QLabel)]
    found += [w.text() for w in widget.findChildren(QAbstractButton)]
    found += [w.title() for w in widget.findChildren(QGroupBox)]
    return found


def _assert_unique_access_keys(widget: QWidget) -> None:
    keys = [(k, t) for t in _texts(widget) if (k := _access_key(t))]
    counts = Counter(k for k, _ in keys)
    assert not [t for k, t in keys if counts[k] > 1], keys


def test_move_day0_is_in_spanish(spanish, demo_window, qtbot):
    row = next(r for r in demo_window.session.rows if r.mrn == "DEMO-0001")
    s = demo_window.open_transplant(row.transplant_id).session
    dialog = MoveDay0Dialog(None, s.plan, today=TODAY, transplant=s.transplant, patient=s.patient)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Mover el Día 0"
    assert dialog.summary.text() == "Elija el nuevo Día 0 y después indique el motivo."
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Mover el Día 0"
    assert "&Motivo:" in _texts(dialog)
    day0 = format_date(s.plan.day0, "%a %d %b %Y")  # the day and month named in Spanish
    assert day0 != s.plan.day0.strftime("%a %d %b %Y")
    assert f"El Día 0 es el {day0}. Nuevo &Día 0:" in _texts(dialog)
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text().replace("&", "") == "Cancelar"  # Qt's own catalogue
    dialog.date_edit.set_date(s.plan.day0 + dt.timedelta(days=3))
    assert dialog.summary.text().startswith("El Día 0 se retrasa 3 días, al ")
    assert re.search(r"Cambian \d+ fechas\.$", dialog.summary.text())
    assert dialog.table.model().headerData(0, dialog.table.horizontalHeader().orientation()) == (
        "Paso"
    )
    _assert_unique_access_keys(dialog)


def test_the_patient_dialog_is_in_spanish_and_stores_english_values(spanish, qtbot):
    dialog = PatientDialog(None, None, TODAY)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Nuevo paciente"
    shown = _texts(dialog)
    assert {"N&HC", "Ape&llidos", "&Sexo", "&Talla (cm)"} <= set(shown)
    sex = dialog.widgets["sex"]
    assert [sex.itemText(i) for i in range(sex.count())] == ["mujer", "hombre"]
    cmv = dialog.widgets["cmv_igg"]
    assert cmv.currentText() == "desconocido"
    sex.setCurrentIndex(sex.findText("hombre"))
    cmv.setCurrentIndex(cmv.findText("positivo"))
    values = dialog.values()
    assert values["sex"] == "male" and values["cmv_igg"] == "positive"
    dialog.widgets["height_cm"].setText("abc")
    _, errors = dialog.read()
    assert errors["height_cm"].startswith("«abc» no es un número: introduzca la talla en cm")
    _assert_unique_access_keys(dialog)


def test_the_new_plan_wizard_is_in_spanish_and_builds_the_same_plan(spanish, demo_repo, qtbot):
    patient = next(p for p in demo_repo.list_patients() if p.mrn == "DEMO-0001")
    wizard = PlanWizard(None, patient, load_protocols(), TODAY)
    qtbot.addWidget(wizard)
    assert wizard.windowTitle() == "Nuevo plan"
    types = wizard.type_box
    assert [types.itemText(i) for i in range(types.count())] == [
        "autólogo",
        "alogénico",
        "terapia con células CAR-T",
    ]
    assert wizard.source_box.currentText() == "sangre periférica"
    assert {"Acondicionamiento", "Profilaxis de la EICR", "&Tipo de trasplante"} <= set(
        _texts(wizard)
    )
    types.setCurrentIndex(types.findText("alogénico"))
    request = wizard.request()
    assert request.transplant.transplant_type is TransplantType.ALLOGENEIC
    assert request.transplant.graft_source.value == "pbsc"
    headers = [wizard.table.horizontalHeaderItem(c).text() for c in range(5)]
    assert headers == ["Día", "Fecha", "Fase", "Paso", "Dosis"]
    _assert_unique_access_keys(wizard)


def test_the_harvest_tab_is_in_spanish(spanish, open_session, qtbot):
    tab = HarvestTab(open_session("DEMO-0003"))
    qtbot.addWidget(tab)
    buttons = {b.text() for b in tab.findChildren(QPushButton)}
    assert {"Añadir a&féresis...", "Recuento de CD34+ en san&gre...", "Ob&jetivos..."} <= buttons
    assert tab.total_label.text().startswith("Acumulado: ")
    assert tab.mday_label.text().startswith("Hoy ")
    assert tab.model.headerData(0, tab.table.horizontalHeader().orientation()) == "Día M"
    assert tab.model.headerData(7, tab.table.horizontalHeader().orientation()) == (
        "Dosis x10^6 CD34+/kg"
    )


def test_the_collection_dialog_is_in_spanish(spanish, qtbot):
    dialog = CollectionDialog(None, NewCollection("n1", TODAY))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Aféresis"
    assert dialog.product.text() == "sin introducir"
    assert dialog.preview.text() == (
        "Introduzca el volumen del producto y la concentración de CD34+ del producto y el "
        "peso del receptor para calcular la dosis."
    )
    _assert_unique_access_keys(dialog)


def test_the_checklist_tab_is_in_spanish(spanish, demo_window, qtbot):
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0001")
    ws = demo_window.open_transplant(tid)
    tab = ws.findChild(ChecklistTab)
    assert tab is not None
    tab.refresh()
    headers = [tab.table.horizontalHeaderItem(c).text() for c in range(tab.table.columnCount())]
    assert headers[:3] == ["Hecho", "Elemento", "Sección"]
    assert re.fullmatch(r"\d+ de \d+ hechos", tab.progress.text())
    statuses = {tab.table.item(r, 5).text() for r in range(tab.table.rowCount())}
    assert statuses and statuses <= {"hecho", "atrasado", "próximo", "planificado", "caduca antes"}


def test_other_dialogs_have_no_clashing_spanish_access_keys(spanish, demo_window, qtbot):
    row = next(r for r in demo_window.session.rows if r.mrn == "DEMO-0003")
    plan = demo_window.open_transplant(row.transplant_id).session.plan
    anchor = SetAnchorDialog(None, plan)
    labs = ImportLabsDialog(None, lambda *_: pytest.fail("nothing is imported"), None)
    for dialog in (anchor, labs):
        qtbot.addWidget(dialog)
        _assert_unique_access_keys(dialog)
    assert anchor.windowTitle() == "Fijar una fecha de referencia"
    assert labs.windowTitle() == "Importar resultados de laboratorio"


def test_the_patient_tabs_access_keys_clash_with_nothing_in_spanish(
    qapp, make_window, demo_repo, qtbot, tmp_path
):
    """With every catalogue of the app loaded, each patient tab's Spanish access keys are
    unique among the menus, the tabs and the tab's own buttons and labels."""
    loaded = install_translators(qapp, "es", cache=tmp_path)
    try:
        window = make_window(demo_repo)
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        tid = next(r.transplant_id for r in window.session.rows if r.mrn == "DEMO-0011")
        ws = window.open_transplant(tid)
        pages = [ws.checklists, ws.complications, ws.harvest_tab, ws.counts_tab, ws.plan_checks]
        assert window.menuBar().actions()[0].text() == "&Archivo"  # the window's own catalogue
        for page in pages:
            ws.tabs.setCurrentWidget(page)
            owners = access_key_owners(window)
            assert any(page.isAncestorOf(o.widget) for o in owners) or page is ws.plan_checks
            keys = Counter(o.key for o in owners)
            assert not [str(o) for o in owners if keys[o.key] > 1], type(page).__name__
    finally:
        remove_translators(qapp, loaded)


def test_the_more_calculators_menu_and_board_tooltips_read_in_spanish(spanish, open_session, qtbot):
    """Texts the planner makes (calculator titles, menu sections, severities) follow the
    interface too, and the values the code compares stay English."""
    from planner.app.alert_rules import shown_severity
    from ui.complications_tab import ComplicationsTab

    tab = ComplicationsTab(open_session("DEMO-0010"))
    qtbot.addWidget(tab)
    menu = tab.more_menu.actions()
    sections = [a.text() for a in menu if a.isSeparator() and a.text()]
    entries = [a.toolTip() for a in menu if not a.isSeparator()]
    assert sections == ["Complicaciones", "Idoneidad y compatibilidad"]
    assert "Diagnóstico de SOS/EVO: criterios EBMT 2016 en adultos" in entries
    assert shown_severity("high") == "alta"
