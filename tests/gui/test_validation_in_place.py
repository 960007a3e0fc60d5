"""Bad input is refused next to its field, all at once, with the input kept; nothing is
guessed (issue "a workspace that never surprises"): reason dialogs open in the reason,
the patient form reads numbers and requires sex and date of birth, the plan wizard names
missing measurements, the calculator shows every refusal wrapped, and a collection or a
done date after today is refused in the dialog."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit

import ui.dialogs.step_dialogs as step_dialogs
from planner.domain.plans import StepStatus
from planner.protocols import load_protocols
from tests.gui.conftest import NOW
from ui.dialogs.calculator_dialogs import make_calculator_dialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.plan_wizard import PlanWizard
from ui.dialogs.step_dialogs import StepDialogs
from ui.harvest_tab import CollectionDialog, NewCollection
from ui.models.step_table_model import DATE_COL
from ui.widgets.date_field import DateField

TODAY = NOW.date()


def _retype(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


def _shown(qtbot, dialog: QDialog) -> list[int]:
    """Show ``dialog`` as exec would; returns the list its result codes are added to."""
    finished: list[int] = []
    dialog.finished.connect(finished.append)
    dialog.show()
    qtbot.waitExposed(dialog)
    return finished


# --- reason dialogs --------------------------------------------------------------------


def test_a_reason_is_typed_at_once_and_its_spaces_never_cancel(qtbot, monkeypatch):
    seen = {}

    def run(dialog):
        finished = _shown(qtbot, dialog)
        reason = dialog.focusWidget()
        seen["focus"] = reason.accessibleName()
        qtbot.keyClick(reason, Qt.Key.Key_Return)  # Enter with no reason: nothing
        qtbot.keyClick(reason, Qt.Key.Key_Space)
        qtbot.keyClick(reason, Qt.Key.Key_Return)  # a blank reason is no reason
        seen["after_empty_enter"] = list(finished)
        qtbot.keyClicks(reason, "refused by the patient")
        qtbot.keyClick(reason, Qt.Key.Key_Return)
        seen["finished"] = list(finished)
        return dialog.result()

    monkeypatch.setattr(step_dialogs, "run_step_dialog", run)
    answer = StepDialogs.ask_reason(None, "Skip", "Why is the step skipped?")
    assert seen["focus"] == "Reason"
    assert seen["after_empty_enter"] == []
    assert seen["finished"] == [QDialog.DialogCode.Accepted]
    assert answer == "refused by the patient"


def test_a_done_date_after_today_is_refused_in_the_dialog(qtbot, open_session, monkeypatch):
    session = open_session("DEMO-0001")
    occ = next(o for o in session.plan.sorted_occurrences() if o.date > TODAY)
    seen = {}

    def run(dialog):
        finished = _shown(qtbot, dialog)
        field = dialog.findChild(DateField)
        assert dialog.focusWidget() is field.line_edit
        _retype(qtbot, field.line_edit, "2026-12-25")
        qtbot.keyClick(field.line_edit, Qt.Key.Key_Return)
        seen["refused"] = (list(finished), field.error.text(), field.text())
        _retype(qtbot, field.line_edit, (TODAY - dt.timedelta(days=2)).isoformat())
        qtbot.keyClick(field.line_edit, Qt.Key.Key_Return)
        return dialog.result()

    monkeypatch.setattr(step_dialogs, "run_step_dialog", run)
    entry = StepDialogs.ask_done(None, occ, TODAY)
    finished, error, text = seen["refused"]
    assert finished == []  # still open
    assert error == "2026-12-25 is after today: a done date cannot be in the future."
    assert text == "2026-12-25"  # not 2026-12-02, not today: what was typed
    assert entry is not None and entry.actual_date == TODAY - dt.timedelta(days=2)


def test_the_override_dialog_opens_in_the_reason(qtbot, open_session):
    from ui.counts_tab import CountsTab, OverrideDialog

    tab = CountsTab(open_session("DEMO-0009"))
    qtbot.addWidget(tab)
    dialog = OverrideDialog(None, "neutrophil", tab.status, TODAY)
    qtbot.addWidget(dialog)
    finished = _shown(qtbot, dialog)
    assert dialog.focusWidget() is dialog.reason
    qtbot.keyClicks(dialog.reason, "manual differential")
    assert finished == [] and dialog.reason.text() == "manual differential"


# --- the patient form ------------------------------------------------------------------


@pytest.fixture
def new_patient(qtbot):
    dialog = PatientDialog(None, None, TODAY)
    qtbot.addWidget(dialog)
    finished = _shown(qtbot, dialog)
    return dialog, finished


def _error(dialog: PatientDialog, field: str) -> str:
    widget = dialog.widgets[field]
    if isinstance(widget, DateField):
        return widget.error.text() if widget.error.isVisible() else ""
    label = dialog.errors._labels[field]
    return label.text() if label.isVisible() else ""


def test_a_new_patient_starts_with_no_sex_and_no_date_of_birth(new_patient):
    dialog, _ = new_patient
    assert dialog.widgets["sex"].currentIndex() == -1
    assert dialog.widgets["date_of_birth"].text() == ""
    assert dialog.widgets["height_cm"].text() == "" and dialog.widgets["weight_kg"].text() == ""


def test_every_refusal_shows_at_once_and_nothing_typed_becomes_a_number(qtbot, new_patient):
    dialog, finished = new_patient
    w = dialog.widgets
    qtbot.keyClicks(w["mrn"], "MRN-77")
    qtbot.keyClicks(w["family_name"], "Okafor")
    _retype(qtbot, w["height_cm"], "abc999")
    _retype(qtbot, w["weight_kg"], "500")
    qtbot.keyClick(w["weight_kg"], Qt.Key.Key_Return)  # Save
    assert finished == []  # the dialog stays open
    assert (
        _error(dialog, "height_cm")
        == "“abc999” is not a number: enter the height in cm, e.g. 172.5."
    )
    assert "350" in _error(dialog, "weight_kg")  # the record's range, at the same time
    assert _error(dialog, "sex") == "Choose the sex."
    assert _error(dialog, "date_of_birth") == "Enter the date of birth."
    assert w["height_cm"].text() == "abc999" and w["weight_kg"].text() == "500"  # kept
    assert dialog.focusWidget() is w["date_of_birth"].line_edit  # the first refused field


def test_a_corrected_form_saves_exactly_what_was_typed(qtbot, new_patient):
    dialog, finished = new_patient
    w = dialog.widgets
    qtbot.keyClicks(w["mrn"], "MRN-78")
    qtbot.keyClicks(w["family_name"], "Okafor")
    qtbot.keyClicks(w["date_of_birth"].line_edit, "1961-12-25")
    w["sex"].setFocus()
    qtbot.keyClicks(w["sex"], "m")
    _retype(qtbot, w["height_cm"], "172.5")
    _retype(qtbot, w["weight_kg"], "68,4")  # a decimal comma
    qtbot.keyClick(w["weight_kg"], Qt.Key.Key_Return)
    assert finished == [QDialog.DialogCode.Accepted]
    saved = dialog.result_patient
    assert saved.date_of_birth == dt.date(1961, 12, 25)
    assert saved.sex.value == "male"
    assert (saved.height_cm, saved.weight_kg) == (172.5, 68.4)


def test_a_text_direction_control_in_a_name_is_refused_next_to_it(qtbot, new_patient):
    dialog, finished = new_patient
    w = dialog.widgets
    qtbot.keyClicks(w["mrn"], "MRN-79")
    # Pasted from elsewhere with a right-to-left override in front (Ctrl+V).
    QApplication.clipboard().setText("\u202eRAFAKO")
    w["family_name"].setFocus()
    qtbot.keyClick(w["family_name"], Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert w["family_name"].text() == "\u202eRAFAKO"
    qtbot.keyClicks(w["date_of_birth"].line_edit, "1961-12-25")
    w["sex"].setFocus()
    qtbot.keyClicks(w["sex"], "f")
    qtbot.keyClick(w["family_name"], Qt.Key.Key_Return)
    assert finished == []
    assert _error(dialog, "family_name") == (
        "Family name contains an invisible text-direction character (U+202E); type it again "
        "without it."
    )
    _retype(qtbot, w["family_name"], "Okafor")
    qtbot.keyClick(w["family_name"], Qt.Key.Key_Return)
    assert finished == [QDialog.DialogCode.Accepted]
    assert dialog.result_patient.family_name == "Okafor"


def test_a_creatinine_needs_its_sample_date(qtbot, new_patient):
    dialog, finished = new_patient
    w = dialog.widgets
    _retype(qtbot, w["creatinine_mg_dl"], "1.1")
    qtbot.keyClick(w["creatinine_mg_dl"], Qt.Key.Key_Return)
    assert finished == []
    assert _error(dialog, "creatinine_date") == "Enter the date the creatinine sample was taken."


# --- the plan wizard -------------------------------------------------------------------


def _wizard(qtbot, demo_repo, **changes):
    patient = next(p for p in demo_repo.list_patients() if p.mrn == "DEMO-0001")
    wizard = PlanWizard(None, replace(patient, **changes), load_protocols(), TODAY)
    qtbot.addWidget(wizard)
    wizard.type_box.setCurrentText("autologous")
    box = next(b for b in wizard.slot_boxes.values() if b.findData("mel200-auto") >= 0)
    box.setCurrentIndex(box.findData("mel200-auto"))
    return wizard


def test_the_wizard_names_the_missing_weight_and_height(qtbot, demo_repo):
    wizard = _wizard(qtbot, demo_repo, weight_kg=None, weight_date=None, height_cm=None)
    ok = wizard.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert wizard.preview_plan is not None  # the plan itself is fine
    assert not ok.isEnabled()
    text = wizard.missing.text()
    assert "no recorded weight and no height" in text
    assert "200 mg/m2" in text
    assert not wizard.missing.isHidden() and not wizard.confirm_missing.isHidden()
    wizard.accept()  # Enter: nothing
    assert wizard.result() != QDialog.DialogCode.Accepted
    wizard.confirm_missing.setChecked(True)
    assert ok.isEnabled()


def test_the_wizard_asks_nothing_when_the_measurements_are_recorded(qtbot, demo_repo):
    wizard = _wizard(qtbot, demo_repo, weight_kg=70.0, height_cm=170.0)
    assert wizard.missing.isHidden() and wizard.confirm_missing.isHidden()
    assert wizard.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_a_typed_day0_is_kept_and_numbers_the_first_gcsf_dose(qtbot, demo_repo):
    wizard = _wizard(qtbot, demo_repo, weight_kg=70.0, height_cm=170.0)
    _retype(qtbot, wizard.day0.line_edit, "2026-12-13")
    assert wizard.request().transplant.day0 == dt.date(2026, 12, 13)
    _retype(qtbot, wizard.mob_date.line_edit, "2026-11-29")
    assert wizard.mob_date.info.text().endswith("Day -14")
    _retype(qtbot, wizard.day0.line_edit, "2026-13-13")
    assert not wizard.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "not a real date" in wizard.day0.error.text()


# --- the calculator form ---------------------------------------------------------------


def test_magic_shows_every_range_error_at_once_wrapped(qtbot):
    dialog = make_calculator_dialog(
        None, "magic", today=TODAY, defaults={"weight_kg": 59.0}, save=lambda *a: None
    )
    qtbot.addWidget(dialog)
    dialog.resize(700, 500)
    _shown(qtbot, dialog)
    _retype(qtbot, dialog.editors["skin_bsa_percent"], "120")
    _retype(qtbot, dialog.editors["bilirubin"], "1")
    _retype(qtbot, dialog.editors["stool_ml_per_day"], "20000")
    _retype(qtbot, dialog.editors["weight_kg"], "0.1")
    qtbot.wait(10)  # the layout settles
    shown = {name: label for name, label in dialog.errors.items() if label.isVisible()}
    assert set(shown) == {"skin_bsa_percent", "stool_ml_per_day", "weight_kg"}
    assert "from 0 to 100 % BSA" in shown["skin_bsa_percent"].text()
    assert "from 0 to 10,000 mL/day" in shown["stool_ml_per_day"].text()
    for label in shown.values():
        assert label.wordWrap()
        right = label.mapTo(dialog, label.rect().topRight()).x()
        assert right <= dialog.width(), label.text()  # not cut off at the dialog's edge
        assert label.height() >= label.heightForWidth(label.width())  # every line shown
    assert dialog.grade is None and not dialog.save_button.isEnabled()


# --- harvest ---------------------------------------------------------------------------


def test_a_collection_dated_tomorrow_keeps_the_dialog_and_the_input(qtbot):
    dialog = CollectionDialog(None, NewCollection("n1", TODAY, 70.0), TODAY)
    qtbot.addWidget(dialog)
    finished = _shown(qtbot, dialog)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    _retype(qtbot, dialog.date_edit.line_edit, tomorrow)
    dialog.product.setValue(250)
    dialog.conc.setValue(1500)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert finished == [] and dialog.isVisible()
    assert dialog.date_edit.error.text() == (
        f"{tomorrow} is after today: a collection is recorded once collected."
    )
    assert dialog.date_edit.text() == tomorrow and dialog.product.value() == 250
    _retype(qtbot, dialog.date_edit.line_edit, TODAY.isoformat())
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert finished == [QDialog.DialogCode.Accepted]
    assert dialog.collection().date == TODAY


# --- the Steps table -------------------------------------------------------------------


def test_a_date_typed_in_the_steps_table_moves_the_step(demo_window, qtbot):
    demo_window.show()
    row = next(r for r in demo_window.session.rows if r.mrn == "DEMO-0001")
    ws = demo_window.open_transplant(row.transplant_id)
    ws.tabs.setCurrentWidget(ws.table)
    qtbot.waitExposed(ws.table)
    plan = ws.session.plan
    step = next(
        s
        for s in plan.steps
        if not s.regimen_tied
        and len(occs := list(plan.step_occurrences(s))) == 1  # one date: no neighbour
        and occs[0].status is StepStatus.PLANNED
        and occs[0].date > TODAY + dt.timedelta(days=3)
    )
    proxy = ws.table_proxy
    view_row = next(
        r
        for r in range(proxy.rowCount())
        if ws.table_model.occurrence(proxy.mapToSource(proxy.index(r, 0)).row()).step_id == step.id
    )
    index = proxy.index(view_row, DATE_COL)
    old = ws.table_model.occurrence(proxy.mapToSource(index).row()).date
    ws.table.setCurrentIndex(index)
    ws.table.edit(index)
    editor = ws.table.findChild(DateField)
    assert editor is not None and editor.date() == old
    qtbot.keyClicks(editor.line_edit, (old + dt.timedelta(days=2)).isoformat())
    qtbot.keyClick(editor.line_edit, Qt.Key.Key_Return)
    new = old + dt.timedelta(days=2)

    def moved() -> bool:
        plan = ws.session.plan
        return new in {o.date for o in plan.step_occurrences(plan.step(step.id))}

    qtbot.waitUntil(moved)  # committed from the cell: the date typed, not another


def test_the_wizard_offers_cord_regimens_for_a_cord_graft_only(qtbot, demo_repo):
    from planner.domain.templates import Category

    patient = next(p for p in demo_repo.list_patients() if p.mrn == "DEMO-0001")
    wizard = PlanWizard(None, patient, load_protocols(), TODAY)
    qtbot.addWidget(wizard)
    wizard.type_box.setCurrentIndex(wizard.type_box.findData("allogeneic"))
    conditioning = wizard.slot_boxes[Category.CONDITIONING]
    offered = lambda: {conditioning.itemData(i) for i in range(1, conditioning.count())}  # noqa: E731
    wizard.source_box.setCurrentIndex(wizard.source_box.findData("pbsc"))
    conditioning.setCurrentIndex(conditioning.findData("flu-mel-allo"))
    assert "cord-flu-cy-tbi2-allo" not in offered() and "flu-mel-allo" in offered()
    wizard.source_box.setCurrentIndex(wizard.source_box.findData("cord"))
    assert {"cord-flu-cy-tbi2-allo", "cord-flu-cy-tbi-mac-allo"} <= offered()
    assert "flu-mel-allo" not in offered()
    assert conditioning.currentIndex() == 0  # the pbsc choice no longer applies
    wizard.source_box.setCurrentIndex(wizard.source_box.findData("pbsc"))
    conditioning.setCurrentIndex(conditioning.findData("flu-mel-allo"))
    wizard.source_box.setCurrentIndex(wizard.source_box.findData("marrow"))
    assert conditioning.currentData() == "flu-mel-allo"  # kept: it applies to marrow too
