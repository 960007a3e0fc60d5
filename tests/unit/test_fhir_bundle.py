"""A transplant as a FHIR R4 Bundle: valid R4 (fhir.resources R4B), the plan as a CarePlan
with its dates, counts as LOINC-coded Observations, complications as graded Conditions,
stable ids, and no identifiers without PHI."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import replace
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from planner.clinical.grading import magic_assessment, nih_cgvhd_assessment
from planner.clinical.toxicity import crs_grade_astct
from planner.domain.labs import ANALYTES, LabSample
from planner.domain.loinc import ANALYTE_LOINC, CHEMISTRY_LOINC, LOINC_SYSTEM, UCUM_SYSTEM
from planner.domain.plans import Plan, StepStatus, mark_done, set_step_status, skip_occurrence
from planner.export.fhir_bundle import (
    PSEUDONYM_SYSTEM,
    fhir_bundle_dict,
    fhir_bundle_json,
    resource_id,
)
from planner.export.plandefinition import PLAN_DEFINITION_URL, STEP_KIND_SYSTEM
from planner.records.complication_log import StoredEpisode
from planner.records.complications import (
    Assessment,
    add_treatment_note,
    new_episode,
    resolve,
)
from tests.factories import DAY0, make_patient, make_plan, make_transplant

AT = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)
PATIENT = make_patient(family_name="Ngāta", given_name="Arohanui")
TRANSPLANT = make_transplant()


def _plan() -> Plan:
    """The sample plan (mobilisation anchor on M-Days), with records of every kind."""
    plan = make_plan(transplant_id=TRANSPLANT.id, plan_id="plan-1")
    for offset in (-6, -5, -4, -3, -2):
        plan = mark_done(
            plan,
            "test-template/conditioning",
            offset,
            DAY0 + dt.timedelta(days=offset),
            by="rn",
            at="x",
        )
    plan = mark_done(plan, "test-template/review", 1, DAY0 + dt.timedelta(days=2), by="rn", at="x")
    plan = skip_occurrence(
        plan, "test-template/review", 3, reason="Seen by Dr Kahu at home", by="rn", at="x"
    )
    return set_step_status(plan, "test-template/marrow", StepStatus.SKIPPED, "Declined by Aroha")


def _samples() -> list[LabSample]:
    day = DAY0 + dt.timedelta(days=12)
    return [
        LabSample(PATIENT.id, PATIENT.mrn, day, "wbc", 1.2, "10^9/L"),
        LabSample(PATIENT.id, PATIENT.mrn, day, "anc", 0.1, "10^9/L", qualifier="<"),
        LabSample(PATIENT.id, PATIENT.mrn, day, "plt", 18.0, "10^9/L"),
        LabSample(PATIENT.id, PATIENT.mrn, day, "hb", 85.0, "g/L"),
        LabSample(PATIENT.id, PATIENT.mrn, day, "anc", 0.3, "10^9/L"),  # a second on one day
    ]


def _episodes() -> list[StoredEpisode]:
    onset = DAY0 + dt.timedelta(days=21)
    grade_iii = magic_assessment(
        skin_bsa_percent=30, bilirubin=1.0, stool_ml_per_day=1200, weight_kg=59
    )
    agvhd = new_episode("aGVHD", onset, assessment=Assessment(onset, grade_iii, "rn", AT))
    agvhd = add_treatment_note(agvhd, onset, "Methylprednisolone; told Aroha's sister")
    crs = new_episode(
        "CRS",
        DAY0 + dt.timedelta(days=2),
        assessment=Assessment(DAY0 + dt.timedelta(days=2), crs_grade_astct(39.0), "rn", AT),
    )
    crs = resolve(crs, DAY0 + dt.timedelta(days=4), "Settled")
    late = DAY0 + dt.timedelta(days=200)
    cgvhd = new_episode(
        "cGVHD",
        late,
        assessment=Assessment(late, nih_cgvhd_assessment({"skin": 2, "mouth": 1}), "rn", AT),
    )
    return [
        StoredEpisode("ep-agvhd", agvhd),
        StoredEpisode("ep-crs", crs),
        StoredEpisode("ep-cgvhd", cgvhd),
        StoredEpisode("ep-bare", new_episode("Mucositis", late)),
    ]


def _bundle(*, with_phi: bool = True, plan: Plan | None = None, **kw: Any) -> dict[str, Any]:
    data = fhir_bundle_json(
        kw.get("patient", PATIENT),
        kw.get("transplant", TRANSPLANT),
        plan if plan is not None else _plan(),
        kw.get("samples", _samples()),
        kw.get("episodes", _episodes()),
        with_phi=with_phi,
    )
    Bundle.model_validate_json(data)
    return json.loads(data)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _activity(careplan: dict[str, Any], title: str) -> dict[str, Any]:
    return next(a["detail"] for a in careplan["activity"] if a["detail"]["description"] == title)


def test_the_bundle_is_a_valid_r4_collection_of_uuid_entries() -> None:
    bundle = _bundle()
    model = Bundle.model_validate(bundle)
    assert model.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "CarePlan", *["Observation"] * 5, *["Condition"] * 4]
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
        assert uuid.UUID(entry["resource"]["id"]).version == 5
    ids = [e["resource"]["id"] for e in bundle["entry"]]
    assert len(set(ids)) == len(ids)  # two ANC samples on one day are two Observations


def test_a_second_export_is_the_same_bytes() -> None:
    args = (PATIENT, TRANSPLANT, _plan(), _samples(), _episodes())
    assert fhir_bundle_json(*args, with_phi=True) == fhir_bundle_json(*args, with_phi=True)
    assert fhir_bundle_json(*args, with_phi=False) == fhir_bundle_json(*args, with_phi=False)


def test_the_patient_has_the_mrn_name_birth_date_and_sex() -> None:
    [patient] = _resources(_bundle(), "Patient")
    [identifier] = patient["identifier"]
    assert identifier["value"] == "000123"
    assert identifier["type"]["coding"][0]["code"] == "MR"
    assert patient["name"] == [{"use": "official", "family": "Ngāta", "given": ["Arohanui"]}]
    assert patient["birthDate"] == "1960-05-17"
    assert patient["gender"] == "female"
    for kind in ("CarePlan", "Observation", "Condition"):
        for resource in _resources(_bundle(), kind):
            assert resource["subject"]["reference"] == f"urn:uuid:{patient['id']}"


def test_without_phi_there_is_no_patient_and_no_identifier_anywhere() -> None:
    args = (PATIENT, TRANSPLANT, _plan(), _samples(), _episodes())
    data = fhir_bundle_json(*args, with_phi=False)
    text = data.decode("utf-8")
    for secret in (
        "000123",
        "Ngāta",
        "Ngata",
        "Arohanui",
        "1960-05-17",
        "Aroha",
        "Kahu",
        PATIENT.id,
    ):
        assert secret not in text
        assert json.dumps(secret)[1:-1] not in text  # nor escaped
    bundle = json.loads(data)
    assert _resources(bundle, "Patient") == []
    pseudonym = resource_id("Patient", PATIENT.id)
    for entry in bundle["entry"]:
        assert entry["resource"]["subject"] == {
            "type": "Patient",
            "identifier": {"system": PSEUDONYM_SYSTEM, "value": pseudonym},
        }
    # The content is all there: every step, sample and episode.
    with_phi = _bundle()
    assert len(bundle["entry"]) == len(with_phi["entry"]) - 1


def test_the_careplan_has_an_activity_per_step_with_its_dates_and_status() -> None:
    plan = _plan()
    [careplan] = _resources(_bundle(plan=plan), "CarePlan")
    assert careplan["status"] == "active"  # a planned transplant's plan is in force
    assert careplan["intent"] == "plan"
    dates = [o.date for o in plan.occurrences()]
    assert careplan["period"] == {"start": min(dates).isoformat(), "end": max(dates).isoformat()}
    assert careplan["instantiatesCanonical"] == [f"{PLAN_DEFINITION_URL}test-template|3"]
    assert len(careplan["activity"]) == len(plan.steps)

    conditioning = _activity(careplan, "Conditioning chemotherapy")
    assert conditioning["kind"] == "MedicationRequest"
    assert conditioning["status"] == "completed"
    assert conditioning["scheduledPeriod"] == {"start": "2025-03-04", "end": "2025-03-08"}
    assert conditioning["productCodeableConcept"] == {"text": "melphalan"}
    assert conditioning["code"]["coding"] == [
        {"system": STEP_KIND_SYSTEM, "code": "medication", "display": "medication"}
    ]
    assert conditioning["code"]["text"] == "Conditioning chemotherapy"

    review = _activity(careplan, "Clinic review")  # days 1, 3, 6, 11; Day +1 done on Day +2
    assert review["kind"] == "Appointment"
    assert review["status"] == "in-progress"
    assert review["scheduledTiming"]["event"] == [
        "2025-03-12",
        "2025-03-13",
        "2025-03-16",
        "2025-03-21",
    ]

    marrow = _activity(careplan, "Day +28 marrow")
    assert marrow["status"] == "cancelled"
    assert marrow["statusReason"] == {"text": "skipped: Declined by Aroha"}
    assert marrow["scheduledTiming"]["event"] == ["2025-04-07"]

    # M-Days 1 to 4 from the anchor's default day (-30): 2025-02-08 to 2025-02-11.
    gcsf = _activity(careplan, "Filgrastim")
    assert gcsf["status"] == "scheduled"
    assert gcsf["scheduledPeriod"] == {"start": "2025-02-08", "end": "2025-02-11"}


def test_without_phi_the_team_texts_stay_out_of_the_careplan() -> None:
    plan = _plan()
    [careplan] = _resources(_bundle(plan=plan, with_phi=False), "CarePlan")
    assert _activity(careplan, "Day +28 marrow")["statusReason"] == {"text": "skipped"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("planned", "active"),
        ("active", "active"),
        ("on_hold", "on-hold"),
        ("completed", "completed"),
        ("cancelled", "revoked"),
        ("deceased", "revoked"),
    ],
)
def test_the_careplan_status_follows_the_transplant(status, expected) -> None:
    transplant = replace(TRANSPLANT, status=status)
    [careplan] = _resources(_bundle(transplant=transplant), "CarePlan")
    assert careplan["status"] == expected


def test_the_careplan_dates_follow_day0() -> None:
    plan = make_plan(transplant_id=TRANSPLANT.id, plan_id="plan-1")
    later = make_plan(
        day0=DAY0 + dt.timedelta(days=7), transplant_id=TRANSPLANT.id, plan_id="plan-1"
    )
    [before] = _resources(_bundle(plan=plan), "CarePlan")
    [after] = _resources(_bundle(plan=later), "CarePlan")
    assert before["id"] == after["id"]
    infusion = _activity(before, "Stem-cell infusion")["scheduledTiming"]["event"]
    assert infusion == [DAY0.isoformat()]
    assert _activity(after, "Stem-cell infusion")["scheduledTiming"]["event"] == ["2025-03-17"]


def test_observations_are_loinc_coded_with_ucum_units_and_comparators() -> None:
    observations = _resources(_bundle(), "Observation")
    by_code = {}
    for observation in observations:
        assert observation["status"] == "final"
        assert observation["category"][0]["coding"][0]["code"] == "laboratory"
        assert observation["effectiveDateTime"] == "2025-03-22"
        [coding] = observation["code"]["coding"]
        assert coding["system"] == LOINC_SYSTEM
        by_code.setdefault(coding["code"], []).append(observation["valueQuantity"])
    assert set(by_code) == {ANALYTE_LOINC[a].code for a in ("wbc", "anc", "plt", "hb")}
    assert by_code["751-8"][0] == {
        "value": 0.1,
        "comparator": "<",
        "unit": "10^9/L",
        "system": UCUM_SYSTEM,
        "code": "10*9/L",
    }
    assert by_code["751-8"][1]["value"] == 0.3
    assert "comparator" not in by_code["751-8"][1]
    assert by_code["718-7"][0]["code"] == "g/L"


def test_conditions_carry_their_maximum_grade_and_grading_system() -> None:
    conditions = {c["code"]["text"]: c for c in _resources(_bundle(), "Condition")}
    agvhd = conditions["aGVHD"]
    assert agvhd["clinicalStatus"]["coding"][0]["code"] == "active"
    assert agvhd["onsetDateTime"] == "2025-03-31"
    [stage] = agvhd["stage"]
    assert stage["summary"] == {"text": "grade III"}
    assert stage["type"]["text"].startswith("MAGIC acute GVHD, 2016")
    assert agvhd["note"][0]["text"].startswith("Methylprednisolone")
    crs = conditions["CRS"]
    assert crs["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert crs["abatementDateTime"] == "2025-03-14"
    assert crs["stage"][0]["summary"] == {"text": "grade 1"}
    assert conditions["cGVHD"]["stage"][0]["summary"] == {"text": "moderate"}
    assert "stage" not in conditions["Mucositis"]  # no assessment, no grade


def test_without_phi_conditions_have_no_notes() -> None:
    for condition in _resources(_bundle(with_phi=False), "Condition"):
        assert "note" not in condition


def test_a_transplant_without_a_plan_has_no_careplan() -> None:
    doc = fhir_bundle_dict(PATIENT, TRANSPLANT, None, _samples(), [], with_phi=True)
    assert [e["resource"]["resourceType"] for e in doc["entry"]] == [
        "Patient",
        *["Observation"] * 5,
    ]
    Bundle.model_validate(doc)


@pytest.mark.skipif(
    "creatinine" not in ANALYTES, reason="LabSample holds no chemistry results in this tree"
)
def test_creatinine_and_bilirubin_are_observations_in_mg_per_dl() -> None:
    day = DAY0 + dt.timedelta(days=3)
    samples = [
        LabSample(PATIENT.id, PATIENT.mrn, day, "creatinine", 1.1, "mg/dL"),
        LabSample(PATIENT.id, PATIENT.mrn, day, "bilirubin", 2.5, "mg/dL", qualifier=">"),
    ]
    observations = _resources(_bundle(samples=samples), "Observation")
    codes = {o["code"]["coding"][0]["code"]: o["valueQuantity"] for o in observations}
    assert codes == {
        CHEMISTRY_LOINC["creatinine"].code: {
            "value": 1.1,
            "unit": "mg/dL",
            "system": UCUM_SYSTEM,
            "code": "mg/dL",
        },
        CHEMISTRY_LOINC["bilirubin"].code: {
            "value": 2.5,
            "comparator": ">",
            "unit": "mg/dL",
            "system": UCUM_SYSTEM,
            "code": "mg/dL",
        },
    }
