"""Use cases for harvest logs, blood counts, lab imports and engraftment overrides.

Same pattern as :mod:`planner.services`: each function takes the repository (the port) and a
``Context`` (who and when), validates before writing, and makes exactly ONE commit (or none
for a dry run). Lab samples are insert-only; a corrected hand entry supersedes the stored
sample through the transplant's "engraftment" record, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from planner.errors import ConflictError, ValidationError
from planner.harvestlog import Collection, HarvestLog, PbCd34
from planner.labimport import ColumnMapping, ImportResult, Limits, RejectedRow, read_lab_file
from planner.labs import ANALYTE_LABEL, ANALYTES, CANONICAL_UNIT, Analyte, LabSample
from planner.ports import Action, ClinicalRecord, Repository
from planner.recovery import (
    Override as EngraftmentOverride,
)
from planner.recovery import (
    RecoveryRecord,
    Superseded,
    Transfusion,
)
from planner.services import Context

HAND_SOURCE = "entered by hand"


# --------------------------------------------------------------------------- harvest


def load_harvest(repo: Repository, transplant_id: str) -> tuple[HarvestLog, int]:
    """The transplant's harvest log and the record version read (0 when new)."""
    transplant = repo.get_transplant(transplant_id)
    record = repo.get_record(transplant_id, "harvest")
    if record is None:
        return HarvestLog.from_body(None, transplant), 0
    return HarvestLog.from_body(record.body, transplant), record.version


def _save_harvest(repo: Repository, ctx: Context, transplant_id: str, log: HarvestLog,
                  version: int, description: str, reason: str = "") -> HarvestLog:
    transplant = repo.get_transplant(transplant_id)
    done = repo.commit(Action(
        actor=ctx.actor, at=ctx.now, description=description, reason=reason,
        patient_id=transplant.patient_id,
        records=(ClinicalRecord(transplant_id, "harvest", log.to_body(), version),),
    ))
    return HarvestLog.from_body(done.records[0].body, transplant)


def _not_future(date: dt.date, ctx: Context, what: str) -> None:
    if date > ctx.today:
        raise ValidationError("date", f"{what} on {date.isoformat()} is in the future.")


def record_pb_cd34(repo: Repository, ctx: Context, transplant_id: str, date: dt.date,
                   value: float, note: str = "") -> HarvestLog:
    """Record (or correct) the day's blood CD34+ count (cells/uL); one commit."""
    count = PbCd34(date, value, note)
    _not_future(count.date, ctx, "A blood CD34+ count")
    log, version = load_harvest(repo, transplant_id)
    replaced = any(p.date == count.date for p in log.pb_cd34)
    return _save_harvest(repo, ctx, transplant_id, log.with_pb_cd34(count), version,
                         ("Correct" if replaced else "Record") + " blood CD34+ count")


def add_collection(repo: Repository, ctx: Context, transplant_id: str,
                   collection: Collection) -> HarvestLog:
    """Add a new apheresis collection to the stored log; one commit.

    The log is re-read, so collections another workstation added meanwhile are kept. Give
    the collection a new id (:func:`planner.harvestlog.new_collection_id`).

    Raises:
        ValidationError: the id is already in the stored log (an add never replaces a
            collection; use :func:`edit_collection`), or a value is implausible.
    """
    _not_future(collection.date, ctx, "A collection")
    log, version = load_harvest(repo, transplant_id)
    return _save_harvest(repo, ctx, transplant_id, log.with_new_collection(collection), version,
                         "Add apheresis collection")


def edit_collection(repo: Repository, ctx: Context, transplant_id: str,
                    collection: Collection, version: int) -> HarvestLog:
    """Replace the stored collection with ``collection``'s id; one commit.

    Args:
        version: the version of the harvest record the editor read (``load_harvest``).

    Raises:
        ConflictError: the stored log is newer than ``version`` (changed on another
            workstation); nothing is written.
        ValidationError: no collection with that id, or a value is implausible.
    """
    _not_future(collection.date, ctx, "A collection")
    log, stored_version = load_harvest(repo, transplant_id)
    if stored_version != version:
        raise ConflictError("record", f"{transplant_id}/harvest", version, stored_version)
    if all(c.id != collection.id for c in log.collections):
        raise ValidationError("collection", "That collection is not in the log.")
    # The record carries the version the editor read: the commit refuses it if another
    # workstation saved in between.
    return _save_harvest(repo, ctx, transplant_id, log.with_collection(collection), version,
                         "Edit apheresis collection")


def remove_collection(repo: Repository, ctx: Context, transplant_id: str, collection_id: str,
                      reason: str) -> HarvestLog:
    """Remove a collection entered by mistake (a reason is required); one commit."""
    if not reason.strip():
        raise ValidationError("reason", "Removing a collection needs a reason.")
    log, version = load_harvest(repo, transplant_id)
    if all(c.id != collection_id for c in log.collections):
        raise ValidationError("collection", "That collection is not in the log.")
    return _save_harvest(repo, ctx, transplant_id, log.without_collection(collection_id),
                         version, "Remove apheresis collection", reason)


