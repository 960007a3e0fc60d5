"""The Chimerism... calculator: opened from the Complications tab's "More calculators" menu
with the keyboard, values typed key by key, the ASTCT 2021 interpretation shown with its rule
and source (Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649), and the trend note
when a previous result is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMenu

from tests.gui.conftest import NOW
from ui.dialogs import calculator_dialogs as calc
from ui.dialogs.calculator_form import CalculatorDialog

TODAY = NOW.date()


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


def _type(qtbot, editor: QLineEdit, text: str) -> None:
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def _choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick an item with the keyboard: Down until it is current."""
    combo.setFocus()
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def test_chimerism_from_the_menu_with_the_keyboard(qtbot, demo_window, monkeypatch):
    ws = _open(demo_window, "DEMO-0010")  # allogeneic, Day +21
    ws.tabs.setCurrentWidget(ws.complications)
    tab = ws.complications
    assert tab.menu_actions["chimerism"].isEnabled()
    shown: dict[str, object] = {}

    def run(dialog: CalculatorDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        shown["title"] = dialog.windowTitle()
        shown["empty"] = dialog.grade_label.text()
        _choose(qtbot, dialog.editors["lineage"], "T cells (CD3+)")
        _type(qtbot, dialog.editors["donor_percent"], "95")
        shown["at_95"] = dialog.grade_label.text()
        _type(qtbot, dialog.editors["donor_percent"], "95.1")
        shown["at_95_1"] = dialog.grade_label.text()
        _type(qtbot, dialog.editors["donor_percent"], "94.9")
        _type(qtbot, dialog.editors["previous_percent"], "99")
        _type(qtbot, dialog.editors["previous_date"], "2026-02-01")
        shown["grade"] = dialog.grade_label.text()
        shown["rule"] = dialog.rule_label.text()
        shown["criteria"] = dialog.criteria_label.text()
        shown["notes"] = dialog.notes_label.text()
        shown["save_visible"] = dialog.save_button.isVisible()
        _type(qtbot, dialog.editors["donor_percent"], "101")
        shown["refused"] = dialog.errors["donor_percent"].text()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        return dialog.result()

    monkeypatch.setattr(calc, "run_dialog", run)

    def pick_from_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu), "the More calculators menu did not open"
        shown["menu_items"] = [a.text() for a in menu.actions()]
        qtbot.keyClick(menu, Qt.Key.Key_S)  # Chimeri&sm...

    QTimer.singleShot(0, pick_from_menu)
    tab.more_button.setFocus()
    qtbot.keyClick(tab.more_button, Qt.Key.Key_Space)  # opens the menu
    qtbot.waitUntil(lambda: "grade" in shown, timeout=5000)

    assert "Chimeri&sm..." in shown["menu_items"]
    keys = [t.split("&")[1][0].lower() for t in shown["menu_items"] if "&" in t]
    assert keys.count("s") == 1, "the access key of Chimerism... must be unique in the menu"
    assert shown["title"] == "Donor chimerism: ASTCT 2021"
    assert shown["empty"] == "No result"
    assert shown["at_95"] == "Donor chimerism (ASTCT 2021): mixed chimerism"
    assert shown["at_95_1"] == "Donor chimerism (ASTCT 2021): full donor chimerism"
    assert shown["grade"] == "Donor chimerism (ASTCT 2021): mixed chimerism"
    assert shown["rule"] == (
        "Rule: T cells (CD3+): 94.9% donor, from 5% to 95%: mixed (partial) chimerism."
    )
    assert "Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649" in shown["criteria"]
    notes = str(shown["notes"])
    assert "Falling donor chimerism: 99% on 2026-02-01 to 94.9% on " + TODAY.isoformat() in notes
    assert "moved from full donor chimerism to mixed chimerism" in notes
    assert shown["save_visible"] is False  # shown and copied only: no record
    assert "not plausible" in str(shown["refused"]) and "0 to 100" in str(shown["refused"])


def test_chimerism_is_for_allogeneic_transplants_only(qtbot, demo_window):
    auto = next(
        r.transplant_id
        for r in demo_window.session.rows
        if demo_window.session.repo.get_transplant(r.transplant_id).transplant_type.value
        == "autologous"
    )
    ws = demo_window.open_transplant(auto)
    assert ws is not None
    assert not ws.complications.menu_actions["chimerism"].isEnabled()
