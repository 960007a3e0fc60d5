"""The lab-import use case: a lab export's accepted rows in one commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from planner.app.changes import Change, Documents, commit, empty_record
from planner.app.context import Context
from planner.domain.i18n import tr
from planner.domain.labs import LabSample, analyte_label
from planner.labimport.reader import ColumnMapping, ImportResult, Limits, RejectedRow, read_lab_file
from planner.records.ports import ENGRAFTMENT, Repository


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
        change: what the import stored (None for a dry run; a change touching nothing when
            no row was accepted).
    """

    filename: str
    dry_run: bool
    accepted: tuple[LabSample, ...]
    rejected: tuple[RejectedRow, ...]
    warnings: tuple[str, ...] = ()
    rows_read: int = 0
    patients: frozenset[str] = field(default_factory=frozenset)
    change: Change | None = None

    def summary(self) -> str:
        """One line: "12 rows read: 9 accepted, 3 rejected (dry run, nothing saved)"."""
        sentence = (
            tr(
                "{file}: {rows} row(s) read; {accepted} result(s) would be imported for "
                "{patients} patient(s); {rejected} rejected (dry run, nothing saved)."
            )
            if self.dry_run
            else tr(
                "{file}: {rows} row(s) read; {accepted} result(s) imported for "
                "{patients} patient(s); {rejected} rejected."
            )
        )
        return sentence.format(
            file=self.filename,
            rows=self.rows_read,
            accepted=len(self.accepted),
            patients=len(self.patients),
            rejected=len(self.rejected),
        )

    def lines(self) -> list[str]:
        """The summary, the warnings and one line per rejected row with its reason."""
        out = [self.summary(), *(tr("Note: {note}").format(note=w) for w in self.warnings)]
        out += [
            tr("Line {line}: {reason}").format(line=r.line, reason=r.reason)
            for r in sorted(self.rejected, key=lambda r: r.line)
        ]
        return out


def _against_stored(
    result: ImportResult, stored: Iterable[LabSample], lines: Mapping[int, int]
) -> tuple[list[LabSample], list[RejectedRow]]:
    """Drop samples already stored (same value) and refuse ones that conflict with them.

    One keyed lookup per row (patient, date, analyte); the sentences' templates and the
    analytes' names are translated once, not once per row: a file imported again is all
    duplicates, and must not cost more than importing it.
    """
    known: dict[tuple[str, dt.date, str], list[LabSample]] = {}
    for s in stored:
        known.setdefault((s.patient_id, s.date, s.analyte), []).append(s)
    duplicate = tr("Duplicate: {analyte} {value} on {date} is already stored ({source}).")
    conflict = tr(
        "Conflicts with the stored {analyte} of {date} ({values}); not imported, "
        "review and correct by hand."
    )
    no_source = tr("no source")
    labels: dict[str, str] = {}
    accepted: list[LabSample] = []
    rejected: list[RejectedRow] = []
    for i, s in enumerate(result.accepted):
        there = known.get((s.patient_id, s.date, s.analyte))
        if not there:
            accepted.append(s)
            continue
        label = labels.get(s.analyte) or labels.setdefault(s.analyte, analyte_label(s.analyte))
        day = s.date.isoformat()
        same = [t for t in there if t.value == s.value and t.qualifier == s.qualifier]
        if same:
            reason = duplicate.format(
                analyte=label, value=s.display_value, date=day, source=same[0].source or no_source
            )
        else:
            values = ", ".join(t.display_value for t in there)
            reason = conflict.format(analyte=label, date=day, values=values)
        rejected.append(
            RejectedRow(
                lines.get(i, 0), reason, (s.mrn, day, s.analyte, s.display_value), s.analyte
            )
        )
    return accepted, rejected


def _stored_like(repo: Repository, samples: Sequence[LabSample]) -> list[LabSample]:
    """The stored samples that ``samples`` could repeat or contradict: of their patients,
    analytes and dates only (an indexed read per patient), not the whole programme's, so
    an import costs what the file holds however long the history behind it."""
    if not samples:
        return []
    analytes = sorted({s.analyte for s in samples})
    dates = (min(s.date for s in samples), max(s.date for s in samples))
    return [
        s
        for pid in sorted({s.patient_id for s in samples})
        for s in repo.list_lab_samples(pid, analytes, between=dates)
    ]


def _source_line(sample: LabSample) -> int:
    tail = sample.source.rsplit(" line ", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else 0


def import_labs(
    repo: Repository,
    ctx: Context,
    data: bytes,
    filename: str,
    mapping: ColumnMapping,
    *,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> ImportReport:
    """Import a lab export: accepted rows in ONE commit, every other row listed with its reason.

    MRNs are matched exactly (text, leading zeros kept) to the planner's patients; samples
    already stored (same patient, date, analyte and value) are reported as duplicates and not
    stored twice; a different stored value is a conflict and is not imported.

    Raises:
        LabImportError: the whole file is refused (size, binary, encoding, columns, ...).
    """
    known = {p.mrn: p.id for p in repo.list_patients()}
    result = read_lab_file(
        data, filename, mapping, known, today=ctx.today, limits=limits or Limits()
    )
    stored = _stored_like(repo, result.accepted)
    lines = {i: _source_line(s) for i, s in enumerate(result.accepted)}
    accepted, dupes = _against_stored(result, stored, lines)
    rejected = sorted([*result.rejected, *dupes], key=lambda r: r.line)
    report = ImportReport(
        filename=filename,
        dry_run=dry_run,
        accepted=tuple(accepted),
        rejected=tuple(rejected),
        warnings=tuple(result.warnings),
        rows_read=result.rows_read,
        patients=frozenset(s.patient_id for s in accepted),
    )
    if dry_run:
        return report
    if not accepted:
        return replace(
            report, change=Change(f"Import lab results from {filename}", Documents(), Documents())
        )
    change = commit(
        repo,
        ctx,
        f"Import lab results from {filename}",
        _recovery_of(repo, report.patients),
        [],
        reason=f"{len(accepted)} accepted, {len(rejected)} rejected",
        patient_id=next(iter(report.patients)) if len(report.patients) == 1 else None,
        samples=tuple(accepted),
    )
    return replace(report, change=change)


def _recovery_of(repo: Repository, patients: frozenset[str]) -> Documents:
    """The transplants of ``patients`` and their recovery records (indexed reads of these
    patients only): what undoing the import needs to supersede its samples."""
    transplants = tuple(t for pid in sorted(patients) for t in repo.list_transplants(pid))
    records = tuple(
        repo.get_record(t.id, ENGRAFTMENT) or empty_record(t.id, ENGRAFTMENT) for t in transplants
    )
    return Documents(transplants=transplants, records=records)