def save_harvest_settings(repo: Repository, ctx: Context, transplant_id: str,
                          log: HarvestLog) -> HarvestLog:
    """Save edited targets and thresholds (the counts and collections stored are kept)."""
    stored, version = load_harvest(repo, transplant_id)
    merged = HarvestLog(log.targets, log.plerixafor_threshold, log.first_day_yield_trigger,
                        stored.pb_cd34, stored.collections)
    return _save_harvest(repo, ctx, transplant_id, merged, version, "Edit harvest targets")


# --------------------------------------------------------------------------- recovery record


def load_recovery(repo: Repository, transplant_id: str) -> tuple[RecoveryRecord, int]:
    """The transplant's recovery record and the version read (0 when new)."""
    record = repo.get_record(transplant_id, "engraftment")
    if record is None:
        return RecoveryRecord(), 0
    return RecoveryRecord.from_body(record.body), record.version


def _recovery_action(repo: Repository, ctx: Context, transplant_id: str, rec: RecoveryRecord,
                     version: int, description: str, reason: str = "",
                     samples: tuple[LabSample, ...] = ()) -> RecoveryRecord:
    transplant = repo.get_transplant(transplant_id)
    done = repo.commit(Action(
        actor=ctx.actor, at=ctx.now, description=description, reason=reason,
        patient_id=transplant.patient_id, lab_samples=samples,
        records=(ClinicalRecord(transplant_id, "engraftment", rec.to_body(), version),),
    ))
    return RecoveryRecord.from_body(done.records[0].body)


def _utc(ctx: Context) -> str:
    return ctx.now.astimezone(dt.UTC).isoformat(timespec="seconds")


def override_engraftment(repo: Repository, ctx: Context, transplant_id: str, key: str,
                         date: dt.date | None, reason: str) -> RecoveryRecord:
    """Replace a computed engraftment result with the clinician's (reason required, audited)."""
    entry = EngraftmentOverride(key, date, reason.strip(), ctx.actor.user, _utc(ctx))
    transplant = repo.get_transplant(transplant_id)
    if date is not None:
        _not_future(date, ctx, "An engraftment date")
        if transplant.day0 is not None and date < transplant.day0:
            raise ValidationError("date", "An engraftment date cannot be before Day 0.")
    rec, version = load_recovery(repo, transplant_id)
    return _recovery_action(repo, ctx, transplant_id, rec.with_override(entry), version,
                            f"Override engraftment ({key})", entry.reason)


def clear_engraftment_override(repo: Repository, ctx: Context, transplant_id: str, key: str,
                               reason: str) -> RecoveryRecord:
    """Go back to the computed result for ``key`` (reason required)."""
    if not reason.strip():
        raise ValidationError("reason", "Removing an override needs a reason.")
    rec, version = load_recovery(repo, transplant_id)
    return _recovery_action(repo, ctx, transplant_id, rec.without_override(key), version,
                            f"Remove engraftment override ({key})", reason)


def record_transfusion(repo: Repository, ctx: Context, transplant_id: str, date: dt.date,
                       product: str, note: str = "") -> RecoveryRecord:
    """Record a platelet or red-cell transfusion; one commit."""
    event = Transfusion(date, product, note)
    _not_future(event.date, ctx, "A transfusion")
    rec, version = load_recovery(repo, transplant_id)
    return _recovery_action(repo, ctx, transplant_id, rec.with_transfusion(event), version,
                            f"Record {product.replace('_', ' ')} transfusion")


def remove_transfusion(repo: Repository, ctx: Context, transplant_id: str, date: dt.date,
                       product: str, reason: str) -> RecoveryRecord:
    """Remove a transfusion entered by mistake (reason required)."""
    if not reason.strip():
        raise ValidationError("reason", "Removing a transfusion needs a reason.")
    rec, version = load_recovery(repo, transplant_id)
    return _recovery_action(repo, ctx, transplant_id, rec.without_transfusion(date, product),
                            version, "Remove transfusion", reason)


# --------------------------------------------------------------------------- counts


def record_counts(repo: Repository, ctx: Context, transplant_id: str, date: dt.date,
                  values: Mapping[str, float], reason: str = "") -> list[LabSample]:
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
        sample = LabSample(patient.id, patient.mrn, date, a, value, CANONICAL_UNIT[a],
                           source=source)
        same_day = [s for s in stored if s.analyte == a]
        if same_day and all(s.value == sample.value and not s.qualifier for s in same_day):
            continue
        if same_day:
            if not reason.strip():
                listed = ", ".join(f"{s.display_value} ({s.source})" for s in same_day)
                raise ValidationError(
                    "reason", f"{ANALYTE_LABEL[a]} on {date.isoformat()} is already stored "
                    f"({listed}); a correction needs a reason.")
            superseded += [Superseded(s.date, s.analyte, s.value, s.source, reason.strip(),
                                      ctx.actor.user, _utc(ctx)) for s in same_day]
        new.append(sample)
    if not new:
        return []
    records: tuple[ClinicalRecord, ...] = ()
    if superseded:
        records = (ClinicalRecord(transplant_id, "engraftment",
                                  rec.with_superseded(superseded).to_body(), version),)
    names = ", ".join(ANALYTE_LABEL[s.analyte] for s in new)
    repo.commit(Action(
        actor=ctx.actor, at=ctx.now,
        description=("Correct" if superseded else "Enter") + f" counts {date.isoformat()}: {names}",
        reason=reason.strip(), patient_id=patient.id, records=records, lab_samples=tuple(new),
    ))
    return new


