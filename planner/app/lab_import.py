"""The lab-import use case: a lab file's accepted rows (CSV, XLSX, HL7 v2) in one commit."""

from __future__ import annotations

import datetime as dt
import math
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from planner.app.changes import Change, Documents, commit, empty_record, require_recorded
from planner.app.collector import collector_paused
from planner.app.context import Context
from planner.domain.accounts import Permission
from planner.domain.i18n import tr
from planner.domain.labs import ANALYTES, LabSample, analyte_label
from planner.domain.patients import MAX_CREATININE_MG_DL, MIN_CREATININE_MG_DL, Patient
from planner.labimport.reader import (
    CheckedFile,
    ColumnMapping,
    Limits,
    RejectedRow,
    check_lab_file,
    object_array,
)
from planner.records.ports import ENGRAFTMENT, Repository, Scope

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# MRNs outside the live clinic looked up one by one before everyone is read instead.
MRN_LOOKUPS = 50


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


class _PatientsByMrn(Mapping[str, str]):
    """MRN -> patient id, read as a file needs it.

    The live clinic's patients (``Scope.OPEN``) are read at once; an MRN outside it is
    looked up alone (``find_patient_by_mrn``, an indexed read), and every patient is read
    only once a file names more than ``MRN_LOOKUPS`` such MRNs. An import then costs what
    the file and the live clinic hold, not the archive of closed transplants behind them
    (reading every patient of a programme with 10,000 closed transplants took longer than
    checking a 100,000-line file). The reader asks once per distinct MRN.
    """

    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self.live = {p.mrn: p.id for p in repo.list_patients(Scope.OPEN)}
        self._others: dict[str, str | None] = {}
        self.everyone: dict[str, str] | None = None

    def _find(self, mrn: str) -> str | None:
        if mrn in self.live:
            return self.live[mrn]
        if self.everyone is None and mrn not in self._others:
            if len(self._others) >= MRN_LOOKUPS:
                return self._all().get(mrn)
            found = self._repo.find_patient_by_mrn(mrn)
            self._others[mrn] = found.id if found is not None else None
        return self.everyone.get(mrn) if self.everyone is not None else self._others[mrn]

    def _all(self) -> dict[str, str]:
        if self.everyone is None:
            self.everyone = {p.mrn: p.id for p in self._repo.list_patients()}
        return self.everyone

    def __getitem__(self, mrn: str) -> str:
        found = self._find(mrn) if isinstance(mrn, str) else None
        if found is None:
            raise KeyError(mrn)
        return found

    def __contains__(self, mrn: object) -> bool:
        return isinstance(mrn, str) and self._find(mrn) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _attribute(samples: Sequence[LabSample], name: str) -> npt.NDArray[Any]:
    """One attribute of every sample as an object array (read by ``attrgetter``, in C)."""
    return object_array(list(map(attrgetter(name), samples)))


def _positions(values: npt.NDArray[Any], among: Sequence[object]) -> npt.NDArray[np.intp]:
    """Per value, its position in ``among`` (distinct values), or -1."""
    import pandas as pd

    index = pd.Index(object_array(list(among)))
    return index.get_indexer(pd.Index(values, dtype=object, copy=False))


def _keys(
    samples: Sequence[LabSample], patients: Sequence[object], first: int, span: int
) -> npt.NDArray[np.int64]:
    """Per sample, its (patient, day, analyte) key as ``_against_stored`` numbers them; -1
    for a sample of another patient or outside the days ``first`` .. ``first + span - 1``."""
    import numpy as np
    import pandas as pd

    patient = _positions(_attribute(samples, "patient_id"), patients)
    day_codes, days = pd.factorize(_attribute(samples, "date"))
    ordinal = np.array([d.toordinal() for d in days.tolist()], dtype=np.int64)[day_codes]
    kind = _positions(_attribute(samples, "analyte"), ANALYTES)
    key = (patient * span + (ordinal - first)) * len(ANALYTES) + kind
    inside = (patient >= 0) & (kind >= 0) & (ordinal >= first) & (ordinal < first + span)
    return np.where(inside, key, -1)


