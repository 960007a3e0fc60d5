"""Plan checks in the window: the patient's "Plan checks" tab, step tooltips, the
wizard refusing clashing templates, and the patient facts the rules read."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from planner.domain.templates import Category
from planner.protocols import load_protocols
from tests.gui.conftest import NOW
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.plan_wizard import PlanWizard

TODAY = NOW.date()


def _open(window, mrn):
    row = next(r for r in window.session.rows if r.mrn == mrn)
    return window.open_transplant(row.transplant_id)


def test_plan_checks_tab_shows_the_letermovir_rule_and_follows_a_patient_edit(
    demo_window, qtbot, monkeypatch
):
    demo_window.show()
    ws = _open(demo_window, "DEMO-0005")  # Flu/Bu4 + ciclosporin-methotrexate, CMV positive
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    ws.tabs.setFocus()
    qtbot.keyClick(ws.tabs, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert ws.tabs.currentWidget() is ws.plan_checks
    table = ws.plan_checks.table
    rules = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert "letermovir-with-ciclosporin" in rules
    row = rules.index("letermovir-with-ciclosporin")
    assert table.item(row, 0).text() == "dose adjusted"
    assert "Prevymis" in table.item(row, 2).toolTip()
    # The recipient turns out CMV negative: letermovir is now planned for the wrong patient.
    negative = replace(ws.session.patient, cmv_igg="negative")
    monkeypatch.setattr(PatientDialog, "ask", lambda parent, p, today: negative)
    qtbot.keyClick(demo_window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ws.session.patient.cmv_igg == "negative")
    assert "(" in ws.tabs.tabText(ws.tabs.indexOf(ws.plan_checks))
    rules = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert "letermovir-cmv-seropositive" in rules
    # Undo brings the positive serostatus and the adjusted dose back.
    qtbot.keyClick(demo_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ws.session.patient.cmv_igg == "positive")
    rules = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert "letermovir-cmv-seropositive" not in rules


def test_step_table_shows_the_adjusted_dose_and_its_rule(demo_window):
    ws = _open(demo_window, "DEMO-0005")
    model = ws.table_model
    letermovir = [
        r for r in range(model.rowCount()) if model.index(r, 3).data().startswith("Letermovir (")
    ]
    assert letermovir
    index = model.index(letermovir[0], 4)
    assert index.data() == "240 mg PO"
    assert "letermovir-with-ciclosporin" in index.data(Qt.ItemDataRole.ToolTipRole)
    title_tip = model.index(letermovir[0], 3).data(Qt.ItemDataRole.ToolTipRole)
    assert "Rule letermovir-with-ciclosporin" in title_tip and "Source:" in title_tip


def _choose(box, template_id):
    index = box.findData(template_id)
    assert index >= 0, template_id
    box.setCurrentIndex(index)


def test_the_wizard_refuses_clashing_templates_with_the_rule(qtbot, demo_repo):
    patient = next(p for p in demo_repo.list_patients() if p.mrn == "DEMO-0005")
    wizard = PlanWizard(None, patient, load_protocols(), TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.type_box.setFocus()
    qtbot.keyClick(wizard.type_box, Qt.Key.Key_Down)  # autologous -> allogeneic
    assert wizard.type_box.currentText() == "allogeneic"
    slots = wizard.slot_boxes
    _choose(slots[Category.CONDITIONING], "haplo-flu-cy-tbi-ptcy")
    ok = wizard.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    _choose(slots[Category.GVHD_PROPHYLAXIS], "ptcy-tacrolimus-mmf-gvhd")
    assert not ok.isEnabled()
    assert "cannot go together" in wizard.message.text()
    assert "duplicate-agent" in wizard.message.text()
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert wizard.isVisible()  # Enter does not create a clashing plan
    _choose(slots[Category.GVHD_PROPHYLAXIS], "tacrolimus-methotrexate-gvhd")
    # Tacrolimus in both templates: the first rule named is the duplicate, then 3 more.
    assert "(rule duplicate-agent:" in wizard.message.text()
    assert "3 more clash(es)" in wizard.message.text()
    slots[Category.GVHD_PROPHYLAXIS].setCurrentIndex(
        0
    )  # (none): the haplo template holds its own prophylaxis
    assert ok.isEnabled()


def test_the_wizard_previews_steps_for_other_patients_as_cancelled(qtbot, demo_repo):
    patient = next(p for p in demo_repo.list_patients() if p.mrn == "DEMO-0005")
    negative = replace(patient, cmv_igg="negative")
    wizard = PlanWizard(None, negative, load_protocols(), TODAY)
    qtbot.addWidget(wizard)
    wizard.type_box.setCurrentText("allogeneic")
    _choose(wizard.slot_boxes[Category.CONDITIONING], "flu-bu4-allo")
    _choose(wizard.slot_boxes[Category.SUPPORTIVE_CARE], "supportive-care-allo")
    titles = [wizard.table.item(r, 3).text() for r in range(wizard.table.rowCount())]
    leter = [t for t in titles if t.startswith("Letermovir (")]
    assert leter and all("cancelled" in t for t in leter)


def test_patient_dialog_records_creatinine_and_serostatus_from_the_keyboard(qtbot, demo_repo):
    patient = next(p for p in demo_repo.list_patients() if p.mrn == "DEMO-0001")
    dialog = PatientDialog(
        None, replace(patient, creatinine_mg_dl=None, creatinine_date=None), TODAY
    )
    qtbot.addWidget(dialog)
    dialog.show()
    spin = dialog.widgets["creatinine_mg_dl"]
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "1.35")
    sampled = dialog.widgets["creatinine_date"].line_edit
    sampled.setFocus()
    qtbot.keyClicks(sampled, (TODAY - dt.timedelta(days=3)).isoformat())
    hbsag = dialog.widgets["hbsag"]
    hbsag.setFocus()
    hbsag.setCurrentText("positive")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result_patient is not None)
    saved = dialog.result_patient
    assert saved.creatinine_mg_dl == 1.35
    assert saved.creatinine_date == TODAY - dt.timedelta(days=3)  # the sample date typed
    assert saved.hbsag == "positive" and saved.cmv_igg == patient.cmv_igg


def test_a_cleared_creatinine_clears_its_date(qtbot, demo_repo):
    patient = next(p for p in demo_repo.list_patients() if p.mrn == "DEMO-0001")
    assert patient.creatinine_mg_dl is not None
    dialog = PatientDialog(None, patient, TODAY + dt.timedelta(days=1))
    qtbot.addWidget(dialog)
    dialog.widgets["creatinine_mg_dl"].clear()  # empty: not recorded
    saved = dialog.build_patient()
    assert saved.creatinine_mg_dl is None and saved.creatinine_date is None


def test_timeline_tooltip_shows_the_adjusted_dose_and_the_rule(demo_window, qtbot):
    from PySide6.QtCore import QPointF

    demo_window.show()
    ws = _open(demo_window, "DEMO-0005")
    timeline = ws.timeline
    step_id = "supportive-care-allo/letermovir"
    rect = timeline.bar_rect(step_id)
    assert not rect.isEmpty(), "the letermovir bar is on screen (it starts on Day 0)"
    tip = timeline.tooltip_at(QPointF(rect.center()))
    assert "Dose: 240 mg PO" in tip
    assert "letermovir-with-ciclosporin" in tip
