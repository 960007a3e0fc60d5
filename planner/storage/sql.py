"""``SqlRepository``: the ``Repository`` port over SQLAlchemy Core (SQLite or PostgreSQL).

One ``commit`` is one transaction: version checks, inserts and updates, and the audit
rows chained to the last stored hash (read inside the same transaction, which on SQLite
holds the write lock from ``BEGIN IMMEDIATE`` and on PostgreSQL an advisory lock).
Every value is a bound parameter; no SQL is built from strings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    TextClause,
    bindparam,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from planner.domain.accounts import Account, SignInPolicy, account_key
from planner.domain.labs import LabSample
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan
from planner.domain.search import patient_search_key, search_key
from planner.errors import ConflictError, NotFoundError, StorageError
from planner.records.audit import AuditEntry, AuditKey
from planner.records.audit_query import AuditQuery
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
    scope_statuses,
    touched,
)
from planner.records.serialize import patient_from_dict, plan_from_dict, transplant_from_dict
from planner.storage import schema as s
from planner.storage._common import (
    POLICY_META_KEY,
    RecordWrite,
    Write,
    build_entries,
    check_kind,
    dumps,
    patient_order,
    plan_document,
    plan_order,
    policy_from_stored,
    prepare_commit,
    record_from_stored,
    throttle_key,
    transplant_order,
)
from planner.storage._common import account_from_stored as _account
from planner.storage.audit_trail import chain_head, write_anchor
from planner.storage.engine import DAMAGED_MESSAGE, quick_check, sqlite_reader_engine
from planner.storage.feed import CHANNEL, PostgresChangeFeed, change_payload
from planner.storage.lock import InstanceLock
from planner.storage.quick import (
    BOARD_DAY_INDEX_SQL,
    BOARD_INDEX_SQL,
    board_index_from_rows,
    index_from_rows,
)

# Why a write waits for the file check the quick start runs beside the clinic's load.
CHECK_PENDING = (
    "The database file is still being checked (a moment after each start); the change "
    "was not saved. Try again in a few seconds."
)

# Key of the PostgreSQL advisory lock that serialises appends to the audit chain.
AUDIT_CHAIN_LOCK = 7_311_042


def map_write_error(exc: BaseException) -> StorageError:
    """A StorageError with a plain message (no SQL, no values) for a failed write."""
    if isinstance(exc, PoolTimeoutError):
        return StorageError("The database is busy; the change was not saved. Try again.")
    if isinstance(exc, IntegrityError):
        return StorageError(
            "The record was saved on another workstation at the same moment; "
            "the change was not saved. Reload and try again."
        )
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    msg = str(orig).lower()
    if "locked" in msg or "busy" in msg:
        return StorageError("The database is busy; the change was not saved. Try again.")
    if "full" in msg:
        return StorageError(
            "The disk is full, so the change was not saved; free some space and try again."
        )
    if "readonly" in msg or "read-only" in msg:
        return StorageError(
            "The database cannot be written (read-only file or folder); the change was not saved."
        )
    if "malformed" in msg or "not a database" in msg:
        return StorageError(
            "The database file is damaged, so the change was not saved: restore the last "
            "verified backup (transplant-planner --db FILE restore BACKUP)."
        )
    # The driver's first line says what failed ("disk I/O error", "no such table: x");
    # quoted parts may hold values (a name) and later lines (PostgreSQL's DETAIL) do, so
    # those are left out.
    import re

    lines = str(orig).strip().splitlines()
    reason = re.sub(r"\"[^\"]*\"|'[^']*'", "...", lines[0])[:160] if lines else ""
    return StorageError(
        f"The change could not be saved ({type(orig).__name__}"
        + (f": {reason}" if reason else "")
        + "); nothing was changed."
    )


# Ids per ``IN (...)`` of a batched read: far below SQLite's bound on host parameters
# (999 before 3.32) and PostgreSQL's (65,535), few queries for any part of a clinic.
IN_CHUNK = 500


def _in_scope(scope: Scope, column: str = "id") -> Select[Any] | None:
    """A subquery of ``column`` ("id", or "patient_id" for the patients) of the
    transplants in ``scope``; None for every transplant.

    Served by ``ix_transplants_status`` (0006): the board's reads cost what the live
    clinic holds, however many closed transplants lie behind it.
    """
    statuses = scope_statuses(scope)
    if statuses is None:
        return None
    t = s.transplants
    return select(t.c[column]).where(t.c.status.in_(sorted(statuses)))


def _patient_dict(row: Any) -> dict[str, Any]:
    # Only the columns read: a file not yet migrated (verified by the backup taken before
    # its migration) has fewer, and its documents' hashes were made without them.
    mapping = row._mapping
    return {name: mapping[name] for name in s.PATIENT_FIELDS if name in mapping}


def _patient_row(document: dict[str, Any]) -> dict[str, Any]:
    """A patient's columns: its document and the search key derived from it (0007)."""
    key = patient_search_key(document["family_name"], document["given_name"], document["mrn"])
    return {**document, s.SEARCH_KEY: key}


