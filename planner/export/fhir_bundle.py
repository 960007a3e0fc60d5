"""A transplant as a FHIR R4 Bundle: the patient, the plan, the counts and the complications.

``fhir_bundle_json(...)`` gives UTF-8 JSON bytes of a Bundle of type "collection",
validated with the ``fhir.resources`` R4B models (for Patient, CarePlan, Observation,
Condition and Bundle the R4 4.0.1 shape). Pure: values in, bytes out. The entries:

* **Patient** (only ``with_phi=True``): the MRN as an identifier of type MR, the name,
  the birth date and the administrative gender (the planner's sex). Without PHI there is
  no Patient, and every subject is an opaque pseudonym (``Reference.identifier`` of the
  system ``PSEUDONYM_SYSTEM``, a UUID derived from the planner's patient id), never the
  MRN, the name or the birth date; free texts the team typed (step notes, skip reasons,
  treatment notes) are left out too, since they may name people.
* **CarePlan**: status from the transplant's status, intent "plan", the period from the
  first to the last occurrence, ``instantiatesCanonical`` the templates' PlanDefinitions
  (``planner.export.plandefinition``), and one activity per plan step whose ``detail``
  gives the kind (the FHIR request it would be: MedicationRequest, ServiceRequest,
  Appointment, CommunicationRequest or Task), the code (the step kind, ``STEP_KIND_SYSTEM``
  of ``planner.export.plandefinition``, with the title as text), the status (from ``StepStatus`` and the recorded
  occurrences), the dates (``scheduledPeriod`` when the step runs every day from its first
  to its last date, else ``scheduledTiming.event`` with each occurrence's date: the real
  date of a done occurrence, else the planned one), the description (the title) and the
  drug (``productCodeableConcept``).
* **Observation** per lab sample: status final, category laboratory, the LOINC code
  (``planner.domain.loinc``), ``effectiveDateTime`` the sample date, ``valueQuantity`` in
  the stored unit with its UCUM code, and a "<" or ">" result as ``comparator``.
* **Condition** per complication episode: clinical status active or resolved, onset and
  abatement dates, the type as ``code.text`` ("aGVHD"), and the maximum grade as
  ``stage.summary`` ("grade III") with the grading system and its version as
  ``stage.type`` ("MAGIC acute GVHD, 2016 (...)").

Every resource id is a UUID derived (uuid5) from the planner's ids, and each
``fullUrl`` is "urn:uuid:" + it: exporting the same records again gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, Final

from planner.domain.labs import ANALYTE_LABEL, LabSample
from planner.domain.loinc import (
    ALL_LOINC,
    LOINC_SYSTEM,
    UCUM_SYSTEM,
    LoincCode,
)
from planner.domain.patients import Patient, Transplant, TransplantStatus
from planner.domain.plans import Occurrence, Plan, PlanStep, StepStatus
from planner.domain.templates import StepKind
from planner.errors import ValidationError
from planner.export.plandefinition import FHIR_BASE, PLAN_DEFINITION_URL, STEP_KIND_SYSTEM
from planner.records.complication_log import StoredEpisode
from planner.records.complications import ComplicationEpisode

PSEUDONYM_SYSTEM: Final = f"{FHIR_BASE}/NamingSystem/patient-pseudonym"
_V2_0203: Final = "http://terminology.hl7.org/CodeSystem/v2-0203"
_OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
_CONDITION_CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_CONDITION_VERIFICATION: Final = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_CONDITION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"

# CarePlan.status (request-status) of each transplant status: a planned transplant's plan
# is in force (its dates are booked), a cancelled one's withdrawn.
CAREPLAN_STATUS: Final[Mapping[TransplantStatus, str]] = {
    TransplantStatus.PLANNED: "active",
    TransplantStatus.ACTIVE: "active",
    TransplantStatus.ON_HOLD: "on-hold",
    TransplantStatus.COMPLETED: "completed",
    TransplantStatus.CANCELLED: "revoked",
    TransplantStatus.DECEASED: "revoked",
}
# CarePlan.activity.detail.kind: the request each step kind would become.
ACTIVITY_KIND: Final[Mapping[StepKind, str]] = {
    StepKind.MEDICATION: "MedicationRequest",
    StepKind.PROCEDURE: "ServiceRequest",
    StepKind.LAB: "ServiceRequest",
    StepKind.VISIT: "Appointment",
    StepKind.EDUCATION: "CommunicationRequest",
    StepKind.REGISTRY_FORM: "Task",
    StepKind.CHECKLIST: "Task",
}
# The planner's stored units in UCUM (a unit not listed has no code, only its text).
_UCUM_OF_UNIT: Final = {
    "10^9/L": "10*9/L",
    "g/L": "g/L",
    "g/dL": "g/dL",
    "mg/dL": "mg/dL",
    "umol/L": "umol/L",
    "µmol/L": "umol/L",
    "%": "%",
    "ng/mL": "ng/mL",
}
_LOINC: Final[Mapping[str, LoincCode]] = ALL_LOINC


@cache
def _namespace() -> Any:
    import uuid  # here, not at the top: uuid loads platform, which start-up does not need

    return uuid.uuid5(uuid.NAMESPACE_URL, FHIR_BASE)


def resource_id(kind: str, *parts: str) -> str:
    """The stable UUID (version 5, in a namespace of its own) of a resource made from the
    planner's record ``parts``: the same records give the same id on every export."""
    import uuid

    return str(uuid.uuid5(_namespace(), "/".join((kind, *parts))))


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _patient_resource(patient: Patient, patient_uuid: str) -> dict[str, Any]:
    name: dict[str, Any] = {"use": "official"}
    if patient.family_name:
        name["family"] = patient.family_name
    if patient.given_name:
        name["given"] = [patient.given_name]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_uuid,
        "identifier": [
            {
                "use": "usual",
                "type": {
                    "coding": [
                        {"system": _V2_0203, "code": "MR", "display": "Medical record number"}
                    ],
                    "text": "MRN",
                },
                "value": patient.mrn,
            }
        ],
    }
    if len(name) > 1:
        resource["name"] = [name]
    resource["gender"] = patient.sex.value
    resource["birthDate"] = patient.date_of_birth.isoformat()
    return resource


