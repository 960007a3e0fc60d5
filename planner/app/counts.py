"""Use cases for blood counts, transfusions and engraftment overrides.

Counts are lab samples: inserted, never updated or deleted. A corrected hand entry
supersedes the stored sample through the transplant's recovery ("engraftment")
record, in the same transaction; undoing an entry supersedes what it added, in the
recovery record of every transplant of the patient (``hide_samples``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from planner.app.changes import Change, Documents, commit, save_record, stored_record
from planner.app.context import Context
from planner.domain.i18n import tr, tr_noop
from planner.domain.labs import (
    ANALYTE_LABEL,
    CANONICAL_UNIT,
    COUNT_ANALYTES,
    Analyte,
    LabSample,
    analyte_label,
)
from planner.domain.patients import Transplant
from planner.errors import ValidationError
from planner.records.chimerism_log import ChimerismResult
from planner.records.ports import ENGRAFTMENT, ClinicalRecord, Repository
from planner.records.recovery import Override as EngraftmentOverride
from planner.records.recovery import RecoveryRecord, Superseded, Transfusion

HAND_SOURCE = "entered by hand"


def load_recovery(repo: Repository, transplant_id: str) -> tuple[RecoveryRecord, int]:
    """The transplant's recovery record and the version read (0 when new)."""
    record = stored_record(repo, transplant_id, ENGRAFTMENT)
    return RecoveryRecord.from_body(record.body), record.version


def patient_recovery(repo: Repository, patient_id: str) -> Documents:
    """Every transplant of a patient with its recovery record: what an action adding the
    patient's lab samples lists in ``before``, so that undoing it can supersede them
    wherever the patient's counts are read."""
    transplants = tuple(repo.list_transplants(patient_id))
    records = tuple(stored_record(repo, t.id, ENGRAFTMENT) for t in transplants)
    return Documents(transplants=transplants, records=records)


def _save_recovery(
    repo: Repository,
    ctx: Context,
    transplant: Transplant,
    record: ClinicalRecord,
    rec: RecoveryRecord,
    description: str,
    reason: str = "",
) -> Change:
    return save_record(
        repo,
        ctx,
        description,
        record,
        rec.to_body(),
        patient_id=transplant.patient_id,
        reason=reason,
    )


def _read(
    repo: Repository, transplant_id: str
) -> tuple[Transplant, ClinicalRecord, RecoveryRecord]:
    transplant = repo.get_transplant(transplant_id)
    record = stored_record(repo, transplant_id, ENGRAFTMENT)
    return transplant, record, RecoveryRecord.from_body(record.body)


def override_engraftment(
    repo: Repository, ctx: Context, transplant_id: str, key: str, date: dt.date | None, reason: str
) -> Change:
    """Replace a computed engraftment result with the clinician's (reason required, audited)."""
    entry = EngraftmentOverride(key, date, reason.strip(), ctx.actor.user, ctx.utc_text)
    transplant, record, rec = _read(repo, transplant_id)
    if date is not None:
        ctx.refuse_future(date, tr_noop("An engraftment date"))
        if transplant.day0 is not None and date < transplant.day0:
            raise ValidationError("date", tr("An engraftment date cannot be before Day 0."))
    return _save_recovery(
        repo,
        ctx,
        transplant,
        record,
        rec.with_override(entry),
        f"Override engraftment ({key})",
        entry.reason,
    )


def clear_engraftment_override(
    repo: Repository, ctx: Context, transplant_id: str, key: str, reason: str
) -> Change:
    """Go back to the computed result for ``key`` (reason required)."""
    if not reason.strip():
        raise ValidationError("reason", tr("Removing an override needs a reason."))
    transplant, record, rec = _read(repo, transplant_id)
    return _save_recovery(
        repo,
        ctx,
        transplant,
        record,
        rec.without_override(key),
        f"Remove engraftment override ({key})",
        reason,
    )


def record_transfusion(
    repo: Repository, ctx: Context, transplant_id: str, date: dt.date, product: str, note: str = ""
) -> Change:
    """Record a platelet or red-cell transfusion; one commit."""
    event = Transfusion(date, product, note)
    ctx.refuse_future(event.date, tr_noop("A transfusion"))
    transplant, record, rec = _read(repo, transplant_id)
    return _save_recovery(
        repo,
        ctx,
        transplant,
        record,
        rec.with_transfusion(event),
        f"Record {product.replace('_', ' ')} transfusion",
    )


def record_chimerism(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    date: dt.date,
    lineage: str,
    donor_percent: float,
) -> Change:
    """Record a donor chimerism result (one per lineage and date); one commit."""
    result = ChimerismResult(date, lineage, donor_percent, ctx.actor.user, ctx.utc_text)
    ctx.refuse_future(result.date, tr_noop("A chimerism result"))
    transplant, record, rec = _read(repo, transplant_id)
    if transplant.day0 is not None and result.date < transplant.day0:
        raise ValidationError("date", tr("A donor chimerism result cannot be before Day 0."))
    return _save_recovery(
        repo, ctx, transplant, record, rec.with_chimerism(result), "Record chimerism"
    )