def _against_stored(
    checked: CheckedFile, stored: Sequence[LabSample]
) -> tuple[npt.NDArray[np.bool_], list[RejectedRow]]:
    """Drop rows already stored (same value) and refuse ones that conflict with them.

    Returns which accepted rows of ``checked`` are new, and a rejected row for each other,
    in file order. Rows and stored samples are matched column-wise on integer keys
    (patient, day, analyte), then on (key, qualifier, value), never with an object per
    row; the sentences' templates and the analytes' names are translated once, and the
    stored values a conflict lists are joined once per key: a file imported again is all
    duplicates, and must not cost more than importing it.
    """
    import numpy as np
    import pandas as pd

    keep = np.ones(len(checked), dtype=bool)
    if not len(checked) or not stored:
        return keep, []
    first = int(checked.ordinal.min())
    span = int(checked.ordinal.max()) - first + 1
    patient, patients = pd.factorize(checked.patient_id)
    kinds = _positions(checked.analyte, ANALYTES)
    key = (patient * span + (checked.ordinal - first)) * len(ANALYTES) + kinds
    there = _keys(stored, patients.tolist(), first, span)
    valid = np.flatnonzero(there >= 0)
    hit = np.flatnonzero(np.isin(key, there[valid]))
    if not hit.size:
        return keep, []
    keep[hit] = False

    # Where the same key holds the same qualifier and value: the first such stored sample.
    qualifiers = ["", "<", ">"]
    value = _attribute(stored, "value")[valid].astype(float) + 0.0  # -0.0 is 0.0
    firsts = pd.DataFrame(
        {
            "k": there[valid],
            "q": _positions(_attribute(stored, "qualifier")[valid], qualifiers),
            "v": value.view(np.int64),
            "at": valid,
        }
    ).drop_duplicates(["k", "q", "v"])
    probe = pd.DataFrame(
        {
            "k": key[hit],
            "q": _positions(checked.qualifier[hit], qualifiers),
            "v": (checked.value[hit] + 0.0).view(np.int64),
        }
    )
    same = probe.merge(firsts, how="left", on=["k", "q", "v"])["at"]
    same_at = same.fillna(-1).to_numpy(dtype=np.int64)

    # A conflict lists every stored value of its key, in stored order.
    listed: dict[int, list[str]] = {}
    if (same_at < 0).any():
        conflicting = np.isin(there[valid], key[hit][same_at < 0])
        for k, at in zip(
            there[valid][conflicting].tolist(), valid[conflicting].tolist(), strict=True
        ):
            listed.setdefault(k, []).append(stored[at].display_value)
    return keep, _stored_reasons(checked, hit, key[hit], same_at, stored, listed)


def _stored_reasons(
    checked: CheckedFile,
    hit: npt.NDArray[np.intp],
    keys: npt.NDArray[np.int64],
    same_at: npt.NDArray[np.int64],
    stored: Sequence[LabSample],
    listed: dict[int, list[str]],
) -> list[RejectedRow]:
    """The rejected row of each accepted row ``hit`` that repeats (``same_at``: the stored
    sample it repeats) or contradicts (``listed``: the stored values of its key) what is
    stored.

    The texts of a row (its day, analyte name, value as shown) are made once per distinct
    text and the duplicate sentence is filled positionally (``_filler``): a file imported
    again makes one such sentence per row.
    """
    import numpy as np
    import pandas as pd

    def per_distinct(values: npt.NDArray[Any], show: Callable[[Any], str]) -> list[str]:
        codes, uniques = pd.factorize(values)
        return object_array([show(u) for u in uniques.tolist()])[codes].tolist()  # type: ignore[no-any-return]

    # By bit pattern: -0.0 is shown "-0", 0.0 "0".
    value_codes, values = pd.factorize(checked.value[hit].view(np.int64))
    written = [f"{v:g}" for v in np.asarray(values, dtype=np.int64).view(np.float64).tolist()]
    shown = (checked.qualifier[hit] + object_array(written)[value_codes]).tolist()
    days = per_distinct(checked.ordinal[hit], lambda o: dt.date.fromordinal(o).isoformat())
    analytes = checked.analyte[hit].tolist()
    labels = per_distinct(checked.analyte[hit], analyte_label)
    source = _attribute(stored, "source")[np.maximum(same_at, 0)]
    sources = np.where(source == "", tr("no source"), source).tolist()
    reasons = _filler(tr("Duplicate: {analyte} {value} on {date} is already stored ({source})."))(
        {"analyte": labels, "value": shown, "date": days, "source": sources}
    )
    conflict = tr(
        "Conflicts with the stored {analyte} of {date} ({values}); not imported, "
        "review and correct by hand."
    )
    conflicts: dict[int, str] = {}
    for j in np.flatnonzero(same_at < 0).tolist():
        k = int(keys[j])
        if k not in conflicts:
            conflicts[k] = conflict.format(
                analyte=labels[j], date=days[j], values=", ".join(listed[k])
            )
        reasons[j] = conflicts[k]
    lines = checked.line[hit].tolist()
    if checked.places:  # an HL7 result: each reason names its message and OBX
        at, places = tr("{place}: {reason}"), checked.places
        reasons = [
            at.format(place=places.get(n, ""), reason=r)
            for n, r in zip(lines, reasons, strict=True)
        ]
    raws = zip(checked.mrn[hit].tolist(), days, analytes, shown, strict=True)
    return list(map(RejectedRow, lines, reasons, raws, analytes))