def _subject(patient_uuid: str, with_phi: bool) -> dict[str, Any]:
    if with_phi:
        return {"reference": f"urn:uuid:{patient_uuid}", "type": "Patient"}
    return {"type": "Patient", "identifier": {"system": PSEUDONYM_SYSTEM, "value": patient_uuid}}


def _text(value: str) -> dict[str, Any]:
    return {"text": value}


def _activity_status(step: PlanStep, occurrences: Sequence[Occurrence]) -> str:
    """CarePlan activity status (careplan-activity-status) of a step and its records."""
    done = sum(o.status is StepStatus.DONE for o in occurrences)
    if step.status in (StepStatus.SKIPPED, StepStatus.CANCELLED):
        return "stopped" if done else "cancelled"
    if step.status is StepStatus.DONE or (occurrences and done == len(occurrences)):
        return "completed"
    open_ = [o for o in occurrences if o.status is StepStatus.PLANNED]
    if occurrences and not open_:  # every one done, skipped or cancelled
        return "completed" if done else "cancelled"
    return "in-progress" if done else "scheduled"


def _schedule(dates: Sequence[dt.date]) -> dict[str, Any]:
    """``scheduledPeriod`` for a daily run of two days or more, else ``scheduledTiming``."""
    ordered = sorted(dates)
    first, last = ordered[0], ordered[-1]
    daily = len(ordered) >= 2 and len(set(ordered)) == len(ordered) == (last - first).days + 1
    if daily:
        return {"scheduledPeriod": {"start": first.isoformat(), "end": last.isoformat()}}
    return {"scheduledTiming": {"event": [d.isoformat() for d in ordered]}}


def _activity(
    step: PlanStep,
    occurrences: Sequence[Occurrence],
    canonicals: Mapping[str, str],
    with_phi: bool,
) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    canonical = canonicals.get(step.template_id)
    if canonical is not None:
        detail["instantiatesCanonical"] = [canonical]
    detail["kind"] = ACTIVITY_KIND[step.kind]
    detail["code"] = {
        "coding": [
            {"system": STEP_KIND_SYSTEM, "code": step.kind.value, "display": step.kind.value}
        ],
        "text": step.title,
    }
    status = _activity_status(step, occurrences)
    detail["status"] = status
    if step.status in (StepStatus.SKIPPED, StepStatus.CANCELLED):
        reason = step.status.value
        if with_phi and step.status_reason.strip():
            reason = f"{reason}: {step.status_reason.strip()}"
        detail["statusReason"] = _text(reason)
    if occurrences:
        detail.update(_schedule([o.date for o in occurrences]))
    if step.drug:
        detail["productCodeableConcept"] = _text(step.drug)
    detail["description"] = step.title
    activity: dict[str, Any] = {}
    if with_phi and step.note.strip():
        activity["progress"] = [{"text": step.note.strip()}]
    activity["detail"] = detail
    return activity


