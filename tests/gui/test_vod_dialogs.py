"""The SOS/VOD diagnosis dialogs (EBMT 2016 adult, EBMT 2023 refined adult, EBMT 2018
paediatric) in the Complications menu, and the unit choice (mg/dL or µmol/L) of every
bilirubin entry field, graded against the cut-offs published for the unit chosen."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox

from planner.clinical.calculators.registry import CALCULATORS, COMPLICATIONS, calculator
from tests.gui.conftest import NOW
from ui.dialogs import calculator_dialogs as calc
from ui.dialogs.calculator_dialogs import make_calculator_dialog

TODAY = NOW.date()
DIAGNOSIS_KEYS = ("vod_dx_2016", "vod_dx_2023", "vod_dx_paed")


def _dialog(qtbot, key, **kwargs):
    saved = []
    dialog = make_calculator_dialog(
        None, key, today=TODAY, save=lambda r, d, reason: saved.append(r), **kwargs
    )
    qtbot.addWidget(dialog)
    return dialog


def _fill(dialog, **values):
    for name, value in values.items():
        dialog.set_value(name, value)


# --- every bilirubin entry offers mg/dL and µmol/L ----------------------------------------


def _bilirubin_calculators():
    found = []
    for c in CALCULATORS:
        for f in c.fields:
            if "bilirubin" in f.name and f.is_number and not f.name.endswith("_x_uln"):
                found.append((c.key, f.name))
    return found


def test_every_bilirubin_entry_field_has_a_unit_choice(qtbot):
    found = _bilirubin_calculators()
    assert {k for k, _ in found} >= {"magic", "vod", "es", *DIAGNOSIS_KEYS}
    for key, name in found:
        assert name == "bilirubin", (key, name)
        dialog = _dialog(qtbot, key)
        unit = dialog.editors["bilirubin_unit"]
        assert isinstance(unit, QComboBox)
        texts = [unit.itemText(i) for i in range(unit.count())]
        assert texts == ["mg/dL", "µmol/L"], key
        assert unit.currentText() == "mg/dL"


SEVERITY = {
    "time_since_onset_days": "3",
    "transaminase_x_uln": "1",
    "weight_gain_pct": "0",
    "creatinine_x_baseline": "1",
}


@pytest.mark.parametrize(
    ("bilirubin", "unit", "label"),
    [("85", "umol/L", "severe"), ("84", "umol/L", "moderate"), ("5", "mg/dL", "severe")],
    ids=["85-umol", "84-umol", "5-mg"],
)
def test_severity_dialog_grades_in_the_unit_chosen(qtbot, bilirubin, unit, label):
    dialog = _dialog(qtbot, "vod")
    _fill(dialog, **SEVERITY, bilirubin_unit=unit, bilirubin=bilirubin)
    assert dialog.grade is not None and dialog.grade.label == label
    shown_unit = "µmol/L" if unit == "umol/L" else "mg/dL"
    assert f"Bilirubin {bilirubin} {shown_unit}:" in dialog.notes_label.text()
    assert dialog.save_button.isEnabled()  # severity is still saved as an assessment


def test_severity_dialog_refuses_si_value_out_of_range_beside_the_field(qtbot):
    dialog = _dialog(qtbot, "vod")
    _fill(dialog, **SEVERITY, bilirubin_unit="umol/L", bilirubin="900")
    assert "from 0 to 855 µmol/L" in dialog.errors["bilirubin"].text()
    dialog.set_value("bilirubin_unit", "mg/dL")
    assert "from 0 to 50 mg/dL" in dialog.errors["bilirubin"].text()
    assert dialog.grade is None


def test_magic_dialog_34_umol_is_liver_stage_1(qtbot):
    dialog = _dialog(qtbot, "magic")
    _fill(dialog, skin_bsa_percent="0", bilirubin_unit="umol/L", bilirubin="34")
    assert dialog.grade_label.text() == "MAGIC acute GVHD: II"
    assert "liver 1" in dialog.components_label.text()
    assert "34 µmol/L is in the 34-50 µmol/L band" in dialog.notes_label.text()
    dialog.set_value("bilirubin", "33")
    assert dialog.grade_label.text() == "MAGIC acute GVHD: 0"


def test_engraftment_dialog_hepatic_criterion_in_umol(qtbot):
    dialog = _dialog(qtbot, "es")
    _fill(
        dialog,
        hours_after_engraftment="48",
        max_temp_c="38.5",
        rash_bsa_percent="30",
        bilirubin_unit="umol/L",
        bilirubin="34",
        transaminase_x_uln="1",
        creatinine_x_baseline="1",
        weight_gain_pct="0",
    )
    assert dialog.grade is not None and dialog.grade.components["spitzer"] is True
    assert "bilirubin 34 µmol/L >= 34 µmol/L" in dialog.rule_label.text()
    assert "34 µmol/L is used" in dialog.notes_label.text()


# --- the diagnosis dialogs ------------------------------------------------------------------


def test_2016_dialog_classical_and_late_onset(qtbot):
    dialog = _dialog(qtbot, "vod_dx_2016")
    assert dialog.save_button.isHidden()  # shown and copied, not saved
    _fill(
        dialog,
        onset_day="14",
        bilirubin_unit="umol/L",
        bilirubin="34",
        painful_hepatomegaly=True,
        weight_gain_pct="6",
    )
    assert dialog.grade_label.text() == "SOS/VOD EBMT adult: criteria met"
    assert "Classical (onset by Day +21): bilirubin 34 µmol/L >= 34 µmol/L" in (
        dialog.rule_label.text()
    )
    assert "Mohty et al., BMT 2016" in dialog.criteria_label.text()
    dialog.set_value("bilirubin", "33")
    assert dialog.grade_label.text() == "SOS/VOD EBMT adult: criteria not met"
    _fill(dialog, onset_day="30", imaging_evidence=True)
    assert dialog.grade_label.text() == "SOS/VOD EBMT adult: criteria met"
    assert "haemodynamic/ultrasound evidence" in dialog.rule_label.text()
    dialog.set_value("onset_day", "5000")
    assert "3,650" in dialog.errors["onset_day"].text()


def test_2023_dialog_probable_clinical_proven(qtbot):
    dialog = _dialog(qtbot, "vod_dx_2023")
    _fill(dialog, bilirubin="1", weight_gain_pct="0", ascites=True)
    assert dialog.grade.label == "criteria not met"
    dialog.set_value("ultrasound_or_elastography", True)
    assert dialog.grade.label == "probable SOS/VOD"
    _fill(dialog, bilirubin="2", painful_hepatomegaly=True, onset_day="28")
    assert dialog.grade.label == "clinical SOS/VOD (late onset, after Day +21)"
    assert "Mohty et al., BMT 2023;58:749-754" in dialog.criteria_label.text()
    dialog.set_value("hvpg_mmhg", "12")
    assert dialog.grade.label.startswith("proven SOS/VOD")
    assert "HVPG 12 mmHg >= 10 mmHg" in dialog.rule_label.text()


def test_paediatric_dialog_met_with_normal_bilirubin_and_copied(qtbot):
    dialog = _dialog(qtbot, "vod_dx_paed")
    _fill(
        dialog,
        refractory_thrombocytopenia=True,
        ascites_above_baseline=True,
        weight_gain_pct="1",
        bilirubin="0.5",
    )
    assert dialog.grade_label.text() == "SOS/VOD EBMT paediatric: criteria met"
    assert "Anicteric" in dialog.notes_label.text()
    text = dialog.copy_result()
    assert "Corbacioglu et al., BMT 2018;53:138-145" in text
    assert "consumptive transfusion-refractory thrombocytopenia" in text
    assert QGuiApplication.clipboard().text() == text


def test_complications_menu_offers_the_diagnosis_dialogs(qtbot, demo_window, monkeypatch):
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0008")
    ws = demo_window.open_transplant(tid)  # autologous: SOS/VOD diagnosis is offered too
    tab = ws.complications
    opened = {}

    def run(dialog):
        opened[dialog.windowTitle()] = dialog
        return dialog.DialogCode.Rejected

    monkeypatch.setattr(calc, "run_dialog", run)
    for key in DIAGNOSIS_KEYS:
        assert calculator(key).menu == COMPLICATIONS
        action = tab.menu_actions[key]
        assert action.isEnabled()
        action.trigger()
    assert set(opened) == {calculator(k).title for k in DIAGNOSIS_KEYS}
    # Listed beside the severity calculator: first in the Complications section.
    texts = [a.text() for a in tab.more_menu.actions()]
    first = texts.index(calculator("vod_dx_2016").button)
    assert texts[first - 1] == COMPLICATIONS


# --- values a result derives are shown beside their fields (HCT-CI) -------------------------


def test_hct_ci_dialog_shows_items_counted_from_values(qtbot):
    dialog = _dialog(qtbot, "hctci", defaults={"age_years": 55, "height_cm": 170.0})
    assert dialog.save_button.isHidden()
    _fill(dialog, weight_kg="110", fev1_percent="64", diabetes=True)
    assert dialog.grade_label.text() == (
        "HCT-CI with age composite: 5 (high); HCT-CI/age 6 (group 5 or more)"
    )
    assert dialog.hints["obesity"].text() == "weight 1 · counted: BMI 38.1 kg/m2 > 35 kg/m2"
    assert dialog.hints["pulmonary_severe"].text() == "weight 3 · counted: FEV1 64% <= 65%"
    assert not dialog.editors["obesity"].isChecked()  # counted, not ticked
    dialog.set_value("fev1_percent", "81")
    assert dialog.hints["pulmonary_severe"].text() == "weight 3"
    assert dialog.grade.value == 2
