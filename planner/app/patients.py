"""Use cases for patients."""

from __future__ import annotations

from planner.app.changes import Change, Documents, commit
from planner.app.context import Context
from planner.domain.i18n import tr
from planner.domain.patients import Patient, validate_patient
from planner.errors import ConflictError, ValidationError
from planner.records.ports import Repository


def save_patient(repo: Repository, ctx: Context, patient: Patient, reason: str = "") -> Change:
    """Create or update a patient after validating it against today's date.

    An edit carries the version it was read at (``patient.version``): a patient saved
    meanwhile elsewhere is a ``ConflictError`` and nothing is written. Creating a
    patient is not undoable (the repository keeps every patient); an edit is.
    """
    validate_patient(patient, ctx.today)
    other = repo.find_patient_by_mrn(patient.mrn)
    if other is not None and other.id != patient.id:
        raise ValidationError(
            "mrn", tr("MRN {mrn} already belongs to another patient.").format(mrn=patient.mrn)
        )
    before = Documents()
    if patient.version:
        stored = repo.get_patient(patient.id)
        if stored.version != patient.version:
            raise ConflictError("patient", patient.id, patient.version, stored.version)
        before = Documents(patients=(stored,))
    return commit(
        repo,
        ctx,
        "Edit patient" if patient.version else "Create patient",
        before,
        [patient],
        reason=reason,
        patient_id=patient.id,
        subject=patient.id,
    )
