"""Which documents were printed or exported for a transplant, and which are out of date.

The history is the transplant's ClinicalRecord of kind "documents": one entry per
printed or exported document with its kind, language, variant, the plan version it
was made from, a fingerprint of the schedule it showed, and the print date. No file
path and no patient data are kept (paths name folders and files a user chose).

A printed handout goes out of date when the dates it shows change: Day 0 moved, a
step moved, skipped or cancelled. Ticking a step done changes the plan version but not
the handout's calendar, so it does not call for a reprint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from planner.domain.days import calendar_date
from planner.domain.i18n import tr, tr_noop
from planner.domain.plans import Plan, StepStatus
from planner.errors import ValidationError
from planner.records.kinds import DOCUMENT_KINDS as DOCUMENT_KINDS
from planner.records.ports import DOCUMENTS, ClinicalRecord

# Documents that leave the team (with the patient or to the community team) are the
# ones a stale copy can mislead; the team summary is printed fresh for each meeting.
ALERT_KINDS: Final[tuple[str, ...]] = ("handout", "handoff")
KIND_LABEL: Final[dict[str, str]] = {
    "handout": "handout",
    "summary": "team summary",
    "handoff": "hand-off packet",
}
KIND_TITLE: Final[dict[str, str]] = {
    "handout": tr_noop("Patient handout"),
    "summary": tr_noop("Team summary"),
    "handoff": tr_noop("Community hand-off packet"),
}
# The board's sentence for an out-of-date document of each alerted kind (KIND_LABEL
# stays English: it is also written in the audit trail).
_OUT_OF_DATE: Final[dict[str, str]] = {
    "handout": tr_noop("handout of {date} is out of date"),
    "handoff": tr_noop("hand-off packet of {date} is out of date"),
}
MAX_ENTRIES: Final = 200  # the record keeps the most recent entries only


@dataclass(frozen=True)
class DocumentEntry:
    """One printed or exported document.

    Attributes:
        kind: handout, summary or handoff.
        language: the language code it was written in.
        large_print, no_phi: the variant.
        plan_version: the stored version of the plan it was made from.
        schedule: ``schedule_fingerprint`` of that plan ("" when unknown).
        printed_on: the print date.
        output: "file" (saved or exported) or "printer".
    """

    kind: str
    language: str
    large_print: bool
    no_phi: bool
    plan_version: int
    schedule: str
    printed_on: dt.date
    output: str = "file"

    def __post_init__(self) -> None:
        if self.kind not in DOCUMENT_KINDS:
            raise ValidationError(
                "kind",
                tr("Document kind '{kind}' is not one of: {kinds}.").format(
                    kind=self.kind, kinds=", ".join(DOCUMENT_KINDS)
                ),
            )

    def as_json(self) -> dict[str, Any]:
        """The entry as JSON-ready values."""
        return {
            "kind": self.kind,
            "language": self.language,
            "large_print": self.large_print,
            "no_phi": self.no_phi,
            "plan_version": self.plan_version,
            "schedule": self.schedule,
            "printed_on": self.printed_on.isoformat(),
            "output": self.output,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocumentEntry:
        """Read an entry written by ``as_json``."""
        return cls(
            kind=str(data["kind"]),
            language=str(data.get("language", "en")),
            large_print=bool(data.get("large_print", False)),
            no_phi=bool(data.get("no_phi", False)),
            plan_version=int(data["plan_version"]),
            schedule=str(data.get("schedule", "")),
            printed_on=calendar_date(data["printed_on"], "printed_on"),
            output=str(data.get("output", "file")),
        )


def schedule_fingerprint(plan: Plan) -> str:
    """A short hash of what a printed calendar shows: Day 0, and each step's dates.

    Covers every occurrence's planned date and whether it is skipped or cancelled (those
    vanish from a handout), not whether it is done.
    """
    h = hashlib.sha256(plan.day0.isoformat().encode())
    for occ in plan.sorted_occurrences():
        hidden = occ.status in (StepStatus.SKIPPED, StepStatus.CANCELLED)
        h.update(
            f"|{occ.step_id}#{occ.position}@{occ.planned_date.isoformat()}"
            f"{'x' if hidden else ''}".encode()
        )
    return h.hexdigest()[:16]


def history(record: ClinicalRecord | None) -> list[DocumentEntry]:
    """The entries of a "documents" record, oldest first (an absent record: none)."""
    if record is None:
        return []
    raw = record.body.get("printed", [])
    return [DocumentEntry.from_json(item) for item in raw if isinstance(item, Mapping)]


def with_entry(
    record: ClinicalRecord | None, transplant_id: str, entry: DocumentEntry
) -> ClinicalRecord:
    """The record with ``entry`` appended (version kept: the store checks for conflicts)."""
    entries = [e.as_json() for e in history(record)] + [entry.as_json()]
    return ClinicalRecord(
        transplant_id,
        DOCUMENTS,
        {"printed": entries[-MAX_ENTRIES:]},
        record.version if record is not None else 0,
    )


def _stale(entry: DocumentEntry, plan_version: int, schedule: str | None) -> bool:
    if schedule is not None and entry.schedule:
        return entry.schedule != schedule
    return entry.plan_version != plan_version


def outdated_documents(
    record: ClinicalRecord | None, plan_version: int, schedule: str | None = None
) -> list[str]:
    """Messages like "handout of 2026-03-10 is out of date", one per document kind.

    Only the latest document of each kind counts: a fresh reprint clears the alert.

    Args:
        record: the transplant's "documents" record (None: nothing printed yet).
        plan_version: the current plan's stored version.
        schedule: the current plan's ``schedule_fingerprint``; when given, an entry with a
            fingerprint is compared on the schedule (ticking steps done is not a change).
    """
    latest: dict[str, DocumentEntry] = {}
    for entry in history(record):
        if entry.kind in ALERT_KINDS:
            latest[entry.kind] = entry
    return [
        tr(_OUT_OF_DATE[kind]).format(date=entry.printed_on.isoformat())
        for kind, entry in sorted(latest.items(), key=lambda kv: ALERT_KINDS.index(kv[0]))
        if _stale(entry, plan_version, schedule)
    ]


def plan_outdated_documents(record: ClinicalRecord | None, plan: Plan) -> list[str]:
    """``outdated_documents`` against a plan (its version and schedule fingerprint)."""
    return outdated_documents(record, plan.version, schedule_fingerprint(plan))


def document_alerts(
    records: Iterable[ClinicalRecord], plans: Iterable[Plan]
) -> dict[str, list[str]]:
    """Out-of-date messages by transplant id, for the clinic board (only non-empty ones)."""
    by_transplant = {p.transplant_id: p for p in plans}
    alerts: dict[str, list[str]] = {}
    for record in records:
        plan = by_transplant.get(record.transplant_id)
        if record.kind != DOCUMENTS or plan is None:
            continue
        found = plan_outdated_documents(record, plan)
        if found:
            alerts[record.transplant_id] = found
    return alerts
