"""The storage port: what the core and the UI need from a database.

``Repository`` is a ``typing.Protocol``; the in-memory fake and the SQLAlchemy store
both implement it and pass one contract test suite. Only ``main.py`` and tests build
a concrete repository; the UI sees this interface alone.

One user action is one ``Action``: every record it writes plus its audit rows are
committed in one transaction, or nothing is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from planner.audit import AuditEntry
from planner.careplan import Plan
from planner.model import Patient, Transplant


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in user name and the workstation name (no patient data)."""

    user: str
    workstation: str


@dataclass(frozen=True)
class Action:
    """One user action, saved in one transaction together with its audit rows.

    Each record carries the version its editor read (0 for a new record); a record
    stored with another version makes the whole action fail with ``ConflictError``.

    Attributes:
        actor: who.
        at: when, a timezone-aware datetime (converted to UTC for the audit trail).
        description: what the user did, e.g. "Move Day 0".
        reason: why, where the action asks for one.
        patient_id: whose record this is (None for clinic-wide actions).
        patients, transplants, plans: records to insert or update.
        event: for actions that change nothing (view, print, export): the event text.
    """

    actor: Actor
    at: dt.datetime
    description: str
    reason: str = ""
    patient_id: str | None = None
    patients: tuple[Patient, ...] = ()
    transplants: tuple[Transplant, ...] = ()
    plans: tuple[Plan, ...] = ()
    event: str = ""


@dataclass(frozen=True)
class Committed:
    """What a commit stored: the records with their new versions, and the audit rows."""

    patients: tuple[Patient, ...]
    transplants: tuple[Transplant, ...]
    plans: tuple[Plan, ...]
    audit: tuple[AuditEntry, ...]


class Repository(Protocol):
    """Storage of patients, transplants, plans and the append-only audit trail."""

    def list_patients(self) -> list[Patient]:
        """Every patient, ordered by family name then given name."""
        ...

    def get_patient(self, patient_id: str) -> Patient:
        """One patient; ``NotFoundError`` when absent."""
        ...

    def find_patient_by_mrn(self, mrn: str) -> Patient | None:
        """The patient with this MRN (exact text match), if any."""
        ...

    def list_transplants(self, patient_id: str | None = None) -> list[Transplant]:
        """Transplants of one patient, or of everyone."""
        ...

    def get_transplant(self, transplant_id: str) -> Transplant:
        """One transplant; ``NotFoundError`` when absent."""
        ...

    def get_plan(self, transplant_id: str) -> Plan | None:
        """The plan of a transplant, if it has one."""
        ...

    def list_plans(self) -> list[Plan]:
        """Every plan (for the clinic board)."""
        ...

    def commit(self, action: Action) -> Committed:
        """Save one action in one transaction with its audit rows.

        Raises:
            ConflictError: a record was saved by someone else since it was read.
            StorageError: the database cannot be written.
        """
        ...

    def audit_log(self, patient_id: str | None = None) -> list[AuditEntry]:
        """Audit rows in chain order, all or for one patient."""
        ...

    def close(self) -> None:
        """Release the database (and the single-instance lock)."""
        ...