def remove_chimerism(
    repo: Repository, ctx: Context, transplant_id: str, date: dt.date, lineage: str, reason: str
) -> Change:
    """Remove a chimerism result entered by mistake (reason required)."""
    if not reason.strip():
        raise ValidationError("reason", tr("Removing a chimerism result needs a reason."))
    transplant, record, rec = _read(repo, transplant_id)
    return _save_recovery(
        repo,
        ctx,
        transplant,
        record,
        rec.without_chimerism(date, lineage),
        "Remove chimerism",
        reason,
    )


def remove_transfusion(
    repo: Repository, ctx: Context, transplant_id: str, date: dt.date, product: str, reason: str
) -> Change:
    """Remove a transfusion entered by mistake (reason required)."""
    if not reason.strip():
        raise ValidationError("reason", tr("Removing a transfusion needs a reason."))
    transplant, record, rec = _read(repo, transplant_id)
    return _save_recovery(
        repo,
        ctx,
        transplant,
        record,
        rec.without_transfusion(date, product),
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
) -> Change:
    """Save a day's hand-entered counts (10^9/L; Hb g/L) as lab samples; one commit.

    A value equal to the one stored is skipped. A different value for an analyte already
    stored that day is a correction: ``reason`` is required, and the stored sample(s) are
    superseded in the transplant's recovery record in the same transaction.
    ``change.samples`` are the samples inserted (none when every value was already
    stored: then nothing is written).
    """
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise ValidationError("date", tr("The count date must be a calendar date."))
    ctx.refuse_future(date, tr_noop("A count"))
    transplant = repo.get_transplant(transplant_id)
    patient = repo.get_patient(transplant.patient_id)
    # Every transplant of the patient with its recovery record: what undo needs; the
    # edited transplant's record is read with them, not a second time.
    before = patient_recovery(repo, patient.id)
    record = next(r for r in before.records if r.transplant_id == transplant_id)
    rec = RecoveryRecord.from_body(record.body)
    stored = [s for s in repo.list_lab_samples(patient.id) if s.date == date]
    stored = [s for s in stored if not any(x.matches(s) for x in rec.superseded)]
    source = f"{HAND_SOURCE} by {ctx.actor.user} at {ctx.utc_text}"
    new: list[LabSample] = []
    superseded: list[Superseded] = []
    for analyte, value in values.items():
        if analyte not in COUNT_ANALYTES:
            raise ValidationError(
                "analyte",
                tr("'{analyte}' is not one of: {known}.").format(
                    analyte=analyte, known=", ".join(COUNT_ANALYTES)
                ),
            )
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
                    tr(
                        "{analyte} on {date} is already stored ({listed}); "
                        "a correction needs a reason."
                    ).format(analyte=analyte_label(a), date=date.isoformat(), listed=listed),
                )
            superseded += [
                Superseded(
                    s.date,
                    s.analyte,
                    s.value,
                    s.source,
                    reason.strip(),
                    ctx.actor.user,
                    ctx.utc_text,
                )
                for s in same_day
            ]
        new.append(sample)
    names = ", ".join(ANALYTE_LABEL[s.analyte] for s in new)
    description = ("Correct" if superseded else "Enter") + f" counts {date.isoformat()}: {names}"
    after = [
        ClinicalRecord(
            transplant_id, ENGRAFTMENT, rec.with_superseded(superseded).to_body(), record.version
        )
    ]
    return commit(
        repo,
        ctx,
        description,
        before,
        after if superseded else [],
        reason=reason.strip(),
        patient_id=patient.id,
        samples=tuple(new),
    )


def remove_count(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    date: dt.date,
    analyte: str,
    reason: str,
) -> Change:
    """Take back a count entered in the wrong row (reason required); one commit.

    Samples are never deleted: the stored ones of that date and analyte are superseded in
    the transplant's recovery record, with who, when and why; undo brings them back.
    """
    if not reason.strip():
        raise ValidationError("reason", tr("Removing a count needs a reason."))
    if analyte not in COUNT_ANALYTES:
        raise ValidationError(
            "analyte",
            tr("'{analyte}' is not one of: {known}.").format(
                analyte=analyte, known=", ".join(COUNT_ANALYTES)
            ),
        )
    transplant, record, rec = _read(repo, transplant_id)
    stored = [
        s
        for s in repo.list_lab_samples(transplant.patient_id)
        if s.date == date and s.analyte == analyte and not any(x.matches(s) for x in rec.superseded)
    ]
    if not stored:
        raise ValidationError(
            "date",
            tr("No {analyte} is stored for {date}.").format(
                analyte=analyte_label(analyte), date=date.isoformat()
            ),
        )
    entries = [
        Superseded(
            s.date, s.analyte, s.value, s.source, reason.strip(), ctx.actor.user, ctx.utc_text
        )
        for s in stored
    ]
    return _save_recovery(
        repo,
        ctx,
        transplant,
        record,
        rec.with_superseded(entries),
        f"Remove {ANALYTE_LABEL[analyte]} {date.isoformat()}",
        reason,
    )
