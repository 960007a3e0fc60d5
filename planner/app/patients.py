"""Use cases for patients."""

from __future__ import annotations

from planner.app.context import Context
from planner.domain.patients import Patient, validate_patient
from planner.errors import ValidationError
from planner.records.ports import Action, Repository


def save_patient(repo: Repository, ctx: Context, patient: Patient, reason: str = "") -> Patient:
    """Create or update a patient after validating it against today's date."""
    validate_patient(patient, ctx.today)
    other = repo.find_patient_by_mrn(patient.mrn)
    if other is not None and other.id != patient.id:
        raise ValidationError("mrn", f"MRN {patient.mrn} already belongs to another patient.")
    verb = "Edit patient" if patient.version else "Create patient"
    done = repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description=verb,
            reason=reason,
            patient_id=patient.id,
            patients=(patient,),
        )
    )
    return done.patients[0]
