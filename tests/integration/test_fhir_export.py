"""The FHIR export of the demo clinic from a repository: every patient's Bundle is valid R4,
carries no identifier without PHI, codes its counts in LOINC, grades its complications, and
follows a Day 0 move."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from planner.app.complications import save_assessment
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.fhir_export import fhir_bundle
from planner.app.plans import move_day0
from planner.clinical.grading import magic_assessment
from planner.domain.loinc import ANALYTE_LOINC, CHEMISTRY_LOINC, LOINC_SYSTEM
from planner.errors import NotFoundError
from planner.records.ports import Repository
from planner.storage.memory import InMemoryRepository
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
CTX = Context(ACTOR, NOW)
LOINC_CODES = {c.code for c in (*ANALYTE_LOINC.values(), *CHEMISTRY_LOINC.values())}


@pytest.fixture(scope="module")
def demo() -> Repository:
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    return repo


def _transplant_id(repo: Repository, mrn: str) -> str:
    patient = repo.find_patient_by_mrn(mrn)
    assert patient is not None
    return repo.list_transplants(patient.id)[0].id


def _resources(data: bytes, kind: str) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in json.loads(data)["entry"] if e["resource"]["resourceType"] == kind
    ]


def test_every_demo_patients_bundle_is_valid_r4(demo) -> None:
    transplants = demo.list_transplants()
    assert len(transplants) >= 15
    for transplant in transplants:
        for with_phi in (True, False):
            data = fhir_bundle(demo, transplant.id, with_phi=with_phi)
            bundle = Bundle.model_validate_json(data)
            assert bundle.type == "collection"
            assert len(_resources(data, "CarePlan")) == 1
            assert len(_resources(data, "Patient")) == (1 if with_phi else 0)


def test_without_phi_no_name_mrn_or_birth_date_is_anywhere_in_the_bytes(demo) -> None:
    for patient in demo.list_patients():
        for transplant in demo.list_transplants(patient.id):
            secrets = [
                patient.mrn,
                patient.family_name,
                patient.given_name,
                patient.date_of_birth.isoformat(),
            ]
            with_phi = fhir_bundle(demo, transplant.id, with_phi=True).decode("utf-8")
            assert all(s in with_phi for s in secrets)  # the check can see them
            text = fhir_bundle(demo, transplant.id, with_phi=False).decode("utf-8")
            for secret in secrets:
                assert secret not in text, (patient.mrn, secret)
                assert json.dumps(secret)[1:-1] not in text, (patient.mrn, secret)


def test_observations_are_the_patients_samples_with_their_loinc_codes(demo) -> None:
    seen = 0
    for patient in demo.list_patients():
        transplant_id = demo.list_transplants(patient.id)[0].id
        samples = demo.list_lab_samples(patient.id)
        observations = _resources(fhir_bundle(demo, transplant_id, with_phi=False), "Observation")
        assert len(observations) == len(samples)
        for sample, observation in zip(samples, observations, strict=True):
            [coding] = observation["code"]["coding"]
            assert coding["system"] == LOINC_SYSTEM
            assert coding["code"] in LOINC_CODES
            assert coding["code"] == (ANALYTE_LOINC | CHEMISTRY_LOINC)[sample.analyte].code
            assert observation["effectiveDateTime"] == sample.date.isoformat()
            assert observation["valueQuantity"]["value"] == sample.value
        seen += len(samples)
    assert seen > 100  # the demo has counts after transplant


def test_a_graded_complication_is_a_condition_with_its_grade() -> None:
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    transplant_id = _transplant_id(repo, "DEMO-0010")
    result = magic_assessment(
        skin_bsa_percent=30, bilirubin=1.0, stool_ml_per_day=1200, weight_kg=59
    )
    save_assessment(repo, CTX, transplant_id, result, NOW.date())
    [condition] = _resources(fhir_bundle(repo, transplant_id, with_phi=True), "Condition")
    assert condition["code"] == {"text": "aGVHD"}
    assert condition["onsetDateTime"] == NOW.date().isoformat()
    assert condition["stage"][0]["summary"] == {"text": "grade III"}
    assert condition["stage"][0]["type"]["text"].startswith("MAGIC acute GVHD")


def test_a_day0_move_moves_the_careplan_dates_and_keeps_its_ids() -> None:
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    transplant_id = _transplant_id(repo, "DEMO-0004")  # planned: nothing done yet
    before = fhir_bundle(repo, transplant_id, with_phi=False)
    assert fhir_bundle(repo, transplant_id, with_phi=False) == before  # stable
    plan = repo.get_plan(transplant_id)
    assert plan is not None
    move_day0(repo, CTX, plan, plan.day0 + dt.timedelta(days=7), "Donor delayed")
    after = fhir_bundle(repo, transplant_id, with_phi=False)
    [old] = _resources(before, "CarePlan")
    [new] = _resources(after, "CarePlan")
    assert new["id"] == old["id"]
    week = dt.timedelta(days=7)
    for key in ("start", "end"):
        moved = dt.date.fromisoformat(old["period"][key]) + week
        assert new["period"][key] == moved.isoformat()
    old_infusion = next(
        a
        for a in old["activity"]
        if a["detail"]["code"]["coding"][0]["code"] == "procedure"
        and "infusion" in a["detail"]["description"].lower()
    )
    new_infusion = next(
        a
        for a in new["activity"]
        if a["detail"]["description"] == old_infusion["detail"]["description"]
    )
    old_dates = old_infusion["detail"]["scheduledTiming"]["event"]
    assert new_infusion["detail"]["scheduledTiming"]["event"] == [
        (dt.date.fromisoformat(d) + week).isoformat() for d in old_dates
    ]
    assert (plan.day0 + week).isoformat() in new_infusion["detail"]["scheduledTiming"]["event"]


def test_an_unknown_transplant_is_not_found(demo) -> None:
    with pytest.raises(NotFoundError):
        fhir_bundle(demo, "no-such-transplant", with_phi=False)