def _filler(template: str) -> Callable[[Mapping[str, list[str]]], list[str]]:
    """``template.format(**fields)`` for many rows: ``fields`` maps each name to its text
    per row; the result is a sentence per row.

    The template (a translation) is parsed once and filled positionally with ``%``, which
    costs half a ``format`` with keywords per row; one with a format spec or conversion
    (never written here, but a translation could) is filled with ``format``.
    """
    parts = list(string.Formatter().parse(template))
    if any(spec or conversion for _, _, spec, conversion in parts):

        def slow(fields: Mapping[str, list[str]]) -> list[str]:
            names = list(fields)
            return [
                template.format(**dict(zip(names, row, strict=True)))
                for row in zip(*fields.values(), strict=True)
            ]

        return slow
    pattern = "".join(
        text.replace("%", "%%") + ("%s" if name is not None else "") for text, name, _, _ in parts
    )
    order = [name for _, name, _, _ in parts if name is not None]

    def fast(fields: Mapping[str, list[str]]) -> list[str]:
        return [pattern % row for row in zip(*(fields[n] for n in order), strict=True)]

    return fast


def _stored_like(repo: Repository, checked: CheckedFile) -> list[LabSample]:
    """The stored samples that the file's rows could repeat or contradict: of their
    patients, analytes and dates only (one batched read), so an import costs what the file
    holds however long the history behind it."""
    if not len(checked):
        return []
    dates = (
        dt.date.fromordinal(int(checked.ordinal.min())),
        dt.date.fromordinal(int(checked.ordinal.max())),
    )
    return repo.list_lab_samples(
        analytes=sorted(set(checked.analyte.tolist())),
        between=dates,
        patient_ids=set(checked.patient_id.tolist()),
    )


def import_labs(
    repo: Repository,
    ctx: Context,
    data: bytes,
    filename: str,
    mapping: ColumnMapping,
    *,
    dry_run: bool = False,
    limits: Limits | None = None,
    mapping_name: str = "",
) -> ImportReport:
    """Import a lab file (CSV, XLSX or HL7 v2): accepted rows in ONE commit, every other
    row listed with its reason.

    MRNs are matched exactly (text, leading zeros kept) to the planner's patients; samples
    already stored (same patient, date, analyte and value) are reported as duplicates and not
    stored twice; a different stored value is a conflict and is not imported (an HL7
    corrected result, status C, that differs from the stored value is such a conflict: it
    is listed for review, never written over a result silently).

    ``mapping_name``: the saved mapping ``mapping`` came from, named in the audit trail.

    Raises:
        PermissionDeniedError: the signed-in role cannot import lab results (checked
            first, a dry run included).
        LabImportError: the whole file is refused (size, binary, encoding, columns, ...).
    """
    require_recorded(repo, ctx, Permission.IMPORT_LABS, f"Import lab results from {filename}")
    # An import makes some 100,000 samples, rows and tuples per 100,000 lines.
    with collector_paused():
        return _import_labs(repo, ctx, data, filename, mapping, dry_run, limits, mapping_name)


