"""The audit trail as an auditor reads it: who changed what, when, before and after.

One place for the desktop's audit viewer and the command line's ``audit``: the rows the
store found (``Repository.search_audit``), each with the patient it concerns (MRN and
name), its time at the workstation that wrote it, and the change's before and after.
Reading the trail shows patient data, so each export is itself written to the trail
before the file appears (``planner.app.audited_output``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.app.audited_output import patients_phrase, write_recorded_file
from planner.app.changes import Change
from planner.app.context import Context
from planner.domain.i18n import tr
from planner.errors import NotFoundError, ValidationError
from planner.export.atomic import export_target
from planner.export.spreadsheet import TABLE_FORMATS, Cell, table_bytes
from planner.records.audit import EVENT_ENTITY, AuditEntry
from planner.records.audit_query import AuditQuery
from planner.records.ports import Repository


@dataclass(frozen=True)
class AuditLine:
    """One audit row, as shown and exported.

    Attributes:
        seq: its place in the chain.
        at: when, at the workstation that wrote it (its UTC offset then).
        user, workstation: who and where.
        action: what the user did ("Move Day 0", "View patient", ...).
        mrn, patient: whose record ("" for clinic-wide rows, or a patient no longer
            found: then ``patient`` holds the stored id).
        what: the changed part and field ("plan · steps"), or "event".
        before, after: the field's value before and after (stored text; "" when none).
        reason: why, where the action asked for one.
    """

    seq: int
    at: dt.datetime
    user: str
    workstation: str
    action: str
    mrn: str
    patient: str
    what: str
    before: str
    after: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        """The line for ``audit --json`` (time in ISO 8601 with its offset)."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="seconds"),
            "user": self.user,
            "workstation": self.workstation,
            "action": self.action,
            "mrn": self.mrn,
            "patient": self.patient,
            "what": self.what,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class AuditPage:
    """The rows a query found, newest first.

    Attributes:
        lines: the rows; more: the query's limit was reached (older rows may match).
        patient_ids: the patients the rows concern (for the export's audit row).
    """

    query: AuditQuery
    lines: list[AuditLine]
    more: bool
    patient_ids: frozenset[str]


def one_line(text: str, limit: int, ellipsis: str = "…") -> str:
    """A stored value on one line (runs of white space as one space), cut to ``limit``
    characters with ``ellipsis``: how a table cell or a terminal line shows it."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - len(ellipsis)] + ellipsis


def patient_of_mrn(repo: Repository, mrn: str) -> str:
    """The patient id of ``mrn``, for the patient filter.

    Raises:
        ValidationError: no patient has this MRN (one sentence).
    """
    patient = repo.find_patient_by_mrn(mrn.strip())
    if patient is None:
        raise ValidationError("mrn", tr("No patient has the MRN {mrn}.").format(mrn=mrn.strip()))
    return patient.id


def audit_page(repo: Repository, query: AuditQuery) -> AuditPage:
    """The rows of ``query``, with their patients named."""
    # One row more than asked: "older rows match" only when there is one.
    entries = repo.search_audit(replace(query, limit=query.limit + 1))
    more = len(entries) > query.limit
    entries = entries[: query.limit]
    ids = {e.patient_id for e in entries if e.patient_id}
    names = _patients(repo, ids)
    return AuditPage(
        query, [_line(e, names) for e in entries], more=more, patient_ids=frozenset(ids)
    )


def _patients(repo: Repository, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    found = {}
    for pid in ids:
        try:
            p = repo.get_patient(pid)
        except NotFoundError:
            continue
        found[pid] = (p.mrn, f"{p.family_name}, {p.given_name}")
    return found


def _line(e: AuditEntry, names: dict[str, tuple[str, str]]) -> AuditLine:
    utc = dt.datetime.fromisoformat(e.at_utc)
    at = utc.astimezone(dt.timezone(dt.timedelta(minutes=e.utc_offset_min)))
    mrn, patient = names.get(e.patient_id or "", ("", e.patient_id or ""))
    what = EVENT_ENTITY if e.entity == EVENT_ENTITY else f"{e.entity} · {e.field}"
    return AuditLine(
        seq=e.seq,
        at=at,
        user=e.user,
        workstation=e.workstation,
        action=e.action,
        mrn=mrn,
        patient=patient,
        what=what,
        before=e.old or "",
        after=e.new or "",
        reason=e.reason,
    )


# The exported columns (English: a file for auditors and other programs, like the
# trail's own texts).
EXPORT_COLUMNS = (
    "Seq",
    "Time (workstation)",
    "UTC offset",
    "User",
    "Workstation",
    "Action",
    "MRN",
    "Patient",
    "What",
    "Before",
    "After",
    "Reason",
)


def export_rows(lines: Iterable[AuditLine]) -> list[list[Cell]]:
    """The lines as table rows (``EXPORT_COLUMNS``): the time as the workstation's own
    (a spreadsheet date has no zone) and its UTC offset beside it."""
    return [
        [
            x.seq,
            x.at.replace(tzinfo=None),
            _offset_text(x.at),
            x.user,
            x.workstation,
            x.action,
            x.mrn,
            x.patient,
            x.what,
            x.before,
            x.after,
            x.reason,
        ]
        for x in lines
    ]


def _offset_text(at: dt.datetime) -> str:
    minutes = int((at.utcoffset() or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def export_name(fmt: str, today: dt.date) -> str:
    """The default file name: no patient data in it (a filter's MRN stays out too)."""
    return f"audit-trail-{today.isoformat()}.{fmt}"


@dataclass(frozen=True)
class AuditExport:
    """A saved export: where, and the audit row that recorded it (``CarriesChange``)."""

    path: Path
    change: Change


def save_audit_export(
    repo: Repository, ctx: Context, page: AuditPage, path: Path, *, overwrite: bool
) -> AuditExport:
    """Write the page as CSV or XLSX (by the file's suffix), cells that a spreadsheet would
    run as formulas neutralised; the export's own audit row is committed before the file
    takes its name.

    Raises:
        ValidationError: the suffix is neither .csv nor .xlsx.
        UnrecordedOutputError: the audit row could not be written; no file was left.
        TargetExistsError, ExportPathError, ExportWriteError: see ``planner.export.atomic``.
    """
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in TABLE_FORMATS:
        raise ValidationError(
            "file",
            tr("Export the audit trail as a .csv or .xlsx file, not {name}.").format(
                name=path.name
            ),
        )
    target = export_target(path.parent, path.name)
    data = table_bytes(EXPORT_COLUMNS, export_rows(page.lines), fmt, sheet="Audit trail")
    rows = f"{len(page.lines)} row{'s' if len(page.lines) != 1 else ''}"
    event = f"Export audit trail as {fmt.upper()} ({rows}, {patients_phrase(page.patient_ids)})"

    # Filed under the patient when the rows are one patient's: found by their filter.
    change = write_recorded_file(
        repo, ctx, target, data, event, overwrite=overwrite, patient_id=page.query.patient_id
    )
    return AuditExport(target, change)