def _careplan_resource(
    plan: Plan, transplant: Transplant, subject: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[PlanStep, list[Occurrence]]]]:
    by_step: dict[str, list[Occurrence]] = {}
    for occ in plan.occurrences():
        by_step.setdefault(occ.step_id, []).append(occ)
    steps = [(step, by_step.get(step.id, [])) for step in plan.steps]
    dates = [o.date for occs in by_step.values() for o in occs]
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": resource_id("CarePlan", plan.id),
    }
    canonicals = [f"{PLAN_DEFINITION_URL}{t.id}|{t.version}" for t in plan.templates]
    if canonicals:
        resource["instantiatesCanonical"] = canonicals
    resource["status"] = CAREPLAN_STATUS.get(transplant.status, "unknown")
    resource["intent"] = "plan"
    kind = {"car-t": "CAR T-cell therapy"}.get(
        transplant.transplant_type.value, f"{transplant.transplant_type.value} transplant"
    )
    resource["title"] = f"Plan of the {kind}, Day 0 {plan.day0.isoformat()}"
    if plan.templates:
        resource["description"] = "Made from the templates: " + "; ".join(
            f"{t.title} ({t.id}, version {t.version})" for t in plan.templates
        )
    resource["subject"] = subject
    if dates:
        resource["period"] = {"start": min(dates).isoformat(), "end": max(dates).isoformat()}
    return resource, steps


def _careplan(
    plan: Plan, transplant: Transplant, subject: dict[str, Any], with_phi: bool
) -> dict[str, Any]:
    resource, steps = _careplan_resource(plan, transplant, subject)
    canonicals = {t.id: f"{PLAN_DEFINITION_URL}{t.id}|{t.version}" for t in plan.templates}
    activities = [_activity(step, occs, canonicals, with_phi) for step, occs in steps]
    if activities:
        resource["activity"] = activities
    return resource


def _quantity(sample: LabSample, loinc: LoincCode | None) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": sample.value}
    if sample.qualifier:
        quantity["comparator"] = sample.qualifier
    quantity["unit"] = sample.unit
    ucum = _UCUM_OF_UNIT.get(sample.unit)
    if ucum is None and loinc is not None and sample.unit == loinc.ucum:
        ucum = loinc.ucum
    if ucum is not None:
        quantity["system"] = UCUM_SYSTEM
        quantity["code"] = ucum
    return quantity


def _observation(sample: LabSample, observation_id: str, subject: dict[str, Any]) -> dict[str, Any]:
    loinc = _LOINC.get(sample.analyte)
    label = ANALYTE_LABEL.get(sample.analyte, sample.analyte)
    code: dict[str, Any] = {}
    if loinc is not None:
        code["coding"] = [{"system": LOINC_SYSTEM, "code": loinc.code, "display": loinc.display}]
    code["text"] = label
    return {
        "resourceType": "Observation",
        "id": observation_id,
        "status": "final",
        "category": [
            {
                "coding": [
                    {"system": _OBSERVATION_CATEGORY, "code": "laboratory", "display": "Laboratory"}
                ]
            }
        ],
        "code": code,
        "subject": subject,
        "effectiveDateTime": sample.date.isoformat(),
        "valueQuantity": _quantity(sample, loinc),
    }


def _observations(
    samples: Iterable[LabSample], patient: Patient, subject: dict[str, Any]
) -> list[dict[str, Any]]:
    """One Observation per sample; two samples of one analyte on one day are told apart by
    their order (the repository keeps insertion order)."""
    seen: dict[tuple[dt.date, str], int] = {}
    found: list[dict[str, Any]] = []
    for sample in samples:
        key = (sample.date, sample.analyte)
        seen[key] = seen.get(key, 0) + 1
        observation_id = resource_id(
            "Observation", patient.id, sample.date.isoformat(), sample.analyte, str(seen[key])
        )
        found.append(_observation(sample, observation_id, subject))
    return found


