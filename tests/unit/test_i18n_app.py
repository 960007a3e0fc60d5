"""The board, the worklist, day labels and the use cases' refusals in the interface's
language, while what is compared (phases, rules, severities) stays the same."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app import alert_rules
from planner.app.board import board_row, worklist
from planner.app.clinic import clinic_view
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.domain import i18n
from planner.domain.days import DayWindow, day_label, short_date, short_day_label
from planner.domain.patients import Patient, Transplant, TransplantStatus, validate_patient
from planner.domain.plans import instantiate, mark_done, move_occurrences
from planner.domain.templates import parse_protocol
from planner.errors import ConflictError, ValidationError
from planner.records.ports import Actor
from planner.storage.memory import InMemoryRepository

TEMPLATE = b"""
schema = 1
id = "i18n-board"
version = "1"
title = "Board test"
category = "conditioning"
transplant_types = ["autologous"]
graft_sources = ["pbsc"]
review_status = "for local review"
source = "test"

[anchors.mobilisation]
default_day = -30
numbering = "mday"

[[steps]]
id = "gcsf"
title = "Filgrastim"
phase = "mobilisation"
kind = "medication"
anchor = "mobilisation"
from = 1
to = 4

[[steps]]
id = "apheresis"
title = "Apheresis"
phase = "collection"
kind = "procedure"
anchor = "mobilisation"
day = 5

[[steps]]
id = "chemo"
title = "Melphalan"
phase = "conditioning"
kind = "medication"
days = [-2]