# --------------------------------------------------------------------------- lab import


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do).

    Attributes:
        filename: the file's name.
        dry_run: True when nothing was written.
        accepted: samples stored (or to be stored).
        rejected: rows not imported, each with its reason (file problems and duplicates of
            samples already stored).
        warnings: file-level notes.
        rows_read: data rows read from the file.
        patients: patient ids with accepted samples.
    """

    filename: str
    dry_run: bool
    accepted: tuple[LabSample, ...]
    rejected: tuple[RejectedRow, ...]
    warnings: tuple[str, ...] = ()
    rows_read: int = 0
    patients: frozenset[str] = field(default_factory=frozenset)

    def summary(self) -> str:
        """One line: "12 rows read: 9 accepted, 3 rejected (dry run, nothing saved)"."""
        verb = "would be imported" if self.dry_run else "imported"
        tail = " (dry run, nothing saved)" if self.dry_run else ""
        return (f"{self.filename}: {self.rows_read} row(s) read; {len(self.accepted)} "
                f"result(s) {verb} for {len(self.patients)} patient(s); "
                f"{len(self.rejected)} rejected{tail}.")

    def lines(self) -> list[str]:
        """The summary, the warnings and one line per rejected row with its reason."""
        out = [self.summary(), *(f"Note: {w}" for w in self.warnings)]
        out += [f"Line {r.line}: {r.reason}" for r in sorted(self.rejected, key=lambda r: r.line)]
        return out


def _against_stored(result: ImportResult, stored: Iterable[LabSample],
                    lines: Mapping[int, int]) -> tuple[list[LabSample], list[RejectedRow]]:
    """Drop samples already stored (same value) and refuse ones that conflict with them."""
    known: dict[tuple[str, dt.date, str], list[LabSample]] = {}
    for s in stored:
        known.setdefault((s.patient_id, s.date, s.analyte), []).append(s)
    accepted: list[LabSample] = []
    rejected: list[RejectedRow] = []
    for i, s in enumerate(result.accepted):
        there = known.get((s.patient_id, s.date, s.analyte))
        if not there:
            accepted.append(s)
            continue
        line = lines.get(i, 0)
        same = [t for t in there if t.value == s.value and t.qualifier == s.qualifier]
        if same:
            reason = (f"Duplicate: {ANALYTE_LABEL[s.analyte]} {s.display_value} on "
                      f"{s.date.isoformat()} is already stored ({same[0].source or 'no source'}).")
        else:
            values = ", ".join(t.display_value for t in there)
            reason = (f"Conflicts with the stored {ANALYTE_LABEL[s.analyte]} of "
                      f"{s.date.isoformat()} ({values}); not imported, review and correct "
                      "by hand.")
        rejected.append(RejectedRow(line, reason, (s.mrn, s.date.isoformat(), s.analyte,
                                                   s.display_value), s.analyte))
    return accepted, rejected


def _source_line(sample: LabSample) -> int:
    tail = sample.source.rsplit(" line ", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else 0


def import_labs(repo: Repository, ctx: Context, data: bytes, filename: str,
                mapping: ColumnMapping, *, dry_run: bool = False,
                limits: Limits | None = None) -> ImportReport:
    """Import a lab export: accepted rows in ONE commit, every other row listed with its reason.

    MRNs are matched exactly (text, leading zeros kept) to the planner's patients; samples
    already stored (same patient, date, analyte and value) are reported as duplicates and not
    stored twice; a different stored value is a conflict and is not imported.

    Raises:
        LabImportError: the whole file is refused (size, binary, encoding, columns, ...).
    """
    known = {p.mrn: p.id for p in repo.list_patients()}
    result = read_lab_file(data, filename, mapping, known, today=ctx.today,
                           limits=limits or Limits())
    patients = {s.patient_id for s in result.accepted}
    stored = [s for s in repo.list_lab_samples() if s.patient_id in patients] if patients else []
    lines = {i: _source_line(s) for i, s in enumerate(result.accepted)}
    accepted, dupes = _against_stored(result, stored, lines)
    rejected = sorted([*result.rejected, *dupes], key=lambda r: r.line)
    report = ImportReport(filename=filename, dry_run=dry_run, accepted=tuple(accepted),
                          rejected=tuple(rejected), warnings=tuple(result.warnings),
                          rows_read=result.rows_read,
                          patients=frozenset(s.patient_id for s in accepted))
    if dry_run or not accepted:
        return report
    repo.commit(Action(
        actor=ctx.actor, at=ctx.now, description=f"Import lab results from {filename}",
        reason=f"{len(accepted)} accepted, {len(rejected)} rejected",
        patient_id=next(iter(report.patients)) if len(report.patients) == 1 else None,
        lab_samples=tuple(accepted),
    ))
    return report
