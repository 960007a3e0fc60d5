"""Use cases for blood counts, transfusions and engraftment overrides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from planner.app.context import Context
from planner.app.harvest import _not_future
from planner.domain.labs import ANALYTE_LABEL, ANALYTES, CANONICAL_UNIT, Analyte, LabSample
from planner.errors import ValidationError
from planner.records.ports import Action, ClinicalRecord, Repository
from planner.records.recovery import Override as EngraftmentOverride
from planner.records.recovery import RecoveryRecord, Superseded, Transfusion

HAND_SOURCE = "entered by hand"


def load_recovery(repo: Repository, transplant_id: str) -> tuple[RecoveryRecord, int]:
    """The transplant's recovery record and the version read (0 when new)."""
    record = repo.get_record(transplant_id, "engraftment")
    if record is None:
        return RecoveryRecord(), 0
    return RecoveryRecord.from_body(record.body), record.version


def _recovery_action(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    rec: RecoveryRecord,
    version: int,
    description: str,
    reason: str = "",
    samples: tuple[LabSample, ...] = (),
) -> RecoveryRecord:
    transplant = repo.get_transplant(transplant_id)
    done = repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description=description,
            reason=reason,
            patient_id=transplant.patient_id,
            lab_samples=samples,
            records=(ClinicalRecord(transplant_id, "engraftment", rec.to_body(), version),),
        )
    )
    return RecoveryRecord.from_body(done.records[0].body)


def _utc(ctx: Context) -> str:
    return ctx.now.astimezone(dt.UTC).isoformat(timespec="seconds")


def override_engraftment(
    repo: Repository, ctx: Context, transplant_id: str, key: str, date: dt.date | None, reason: str
) -> RecoveryRecord:
    """Replace a computed engraftment result with the clinician's (reason required, audited)."""
    entry = EngraftmentOverride(key, date, reason.strip(), ctx.actor.user, _utc(ctx))
    transplant = repo.get_transplant(transplant_id)
    if date is not None:
        _not_future(date, ctx, "An engraftment date")
        if transplant.day0 is not None and date < transplant.day0:
            raise ValidationError("date", "An engraftment date cannot be before Day 0.")
    rec, version = load_recovery(repo, transplant_id)
    return _recovery_action(
        repo,
        ctx,
        transplant_id,
        rec.with_override(entry),
        version,
        f"Override engraftment ({key})",
        entry.reason,
    )


def clear_engraftment_override(
    repo: Repository, ctx: Context, transplant_id: str, key: str, reason: str
) -> RecoveryRecord:
    """Go back to the computed result for ``key`` (reason required)."""
    if not reason.strip():
        raise ValidationError("reason", "Removing an override needs a reason.")
    rec, version = load_recovery(repo, transplant_id)
    return _recovery_action(
        repo,
        ctx,
        transplant_id,
        rec.without_override(key),
        version,
        f"Remove engraftment override ({key})",
        reason,
    )


def record_transfusion(
    repo: Repository, ctx: Context, transplant_id: str, date: dt.date, product: str, note: str = ""
) -> RecoveryRecord:
    """Record a platelet or red-cell transfusion; one commit."""
    event = Transfusion(date, product, note)
    _not_future(event.date, ctx, "A transfusion")
    rec, version = load_recovery(repo, transplant_id)
    return _recovery_action(
        repo,
        ctx,
        transplant_id,
        rec.with_transfusion(event),
        version,
        f"Record {product.replace('_', ' ')} transfusion",
    )


def remove_transfusion(
    repo: Repository, ctx: Context, transplant_id: str, date: dt.date, product: str, reason: str
) -> RecoveryRecord:
    """Remove a transfusion entered by mistake (reason required)."""
    if not reason.strip():
        raise ValidationError("reason", "Removing a transfusion needs a reason.")
    rec, version = load_recovery(repo, transplant_id)
    return _recovery_action(
        repo,
        ctx,
        transplant_id,
        rec.without_transfusion(date, product),
        version,
        "Remove transfusion",
        reason,
    )


def record_counts(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    date: dt.date,
    values: Mapping[str, float],
    reason: str = "",
) -> list[LabSample]:
    """Save a day's hand-entered counts (10^9/L; Hb g/L) as lab samples; one commit.

    A value equal to the one stored is skipped. A different value for an analyte already
    stored that day is a correction: ``reason`` is required, and the stored sample(s) are
    superseded in the transplant's engraftment record in the same transaction.

    Returns:
        The samples inserted.
    """
    transplant = repo.get_transplant(transplant_id)
    patient = repo.get_patient(transplant.patient_id)
    _not_future(date, ctx, "A count")
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise ValidationError("date", "The count date must be a calendar date.")
    rec, version = load_recovery(repo, transplant_id)
    stored = [s for s in repo.list_lab_samples(patient.id) if s.date == date]
    stored = [s for s in stored if not any(x.matches(s) for x in rec.superseded)]
    source = f"{HAND_SOURCE} by {ctx.actor.user} at {_utc(ctx)}"
    new: list[LabSample] = []
    superseded: list[Superseded] = []
    for analyte, value in values.items():
        if analyte not in ANALYTES:
            raise ValidationError("analyte", f"'{analyte}' is not one of: {', '.join(ANALYTES)}.")
        a: Analyte = analyte
        sample = LabSample(
            patient.id, patient.mrn, date, a, value, CANONICAL_UNIT[a], source=source
        )
        same_day = [s for s in stored if s.analyte == a]
        if same_day and all(s.value == sample.value and not s.qualifier for s in same_day):
            continue
        if same_day:
            if not reason.strip():
                listed = ", ".join(f"{s.display_value} ({s.source})" for s in same_day)
                raise ValidationError(
                    "reason",
                    f"{ANALYTE_LABEL[a]} on {date.isoformat()} is already stored "
                    f"({listed}); a correction needs a reason.",
                )
            superseded += [
                Superseded(
                    s.date, s.analyte, s.value, s.source, reason.strip(), ctx.actor.user, _utc(ctx)
                )
                for s in same_day
            ]
        new.append(sample)
    if not new:
        return []
    records: tuple[ClinicalRecord, ...] = ()
    if superseded:
        records = (
            ClinicalRecord(
                transplant_id, "engraftment", rec.with_superseded(superseded).to_body(), version
            ),
        )
    names = ", ".join(ANALYTE_LABEL[s.analyte] for s in new)
    repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description=("Correct" if superseded else "Enter")
            + f" counts {date.isoformat()}: {names}",
            reason=reason.strip(),
            patient_id=patient.id,
            records=records,
            lab_samples=tuple(new),
        )
    )
    return new