[[steps]]
id = "infusion"
title = "Infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "visit"
title = "Clinic visit"
phase = "follow-up"
kind = "visit"
day = 30
"""

DAY0 = dt.date(2026, 3, 10)  # a Tuesday
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
AT = "2026-03-10T09:00:00+00:00"


@pytest.fixture
def spanish():
    i18n.set_language("es")
    yield
    i18n.set_language("en")


@pytest.fixture
def plan():
    return instantiate(parse_protocol(TEMPLATE, "i18n-board.toml"), DAY0, transplant_id="t1")


def _patient(**changes: object) -> Patient:
    values: dict = {
        "id": "p1",
        "mrn": "000123",
        "family_name": "Test",
        "given_name": "Ana",
        "date_of_birth": dt.date(1970, 5, 1),
        "sex": "female",
    }
    return Patient(**{**values, **changes})


def _transplant() -> Transplant:
    return Transplant(
        id="t1",
        patient_id="p1",
        transplant_type="autologous",
        graft_source="pbsc",
        day0=DAY0,
        status=TransplantStatus.ACTIVE,
    )


def test_a_board_row_reads_in_spanish_and_keeps_its_phase_and_severities(spanish, plan):
    today = DAY0 + dt.timedelta(days=12)
    row = board_row(_patient(), _transplant(), plan, today)
    assert row.phase == "pre-engraftment"  # compared and stored: not translated
    assert row.phase_rule == "Día +12, sin fecha de injerto registrada."
    assert row.day_label == "D+12"
    # Nothing was marked done: four G-CSF days, the apheresis, melphalan and the infusion.
    assert row.alerts[0] == "7 atrasados"
    assert row.alert_rules[0] == alert_rules.shown(alert_rules.OVERDUE)
    assert row.alert_rules[0].startswith("Actividades previstas")
    assert row.alert_severities[0] == alert_rules.MEDIUM
    with i18n.english():
        english = board_row(_patient(), _transplant(), plan, today)
    assert english.alerts[0] == "7 overdue"
    assert english.alert_rules[0] == alert_rules.OVERDUE
    assert english.alert_severities == row.alert_severities


def test_one_overdue_step_is_singular(spanish, plan):
    today = DAY0 + dt.timedelta(days=1)
    for offset in plan.step("i18n-board/gcsf").days:
        plan = mark_done(plan, "i18n-board/gcsf", offset, DAY0, by="rn", at=AT)
    for step_id in ("i18n-board/apheresis", "i18n-board/chemo"):
        plan = mark_done(plan, step_id, plan.step(step_id).days[0], DAY0, by="rn", at=AT)
    row = board_row(_patient(), _transplant(), plan, today)
    assert row.overdue == ("Infusion",)
    assert row.alerts == ("1 atrasado",)


def test_the_weekend_line_names_days_and_months_in_spanish(spanish, plan):
    # Day +30 is Thursday 9 April 2026; a closure that day makes the calendar line.
    today = DAY0 + dt.timedelta(days=20)
    closed = dt.date(2026, 4, 9)
    row = board_row(_patient(), _transplant(), plan, today, closures=(closed,))
    line = next(a for a in row.alert_items if a.severity == alert_rules.LOW)
    assert line.text == "Fin de semana/cierre: Clinic visit jue 09 abr (centro cerrado)"
    assert line.rule.endswith("Clinic visit el jue 09 abr (centro cerrado).")
    with i18n.english():
        english = board_row(_patient(), _transplant(), plan, today, closures=(closed,))
    assert "Weekend/closure: Clinic visit Thu 09 Apr (clinic closed)" in english.alerts


def test_mobilising_rule_and_worklist_label_in_spanish(spanish, plan):
    today = DAY0 - dt.timedelta(days=27)  # M-Day 4
    row = board_row(_patient(), _transplant(), plan, today)
    assert row.phase == "mobilising"
    assert row.day_label == "Día M 4"
    assert row.phase_rule.startswith("Día M 4: entre la primera dosis de G-CSF")
    items = worklist([_patient()], [_transplant()], [plan], today)
    assert items and {i.day_label for i in items} == {"Día M 4"}


@pytest.mark.parametrize("days", [0, 20])
def test_the_demo_clinic_has_the_same_rules_and_severities_in_both_languages(spanish, days):
    """The counts and record alerts find their rule from their English text, so a
    translated alert keeps its rule and severity."""
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(Actor("coordinator", "ws-1"), NOW))
    today = NOW.date() + dt.timedelta(days=days)
    shown = clinic_view(repo, today)
    with i18n.english():
        english = clinic_view(repo, today)
    assert [r.alert_severities for r in shown.rows] == [r.alert_severities for r in english.rows]
    rules = {rule for r in english.rows for rule in r.alert_rules}
    assert rules & {alert_rules.ENGRAFTMENT_NEWS, alert_rules.NO_ANC}  # counts alerts
    assert alert_rules.CHECKLISTS in rules
    assert [r.phase for r in shown.rows] == [r.phase for r in english.rows]
    # Each rule shown is the Spanish of the English one (none left in English).
    for spanish_row, english_row in zip(shown.rows, english.rows, strict=True):
        for rule, english_rule in zip(
            spanish_row.alert_rules, english_row.alert_rules, strict=True
        ):
            if english_rule in alert_rules.SEVERITY:
                assert rule == alert_rules.shown(english_rule) != english_rule


def test_every_alert_rule_has_its_spanish_with_the_values_filled(spanish):
    for rule in alert_rules.SEVERITY:
        shown = alert_rules.shown(rule)
        assert shown and shown != rule and "{" not in shown, rule
    assert "día +28" in alert_rules.shown(alert_rules.GRAFT_FAILURE_WATCH)
    assert alert_rules.shown_severity(alert_rules.HIGH) == "alta"


def test_day_labels_and_windows(spanish):
    assert day_label(12) == "Día +12"
    assert day_label(-3) == "Día -3"
    assert day_label(0) == "Día 0"
    assert DayWindow(28, 3, 3).label() == "Día +28 +/-3"
    assert short_day_label(12) == "D+12"  # the board's short label is the same everywhere
    assert short_date(dt.date(2026, 9, 14), year=True) == "lun 14 sept 2026"
    with i18n.english():
        assert day_label(12) == "Day +12"
        assert short_date(dt.date(2026, 9, 14)) == "Mon 14 Sep"


def test_patient_refusals_in_spanish(spanish):
    with pytest.raises(ValidationError) as future:
        validate_patient(_patient(date_of_birth=dt.date(2027, 1, 1)), NOW.date())
    assert str(future.value) == "La fecha de nacimiento 2027-01-01 está en el futuro."
    assert future.value.field == "date_of_birth"
    with pytest.raises(ValidationError) as weight:
        _patient(weight_kg=900)
    assert str(weight.value).startswith("Peso: 900 kg no es verosímil")
    with pytest.raises(ValidationError) as required:
        _patient(family_name=" ")
    assert str(required.value) == "Apellidos: es obligatorio."


def test_use_case_refusals_in_spanish(spanish, plan):
    ctx = Context(Actor("coordinator", "ws-1"), NOW)
    with pytest.raises(ValidationError) as future:
        ctx.refuse_future(dt.date(2026, 3, 11), "A collection")
    assert str(future.value) == "Una aféresis con fecha 2026-03-11 está en el futuro."
    assert "otro puesto" in str(ConflictError("plan", "t1", 1, 2))
    done = mark_done(plan, "i18n-board/chemo", -2, DAY0 - dt.timedelta(days=2), by="rn", at=AT)
    with pytest.raises(ValidationError) as moved:
        move_occurrences(done, "i18n-board/chemo", (-2,), 1)
    assert str(moved.value) == (
        "'Melphalan' del dom 08 mar consta como hecho; su fecha no se puede mover."
    )
    with i18n.english(), pytest.raises(ValidationError) as english:
        move_occurrences(done, "i18n-board/chemo", (-2,), 1)
    assert (
        str(english.value) == "'Melphalan' on Sun 08 Mar is recorded as done; its date cannot move."
    )


def test_a_team_document_reads_its_inputs_in_english_in_a_spanish_interface(spanish):
    """The checklist warnings of the team summary are made in English (the summary
    prints in English), even when the job is prepared in the Spanish interface."""
    from planner.app.exports import prepare_job

    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(Actor("coordinator", "ws-1"), NOW))
    with i18n.english():
        rows = clinic_view(repo, NOW.date()).rows
    tid = next(r.transplant_id for r in rows if alert_rules.CHECKLISTS in r.alert_rules)
    shown = prepare_job(repo, tid, "summary", printed_on=NOW.date())
    with i18n.english():
        english = prepare_job(repo, tid, "summary", printed_on=NOW.date())
    assert shown.inputs.checklist and shown.inputs == english.inputs


def test_a_step_condition_in_words_and_its_values_kept(spanish):
    from planner.domain.conditions import Answer, Clause, StepCondition

    condition = StepCondition(
        "hbv", (Clause("hbsag", ("positive",)), Clause("age", at_least=18, below=70))
    )
    assert condition.text == "HBsAg del receptor positivo, o edad (años) 18 o más y menos de 70"
    assert condition.used({"hbsag": "negative"}) == (
        "HBsAg del receptor: negativo; edad (años): sin registrar"
    )
    # The recorded values are compared as stored, whatever the language.
    assert condition.answer({"hbsag": "positive"}) is Answer.MET
    with i18n.english():
        assert condition.text == (
            "recipient HBsAg positive, or age (years) 18 or more and below 70"
        )


def test_document_warnings_count_the_steps_in_spanish(spanish):
    from planner.app.exports import document_warnings
    from planner.domain.patients import ClinicSettings

    one, many = (
        document_warnings("summary", (), steps, ClinicSettings())[0]
        for steps in (("Filgrastim",), ("Filgrastim", "Melphalan"))
    )
    assert one.startswith("1 paso no tiene texto en este idioma")
    assert many.startswith("2 pasos no tienen texto en este idioma")
    with i18n.english():
        assert document_warnings("summary", (), ("A", "B"), ClinicSettings())[0].startswith(
            "2 steps have no wording"
        )


def test_the_lab_import_summary_in_spanish(spanish):
    from planner.app.lab_import import ImportReport
    from planner.labimport.reader import RejectedRow

    rejected = (RejectedRow(4, "razón", ("000123", "2026-03-10", "anc", "x"), "anc"),)
    report = ImportReport("labs.csv", True, (), rejected, ("aviso",), rows_read=3)
    assert report.lines() == [
        "labs.csv: 3 fila(s) leída(s); se importaría(n) 0 resultado(s) de 0 paciente(s); "
        "1 rechazada(s) (prueba, no se ha guardado nada).",
        "Nota: aviso",
        "Línea 4: razón",
    ]
    with i18n.english():
        assert report.summary() == (
            "labs.csv: 3 row(s) read; 0 result(s) would be imported for 0 patient(s); "
            "1 rejected (dry run, nothing saved)."
        )
