"""The plan rules on the edit path: creating a plan refuses clashes and cancels steps
for other patients with the rule as reason; Move Day 0 refuses to split a started
conditioning course."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from planner.app.context import Context
from planner.app.patients import save_patient
from planner.app.plans import create_transplant_plan, move_day0, save_plan
from planner.domain.patients import Patient, Transplant, TransplantStatus, new_id
from planner.domain.plans import StepStatus, mark_done
from planner.errors import ValidationError
from planner.protocols import load_protocols
from planner.records.ports import Actor
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)
PROTOCOLS = load_protocols()


def _patient(repo: InMemoryRepository, **kw: object) -> Patient:
    patient = Patient(
        id=new_id(),
        mrn="RULE-0001",
        family_name="Example",
        given_name="Ana",
        date_of_birth=dt.date(1980, 5, 1),
        sex="female",  # type: ignore[arg-type]
        height_cm=165,
        weight_kg=60,
        weight_date=NOW.date(),
        **kw,  # type: ignore[arg-type]
    )
    save_patient(repo, CTX, patient)
    return patient


def _transplant(patient: Patient) -> Transplant:
    return Transplant(
        id=new_id(),
        patient_id=patient.id,
        transplant_type="allogeneic",  # type: ignore[arg-type]
        graft_source="pbsc",  # type: ignore[arg-type]
        day0=dt.date(2027, 2, 1),
        status=TransplantStatus.PLANNED,
    )


def test_creating_a_clashing_plan_is_refused_and_saves_nothing() -> None:
    repo = InMemoryRepository()
    patient = _patient(repo)
    transplant = _transplant(patient)
    chosen = [PROTOCOLS["haplo-flu-cy-tbi-ptcy"], PROTOCOLS["ciclosporin-methotrexate-gvhd"]]
    with pytest.raises(ValidationError) as err:
        create_transplant_plan(repo, CTX, transplant, chosen)
    assert "cannot go together" in str(err.value)
    assert repo.list_transplants(patient.id) == []


def test_letermovir_is_created_cancelled_for_a_cmv_negative_recipient() -> None:
    repo = InMemoryRepository()
    patient = _patient(repo, cmv_igg="negative")
    transplant = _transplant(patient)
    chosen = [PROTOCOLS["flu-bu4-allo"], PROTOCOLS["supportive-care-allo"]]
    create_transplant_plan(repo, CTX, transplant, chosen)
    plan = repo.get_plan(transplant.id)
    assert plan is not None
    step = plan.step("supportive-care-allo/letermovir")
    assert step.status is StepStatus.CANCELLED
    assert "rule letermovir-cmv-seropositive" in step.status_reason
    # The step and its condition are stored: they survive a reload.
    assert step.when is not None and step.when.rule == "letermovir-cmv-seropositive"


def test_move_day0_refuses_to_split_a_started_course() -> None:
    repo = InMemoryRepository()
    patient = _patient(repo, cmv_igg="positive")
    transplant = _transplant(patient)
    create_transplant_plan(repo, CTX, transplant, [PROTOCOLS["flu-bu4-allo"]])
    plan = repo.get_plan(transplant.id)
    assert plan is not None
    given = mark_done(plan, "flu-bu4-allo/busulfan", -5, dt.date(2027, 1, 27), by="nurse", at="t")
    save_plan(repo, CTX, plan, given, "Mark done")
    stored = repo.get_plan(transplant.id)
    assert stored is not None
    with pytest.raises(ValidationError) as err:
        move_day0(repo, CTX, stored, dt.date(2027, 2, 3), "Donor delayed")
    assert "split-conditioning" in str(err.value) and "Busulfan" in str(err.value)
    assert repo.get_plan(transplant.id) == stored


def test_the_board_shows_plan_checks_to_act_on_with_their_rule() -> None:
    from planner.app.clinic import clinic_view

    repo = InMemoryRepository()
    patient = _patient(repo)  # CMV IgG and hepatitis B markers not recorded
    transplant = _transplant(patient)
    create_transplant_plan(
        repo, CTX, transplant, [PROTOCOLS["flu-bu4-allo"], PROTOCOLS["supportive-care-allo"]]
    )
    (row,) = clinic_view(repo, NOW.date()).rows
    checks = [(a, r) for a, r in zip(row.alerts, row.alert_rules, strict=True) if "Plan check" in a]
    texts = " ".join(a for a, _ in checks)
    assert "to confirm" in texts and "Letermovir" in texts
    assert any("letermovir-cmv-seropositive" in r and "Source:" in r for _, r in checks)
    # Recording the serostatus and the markers clears them (and no creatinine: fludarabine says so).
    save_patient(
        repo,
        CTX,
        dataclasses.replace(
            repo.get_patient(patient.id), cmv_igg="positive", hbsag="negative", anti_hbc="negative"
        ),
    )
    (row,) = clinic_view(repo, NOW.date()).rows
    texts = " ".join(a for a in row.alerts if "Plan check" in a)
    assert "to confirm" not in texts
    assert "Needs serum creatinine" in texts
