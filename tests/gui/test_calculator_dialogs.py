"""Calculator dialogs: raw values in, grade and deciding rule shown, saved as an episode;
out-of-range values refused with the allowed range beside the field."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from planner.app.complications import complication_log, save_assessment
from planner.app.context import Context
from planner.clinical.calculators.registry import CALCULATORS
from tests.gui.conftest import ACTOR, NOW
from ui.dialogs.calculator_dialogs import DateNoteDialog, make_calculator_dialog

TODAY = NOW.date()


def _tid(repo, mrn):
    patient = repo.find_patient_by_mrn(mrn)
    return repo.list_transplants(patient.id)[0].id


@pytest.fixture
def saved():
    return []


@pytest.fixture
def magic(qtbot, saved):
    dialog = make_calculator_dialog(
        None,
        "magic",
        today=TODAY,
        defaults={"weight_kg": 59.0},
        save=lambda r, d, reason: saved.append((r, d, reason)),
    )
    qtbot.addWidget(dialog)
    return dialog


def _fill(dialog, **values):
    for name, value in values.items():
        dialog.set_value(name, value)


def test_magic_end_to_end_saves_an_episode(qtbot, demo_repo, tmp_path):
    tid = _tid(demo_repo, "DEMO-0010")
    ctx = Context(ACTOR, NOW)

    def save(result, date, reason):
        save_assessment(demo_repo, ctx, tid, result, date, override_reason=reason)

    dialog = make_calculator_dialog(
        None, "magic", save=save, today=TODAY, defaults={"weight_kg": 59.0}
    )
    qtbot.addWidget(dialog)
    assert dialog.editors["weight_kg"].text() == "59"  # the patient's weight pre-filled
    assert not dialog.save_button.isEnabled()  # bilirubin still empty
    _fill(
        dialog,
        skin_bsa_percent="30",
        bilirubin="51.3",
        bilirubin_unit="umol/L",
        stool_ml_per_day="1200",
    )
    # 51.3 umol/L -> liver stage 2 (SI band 51-102); stool 1,200 mL -> lower GI 2 -> grade III.
    assert dialog.grade_label.text() == "MAGIC acute GVHD: III"
    assert "Grade III" in dialog.rule_label.text()
    assert "lower GI stage 2" in dialog.rule_label.text()
    assert "2016" in dialog.criteria_label.text()
    assert "skin 2 · liver 2 · upper GI 0 · lower GI 2" in dialog.components_label.text()
    assert "bilirubin µmol/L 51.3" in dialog.inputs_label.text()
    dialog.date_edit.set_date(TODAY - dt.timedelta(days=1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    log = complication_log(demo_repo, tid)
    (stored,) = log.episodes
    assert stored.episode.type == "aGVHD"
    assert stored.episode.onset == TODAY - dt.timedelta(days=1)
    assert stored.episode.max_grade is not None and stored.episode.max_grade.label == "III"
    dialog.show()
    pixmap = dialog.grab()
    assert not pixmap.isNull()
    assert pixmap.width() > 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("skin_bsa_percent", "120", "from 0 to 100 % BSA"),
        ("bilirubin", "-1", "from 0 to 50 mg/dL"),
        ("stool_ml_per_day", "20000", "from 0 to 10,000 mL/day"),
        ("weight_kg", "0.1", "from 0.5 to 400 kg"),
        ("stool_episodes_per_day", "2.5", "whole number"),
        ("bilirubin", "abc", "not a number"),
    ],
    ids=["rash", "bilirubin", "stool", "weight", "episodes-fraction", "text"],
)
def test_out_of_range_is_refused_beside_the_field(magic, saved, name, value, message):
    _fill(magic, skin_bsa_percent="10", bilirubin="1")
    assert magic.save_button.isEnabled()
    magic.set_value(name, value)
    error = magic.errors[name]
    assert not error.isHidden()
    assert message in error.text()
    assert not magic.save_button.isEnabled()
    assert magic.grade is None
    magic.save()
    assert saved == []


def test_umol_range_is_named_in_umol(magic):
    _fill(magic, skin_bsa_percent="0", bilirubin_unit="umol/L", bilirubin="900")
    assert "855 µmol/L" in magic.errors["bilirubin"].text()


def test_disagreeing_stool_inputs_need_a_confirmation_reason(magic, saved):
    _fill(
        magic,
        skin_bsa_percent="0",
        bilirubin="0.5",
        stool_ml_per_day="600",
        stool_episodes_per_day="8",
        weight_kg="70",
    )
    assert magic.grade is not None and magic.grade.needs_confirmation
    assert not magic.confirm_box.isHidden()
    assert not magic.save_button.isEnabled()
    magic.confirm_edit.setText("Nursing count confirmed")
    assert magic.save_button.isEnabled()
    magic.save()
    assert saved[0][2] == "Nursing count confirmed"


def test_save_errors_are_shown_and_keep_the_dialog_open(qtbot):
    from planner.errors import ValidationError

    def refuse(result, date, reason):
        raise ValidationError("date", "The date is in the future.")

    dialog = make_calculator_dialog(None, "crs", save=refuse, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.set_value("temperature_c", "38.5")
    dialog.save()
    assert dialog.general_error.text() == "The date is in the future."
    assert dialog.result() != dialog.DialogCode.Accepted


@pytest.mark.parametrize(
    ("key", "values", "label"),
    [
        ("nih", {"skin": "2"}, "moderate"),
        ("nih", {"skin": "1", "fev1_percent": "50"}, "severe"),
        ("crs", {"temperature_c": "38.6", "hypotension": "no_vasopressor"}, "grade 2"),
        ("icans", {"ice": "8"}, "grade 1"),
        ("icans", {"consciousness": "unarousable"}, "grade 4"),
        (
            "vod",
            {
                "time_since_onset_days": "3",
                "bilirubin": "5.5",
                "transaminase_x_uln": "1",
                "weight_gain_pct": "4",
                "creatinine_x_baseline": "1.0",
            },
            "severe",
        ),
    ],
    ids=["nih-moderate", "nih-fev1", "crs", "icans", "icans-unarousable", "vod"],
)
def test_every_calculator_shows_grade_and_rule(qtbot, saved, key, values, label):
    dialog = make_calculator_dialog(
        None, key, today=TODAY, save=lambda r, d, reason: saved.append(r)
    )
    qtbot.addWidget(dialog)
    _fill(dialog, **values)
    assert dialog.grade is not None, dialog.criteria_label.text()
    assert dialog.grade.label == label
    assert dialog.rule_label.text().startswith("Rule: ")
    assert "version" in dialog.criteria_label.text()
    dialog.save()
    assert saved and saved[0].label == label


def test_vod_bilirubin_error_is_shown_at_its_field(qtbot):
    dialog = make_calculator_dialog(None, "vod", today=TODAY, save=lambda *a: None)
    qtbot.addWidget(dialog)
    _fill(
        dialog,
        time_since_onset_days="3",
        bilirubin="60",
        transaminase_x_uln="1",
        weight_gain_pct="4",
        creatinine_x_baseline="1",
    )
    assert "from 0 to 50 mg/dL" in dialog.errors["bilirubin"].text()


def test_fields_have_accessible_names_and_ranges(magic):
    for calc in CALCULATORS:
        for field in calc.fields:
            assert field.label
    for name, editor in magic.editors.items():
        assert editor.accessibleName(), name
    assert magic.editors["skin_bsa_percent"].accessibleDescription() == "Allowed: 0-100 % BSA"
    assert magic.date_edit.maximum() == magic.date_edit.date() == TODAY  # no future dates


def test_date_note_dialog_seam(qtbot, monkeypatch):
    import ui.dialogs.calculator_dialogs as calc

    def run(dialog):
        note = next(e for e in dialog.findChildren(calc.QLineEdit) if e.accessibleName() == "Note")
        note.setText("resolved on steroids")
        return calc.QDialog.DialogCode.Accepted

    monkeypatch.setattr(calc, "run_dialog", run)
    answer = DateNoteDialog.ask(None, "Resolve", "When?", TODAY, TODAY - dt.timedelta(days=2))
    assert answer == (TODAY - dt.timedelta(days=2), "resolved on steroids")
