"""Use case: a transplant as a FHIR R4 Bundle (``planner.export.fhir_bundle``).

``fhir_bundle`` reads the patient, the transplant, its plan, the patient's lab samples and
the transplant's complication episodes from the repository and gives the Bundle's bytes.
It writes nothing: the caller saves the bytes with their audit row
(``planner.app.audited_output.write_recorded_file``), as every output of patient data is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from planner.app.audited_output import write_recorded_file
from planner.app.changes import Change, stored_record
from planner.app.complications import complication_log
from planner.app.context import Context
from planner.export.atomic import export_target
from planner.export.fhir_bundle import fhir_bundle_json
from planner.records.ports import ENGRAFTMENT, Repository


def fhir_bundle(repo: Repository, transplant_id: str, *, with_phi: bool) -> bytes:
    """The transplant as a FHIR R4 Bundle (UTF-8 JSON, validated with ``fhir.resources``).

    Args:
        repo: where the records are read.
        transplant_id: the transplant; a transplant without a plan gives no CarePlan.
        with_phi: False leaves out the Patient resource (name, MRN, birth date) and the
            team's free texts; the subject is then an opaque pseudonym.

    Raises:
        NotFoundError: there is no such transplant (or patient).
        ValidationError: a stored complications record cannot be read.
    """
    transplant = repo.get_transplant(transplant_id)
    patient = repo.get_patient(transplant.patient_id)
    plan = repo.get_plan(transplant_id)
    # Only the results that stand: an import or an entry that was undone (or corrected)
    # is superseded in the transplant's recovery record, never sent on as a result.
    from planner.records.recovery import RecoveryRecord, effective_samples

    recovery = RecoveryRecord.from_body(stored_record(repo, transplant_id, ENGRAFTMENT).body)
    samples = effective_samples(repo.list_lab_samples(patient.id), recovery)
    episodes = complication_log(repo, transplant_id).episodes
    return fhir_bundle_json(patient, transplant, plan, samples, episodes, with_phi=with_phi)


@dataclass(frozen=True)
class FhirExport:
    """A written bundle: where, how many resources, and its audit row's change."""

    path: Path
    entries: int
    change: Change


def export_fhir_bundle(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    out: Path,
    *,
    with_phi: bool = True,
    overwrite: bool = False,
) -> FhirExport:
    """Write the transplant's FHIR bundle (``fhir_bundle``) all or nothing with its audit
    row ("Export FHIR bundle (14 resources, with the Patient resource)").

    Raises:
        UnrecordedOutputError, TargetExistsError, ExportPathError, ExportWriteError: see
            ``write_recorded_file``; nothing is left on disk.
    """
    target = export_target(out.parent, out.name)
    data = fhir_bundle(repo, transplant_id, with_phi=with_phi)
    entries = len(json.loads(data).get("entry", []))
    variant = "with the Patient resource" if with_phi else "without patient data"
    event = f"Export FHIR bundle ({entries} resources, {variant})"
    patient_id = repo.get_transplant(transplant_id).patient_id
    change = write_recorded_file(
        repo, ctx, target, data, event, overwrite=overwrite, patient_id=patient_id
    )
    return FhirExport(target, entries, change)
