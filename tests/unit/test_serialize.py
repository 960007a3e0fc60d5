"""Round trips of patients, transplants and plans through dicts and JSON text."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.patients import Patient, Transplant
from planner.domain.plans import (
    Plan,
    StepStatus,
    mark_done,
    move_step,
    reanchor,
    set_step_note,
    set_step_status,
    skip_occurrence,
)
from planner.records.serialize import (
    FORMAT,
    patient_from_dict,
    patient_to_dict,
    plan_from_dict,
    plan_to_dict,
    transplant_from_dict,
    transplant_to_dict,
)
from tests.factories import make_donor, make_patient, make_plan, make_protocol, make_transplant

D = dt.date
T = "test-template"
BY = {"by": "amy", "at": "2025-03-05T21:14:00Z"}


def via_json(data: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


PATIENTS = [
    pytest.param(make_patient(), id="full"),
    pytest.param(
        make_patient(
            mrn="000123",
            given_name="",
            height_cm=None,
            weight_kg=None,
            weight_date=None,
            abo="",
            cmv_igg="unknown",
        ),
        id="minimal",
    ),
    pytest.param(
        make_patient(
            family_name="Ó Briain-Müller",
            given_name="Zoë",
            language="ga",
            contacts="Wife: 021 555 0101\nSon: 022 555 0202",
            date_of_birth=D(1950, 6, 1),
            weight_kg=350.0,
            height_cm=40.0,
        ),
        id="unicode-and-limits",
    ),
    pytest.param(
        make_patient(date_of_birth=D(2024, 2, 29), weight_kg=3.2, weight_date=D(2024, 3, 1)),
        id="leap-day-dob",
    ),
]


@pytest.mark.parametrize("patient", PATIENTS)
def test_patient_round_trip(patient: Patient) -> None:
    data = patient_to_dict(patient)
    assert patient_from_dict(data) == patient
    assert patient_from_dict(via_json(data)) == patient


def test_mrn_with_leading_zeros_stays_text_through_json() -> None:
    data = via_json(patient_to_dict(make_patient(mrn="000123")))
    assert data["mrn"] == "000123"
    assert patient_from_dict(data).mrn == "000123"
    assert data["date_of_birth"] == "1960-05-17"


TRANSPLANTS = [
    pytest.param(make_transplant(), id="auto"),
    pytest.param(make_transplant(day0=None, intensity="", status="cancelled"), id="unscheduled"),
    pytest.param(
        make_transplant(
            transplant_type="allogeneic",
            graft_source="marrow",
            donor=make_donor(),
            intensity="RIC",
            tandem=False,
            status="active",
            version=4,
        ),
        id="allo-donor",
    ),
    pytest.param(
        make_transplant(
            transplant_type="allogeneic",
            graft_source="cord",
            donor=make_donor(
                donor_type="CORD", hla_match="5/6", abo="", cmv_igg="unknown", workup_status=""
            ),
            day0=D(2024, 2, 29),
        ),
        id="cord",
    ),
    pytest.param(make_transplant(tandem=True, version=2), id="tandem"),
]


@pytest.mark.parametrize("transplant", TRANSPLANTS)
def test_transplant_round_trip(transplant: Transplant) -> None:
    data = transplant_to_dict(transplant)
    assert transplant_from_dict(data) == transplant
    assert transplant_from_dict(via_json(data)) == transplant


def _busy_plan() -> Plan:
    plan = make_plan(anchors={"mobilisation": D(2025, 2, 1)}, transplant_id="tx-1")
    plan = mark_done(plan, f"{T}/gcsf", 1, D(2025, 2, 1), **BY)
    plan = mark_done(plan, f"{T}/gcsf", 2, D(2025, 2, 3), reason="late entry", **BY)
    plan = skip_occurrence(plan, f"{T}/review", 3, reason="patient away", **BY)
    plan = set_step_status(plan, f"{T}/marrow", StepStatus.CANCELLED, "not indicated")
    plan = set_step_note(plan, f"{T}/infusion", "Two bags; thaw one at a time.")
    plan, _ = move_step(plan, f"{T}/review", 2)
    plan, _ = reanchor(plan, D(2025, 3, 12), "donor delay")
    plan, _ = reanchor(plan, D(2025, 3, 11), "bed available")
    return plan


PLANS = [
    pytest.param(make_plan, id="fresh"),
    pytest.param(_busy_plan, id="records-anchors-history"),
    pytest.param(
        lambda: make_plan([make_protocol(), make_protocol(id="second")]), id="two-templates"
    ),
]


@pytest.mark.parametrize("build", PLANS)
def test_plan_round_trip(build: Any) -> None:
    plan: Plan = build()
    data = plan_to_dict(plan)
    assert data["format"] == FORMAT
    back = plan_from_dict(via_json(data))
    assert back == plan
    assert list(back.occurrences()) == list(plan.occurrences())
    assert plan_to_dict(back) == data


def test_busy_plan_keeps_what_matters() -> None:
    back = plan_from_dict(via_json(plan_to_dict(_busy_plan())))
    assert back.anchors["mobilisation"].fixed_date == D(2025, 2, 1)
    assert [(c.old, c.new, c.reason) for c in back.day0_history] == [
        (D(2025, 3, 10), D(2025, 3, 12), "donor delay"),
        (D(2025, 3, 12), D(2025, 3, 11), "bed available"),
    ]
    gcsf = back.step(f"{T}/gcsf")
    assert [(r.offset, r.actual_date, r.reason) for r in gcsf.records] == [
        (1, D(2025, 2, 1), ""),
        (2, D(2025, 2, 3), "late entry"),
    ]
    dose = back.step(f"{T}/conditioning").dose
    assert dose is not None and (dose.amount, dose.unit, dose.per.value, dose.route) == (
        100.0,
        "mg",
        "m2",
        "IV",
    )
    assert back.step(f"{T}/review").shift == 2
    assert back.step(f"{T}/marrow").status is StepStatus.CANCELLED
    assert back.step(f"{T}/infusion").note == "Two bags; thaw one at a time."


def test_plan_of_another_format_refused() -> None:
    data = plan_to_dict(make_plan())
    data["format"] = FORMAT + 1
    with pytest.raises(ValueError, match="format"):
        plan_from_dict(data)


@settings(max_examples=40)
@given(
    day0=st.dates(D(1990, 1, 1), D(2150, 12, 31)),
    moves=st.lists(st.integers(-60, 60).filter(bool), max_size=3),
)
def test_property_plan_round_trip_after_moves(day0: dt.date, moves: list[int]) -> None:
    plan = make_plan(day0=day0)
    # A done occurrence that moves are frozen around (a given infusion would pin Day 0).
    plan = mark_done(plan, f"{T}/conditioning", -6, day0 - dt.timedelta(days=6), **BY)
    for n, delta in enumerate(moves):
        plan, _ = reanchor(plan, plan.day0 + dt.timedelta(days=delta), f"move {n}")
    assert plan_from_dict(via_json(plan_to_dict(plan))) == plan