def grade_text(episode: ComplicationEpisode) -> str:
    """The maximum grade as a stage summary ("grade III", "moderate"), or "" without one."""
    best = episode.max_grade
    if best is None:
        return ""
    result = best.recorded()
    label = result.label.strip()
    if isinstance(result.value, int) and not isinstance(result.value, bool):
        return label if label.lower().startswith("grade") else f"grade {label}"
    return label


def _condition(
    stored: StoredEpisode, transplant: Transplant, subject: dict[str, Any], with_phi: bool
) -> dict[str, Any]:
    episode = stored.episode
    clinical = "active" if episode.resolution is None else "resolved"
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": resource_id("Condition", transplant.id, stored.id),
        "clinicalStatus": {"coding": [{"system": _CONDITION_CLINICAL, "code": clinical}]},
        "verificationStatus": {
            "coding": [{"system": _CONDITION_VERIFICATION, "code": "confirmed"}]
        },
        "category": [{"coding": [{"system": _CONDITION_CATEGORY, "code": "problem-list-item"}]}],
        "code": _text(episode.type),
        "subject": subject,
        "onsetDateTime": episode.onset.isoformat(),
    }
    if episode.resolution is not None:
        resource["abatementDateTime"] = episode.resolution.isoformat()
    grade = grade_text(episode)
    best = episode.max_grade
    if grade and best is not None:
        result = best.recorded()
        resource["stage"] = [
            {
                "summary": _text(grade),
                "type": _text(f"{result.criteria}, {result.version}"),
            }
        ]
    if with_phi:
        notes = [{"time": n.date.isoformat(), "text": n.text} for n in episode.treatment_notes]
        if episode.resolution is not None and episode.resolution_note:
            notes.append({"time": episode.resolution.isoformat(), "text": episode.resolution_note})
        if notes:
            resource["note"] = notes
    return resource


def fhir_bundle_dict(
    patient: Patient,
    transplant: Transplant,
    plan: Plan | None,
    samples: Sequence[LabSample],
    episodes: Sequence[StoredEpisode],
    *,
    with_phi: bool,
) -> dict[str, Any]:
    """The Bundle as a JSON-ready dict (see the module docstring); not validated."""
    patient_uuid = resource_id("Patient", patient.id)
    subject = _subject(patient_uuid, with_phi)
    resources: list[dict[str, Any]] = []
    if with_phi:
        resources.append(_patient_resource(patient, patient_uuid))
    if plan is not None:
        resources.append(_careplan(plan, transplant, subject, with_phi))
    resources.extend(_observations(samples, patient, subject))
    resources.extend(_condition(s, transplant, subject, with_phi) for s in episodes)
    variant = "with-phi" if with_phi else "no-phi"
    return {
        "resourceType": "Bundle",
        "id": resource_id("Bundle", transplant.id, variant),
        "type": "collection",
        "entry": [_entry(r) for r in resources],
    }


def validate_bundle(doc: Mapping[str, Any]) -> None:
    """Check a Bundle and every resource in it against the R4 models (``fhir.resources``
    R4B); ``ValidationError`` names the first problem."""
    import pydantic
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(dict(doc))
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        first = errors[0] if errors else None
        where = ".".join(str(p) for p in first["loc"]) if first else ""
        problem = f"{where}: {first['msg']}" if first else str(exc)
        raise ValidationError(
            "fhir", f"The FHIR bundle is not valid FHIR R4 ({problem})."
        ) from None


def fhir_bundle_json(
    patient: Patient,
    transplant: Transplant,
    plan: Plan | None,
    samples: Sequence[LabSample],
    episodes: Sequence[StoredEpisode],
    *,
    with_phi: bool,
) -> bytes:
    """The transplant as a FHIR R4 Bundle (type collection): UTF-8 JSON, validated.

    Args:
        patient, transplant: whose; plan: its plan (None: no CarePlan).
        samples: the patient's lab samples, as the repository lists them.
        episodes: the transplant's complication episodes with their stored ids.
        with_phi: False leaves out the Patient resource and every identifying text.

    Raises:
        ValidationError: the bundle does not validate (a fault of this module).
    """
    doc = fhir_bundle_dict(patient, transplant, plan, samples, episodes, with_phi=with_phi)
    validate_bundle(doc)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
