"""A dict-backed ``Repository`` for unit tests, GUI tests and the demo.

It keeps the same commit semantics as the SQL store (version checks, version + 1 on
save, one chained audit row per changed field, all or nothing) and passes the same
contract test suite (tests/integration/test_repository_contract.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from planner.domain.accounts import Account, SignInPolicy, account_key
from planner.domain.labs import LabSample
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan
from planner.domain.search import patient_search_key, search_key
from planner.errors import NotFoundError, StorageError
from planner.records.audit import GENESIS_HASH, AuditEntry, AuditKey
from planner.records.audit_query import AuditQuery, matches
from planner.records.ports import (
    RECORD_KINDS,
    SEARCH_LIMIT,
    Action,
    BoardEntry,
    ClinicalRecord,
    Committed,
    IndexedTransplant,
    Scope,
    SignInFailures,
    entry_parts,
    entry_text,
    scope_statuses,
    touched,
)
from planner.records.serialize import patient_from_dict, plan_from_dict, transplant_from_dict
from planner.storage._common import (
    account_from_stored,
    build_entries,
    check_kind,
    lab_order,
    patient_order,
    plan_order,
    policy_from_stored,
    prepare_commit,
    record_from_stored,
    throttle_key,
    transplant_order,
)


class _View:
    """The ``StoredView`` of an ``InMemoryRepository``."""

    def __init__(self, repo: InMemoryRepository) -> None:
        self._repo = repo

    def patient(self, patient_id: str) -> dict[str, Any] | None:
        return self._repo._patients.get(patient_id)

    def mrn_owner(self, mrn: str) -> str | None:
        for d in self._repo._patients.values():
            if d["mrn"] == mrn:
                return str(d["id"])
        return None

    def existing_patients(self, patient_ids: Sequence[str]) -> set[str]:
        return {pid for pid in patient_ids if pid in self._repo._patients}

    def transplant(self, transplant_id: str) -> dict[str, Any] | None:
        return self._repo._transplants.get(transplant_id)

    def plan(self, plan_id: str) -> dict[str, Any] | None:
        return self._repo._plans.get(plan_id)

    def plan_id_for_transplant(self, transplant_id: str) -> str | None:
        for d in self._repo._plans.values():
            if d["transplant_id"] == transplant_id:
                return str(d["id"])
        return None

    def record(self, transplant_id: str, kind: str) -> dict[str, Any] | None:
        return self._repo._records.get((transplant_id, kind))

    def accounts(self) -> list[dict[str, Any]]:
        return list(self._repo._accounts.values())

    def policy(self) -> dict[str, Any] | None:
        return self._repo._policy


class InMemoryRepository:
    """Storage in plain dicts (records kept in their serialised form, like the database)."""

    def __init__(self, audit_key: AuditKey | None = None) -> None:
        self._patients: dict[str, dict[str, Any]] = {}
        self._transplants: dict[str, dict[str, Any]] = {}
        self._plans: dict[str, dict[str, Any]] = {}
        self._records: dict[tuple[str, str], dict[str, Any]] = {}
        self._labs: list[LabSample] = []  # insertion order; LabSample is immutable
        self._audit: list[AuditEntry] = []
        self.audit_key = audit_key or AuditKey.generate()  # lives as long as its rows
        # The board index (as the store's board_marks and board_entries, schema 0010).
        self._marks: dict[str, int] = {}
        self._entries: dict[str, BoardEntry] = {}
        self._forms_entries: dict[str, BoardEntry] = {}  # as forms_entries (0011)
        self._accounts: dict[str, dict[str, Any]] = {}
        self._policy: dict[str, Any] | None = None
        self._failures: dict[str, SignInFailures] = {}
        self._lab_mappings: dict[str, str] = {}
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("The database is closed.")

    def _transplant_ids(self, scope: Scope) -> set[str] | None:
        """Ids of the transplants in ``scope`` (None: every one)."""
        statuses = scope_statuses(scope)
        if statuses is None:
            return None
        return {tid for tid, d in self._transplants.items() if str(d["status"]) in statuses}

    def _patient_ids(self, scope: Scope) -> set[str] | None:
        ids = self._transplant_ids(scope)
        if ids is None:
            return None
        return {self._transplants[tid]["patient_id"] for tid in ids}

    def list_patients(self, scope: Scope = Scope.ALL) -> list[Patient]:
        """Every patient (of transplants in ``scope``), ordered by family then given name."""
        self._check_open()
        wanted = self._patient_ids(scope)
        return sorted(
            (
                patient_from_dict(d)
                for pid, d in self._patients.items()
                if wanted is None or pid in wanted
            ),
            key=patient_order,
        )

    def search_patients(
        self, text: str, scope: Scope = Scope.ALL, limit: int = SEARCH_LIMIT
    ) -> list[Patient]:
        """Patients (of transplants in ``scope``) whose name or MRN contains ``text``,
        case and accents aside, in name order; at most ``limit``."""
        self._check_open()
        key = search_key(text.strip())
        if not key:
            return []
        wanted = self._patient_ids(scope)
        keyed = sorted(
            (patient_search_key(d["family_name"], d["given_name"], d["mrn"]), pid)
            for pid, d in self._patients.items()
            if wanted is None or pid in wanted
        )
        found = [pid for folded, pid in keyed if key in folded][:limit]
        return sorted((patient_from_dict(self._patients[pid]) for pid in found), key=patient_order)

    def get_patient(self, patient_id: str) -> Patient:
        """One patient; ``NotFoundError`` when absent."""
        self._check_open()
        try:
            return patient_from_dict(self._patients[patient_id])
        except KeyError:
            raise NotFoundError(f"Patient {patient_id} is not in the database.") from None

    def find_patient_by_mrn(self, mrn: str) -> Patient | None:
        """The patient with this MRN (exact text match), if any."""
        self._check_open()
        for d in self._patients.values():
            if d["mrn"] == mrn:
                return patient_from_dict(d)
        return None

    def list_transplants(
        self,
        patient_id: str | None = None,
        scope: Scope = Scope.ALL,
        patient_ids: Collection[str] | None = None,
    ) -> list[Transplant]:
        """Transplants (in ``scope``) of one patient, or of everyone (of ``patient_ids``)."""
        self._check_open()
        wanted = self._transplant_ids(scope)
        among = set(patient_ids) if patient_ids is not None else None
        found = (
            transplant_from_dict(d)
            for tid, d in self._transplants.items()
            if (patient_id is None or d["patient_id"] == patient_id)
            and (among is None or d["patient_id"] in among)
            and (wanted is None or tid in wanted)
        )
        return sorted(found, key=transplant_order)

    def get_transplant(self, transplant_id: str) -> Transplant:
        """One transplant; ``NotFoundError`` when absent."""
        self._check_open()
        try:
            return transplant_from_dict(self._transplants[transplant_id])
        except KeyError:
            raise NotFoundError(f"Transplant {transplant_id} is not in the database.") from None

    def get_plan(self, transplant_id: str) -> Plan | None:
        """The plan of a transplant, if it has one."""
        self._check_open()
        for d in self._plans.values():
            if d["transplant_id"] == transplant_id:
                return plan_from_dict(d)
        return None

    def list_plans(self, scope: Scope = Scope.ALL, *, outline: bool = False) -> list[Plan]:
        """Every plan of transplants in ``scope`` (outlines: anchor steps only)."""
        self._check_open()
        wanted = self._transplant_ids(scope)
        return sorted(
            (
                plan_from_dict(d, outline=outline)
                for d in self._plans.values()
                if wanted is None or d["transplant_id"] in wanted
            ),
            key=plan_order,
        )

    def get_record(self, transplant_id: str, kind: str) -> ClinicalRecord | None:
        """The transplant's record of this kind, if saved."""
        self._check_open()
        check_kind(kind)
        d = self._records.get((transplant_id, kind))
        return record_from_stored(copy.deepcopy(d)) if d is not None else None

    def list_records(self, kind: str, scope: Scope = Scope.ALL) -> list[ClinicalRecord]:
        """Every record of one kind (of transplants in ``scope``), ordered by transplant id."""
        self._check_open()
        check_kind(kind)
        wanted = self._transplant_ids(scope)
        return [
            record_from_stored(copy.deepcopy(d))
            for (tid, k), d in sorted(self._records.items())
            if k == kind and (wanted is None or tid in wanted)
        ]

    def get_patients(self, patient_ids: Collection[str]) -> list[Patient]:
        """The patients of these ids that exist, ordered as ``list_patients``."""
        self._check_open()
        found = (
            patient_from_dict(self._patients[i]) for i in set(patient_ids) & self._patients.keys()
        )
        return sorted(found, key=patient_order)

    def get_transplants(self, transplant_ids: Collection[str]) -> list[Transplant]:
        """The transplants of these ids that exist, ordered as ``list_transplants``."""
        self._check_open()
        wanted = set(transplant_ids) & self._transplants.keys()
        return sorted(
            (transplant_from_dict(self._transplants[i]) for i in wanted), key=transplant_order
        )

    def get_plans(self, transplant_ids: Collection[str], *, outline: bool = False) -> list[Plan]:
        """The plans of these transplants (outlines: anchor steps only), ordered as
        ``list_plans``."""
        self._check_open()
        wanted = set(transplant_ids)
        found = (
            plan_from_dict(d, outline=outline)
            for d in self._plans.values()
            if d["transplant_id"] in wanted
        )
        return sorted(found, key=plan_order)

    def get_records(
        self, transplant_ids: Collection[str], kinds: Collection[str] = RECORD_KINDS
    ) -> list[ClinicalRecord]:
        """The saved records of these kinds of these transplants, by transplant then kind."""
        self._check_open()
        for kind in kinds:
            check_kind(kind)
        keys = sorted((tid, kind) for tid in set(transplant_ids) for kind in set(kinds))
        return [
            record_from_stored(copy.deepcopy(self._records[key]))
            for key in keys
            if key in self._records
        ]

    def list_lab_samples(
        self,
        patient_id: str | None = None,
        analytes: Sequence[str] | None = None,
        scope: Scope = Scope.ALL,
        between: tuple[dt.date, dt.date] | None = None,
        patient_ids: Collection[str] | None = None,
    ) -> list[LabSample]:
        """Lab samples ordered by patient, date, analyte, then insertion order."""
        self._check_open()
        wanted = set(analytes) if analytes is not None else None
        patients = self._patient_ids(scope)
        among = set(patient_ids) if patient_ids is not None else None
        found = [
            x
            for x in self._labs
            if (patient_id is None or x.patient_id == patient_id)
            and (among is None or x.patient_id in among)
            and (wanted is None or x.analyte in wanted)
            and (patients is None or x.patient_id in patients)
            and (between is None or between[0] <= x.date <= between[1])
        ]
        return sorted(found, key=lab_order)

    def commit(self, action: Action) -> Committed:
        """Save one action with its audit rows: all of it, or nothing."""
        self._check_open()
        prepared = prepare_commit(action, _View(self))
        last_seq = self._audit[-1].seq if self._audit else 0
        last_hash = self._audit[-1].hash if self._audit else GENESIS_HASH
        entries = build_entries(action, prepared.pending, last_seq, last_hash, self.audit_key)
        # Nothing has changed yet; if writing the audit rows fails, nothing will.
        self._write_audit(entries)
        for w in prepared.patients:
            self._patients[w.record_id] = w.new
        for w in prepared.transplants:
            self._transplants[w.record_id] = w.new
        for w in prepared.plans:
            self._plans[w.record_id] = w.new
        for rw in prepared.records:
            self._records[(rw.transplant_id, rw.kind)] = {
                "transplant_id": rw.transplant_id,
                "kind": rw.kind,
                "body": copy.deepcopy(rw.body),
                "version": rw.version,
            }
        self._labs.extend(action.lab_samples)
        for w in prepared.accounts:
            self._accounts[w.record_id] = w.new
        if prepared.policy is not None:
            self._policy = prepared.policy.new
        if entries:  # a commit that changes data always writes audit rows
            self._raise_marks(action, entries[-1].seq)
        return Committed(
            patients=tuple(prepared.result_patients),
            transplants=tuple(prepared.result_transplants),
            plans=tuple(prepared.result_plans),
            audit=tuple(entries),
            records=tuple(prepared.result_records),
            accounts=tuple(prepared.result_accounts),
            policy=prepared.result_policy,
        )

    def _raise_marks(self, action: Action, mark: int) -> None:
        """Set the mark of every transplant ``action`` touched, by id or through its
        patient, to ``mark`` (the commit's last audit seq), as the SQL store does."""
        transplants, patients = touched(action)
        if not transplants and not patients:
            return
        for tid, d in self._transplants.items():
            if tid in transplants or d["patient_id"] in patients:
                self._marks[tid] = mark

    def list_accounts(self) -> list[Account]:
        """Every account, ordered by key."""
        return [account_from_stored(self._accounts[k]) for k in sorted(self._accounts)]

    def get_account(self, name: str) -> Account | None:
        """The account of this name, case aside."""
        found = self._accounts.get(account_key(name))
        return account_from_stored(found) if found is not None else None

    def accounts_in_use(self) -> bool:
        """True once any account exists."""
        return bool(self._accounts)

    def sign_in_policy(self) -> SignInPolicy:
        """The stored sign-in rules, or the defaults."""
        return policy_from_stored(self._policy)

    def sign_in_failures(self, name: str) -> SignInFailures:
        """Failed sign-ins in a row with this name."""
        return self._failures.get(throttle_key(name), SignInFailures())

    def set_sign_in_failures(self, name: str, failures: SignInFailures | None) -> None:
        """Store (or forget) the failures of this name."""
        self._check_open()
        if failures is None:
            self._failures.pop(throttle_key(name), None)
        else:
            self._failures[throttle_key(name)] = failures

    def lab_mappings(self) -> dict[str, str]:
        """The saved lab import mappings, by name."""
        self._check_open()
        return dict(sorted(self._lab_mappings.items()))

    def store_lab_mapping(self, name: str, body: str | None) -> None:
        """Save (or forget) the mapping of this name."""
        self._check_open()
        if body is None:
            self._lab_mappings.pop(name, None)
        else:
            self._lab_mappings[name] = body

    def _write_audit(self, entries: list[AuditEntry]) -> None:
        self._audit.extend(entries)

    def audit_log(self, patient_id: str | None = None) -> list[AuditEntry]:
        """Audit rows in chain order, all or for one patient."""
        self._check_open()
        return [e for e in self._audit if patient_id is None or e.patient_id == patient_id]

    def change_feed(self) -> None:
        """None: one session holds the fake."""
        return

    def search_audit(self, query: AuditQuery) -> list[AuditEntry]:
        """The newest rows that pass the query's filters, newest first."""
        self._check_open()
        found = (e for e in reversed(self._audit) if matches(e, query))
        return list(itertools.islice(found, query.limit))

    @property
    def keeps_board_snapshot(self) -> bool:
        """True: the fake keeps it, so session tests see what a file would keep."""
        return True

    @property
    def shared(self) -> bool:
        """False: one session holds the fake."""
        return False

    def board_index(self, day: dt.date | None = None) -> list[IndexedTransplant]:
        """Every open transplant with its mark and stored entry, ordered by transplant id;
        with ``day``, each entry with that day's line only (as a store reads it)."""
        self._check_open()
        open_ids = self._transplant_ids(Scope.OPEN) or set()
        return [
            IndexedTransplant(tid, self._marks.get(tid, 0), _of_day(self._entries.get(tid), day))
            for tid in sorted(open_ids)
        ]

    def store_board_entries(self, entries: Sequence[BoardEntry]) -> None:
        """Insert or replace these entries, kept as a store keeps them (``entry_text``)."""
        self._check_open()
        for entry in entries:
            head, days = entry_parts(entry.payload)
            self._entries[entry.transplant_id] = replace(entry, payload=entry_text(head, days))

    def forms_index(self) -> list[IndexedTransplant]:
        """Every transplant with its mark and stored forms entry, ordered by transplant id."""
        self._check_open()
        return [
            IndexedTransplant(tid, self._marks.get(tid, 0), self._forms_entries.get(tid))
            for tid in sorted(self._transplants)
        ]

    def store_forms_entries(self, entries: Sequence[BoardEntry]) -> None:
        """Insert or replace these registry-forms entries."""
        self._check_open()
        for entry in entries:
            self._forms_entries[entry.transplant_id] = entry

    def check_file(self) -> None:
        """Nothing to check: there is no file."""
        self._check_open()

    def stop_file_check(self) -> None:
        """Nothing to stop."""

    def storage_locations(self) -> list[tuple[str, str]]:
        """Nothing: the records live in memory only."""
        return []

    def backup_location(self) -> tuple[str, str] | None:
        """None: nothing in memory outlives the program to be backed up."""
        return None

    def backup_now(
        self, now: dt.datetime, *, once_a_day: bool = False, keep: int = 20
    ) -> str | None:
        """None: there is no file to back up."""
        self._check_open()
        return None

    def close(self) -> None:
        """Nothing to release; later calls raise ``StorageError``."""
        self._closed = True


def _of_day(entry: BoardEntry | None, day: dt.date | None) -> BoardEntry | None:
    """``entry`` with ``day``'s line only (its head alone without one); whole without a day."""
    if entry is None or day is None:
        return entry
    head, days = entry_parts(entry.payload)
    key = day.isoformat()
    return replace(entry, payload=entry_text(head, {key: days[key]} if key in days else {}))