def _import_labs(
    repo: Repository,
    ctx: Context,
    data: bytes,
    filename: str,
    mapping: ColumnMapping,
    dry_run: bool,
    limits: Limits | None,
    mapping_name: str,
) -> ImportReport:
    known = _PatientsByMrn(repo)
    checked = check_lab_file(
        data, filename, mapping, known, today=ctx.today, limits=limits or Limits()
    )
    keep, dupes = _against_stored(checked, _stored_like(repo, checked))
    accepted = checked.samples(keep)
    rejected = sorted([*checked.rejected, *dupes], key=lambda r: r.line)
    report = ImportReport(
        filename=filename,
        dry_run=dry_run,
        accepted=tuple(accepted),
        rejected=tuple(rejected),
        warnings=tuple(checked.warnings),
        rows_read=checked.rows_read,
        patients=frozenset(checked.patient_id[keep].tolist()),
    )
    # What the import does to the patient's record is shown in the preview too: a
    # confirmed import must not change what doses are computed from unannounced.
    before, after, notes = newer_creatinine(repo, accepted, dry_run=dry_run)
    report = replace(report, warnings=(*report.warnings, *notes))
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
        _recovery_of(repo, report.patients).merged(Documents(patients=tuple(before))),
        after,
        reason=f"{len(accepted)} accepted, {len(rejected)} rejected"
        + (f", mapping '{mapping_name}'" if mapping_name else ""),
        patient_id=next(iter(report.patients)) if len(report.patients) == 1 else None,
        samples=tuple(accepted),
        permission=Permission.IMPORT_LABS,
    )
    return replace(report, change=change)


def newer_creatinine(
    repo: Repository, samples: Sequence[LabSample], *, dry_run: bool = False
) -> tuple[list[Patient], list[Patient], list[str]]:
    """The patients whose record a newer serum creatinine among ``samples`` updates: (as
    stored, updated, a note for each). The record's creatinine is the one every dose rule,
    calculator and the double check of doses read (``PatientFacts``); a newer lab result
    replaces it in the same commit as the samples, so a dose computed from the older one
    is recomputed and its signatures are void. A result given only as below or above a
    limit, or outside the range the record accepts, is left for the team to enter."""
    latest: dict[str, LabSample] = {}
    for sample in samples:
        if sample.analyte == "creatinine" and not sample.qualifier:
            known = latest.get(sample.patient_id)
            if known is None or sample.date >= known.date:
                latest[sample.patient_id] = sample
    before, after, notes = [], [], []
    stored = {p.id: p for p in repo.get_patients(latest)}  # one read for the file
    for pid, sample in sorted(latest.items()):
        patient = stored[pid]
        recorded = patient.creatinine_date
        if recorded is not None and sample.date == recorded:
            if patient.creatinine_mg_dl is not None and not math.isclose(
                patient.creatinine_mg_dl, sample.value, rel_tol=1e-6
            ):
                notes.append(
                    tr(
                        "The creatinine of {mrn} of {date} is {value} at the lab and "
                        "{recorded} mg/dL in the patient's record, which doses and "
                        "calculators read: the record keeps its own; check which is right."
                    ).format(
                        mrn=patient.mrn,
                        date=sample.date.isoformat(),
                        value=sample.reported,
                        recorded=f"{patient.creatinine_mg_dl:g}",
                    )
                )
            continue
        if recorded is not None and sample.date < recorded:
            continue
        if not MIN_CREATININE_MG_DL <= sample.value <= MAX_CREATININE_MG_DL:
            notes.append(
                tr(
                    "The creatinine of {mrn} of {date} ({value}) is outside {low}-{high} mg/dL: "
                    "the patient's record keeps its own; enter it there if it is right."
                ).format(
                    mrn=patient.mrn,
                    date=sample.date.isoformat(),
                    value=sample.reported,
                    low=f"{MIN_CREATININE_MG_DL:g}",
                    high=f"{MAX_CREATININE_MG_DL:g}",
                )
            )
            continue
        before.append(patient)
        after.append(replace(patient, creatinine_mg_dl=sample.value, creatinine_date=sample.date))
        text = (
            tr(
                "The creatinine of {mrn} in the patient's record would become {value} of "
                "{date}: doses and calculators would use it."
            )
            if dry_run
            else tr(
                "The creatinine of {mrn} in the patient's record is now {value} of {date}: "
                "doses and calculators use it."
            )
        )
        notes.append(
            text.format(mrn=patient.mrn, value=sample.reported, date=sample.date.isoformat())
        )
    return before, after, notes


def _recovery_of(repo: Repository, patients: frozenset[str]) -> Documents:
    """The transplants of ``patients`` and their recovery records: what undoing the import
    needs to supersede its samples (a batched read each: an archive of closed transplants
    is read only for the file's patients)."""
    transplants = tuple(repo.list_transplants(patient_ids=patients))
    stored = {
        r.transplant_id: r for r in repo.get_records([t.id for t in transplants], (ENGRAFTMENT,))
    }
    records = tuple(stored.get(t.id) or empty_record(t.id, ENGRAFTMENT) for t in transplants)
    return Documents(transplants=transplants, records=records)
