"""The further calculator dialogs (febrile neutropenia, engraftment syndrome, TA-TMA,
mucositis, haemorrhagic cystitis, HCT-CI, Karnofsky/Lansky, ABO, CMV, conditioning
intensity, live vaccines): worked examples of each rule (published sources in
docs/clinical-sources.md) typed in, result and deciding rule shown; out-of-range values
refused naming the range; saving."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from planner.app.complications import complication_log, save_assessment
from planner.app.context import Context
from planner.clinical.calculators.compute import ES_CRITERIA, regimen_rows
from planner.clinical.calculators.inputs import ES_FIELDS, HCT_CI_FIELDS
from planner.clinical.calculators.registry import CALCULATORS
from planner.records import complication_log as complication_service
from tests.gui.conftest import ACTOR, NOW
from ui.dialogs import calculator_dialogs as calc
from ui.dialogs.calculator_dialogs import make_calculator_dialog
from ui.dialogs.rows_editor import RowsEditor

TODAY = NOW.date()
NEW_KEYS = (
    "fn",
    "es",
    "tma",
    "mucositis",
    "hc",
    "hctci",
    "kps",
    "abo",
    "cmv",
    "intensity",
    "vaccine",
)


def _dialog(qtbot, key, saved=None, **kwargs):
    store = [] if saved is None else saved
    dialog = make_calculator_dialog(
        None, key, today=TODAY, save=lambda r, d, reason: store.append((r, d, reason)), **kwargs
    )
    qtbot.addWidget(dialog)
    return dialog


def _fill(dialog, **values):
    for name, value in values.items():
        dialog.set_value(name, value)


def _shown(dialog):
    return dialog.grade_label.text(), dialog.rule_label.text()


# --- worked examples -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("readings", "anc", "predicted", "label", "rule"),
    [
        (
            [("09:00", "38.1"), ("10:10", "38.2")],
            "0.3",
            False,
            "febrile neutropenia",
            ">= 38 °C sustained 70 min (09:00 to 10:10)",
        ),
        (
            [("08:00", "38.3")],
            "0.8",
            True,
            "febrile neutropenia",
            "ANC 0.8 < 1.0 and predicted to fall below 0.5 in 48 h",
        ),
        ([("08:00", "38.3")], "1.2", False, "no febrile neutropenia", "ANC 1.2 not neutropenic"),
        (
            [("08:00", "38.1"), ("08:30", "37.8"), ("09:15", "38.1")],
            "0.1",
            False,
            "no febrile neutropenia",
            "Not met: no fever",
        ),
    ],
    ids=["sustained", "predicted-fall", "not-neutropenic", "interrupted"],
)
def test_f10_febrile_neutropenia(qtbot, readings, anc, predicted, label, rule):
    dialog = _dialog(qtbot, "fn")
    assert not dialog.save_button.isHidden()  # a complication: saved as an assessment
    _fill(dialog, temperatures=readings, anc=anc, predicted_below_0_5_in_48h=predicted)
    grade, shown_rule = _shown(dialog)
    assert grade == f"Febrile neutropenia IDSA: {label}"
    assert rule in shown_rule
    assert "2010" in dialog.criteria_label.text()
    assert "temperatures" in dialog.inputs_label.text()


def test_f10_readings_are_rows_added_in_the_dialog(qtbot):
    dialog = _dialog(qtbot, "fn")
    rows = dialog.editors["temperatures"]
    assert isinstance(rows, RowsEditor)
    rows.table.item(0, 0).setText("2026-03-09 23:30")
    rows.table.item(0, 1).setText("38.0")
    rows.add_row(["00:40", "38.1"])  # time only: on the assessment date (10 Mar)
    dialog.set_value("anc", "0.2")
    assert dialog.grade is not None and dialog.grade.value is True
    assert "sustained 70 min (23:30 to 00:40)" in dialog.rule_label.text()
    rows.table.selectRow(1)
    rows.remove_row()
    assert dialog.grade is not None and dialog.grade.value is False


# Measured values are typed (never pre-filled as normal): explicit normal results.
ES_MEASURED = {
    "rash_bsa_percent": "0",
    "bilirubin": "0.8",
    "transaminase_x_uln": "1",
    "creatinine_x_baseline": "1",
    "weight_gain_pct": "0",
}


@pytest.mark.parametrize(
    ("values", "label", "rule"),
    [
        (
            {
                "hours_after_engraftment": "48",
                "max_temp_c": "38.5",
                "rash_bsa_percent": "30",
                "weight_gain_pct": "3",
            },
            "Spitzer met, Maiolino met",
            "Spitzer: Met: 2 major",
        ),
        (
            {"hours_after_engraftment": "48", "max_temp_c": "38.5", "liquid_stools_per_day": "3"},
            "Spitzer not met, Maiolino met",
            "Maiolino: Met: noninfectious fever plus diarrhoea",
        ),
        (
            {
                "hours_after_engraftment": "48",
                "rash_bsa_percent": "20",
                "pulmonary_oedema_hypoxia": True,
            },
            "Spitzer not met, Maiolino not met",
            "Spitzer: Not met: 1 major",
        ),
    ],
    ids=["both", "maiolino-only", "neither"],
)
def test_f16_engraftment_syndrome_both_sets(qtbot, values, label, rule):
    dialog = _dialog(qtbot, "es")
    _fill(dialog, **{**ES_MEASURED, **values})
    grade, shown_rule = _shown(dialog)
    assert grade == f"{ES_CRITERIA}: {label}"
    assert rule in shown_rule
    assert "Spitzer 2001" in dialog.criteria_label.text()
    assert "Maiolino 2003" in dialog.criteria_label.text()


@pytest.mark.parametrize("missing", sorted(ES_MEASURED))
def test_es_measured_values_are_not_entered_until_typed(qtbot, missing):
    dialog = _dialog(qtbot, "es")
    for name in ES_MEASURED:
        assert dialog.editors[name].text() == ""
        assert dialog.editors[name].placeholderText() == "not entered"
    _fill(
        dialog,
        hours_after_engraftment="48",
        max_temp_c="38.5",
        **{k: v for k, v in ES_MEASURED.items() if k != missing},
    )
    label = next(f.label for f in ES_FIELDS if f.name == missing).replace("&", "")
    assert dialog.grade is None and dialog.grade_label.text() == "No result"
    assert dialog.criteria_label.text() == f"Enter: {label}."
    assert not dialog.save_button.isEnabled()
    dialog.set_value(missing, ES_MEASURED[missing])
    assert dialog.grade is not None and dialog.save_button.isEnabled()


def test_tma_ldh_and_upcr_are_not_entered_until_typed(qtbot):
    dialog = _dialog(qtbot, "tma")
    for name in ("a1_ldh_x_uln", "a1_upcr_mg_mg"):
        assert dialog.editors[name].text() == ""
    assert dialog.editors["a1_ldh_x_uln"].placeholderText() == "not entered"
    _fill(dialog, a1_date="2026-02-19", a1_anaemia=True, a1_ldh_x_uln="1.5")
    assert (
        dialog.grade is None and "Urine protein:creatinine (first)" in dialog.criteria_label.text()
    )
    dialog.set_value("a1_upcr_mg_mg", "0.2")
    assert dialog.grade is not None  # one assessment: the second's values are not needed
    dialog.set_value("a2_date", "2026-02-23")
    assert dialog.grade is None and not dialog.save_button.isEnabled()
    assert "LDH (second), Urine protein:creatinine (second)" in dialog.criteria_label.text()
    _fill(dialog, a2_ldh_x_uln="1.2", a2_upcr_mg_mg="0.1")
    assert dialog.grade is not None


def _tma_assessment(n, date, **extra):
    values = {
        f"a{n}_date": date,
        f"a{n}_anaemia": True,
        f"a{n}_thrombocytopenia": True,
        f"a{n}_ldh_x_uln": "1.5",
        f"a{n}_hypertension": True,
    }
    values.update({f"a{n}_{k}": v for k, v in extra.items()})
    return values


@pytest.mark.parametrize(
    ("second", "upcr", "label", "rule"),
    [
        ("2026-02-23", "0", "TA-TMA", "Diagnosed: >= 4 of 7 criteria on 2026-02-19"),
        ("", "0", "no TA-TMA", "Not diagnosed: no 2 consecutive assessments"),
        ("2026-02-23", "1.5", "TA-TMA, high risk", "Diagnosed"),
    ],
    ids=["diagnosed", "one-assessment", "high-risk"],
)
def test_f19_ta_tma(qtbot, second, upcr, label, rule):
    # Day 0 2026-01-10: Day +40 is 2026-02-19, Day +44 is 2026-02-23.
    dialog = _dialog(qtbot, "tma")
    _fill(dialog, **_tma_assessment(1, "2026-02-19", upcr_mg_mg=upcr))
    if second:
        _fill(dialog, **_tma_assessment(2, second, upcr_mg_mg=upcr))
    grade, shown_rule = _shown(dialog)
    assert grade == f"TA-TMA harmonised: {label}"
    assert shown_rule.startswith(f"Rule: {rule}")
    assert dialog.grade is not None
    assert dialog.grade.rank == {"no TA-TMA": 0, "TA-TMA": 1, "TA-TMA, high risk": 2}[label]


@pytest.mark.parametrize(
    ("items", "age", "label"),
    [
        (
            ("diabetes", "pulmonary_moderate", "prior_solid_tumour"),
            "55",
            "6 (high); HCT-CI/age 7 (group 5 or more)",
        ),
        ((), "30", "0 (low); HCT-CI/age 0 (group 0-2)"),
        (("obesity", "psychiatric"), "39", "2 (intermediate); HCT-CI/age 2 (group 0-2)"),
        (
            ("pulmonary_moderate", "pulmonary_severe", "hepatic_mild", "hepatic_moderate_severe"),
            "62",
            "6 (high); HCT-CI/age 7 (group 5 or more)",
        ),
    ],
    ids=["high", "none", "intermediate", "exclusive-pairs"],
)
def test_f13_hct_ci(qtbot, items, age, label):
    dialog = _dialog(qtbot, "hctci", defaults={"age_years": 70})
    assert dialog.editors["age_years"].text() == "70"  # the patient's age pre-filled
    assert len([f for f in HCT_CI_FIELDS if f.kind == "bool"]) == 17
    hints = {h.text() for h in dialog.findChildren(QLabel)}
    assert {"weight 1", "weight 2", "weight 3"} <= hints  # weights shown beside the boxes
    _fill(dialog, age_years=age, **dict.fromkeys(items, True))
    grade, rule = _shown(dialog)
    assert grade == f"HCT-CI with age composite: {label}"
    assert "0 low, 1-2 intermediate, >=3 high" in rule
    assert dialog.save_button.isHidden()  # eligibility: shown and copied, not saved


@pytest.mark.parametrize(
    ("donor", "recipient", "label", "rule"),
    [
        ("A", "O", "major", "Major: recipient has anti-A"),
        ("O", "A", "minor", "Minor: donor plasma has anti-A"),
        ("A", "B", "bidirectional", "Bidirectional"),
        ("AB", "A", "major", "Major: recipient has anti-B"),
        ("A", "AB", "minor", "Minor"),
        ("O", "O", "compatible", "Compatible"),
    ],
)
def test_f20_abo(qtbot, donor, recipient, label, rule):
    dialog = _dialog(qtbot, "abo")
    assert "Enter:" in dialog.criteria_label.text()  # no recorded groups: asks for them
    _fill(dialog, donor_abo=donor, recipient_abo=recipient)
    grade, shown_rule = _shown(dialog)
    assert grade == f"ABO compatibility (donor -> recipient): {label}"
    assert shown_rule == f"Rule: {dialog.grade.deciding_rule}"
    assert rule in shown_rule


def test_f20_abo_defaults_from_the_recorded_groups(qtbot):
    dialog = _dialog(qtbot, "abo", defaults={"donor_abo": "A", "recipient_abo": "O"})
    assert dialog.grade is not None and dialog.grade.label == "major"


def test_f21_cmv_and_letermovir_window(qtbot):
    dialog = _dialog(qtbot, "cmv")
    _fill(dialog, donor_cmv_igg="negative", recipient_cmv_igg="positive", day0="2025-03-10")
    grade, rule = _shown(dialog)
    assert grade == "CMV serostatus pairing and letermovir prophylaxis: D-/R+"
    assert "Letermovir candidate" in rule
    notes = dialog.notes_label.text()
    assert "start between Day 0 and 2025-04-07 (Day +28), stop 2025-06-18 (Day +100)" in notes
    dialog.set_value("extended", True)
    assert "(Day +200)" in dialog.notes_label.text()
    _fill(dialog, donor_cmv_igg="positive", recipient_cmv_igg="negative", extended=False)
    grade, rule = _shown(dialog)
    assert grade.endswith("D+/R-")
    assert "Not a letermovir candidate" in rule and "monitoring still applies" in rule
    assert "Letermovir:" not in dialog.notes_label.text()


@pytest.mark.parametrize(
    ("rows", "label", "rule"),
    [
        (
            [("busulfan", "12.8", "mg/kg", "iv", ""), ("cyclophosphamide", "120", "mg/kg", "", "")],
            "MAC",
            "MAC: iv busulfan 12.8 mg/kg > 6.4",
        ),
        (
            [("fludarabine", "120", "mg/m2", "", ""), ("busulfan", "6.4", "mg/kg", "iv", "")],
            "RIC",
            "RIC: no myeloablative threshold",
        ),
        (
            [("fludarabine", "150", "mg/m2", "", ""), ("melphalan", "140", "mg/m2", "", "")],
            "RIC",
            "RIC",
        ),
        (
            [
                ("fludarabine", "90", "mg/m2", "", ""),
                ("cyclophosphamide", "29", "mg/kg", "", ""),
                ("tbi", "200", "cGy", "", "1"),
            ],
            "NMA",
            "NMA: TBI <= 200 cGy",
        ),
        (
            [("cyclophosphamide", "120", "mg/kg", "", ""), ("tbi", "12", "Gy", "", "6")],
            "MAC",
            "MAC: TBI 1200 cGy in 6 fractions >= 800",
        ),
    ],
    ids=["bucy", "flu-bu2", "flu-mel", "flu-cy-tbi", "cy-tbi"],
)
def test_f22_conditioning_intensity(qtbot, rows, label, rule):
    dialog = _dialog(qtbot, "intensity")
    _fill(dialog, components=rows)
    grade, shown_rule = _shown(dialog)
    assert grade == f"Conditioning intensity (CIBMTR operational): {label}"
    assert rule in shown_rule


def test_f22_regimen_defaults_from_the_plan(qtbot, demo_repo):
    patient = demo_repo.find_patient_by_mrn("DEMO-0012")  # Cy/TBI
    tid = demo_repo.list_transplants(patient.id)[0].id
    plan = demo_repo.get_plan(tid)
    rows = regimen_rows(plan)
    assert ("tbi", "12", "Gy", "", "6") in rows
    dialog = _dialog(qtbot, "intensity", defaults={"components": rows})
    assert dialog.grade is not None and dialog.grade.label == "MAC"


@pytest.mark.parametrize(
    ("today", "ivig", "label", "rule"),
    [
        ("2024-03-01", "2023-05-01", "eligible", "Eligible"),
        ("2024-03-01", "2023-09-15", "not eligible", "8 months after last IVIG (from 2024-05-15)"),
        ("2023-12-01", "2023-05-01", "not eligible", "24 months after Day 0 (from 2024-01-10)"),
    ],
    ids=["eligible", "ivig", "too-early"],
)
def test_f23_live_vaccine(qtbot, today, ivig, label, rule):
    dialog = _dialog(qtbot, "vaccine")
    dialog.date_edit.set_date(dt.date.fromisoformat(today))  # the assessment date
    _fill(dialog, day0="2022-01-10", ist_stop_date="2022-12-01", last_ivig_date=ivig)
    grade, shown_rule = _shown(dialog)
    assert grade == f"Live-vaccine eligibility (2-1-8): {label}"
    assert rule in shown_rule


def test_mucositis_hc_and_performance_status(qtbot):
    muco = _dialog(qtbot, "mucositis")
    _fill(muco, ulcers=True, ctcae_grade="2")
    assert _shown(muco)[0] == "Oral mucositis WHO and CTCAE: WHO 2 / CTCAE 2"
    assert "CTCAE v5 grade 2" in muco.rule_label.text()
    hc = _dialog(qtbot, "hc")
    _fill(hc, macroscopic_haematuria=True, clots=True, hours_since_conditioning="200")
    assert _shown(hc)[0] == "Haemorrhagic cystitis: III"
    assert "BK polyomavirus" in hc.notes_label.text()
    kps = _dialog(qtbot, "kps")
    _fill(kps, score="70", age_years="12")
    assert _shown(kps)[0] == "Lansky performance status: Lansky 70"
    kps.set_value("age_years", "45")
    assert _shown(kps)[0] == "Karnofsky performance status: KPS 70"


# --- refusals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "values", "field", "message"),
    [
        (
            "fn",
            {"temperatures": [("09:00", "46")], "anc": "0.3"},
            "temperatures",
            "from 30 to 45 °C",
        ),
        (
            "fn",
            {"temperatures": [("9 o'clock", "38.5")], "anc": "0.3"},
            "temperatures",
            "not a time",
        ),
        ("fn", {"temperatures": [("09:00", "38.5")], "anc": "120"}, "anc", "from 0 to 100"),
        (
            "es",
            {**ES_MEASURED, "hours_after_engraftment": "48", "rash_bsa_percent": "120"},
            "rash_bsa_percent",
            "from 0 to 100 % BSA",
        ),
        (
            "tma",
            {"a1_date": "2026-02-19", "a1_ldh_x_uln": "150", "a1_upcr_mg_mg": "0.2"},
            "a1_ldh_x_uln",
            "from 0 to 100 x ULN",
        ),
        ("hctci", {"age_years": "130"}, "age_years", "from 0 to 120 years"),
        ("kps", {"score": "75", "age_years": "40"}, "score", "steps of 10"),
        (
            "intensity",
            {"components": [("tbi", "30", "Gy", "", "6")]},
            "components",
            "from 0 to 2,000 cGy",
        ),
        ("vaccine", {"day0": "2022-13-40"}, "day0", "not a date; enter yyyy-mm-dd"),
    ],
    ids=["temperature", "time", "anc", "rash", "ldh", "age", "kps-step", "tbi", "date"],
)
def test_out_of_range_is_refused_naming_the_range(qtbot, key, values, field, message):
    saved = []
    dialog = _dialog(qtbot, key, saved)
    _fill(dialog, **values)
    error = dialog.errors[field]
    assert not error.isHidden()
    assert message in error.text()
    assert dialog.grade is None
    assert not dialog.save_button.isEnabled()
    assert not dialog.copy_button.isEnabled()
    dialog.save()
    assert saved == []


# --- saving and copying ----------------------------------------------------------------


def test_mucositis_save_round_trip(qtbot, demo_repo):
    patient = demo_repo.find_patient_by_mrn("DEMO-0010")
    tid = demo_repo.list_transplants(patient.id)[0].id
    ctx = Context(ACTOR, NOW)

    def save(result, date, reason):
        save_assessment(demo_repo, ctx, tid, result, date, override_reason=reason)

    dialog = make_calculator_dialog(None, "mucositis", save=save, today=TODAY)
    qtbot.addWidget(dialog)
    _fill(dialog, soreness=True, erythema=True, diet="liquids_only", ctcae_grade="3")
    # Liquid diet without ulcers: the WHO grade is functional and needs a confirmation.
    assert not dialog.save_button.isEnabled()
    dialog.confirm_edit.setText("ulcers hidden by the mouth guard")
    assert dialog.save_button.isEnabled()
    dialog.date_edit.set_date(TODAY - dt.timedelta(days=2))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    (stored,) = complication_log(demo_repo, tid).episodes
    assert stored.episode.type == "Mucositis"
    assert stored.episode.onset == TODAY - dt.timedelta(days=2)
    (assessment,) = stored.episode.assessments
    assert assessment.result.label == "WHO 3 / CTCAE 3"
    assert assessment.override_reason == "ulcers hidden by the mouth guard"


def test_result_the_record_does_not_accept_keeps_save_disabled(qtbot, monkeypatch):
    monkeypatch.delitem(complication_service.EPISODE_TYPES, "Haemorrhagic cystitis", raising=False)
    saved = []
    dialog = _dialog(qtbot, "hc", saved)
    dialog.set_value("microscopic_haematuria", True)
    assert dialog.grade is not None
    assert not dialog.save_button.isEnabled()
    assert not dialog.record_note.isHidden()
    assert "not tracked as complication episodes" in dialog.record_note.text()
    dialog.save()
    assert saved == []
    assert "Haemorrhagic cystitis, version" in dialog.copy_result()


def test_copy_puts_criteria_rule_and_inputs_on_the_clipboard(qtbot):
    dialog = _dialog(qtbot, "abo", defaults={"donor_abo": "A", "recipient_abo": "B"})
    assert dialog.save_button.isHidden()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert "ABO compatibility (donor -> recipient), version standard definitions" in text
    assert "Rule: Bidirectional" in text
    assert "donor ABO A; recipient ABO B" in text


# --- registration and rendering --------------------------------------------------------


def test_every_new_calculator_is_registered_with_ranges(qtbot):
    keys = {c.key for c in CALCULATORS}
    assert set(NEW_KEYS) <= keys
    for key in NEW_KEYS:
        dialog = _dialog(qtbot, key)
        assert dialog.windowTitle()
        for name, editor in dialog.editors.items():
            assert editor.accessibleName(), (key, name)


def test_complications_tab_opens_each_new_calculator(qtbot, demo_window, monkeypatch):
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0010")
    ws = demo_window.open_transplant(tid)
    tab = ws.complications
    opened = {}

    def run(dialog):
        opened[dialog.windowTitle()] = dialog
        return dialog.DialogCode.Rejected

    monkeypatch.setattr(calc, "run_dialog", run)
    assert set(tab.menu_actions) == {
        *NEW_KEYS,
        "vod_dx_2016",
        "vod_dx_2023",
        "vod_dx_paed",
        "chimerism",
    }
    for key in NEW_KEYS:
        assert tab.menu_actions[key].isEnabled()
        tab.menu_actions[key].trigger()
    assert len(opened) == len(NEW_KEYS)
    kps = opened["Performance status: Karnofsky or Lansky"]
    assert kps.editors["age_years"].text() == "46"  # the patient's age on today
    cmv = opened["CMV serostatus and letermovir window"]
    assert cmv.editors["day0"].text() == ws.session.plan.day0.isoformat()
    intensity = opened["Conditioning intensity: MAC/RIC/NMA"]
    assert intensity.grade is not None and intensity.grade.label == "RIC"  # Flu/Bu2 plan


def test_renders_to_png(qtbot, tmp_path):
    dialog = _dialog(qtbot, "tma")
    _fill(dialog, **_tma_assessment(1, "2026-02-19"), **_tma_assessment(2, "2026-02-23"))
    dialog.show()
    path = tmp_path / "tma.png"
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 0