def _like_pattern(text: str) -> str:
    """``text`` as a LIKE pattern matching anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _transplant_dict(row: Any) -> dict[str, Any]:
    mapping = row._mapping
    d = {name: mapping[name] for name in s.TRANSPLANT_FIELDS if name in mapping}
    d["donor"] = json.loads(d["donor"]) if d["donor"] is not None else None
    d["tandem"] = bool(d["tandem"])
    if d.get("status_history") is not None:
        # NULL stays None: a transplant stored before 0005 keeps the hash it was audited
        # with (document_hash leaves empty columns out).
        d["status_history"] = json.loads(d["status_history"])
    return d


def _plan_dict(row: Any) -> dict[str, Any]:
    d: dict[str, Any] = json.loads(row.document)
    d["version"] = row.version
    return d


def _record_dict(row: Any) -> dict[str, Any]:
    return {
        "transplant_id": row.transplant_id,
        "kind": row.kind,
        "body": json.loads(row.body),
        "version": row.version,
    }


def _notify(conn: Connection, source: str, action: Action) -> None:
    """Tell the other workstations what this commit touched (delivered if it commits)."""
    transplants, patients = touched(action)
    if not transplants and not patients:
        return  # an event (a view, a print): no data changed
    payload = change_payload(
        source, action.actor.user, action.actor.workstation, transplants, patients
    )
    conn.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
    )


# A commit's mark for the transplants it touched, by id or by patient (0010). One upsert
# per chunk, in the commit's transaction: the marks move with the data or not at all.
# ``ON CONFLICT ... DO UPDATE`` is the same on SQLite (3.24+) and PostgreSQL; the WHERE
# also keeps SQLite from reading ``ON CONFLICT`` as a join's (its documentation, UPSERT).
_MARK_BY_TRANSPLANT = text(
    "INSERT INTO board_marks (transplant_id, mark) "
    "SELECT id, CAST(:mark AS INTEGER) FROM transplants WHERE id IN :ids "
    "ON CONFLICT (transplant_id) DO UPDATE SET mark = excluded.mark"
).bindparams(bindparam("ids", expanding=True))
_MARK_BY_PATIENT = text(
    "INSERT INTO board_marks (transplant_id, mark) "
    "SELECT id, CAST(:mark AS INTEGER) FROM transplants WHERE patient_id IN :ids "
    "ON CONFLICT (transplant_id) DO UPDATE SET mark = excluded.mark"
).bindparams(bindparam("ids", expanding=True))


def _store_entry(table: str) -> TextClause:
    """An entry inserted or replaced in one statement: two workstations of a server
    storing the same transplant's entry at once never fail on each other's row."""
    return text(
        f"INSERT INTO {table} (transplant_id, mark, context, payload) "  # noqa: S608
        "VALUES (:transplant_id, :mark, :context, :payload) "
        "ON CONFLICT (transplant_id) DO UPDATE SET mark = excluded.mark, "
        "context = excluded.context, payload = excluded.payload"
    )


# The table names are the schema's own, never text from outside the program.
_STORE_BOARD_ENTRY = _store_entry(s.board_entries.name)
# A board entry's day lines (0012), replaced whole after its head's upsert.
_DROP_BOARD_DAYS = text("DELETE FROM board_entry_days WHERE transplant_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_ADD_BOARD_DAY = text(
    "INSERT INTO board_entry_days (transplant_id, day, line) VALUES (:transplant_id, :day, :line)"
)
_STORE_FORMS_ENTRY = _store_entry(s.forms_entries.name)
# Every transplant, of any status, with its mark and its stored forms entry (0011): the
# registry forms are owed for closed transplants too.
_FORMS_INDEX_SQL = text(
    "SELECT t.id, coalesce(m.mark, 0), e.mark, e.context, e.payload "
    "FROM transplants t "
    "LEFT JOIN board_marks m ON m.transplant_id = t.id "
    "LEFT JOIN forms_entries e ON e.transplant_id = t.id "
    "ORDER BY t.id"
)
# Ids bound per statement at most (as ``_SqlView.existing_patients``): a lab import may
# name every patient of the clinic.
_ID_CHUNK = 500


def _upsert_marks(conn: Connection, action: Action, mark: int) -> None:
    """Set the mark of every transplant ``action`` touched (by id, or through its patient)
    to ``mark``, the commit's last audit seq: it grows with every commit, so marks only
    grow. Nothing for an event or an accounts-only commit."""
    transplants, patients = touched(action)
    for statement, ids in ((_MARK_BY_TRANSPLANT, transplants), (_MARK_BY_PATIENT, patients)):
        ordered = sorted(ids)
        for start in range(0, len(ordered), _ID_CHUNK):
            conn.execute(statement, {"mark": mark, "ids": ordered[start : start + _ID_CHUNK]})


def _insert_lab_samples(conn: Connection, samples: Sequence[LabSample]) -> None:
    """Insert the samples: one executemany, every value a bound parameter.

    On SQLite the compiled Core INSERT goes to the driver's executemany with plain
    tuples, skipping SQLAlchemy's per-row parameter processing (most of the time of a
    100,000-sample import); elsewhere Core's batched executemany is used.
    """
    iso: dict[dt.date, str] = {}  # an import has few distinct dates
    for day in {x.date for x in samples}:
        iso[day] = day.isoformat()
    rows: list[tuple[Any, ...]] = [
        (
            x.patient_id,
            x.mrn,
            iso[x.date],
            x.analyte,
            float(x.value),
            x.unit,
            x.qualifier,
            x.source,
            x.reported_unit,
        )
        for x in samples
    ]
    if conn.dialect.name == "sqlite":
        compiled = insert(s.lab_samples).compile(
            dialect=conn.dialect, column_keys=list(s.LAB_FIELDS)
        )
        order = compiled.positiontup
        if order is not None and "RETURNING" not in compiled.string.upper():
            index = [s.LAB_FIELDS.index(name) for name in order]
            if index != list(range(len(s.LAB_FIELDS))):
                rows = [tuple(r[i] for i in index) for r in rows]
            conn.exec_driver_sql(compiled.string, rows)
            return
    conn.execute(insert(s.lab_samples), [dict(zip(s.LAB_FIELDS, r, strict=True)) for r in rows])


def _entry(row: Any) -> AuditEntry:
    # Columns the row lacks (read through an older schema) keep the dataclass defaults.
    m = row._mapping
    return AuditEntry(**{f.name: m[f.name] for f in dataclasses.fields(AuditEntry) if f.name in m})


class _SqlView:
    """The ``StoredView`` inside the committing transaction (rows locked on PostgreSQL).

    ``has_accounts``: the schema has the accounts table (0008); False only for a file
    held at an older revision (the migration tests' earlier releases).
    """

    def __init__(self, conn: Connection, has_accounts: bool = True) -> None:
        self._conn = conn
        self._has_accounts = has_accounts

    def patient(self, patient_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(
            select(s.patients).where(s.patients.c.id == patient_id).with_for_update()
        ).first()
        return _patient_dict(row) if row is not None else None

    def mrn_owner(self, mrn: str) -> str | None:
        found = self._conn.execute(select(s.patients.c.id).where(s.patients.c.mrn == mrn)).scalar()
        return str(found) if found is not None else None

    def existing_patients(self, patient_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(patient_ids), 500):  # stay under parameter limits
            chunk = list(patient_ids[start : start + 500])
            found.update(
                str(pid)
                for pid in self._conn.execute(
                    select(s.patients.c.id).where(s.patients.c.id.in_(chunk)).with_for_update()
                ).scalars()
            )
        return found

    def transplant(self, transplant_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(
            select(s.transplants).where(s.transplants.c.id == transplant_id).with_for_update()
        ).first()
        return _transplant_dict(row) if row is not None else None

    def plan(self, plan_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(
            select(s.plans).where(s.plans.c.id == plan_id).with_for_update()
        ).first()
        return _plan_dict(row) if row is not None else None

    def plan_id_for_transplant(self, transplant_id: str) -> str | None:
        found = self._conn.execute(
            select(s.plans.c.id).where(s.plans.c.transplant_id == transplant_id)
        ).scalar()
        return str(found) if found is not None else None

    def record(self, transplant_id: str, kind: str) -> dict[str, Any] | None:
        row = self._conn.execute(
            select(s.records)
            .where(s.records.c.transplant_id == transplant_id, s.records.c.kind == kind)
            .with_for_update()
        ).first()
        return _record_dict(row) if row is not None else None

    def accounts(self) -> list[dict[str, Any]]:
        if not self._has_accounts:
            return []
        return [_account_dict(r) for r in self._conn.execute(select(s.accounts))]

    def policy(self) -> dict[str, Any] | None:
        return _read_policy(self._conn)


def _account_dict(row: Any) -> dict[str, Any]:
    d = dict(row._mapping)
    d["active"] = bool(d["active"])
    return d


# Saved lab import mappings are rows of ``meta`` under this prefix (the key is at most 64
# characters: names are kept to 50, ``planner.app.lab_mappings.MAX_NAME``).
LAB_MAPPING_PREFIX = "lab_mapping:"


def _read_policy(conn: Connection) -> dict[str, Any] | None:
    found = conn.execute(select(s.meta.c.value).where(s.meta.c.key == POLICY_META_KEY)).scalar()
    if found is None:
        return None
    d: dict[str, Any] = json.loads(found)
    return d


class SqlRepository:
    """The ``Repository`` port on an SQLAlchemy Engine.

    Build it with ``planner.storage.open_repository`` (which checks, locks and migrates
    the database); the constructor trusts that this was done.

    Attributes:
        engine: the Engine (for SQLite one pooled connection, which writes; reads go
            through read-only connections beside it: ``sqlite_reader_engine``).
        path: the SQLite file, or None for PostgreSQL.
        pre_migration_backup: the backup taken before this open migrated the schema.
        audit_key: the key of the audit chain (``planner.storage.audit_trail``).
        anchor_file: where the chain's head is anchored after each commit, or None.
        unchecked: the file's ``quick_check`` is still to run (``check_file``).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        path: Path | None = None,
        lock: InstanceLock | None = None,
        pre_migration_backup: Path | None = None,
        audit_key: AuditKey | None = None,
        anchor_file: Path | None = None,
        unchecked: bool = False,
    ) -> None:
        self.engine = engine
        # This repository's token in the change notifications it sends (feed), so that its
        # own feed does not report its own commits back.
        self._source = secrets.token_hex(8)
        self._has_accounts: bool | None = None  # looked up at the first commit
        self._has_board_index: bool | None = None  # likewise
        # The file's quick_check was deferred (open_repository's defer_check): writes
        # wait for check_file. None: checked; else why a write is refused.
        self._unwritable: str | None = CHECK_PENDING if unchecked else None
        self._checking: Any = None  # the DB-API connection check_file is reading with
        # One check at a time: a sign-in started beside the start's check waits for it
        # rather than reading the whole file a second time.
        self._check_lock = threading.Lock()
        self._check_stopped = False
        self.path = path
        self.pre_migration_backup = pre_migration_backup
        # Tests build a repository on a bare engine: a key of their own, no anchor file.
        self.audit_key = audit_key or AuditKey.generate()
        self.anchor_file = anchor_file
        self._lock = lock
        self._closed = False
        self._postgres = engine.dialect.name == "postgresql"
        # Reads of an SQLite file go through read-only connections of their own, so a
        # read on one thread is not held back by another's (sqlite_reader_engine).
        self._reader = (
            sqlite_reader_engine(path)
            if path is not None and engine.dialect.name == "sqlite"
            else engine
        )

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("The database is closed.")

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        self._check_open()
        try:
            with self._reader.connect() as conn:
                yield conn
        except (DBAPIError, PoolTimeoutError) as exc:
            raise map_write_error(exc) from None

    def list_patients(self, scope: Scope = Scope.ALL) -> list[Patient]:
        """Every patient (of transplants in ``scope``), ordered by family then given name."""
        query = select(s.patients)
        if (wanted := _in_scope(scope, "patient_id")) is not None:
            query = query.where(s.patients.c.id.in_(wanted))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return sorted((patient_from_dict(_patient_dict(r)) for r in rows), key=patient_order)

    def search_patients(
        self, text: str, scope: Scope = Scope.ALL, limit: int = SEARCH_LIMIT
    ) -> list[Patient]:
        """Patients (of transplants in ``scope``) whose name or MRN contains ``text``,
        case and accents aside, in name order; at most ``limit``. One query on the stored
        search keys (0007); a blank text finds no one."""
        key = search_key(text.strip())
        if not key:
            return []
        p = s.patients
        query = (
            select(p)
            .where(p.c[s.SEARCH_KEY].like(_like_pattern(key), escape="\\"))
            .order_by(p.c[s.SEARCH_KEY], p.c.id)
            .limit(limit)
        )
        if (wanted := _in_scope(scope, "patient_id")) is not None:
            query = query.where(p.c.id.in_(wanted))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return sorted((patient_from_dict(_patient_dict(r)) for r in rows), key=patient_order)

    def get_patient(self, patient_id: str) -> Patient:
        """One patient; ``NotFoundError`` when absent."""
        with self._read() as conn:
            row = conn.execute(select(s.patients).where(s.patients.c.id == patient_id)).first()
        if row is None:
            raise NotFoundError(f"Patient {patient_id} is not in the database.")
        return patient_from_dict(_patient_dict(row))

    def find_patient_by_mrn(self, mrn: str) -> Patient | None:
        """The patient with this MRN (exact text match), if any."""
        with self._read() as conn:
            row = conn.execute(select(s.patients).where(s.patients.c.mrn == mrn)).first()
        return patient_from_dict(_patient_dict(row)) if row is not None else None

    def list_transplants(
        self,
        patient_id: str | None = None,
        scope: Scope = Scope.ALL,
        patient_ids: Collection[str] | None = None,
    ) -> list[Transplant]:
        """Transplants (in ``scope``) of one patient, or of everyone (of ``patient_ids``)."""
        query = select(s.transplants)
        if patient_id is not None:
            query = query.where(s.transplants.c.patient_id == patient_id)
        if (statuses := scope_statuses(scope)) is not None:
            query = query.where(s.transplants.c.status.in_(sorted(statuses)))
        rows: Sequence[Any]
        if patient_ids is not None:
            rows = self._rows_in(query, s.transplants.c.patient_id, patient_ids)
        else:
            with self._read() as conn:
                rows = conn.execute(query).all()
        return sorted(
            (transplant_from_dict(_transplant_dict(r)) for r in rows), key=transplant_order
        )

    def get_transplant(self, transplant_id: str) -> Transplant:
        """One transplant; ``NotFoundError`` when absent."""
        with self._read() as conn:
            row = conn.execute(
                select(s.transplants).where(s.transplants.c.id == transplant_id)
            ).first()
        if row is None:
            raise NotFoundError(f"Transplant {transplant_id} is not in the database.")
        return transplant_from_dict(_transplant_dict(row))

    def get_plan(self, transplant_id: str) -> Plan | None:
        """The plan of a transplant, if it has one."""
        with self._read() as conn:
            row = conn.execute(
                select(s.plans).where(s.plans.c.transplant_id == transplant_id)
            ).first()
        return plan_from_dict(_plan_dict(row)) if row is not None else None

    def list_plans(self, scope: Scope = Scope.ALL, *, outline: bool = False) -> list[Plan]:
        """Every plan of transplants in ``scope`` (outlines: anchor steps only)."""
        query = select(s.plans)
        if (wanted := _in_scope(scope)) is not None:
            query = query.where(s.plans.c.transplant_id.in_(wanted))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return sorted(
            (plan_from_dict(_plan_dict(r), outline=outline) for r in rows), key=plan_order
        )

    def get_record(self, transplant_id: str, kind: str) -> ClinicalRecord | None:
        """The transplant's record of this kind, if saved."""
        check_kind(kind)
        with self._read() as conn:
            row = conn.execute(
                select(s.records).where(
                    s.records.c.transplant_id == transplant_id, s.records.c.kind == kind
                )
            ).first()
        return record_from_stored(_record_dict(row)) if row is not None else None

    def list_records(self, kind: str, scope: Scope = Scope.ALL) -> list[ClinicalRecord]:
        """Every record of one kind (of transplants in ``scope``), ordered by transplant id."""
        check_kind(kind)
        query = select(s.records).where(s.records.c.kind == kind)
        if (wanted := _in_scope(scope)) is not None:
            query = query.where(s.records.c.transplant_id.in_(wanted))
        with self._read() as conn:
            rows = conn.execute(query.order_by(s.records.c.transplant_id)).all()
        return [record_from_stored(_record_dict(r)) for r in rows]

    def _rows_in(self, query: Select[Any], column: Any, ids: Collection[str]) -> list[Any]:
        """``query``'s rows whose ``column`` is one of ``ids``: one query per
        ``IN_CHUNK`` ids, on one connection."""
        self._check_open()  # as the in-memory store, even for no ids
        wanted = sorted(set(ids))
        if not wanted:
            return []
        with self._read() as conn:
            # .all() fetches each chunk at once (iterating a result fetches row by row).
            return [
                row
                for start in range(0, len(wanted), IN_CHUNK)
                for row in conn.execute(
                    query.where(column.in_(wanted[start : start + IN_CHUNK]))
                ).all()
            ]

    def get_patients(self, patient_ids: Collection[str]) -> list[Patient]:
        """The patients of these ids that exist, ordered as ``list_patients``."""
        rows = self._rows_in(select(s.patients), s.patients.c.id, patient_ids)
        return sorted((patient_from_dict(_patient_dict(r)) for r in rows), key=patient_order)

    def get_transplants(self, transplant_ids: Collection[str]) -> list[Transplant]:
        """The transplants of these ids that exist, ordered as ``list_transplants``."""
        rows = self._rows_in(select(s.transplants), s.transplants.c.id, transplant_ids)
        return sorted(
            (transplant_from_dict(_transplant_dict(r)) for r in rows), key=transplant_order
        )

    def get_plans(self, transplant_ids: Collection[str], *, outline: bool = False) -> list[Plan]:
        """The plans of these transplants (outlines: anchor steps only), ordered as
        ``list_plans``."""
        rows = self._rows_in(select(s.plans), s.plans.c.transplant_id, transplant_ids)
        return sorted(
            (plan_from_dict(_plan_dict(r), outline=outline) for r in rows), key=plan_order
        )

    def get_records(
        self, transplant_ids: Collection[str], kinds: Collection[str] = RECORD_KINDS
    ) -> list[ClinicalRecord]:
        """The saved records of these kinds of these transplants, by transplant then kind."""
        for kind in kinds:
            check_kind(kind)
        r = s.records
        query = select(r).where(r.c.kind.in_(sorted(set(kinds))))
        rows = self._rows_in(query, r.c.transplant_id, transplant_ids)
        found = [record_from_stored(_record_dict(row)) for row in rows]
        return sorted(found, key=lambda rec: (rec.transplant_id, rec.kind))

    def list_lab_samples(
        self,
        patient_id: str | None = None,
        analytes: Sequence[str] | None = None,
        scope: Scope = Scope.ALL,
        between: tuple[dt.date, dt.date] | None = None,
        patient_ids: Collection[str] | None = None,
    ) -> list[LabSample]:
        """Lab samples ordered by patient, date, analyte, then insertion order."""
        t = s.lab_samples
        query = select(
            t.c.patient_id,
            t.c.mrn,
            t.c.date,
            t.c.analyte,
            t.c.value,
            t.c.unit,
            t.c.qualifier,
            t.c.source,
            t.c.reported_unit,
        )
        if patient_id is not None:
            query = query.where(t.c.patient_id == patient_id)
        if analytes is not None:
            query = query.where(t.c.analyte.in_(list(analytes)))
        if (patients := _in_scope(scope, "patient_id")) is not None:
            query = query.where(t.c.patient_id.in_(patients))
        if between is not None:
            query = query.where(t.c.date.between(between[0].isoformat(), between[1].isoformat()))
        query = query.order_by(t.c.patient_id, t.c.date, t.c.analyte, t.c.id)
        rows: Sequence[Any]
        if patient_ids is not None:
            # By patient as Python orders ids (a server's collation may order them
            # otherwise across chunks); the sort is stable, keeping each patient's order.
            rows = sorted(self._rows_in(query, t.c.patient_id, patient_ids), key=lambda r: r[0])
        else:
            with self._read() as conn:
                rows = conn.execute(query).all()
        from_iso = dt.date.fromisoformat
        return [
            LabSample(pid, mrn, from_iso(day), analyte, value, unit, qualifier, source, reported)
            for pid, mrn, day, analyte, value, unit, qualifier, source, reported in rows
        ]

    def audit_log(self, patient_id: str | None = None) -> list[AuditEntry]:
        """Audit rows in chain order, all or for one patient."""
        query = select(s.audit).order_by(s.audit.c.seq)
        if patient_id is not None:
            query = query.where(s.audit.c.patient_id == patient_id)
        with self._read() as conn:
            return [_entry(r) for r in conn.execute(query).all()]

    def change_feed(self) -> PostgresChangeFeed | None:
        """On a server, a feed of the other workstations' commits (``feed``); None on an
        SQLite file, which the instance lock keeps to this app while open."""
        # The feed waits with psycopg 3's notifies(); another driver gets none (and the
        # session re-reads the clinic after each edit instead).
        if not self._postgres or self.engine.dialect.driver != "psycopg":
            return None
        return PostgresChangeFeed(self.engine, self._source)

    def search_audit(self, query: AuditQuery) -> list[AuditEntry]:
        """The newest rows that pass the query's filters, newest first (one indexed read
        for a patient; otherwise read from the newest row back until the limit)."""
        a = s.audit
        select_rows = select(a).order_by(a.c.seq.desc()).limit(query.limit)
        if query.patient_id is not None:
            select_rows = select_rows.where(a.c.patient_id == query.patient_id)
        if query.user:
            select_rows = select_rows.where(func.lower(a.c.user) == query.user.lower())
        # Bounds are the stored text cut at the second: a row of that second sorts at or
        # after it whatever follows (audit_query says why), so plain comparisons hold.
        if (since := query.since_text()) is not None:
            select_rows = select_rows.where(a.c.at_utc >= since)
        if (until := query.until_text()) is not None:
            select_rows = select_rows.where(a.c.at_utc < until)
        if query.action:
            pattern = _like_pattern(query.action.lower())
            select_rows = select_rows.where(func.lower(a.c.action).like(pattern, escape="\\"))
        with self._read() as conn:
            return [_entry(r) for r in conn.execute(select_rows).all()]

    def check_file(self) -> None:
        """Run the ``quick_check`` the open deferred (once); until it has passed, writes
        are refused, and after it failed they are refused for good. A call while another
        thread checks waits for that check and shares its result.

        Raises:
            StorageError: the file is damaged (the sentence says to restore a backup).
        """
        with self._check_lock:
            self._check_once()

    def _check_once(self) -> None:
        if self._unwritable != CHECK_PENDING:
            if self._unwritable is not None:
                raise StorageError(self._unwritable)
            return
        try:
            with self._check_connection() as connection:
                self._checking = connection
                try:
                    if self._check_stopped:
                        raise StorageError(CHECK_PENDING)
                    result = quick_check(connection)
                finally:
                    self._checking = None
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            if "interrupted" in str(exc).lower():  # stop_file_check: still unchecked
                raise StorageError(CHECK_PENDING) from None
            result = [type(exc).__name__]
        if result != ["ok"]:
            self._unwritable = DAMAGED_MESSAGE
            raise StorageError(DAMAGED_MESSAGE)
        self._unwritable = None

    @contextmanager
    def _check_connection(self) -> Iterator[Any]:
        """A read-only connection of the check's own, outside the engine's pool of one:
        holding the pool's connection for the whole file made every read meanwhile (a
        sign-in's, a patient opened) wait for it, and give up after the pool's 10 s."""
        if self.path is None:  # a repository on a bare engine (tests): its own connection
            with self.engine.connect() as conn:
                yield conn.connection.driver_connection
            return
        connection = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            yield connection
        finally:
            connection.close()

    def stop_file_check(self) -> None:
        """Stop a ``check_file`` running in another thread (the app is closing: a check
        of a large file must not hold the close); the file stays unchecked."""
        self._check_stopped = True
        checking = self._checking
        if checking is not None:
            checking.interrupt()

    def _refuse_unwritable(self) -> None:
        if self._closed:
            raise StorageError("The database is closed.")
        if self._unwritable is not None:
            raise StorageError(self._unwritable)

    def commit(self, action: Action) -> Committed:
        """Save one action in one transaction with its audit rows.

        Raises:
            ConflictError: a record was saved by someone else since it was read.
            StorageError: the database cannot be written (nothing was changed).
        """
        self._refuse_unwritable()
        try:
            with self.engine.begin() as conn:
                if self._postgres:
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK}
                    )
                prepared = prepare_commit(action, _SqlView(conn, self._schema_has_accounts(conn)))
                last_seq, last_hash = chain_head(conn)
                entries = build_entries(
                    action, prepared.pending, last_seq, last_hash, self.audit_key
                )
                for w in prepared.patients:
                    self._save(conn, s.patients, w, _patient_row(w.new))
                for w in prepared.transplants:
                    row = dict(w.new)
                    row["donor"] = dumps(row["donor"]) if row["donor"] is not None else None
                    if "status_history" in row:
                        row["status_history"] = dumps(row["status_history"])
                    self._save(conn, s.transplants, w, row)
                for w in prepared.plans:
                    row = {
                        "id": w.record_id,
                        "transplant_id": w.new["transplant_id"],
                        "day0": w.new["day0"],
                        "document": w.text or dumps(plan_document(w.new)),
                        "version": w.new["version"],
                    }
                    self._save(conn, s.plans, w, row)
                for rw in prepared.records:
                    self._save_record(conn, rw)
                for w in prepared.accounts:
                    columns = ("key", "name", "role", "active", "password_hash", "version")
                    self._save(conn, s.accounts, w, {k: w.new[k] for k in columns}, key="key")
                if prepared.policy is not None:
                    self._save_policy(conn, prepared.policy)
                if action.lab_samples:
                    _insert_lab_samples(conn, action.lab_samples)
                if entries:
                    self._write_audit(conn, entries)
                    # After every write of the action, in its transaction: a board entry
                    # is stale exactly when its transplant's data changed. A commit that
                    # changes data always writes audit rows; one with none changed nothing.
                    self._raise_marks(conn, action, entries[-1].seq)
                if self._postgres:
                    _notify(conn, self._source, action)
        except (DBAPIError, PoolTimeoutError) as exc:
            raise map_write_error(exc) from None
        if entries and self.anchor_file is not None:
            write_anchor(self.anchor_file, self.audit_key, entries[-1].seq, entries[-1].hash)
        return Committed(
            patients=tuple(prepared.result_patients),
            transplants=tuple(prepared.result_transplants),
            plans=tuple(prepared.result_plans),
            audit=tuple(entries),
            records=tuple(prepared.result_records),
            accounts=tuple(prepared.result_accounts),
            policy=prepared.result_policy,
        )

    def _schema_has_accounts(self, conn: Connection) -> bool:
        if self._has_accounts is None:
            self._has_accounts = inspect(conn).has_table("accounts")
        return self._has_accounts

    def _raise_marks(self, conn: Connection, action: Action, mark: int) -> None:
        """``_upsert_marks`` where the schema has the board index (0010): not in a file held
        at an older revision (the migration tests' earlier releases)."""
        if self._has_board_index is None:
            self._has_board_index = inspect(conn).has_table(s.board_marks.name)
        if self._has_board_index:
            _upsert_marks(conn, action, mark)

    @staticmethod
    def _save_policy(conn: Connection, w: Write) -> None:
        meta = s.meta
        if w.insert:
            conn.execute(insert(meta).values(key=POLICY_META_KEY, value=w.text))
            return
        conn.execute(update(meta).where(meta.c.key == POLICY_META_KEY).values(value=w.text))

    # --- accounts --------------------------------------------------------------------------

    def list_accounts(self) -> list[Account]:
        """Every account, ordered by key."""
        with self._read() as conn:
            rows = conn.execute(select(s.accounts).order_by(s.accounts.c.key)).all()
        return [_account(_account_dict(r)) for r in rows]

    def get_account(self, name: str) -> Account | None:
        """The account of this name, case aside."""
        with self._read() as conn:
            row = conn.execute(
                select(s.accounts).where(s.accounts.c.key == account_key(name))
            ).first()
        return _account(_account_dict(row)) if row is not None else None

    def accounts_in_use(self) -> bool:
        """True once any account exists."""
        with self._read() as conn:
            return conn.execute(select(s.accounts.c.key).limit(1)).first() is not None

    def sign_in_policy(self) -> SignInPolicy:
        """The stored sign-in rules, or the defaults."""
        with self._read() as conn:
            return policy_from_stored(_read_policy(conn))

    def sign_in_failures(self, name: str) -> SignInFailures:
        """Failed sign-ins in a row with this name."""
        with self._read() as conn:
            row = conn.execute(
                select(s.sign_in_failures).where(s.sign_in_failures.c.key == throttle_key(name))
            ).first()
        if row is None:
            return SignInFailures()
        until = dt.datetime.fromisoformat(row.paused_until) if row.paused_until else None
        return SignInFailures(int(row._mapping["count"]), until)

    def set_sign_in_failures(self, name: str, failures: SignInFailures | None) -> None:
        """Store (or forget) the failures of this name, in one small transaction."""
        self._refuse_unwritable()
        t, key = s.sign_in_failures, throttle_key(name)
        try:
            with self.engine.begin() as conn:
                conn.execute(t.delete().where(t.c.key == key))
                if failures is not None:
                    until = failures.paused_until
                    conn.execute(
                        insert(t).values(
                            key=key,
                            count=failures.count,
                            paused_until=until.astimezone(dt.UTC).isoformat() if until else None,
                        )
                    )
        except (DBAPIError, PoolTimeoutError) as exc:
            raise map_write_error(exc) from None

    # --- saved lab import mappings ----------------------------------------------------------

    def lab_mappings(self) -> dict[str, str]:
        """The saved lab import mappings (rows of ``meta`` keyed LAB_MAPPING_PREFIX + name),
        by name."""
        meta = s.meta
        with self._read() as conn:
            rows = conn.execute(
                select(meta.c.key, meta.c.value).where(
                    meta.c.key.startswith(LAB_MAPPING_PREFIX, autoescape=True)
                )
            ).all()
        return {str(key)[len(LAB_MAPPING_PREFIX) :]: str(value) for key, value in sorted(rows)}

    def store_lab_mapping(self, name: str, body: str | None) -> None:
        """Save (or forget) the mapping of this name, in one small transaction: its own row
        of ``meta``, so that two workstations saving two mappings never meet."""
        self._refuse_unwritable()
        meta, key = s.meta, LAB_MAPPING_PREFIX + name
        try:
            with self.engine.begin() as conn:
                if self._postgres and body is not None:  # one statement: no race on a name
                    from sqlalchemy.dialects.postgresql import insert as pg_insert

                    upsert = pg_insert(meta).values(key=key, value=body)
                    conn.execute(
                        upsert.on_conflict_do_update(
                            index_elements=[meta.c.key], set_={"value": body}
                        )
                    )
                    return
                conn.execute(meta.delete().where(meta.c.key == key))
                if body is not None:
                    conn.execute(insert(meta).values(key=key, value=body))
        except (DBAPIError, PoolTimeoutError) as exc:
            raise map_write_error(exc) from None

    @staticmethod
    def _save(
        conn: Connection, table: Any, w: Write, row: dict[str, Any], *, key: str = "id"
    ) -> None:
        """Insert, or update the row whose ``key`` column is ``w.record_id`` at the version
        read (an account's key is its name's ``account_key``; the others' is ``id``)."""
        if w.insert:
            conn.execute(insert(table).values(**row))
            return
        column = table.c[key]
        result = conn.execute(
            update(table)
            .where(column == w.record_id, table.c.version == w.stored_version)
            .values(**{k: v for k, v in row.items() if k != key})
        )
        if result.rowcount != 1:  # never overwrite a version we did not read
            actual = conn.execute(select(table.c.version).where(column == w.record_id)).scalar()
            raise ConflictError(w.entity, w.record_id, w.stored_version, int(actual or 0))

    @staticmethod
    def _save_record(conn: Connection, w: RecordWrite) -> None:
        t = s.records
        body = w.text or dumps(w.body)
        if w.insert:
            conn.execute(
                insert(t).values(
                    transplant_id=w.transplant_id, kind=w.kind, body=body, version=w.version
                )
            )
            return
        result = conn.execute(
            update(t)
            .where(
                t.c.transplant_id == w.transplant_id,
                t.c.kind == w.kind,
                t.c.version == w.stored_version,
            )
            .values(body=body, version=w.version)
        )
        if result.rowcount != 1:  # never overwrite a version we did not read
            actual = conn.execute(
                select(t.c.version).where(t.c.transplant_id == w.transplant_id, t.c.kind == w.kind)
            ).scalar()
            raise ConflictError(
                "record", f"{w.transplant_id}/{w.kind}", w.stored_version, int(actual or 0)
            )

    def _write_audit(self, conn: Connection, entries: list[AuditEntry]) -> None:
        columns = set(s.audit.c.keys())
        rows = [{k: v for k, v in dataclasses.asdict(e).items() if k in columns} for e in entries]
        conn.execute(insert(s.audit), rows)

    @property
    def keeps_board_snapshot(self) -> bool:
        """True: an SQLite file's is read by the quick start (planner.storage.quick), a
        server's once connected (``planner.app.snapshot.stored_start_board``)."""
        return True

    @property
    def shared(self) -> bool:
        """A PostgreSQL server is shared by workstations; an SQLite file is locked to one
        app while open (``InstanceLock``)."""
        return self._postgres

    def board_index(self, day: dt.date | None = None) -> list[IndexedTransplant]:
        """Every open transplant with its mark and stored entry, ordered by transplant id
        (with ``day``, each entry with that day's line only): one statement
        (``quick.BOARD_INDEX_SQL`` or ``BOARD_DAY_INDEX_SQL``, the quick start's own), so
        the marks, the heads and the lines are read together.

        On a server too, a mark read counts every commit before it: commits hold the
        audit chain's lock from their first sequence number to their end (``commit``),
        so sequence numbers are taken in commit order.
        """
        with self._read() as conn:
            if day is None:
                rows = conn.execute(text(BOARD_INDEX_SQL)).all()
            else:
                rows = conn.execute(text(BOARD_DAY_INDEX_SQL), {"day": day.isoformat()}).all()
        return board_index_from_rows(rows)

    def store_board_entries(self, entries: Sequence[BoardEntry]) -> None:
        """Insert or replace these entries in one small transaction: each head an upsert
        (``board_entries``), then its day lines replaced (``board_entry_days``).

        Two workstations of a server storing one transplant's entry at once: the second
        head's upsert waits on the first's row until that commits, and its lines' delete
        then sees the first's lines, so the last entry stays whole and neither fails;
        heads go in transplant order, so two batches wait on each other, never deadlock.
        """
        self._refuse_unwritable()
        latest = {e.transplant_id: e for e in entries}  # of two of one transplant, the later
        if not latest:
            return
        heads: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        for tid in sorted(latest):
            entry = latest[tid]
            head, days = entry_parts(entry.payload)
            heads.append(
                {
                    "transplant_id": tid,
                    "mark": entry.mark,
                    "context": entry.context,
                    "payload": head,
                }
            )
            lines.extend({"transplant_id": tid, "day": d, "line": days[d]} for d in sorted(days))
        ids = sorted(latest)
        try:
            with self.engine.begin() as conn:
                conn.execute(_STORE_BOARD_ENTRY, heads)
                for start in range(0, len(ids), _ID_CHUNK):
                    conn.execute(_DROP_BOARD_DAYS, {"ids": ids[start : start + _ID_CHUNK]})
                if lines:
                    conn.execute(_ADD_BOARD_DAY, lines)
        except (DBAPIError, PoolTimeoutError) as exc:
            raise map_write_error(exc) from None

    def forms_index(self) -> list[IndexedTransplant]:
        """Every transplant, of any status, with its mark and stored registry-forms entry,
        ordered by transplant id: one statement, so the marks and entries are read
        together."""
        with self._read() as conn:
            rows = conn.execute(_FORMS_INDEX_SQL).all()
        return index_from_rows(rows)

    def store_forms_entries(self, entries: Sequence[BoardEntry]) -> None:
        """Insert or replace these registry-forms entries, as ``store_board_entries``."""
        self._store_entries(_STORE_FORMS_ENTRY, entries)

    def _store_entries(self, statement: TextClause, entries: Sequence[BoardEntry]) -> None:
        self._refuse_unwritable()
        if not entries:
            return
        rows = [
            {
                "transplant_id": e.transplant_id,
                "mark": e.mark,
                "context": e.context,
                "payload": e.payload,
            }
            # In transplant order: two workstations storing overlapping entries lock the
            # rows in the same order, so one waits for the other instead of deadlocking.
            for e in sorted(entries, key=lambda e: e.transplant_id)
        ]
        try:
            with self.engine.begin() as conn:
                conn.execute(statement, rows)
        except (DBAPIError, PoolTimeoutError) as exc:
            raise map_write_error(exc) from None

    def backup_location(self) -> tuple[str, str] | None:
        """(the SQLite file, the ``backups`` folder beside it); None on PostgreSQL."""
        if self.path is None:
            return None
        return str(self.path), str(self.path.parent / "backups")

    def storage_locations(self) -> list[tuple[str, str]]:
        """The database (file, or the server without its password), its backups folder
        and the audit key file."""
        from planner.storage.audit_trail import key_file_for

        if self.path is None:
            server = self.engine.url.render_as_string(hide_password=True)
            return [("Database", server), ("Audit key", str(key_file_for(None)))]
        return [
            ("Database", str(self.path)),
            ("Backups", str(self.path.parent / "backups")),
            ("Audit key", str(key_file_for(self.path))),
        ]

    def backup_now(
        self, now: dt.datetime, *, once_a_day: bool = False, keep: int = 20
    ) -> str | None:
        """A verified backup into the ``backups`` folder beside the file (the folder of
        the pre-migration backups and the command line's default)."""
        from planner.storage import backup as bk  # only when a backup is taken

        if self._closed:
            raise StorageError("The database is closed.")
        if self.path is None:
            return None
        folder, label = self.path.parent / "backups", bk.label_for(self.path)
        if once_a_day and not bk.backup_due(folder, label, now):
            return None
        return str(bk.backup(self, folder, now=now, label=label, keep=keep).path)

    def close(self) -> None:
        """Release the connection pool and the single-instance lock (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._reader is not self.engine:
            self._reader.dispose()
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
