"""The audit trail's key and anchor files, keying an existing chain, and its full check.

* The key (``AuditKey``) is a file outside the database, created 0600 the first time a
  database is opened by this version: beside an SQLite file (``clinic.db.audit-key``,
  so a copied folder carries it) or, for PostgreSQL, in the workstation's data folder
  (every workstation of the clinic needs the same file). ``TRANSPLANT_PLANNER_AUDIT_KEY``
  names another file. The database stores only the key's public id, so a missing or
  wrong key is told apart from tampering.
* The anchor is the head of the chain (seq, hash, and an HMAC of both) written outside
  the database after every commit: beside an SQLite file, or in the data folder per
  PostgreSQL server. Rows cut from the end of the chain leave the anchor pointing past it.
* ``key_database`` records every document then stored in keyed rows the first time a
  database is keyed, so from then on every document has an audit row with its hash.
* ``verify`` runs every check on one connection (SQLite file or PostgreSQL) and names
  each failure with row, table, expected and found.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, inspect, select
from sqlalchemy.exc import DBAPIError

from planner.errors import StorageError
from planner.records.audit import (
    EVENT_ENTITY,
    GENESIS_HASH,
    KEYED_SCHEME,
    Anchor,
    AuditEntry,
    AuditKey,
    AuditProblem,
    FieldChange,
    StoredDocument,
    anchored_row_problem,
    chain_problem,
    document_hash,
    document_problems,
    stored_text_hash,
)
from planner.records.ports import Action, Actor
from planner.storage import schema as s
from planner.storage._common import (
    ACCOUNT_ENTITY,
    POLICY_ENTITY,
    POLICY_ID,
    POLICY_META_KEY,
    RECORD_ENTITY_PREFIX,
    PendingChange,
    build_entries,
    plan_columns,
    record_columns,
)
from planner.storage.files import write_private
from planner.storage.paths import data_dir

KEY_ENV = "TRANSPLANT_PLANNER_AUDIT_KEY"
# Audit rows read at a time by a check: a few megabytes, whatever the trail's length.
AUDIT_CHUNK = 2_000
# Stored documents fetched at a time by a check (``stored_documents``).
PARTITION = 100
META_KEY_ID = "audit_key_id"
_KEY_FILE_MAX = 256
_log = logging.getLogger(__name__)


def key_beside(path: Path) -> Path:
    """The key file beside an SQLite file (where it is kept unless configured)."""
    return path.with_name(path.name + ".audit-key")


def key_file_for(path: Path | None) -> Path:
    """Where the audit key of a database is kept (``path`` None: a PostgreSQL server)."""
    override = os.environ.get(KEY_ENV)
    if override:
        return Path(override)
    if path is not None:
        return key_beside(path)
    return data_dir() / "audit.key"


def anchor_file_for(path: Path | None, url: str | None = None) -> Path:
    """Where the chain's anchor is kept: beside an SQLite file, or in the data folder
    under a name derived from the server address (never its password)."""
    if path is not None:
        return path.with_name(path.name + ".audit-anchor")
    from sqlalchemy.engine import make_url

    address = make_url(url or "").set(password=None).render_as_string(hide_password=True)
    digest = hashlib.sha256(address.encode()).hexdigest()[:16]
    return data_dir() / f"audit-anchor-{digest}.json"


def read_key(path: Path) -> AuditKey | None:
    """The key in ``path``, None when there is no file.

    Raises:
        StorageError: the file is not a private regular file, or not a key.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(f"The audit key {path} cannot be read ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise StorageError(f"The audit key {path} is not a regular file.")
    if os.name == "posix" and info.st_mode & 0o077:
        raise StorageError(
            f"The audit key {path} can be read by other users; make it private with: "
            f"chmod 600 '{path}'"
        )
    if info.st_size > _KEY_FILE_MAX:
        raise StorageError(f"The audit key {path} is not a key file (it is too large).")
    try:
        return AuditKey(bytes.fromhex(path.read_text(encoding="ascii").strip()))
    except (OSError, ValueError):
        raise StorageError(f"The audit key {path} is damaged; it is not a key.") from None


def create_key(path: Path) -> AuditKey:
    """A new key written to ``path`` (0600, never over an existing file)."""
    key = AuditKey.generate()
    write_key(path, key)
    return key


def write_key(path: Path, key: AuditKey) -> None:
    """Write an existing key to ``path`` (0600, never over an existing file)."""
    try:
        write_private(path, key.secret.hex() + "\n", replace=False)
    except OSError as exc:
        raise StorageError(
            f"The audit key cannot be written to {path} ({exc.strerror}); "
            "check the folder is writable."
        ) from None


def read_anchor(path: Path, source: str) -> Anchor | None:
    """The anchor in ``path``, None when there is none.

    A damaged anchor file reads as an anchor that does not verify, never as none.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Anchor(int(data["seq"]), str(data["head"]), str(data["mac"]), source)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return Anchor(-1, "", "damaged", source)


def write_anchor(path: Path, key: AuditKey, seq: int, head: str) -> bool:
    """Record the chain's head outside the database; False (and a log line without any
    record data) when the file cannot be written.

    The commit it follows has already succeeded, so a failure here must not undo it: the
    anchor then lags behind, which ``verify`` accepts (an anchor only has to name a row
    that is still there, unchanged).
    """
    data = {"seq": seq, "head": head, "mac": Anchor.mac_of(key, seq, head)}
    try:
        # No fsync on every commit (an edit's latency): after a power cut the anchor may
        # name an earlier row, which still verifies; the rename keeps it whole.
        write_private(path, json.dumps(data), replace=True, sync=False)
    except OSError as exc:
        _log.warning("The audit anchor could not be written (%s).", exc.strerror)
        return False
    return True


def stored_key_id(conn: Connection) -> str | None:
    """The key id recorded in the database, None before it was keyed."""
    found = conn.execute(select(s.meta.c.value).where(s.meta.c.key == META_KEY_ID)).scalar()
    return str(found) if found is not None else None


def key_for_database(conn: Connection, path: Path) -> tuple[AuditKey, bool]:
    """The key of the database on ``conn`` (created when it has none yet) and whether the
    database still has to be keyed (``key_database``).

    Raises:
        StorageError: the database was keyed and its key file is missing or another one.
    """
    recorded = stored_key_id(conn)
    key = read_key(path)
    if key is None:
        if recorded is not None:
            raise StorageError(
                f"The audit key of this database is missing (expected at {path}, key id "
                f"{recorded}): copy it back from where the database came from, or set "
                f"{KEY_ENV} to its file."
            )
        key = create_key(path)
    elif recorded is not None and recorded != key.key_id:
        raise StorageError(
            f"The audit key at {path} belongs to another database (key id {key.key_id}; "
            f"this database needs {recorded})."
        )
    return key, recorded is None


def stored_documents(conn: Connection) -> Iterator[tuple[StoredDocument, str]]:
    """Every stored document with the patient it belongs to, in the form the repository
    reads it (so its hash is the one written at commit).

    Rows are fetched ``PARTITION`` at a time (``_rows``): fetched row by row beside the
    hashing of each, they starved the GUI thread of the daily background backup for
    50-200 ms at a time (measured, a 10,000-transplant file; 17-34 ms in partitions).
    """
    from planner.storage.sql import _patient_dict, _transplant_dict

    owner: dict[str, str] = {}
    for row in _rows(conn, _present_columns(conn, s.patients)):
        d = _patient_dict(row)
        digest = document_hash(d)
        yield StoredDocument("patients", "patient", str(d["id"]), digest), str(d["id"])
    for row in _rows(conn, _present_columns(conn, s.transplants)):
        d = _transplant_dict(row)
        owner[str(d["id"])] = str(d["patient_id"])
        digest = document_hash(d)
        yield (
            StoredDocument("transplants", "transplant", str(d["id"]), digest),
            str(d["patient_id"]),
        )
    for row in _rows(conn, select(s.plans)):
        columns = plan_columns(
            {
                "id": row.id,
                "transplant_id": row.transplant_id,
                "day0": row.day0,
                "version": row.version,
            }
        )
        digest = stored_text_hash(columns, str(row.document))
        patient = owner.get(str(row.transplant_id), "")
        yield StoredDocument("plans", "plan", str(row.id), digest), patient
    for row in _rows(conn, select(s.records)):
        columns = record_columns(str(row.transplant_id), str(row.kind), int(row.version))
        digest = stored_text_hash(columns, str(row.body))
        entity = RECORD_ENTITY_PREFIX + str(row.kind)
        patient = owner.get(str(row.transplant_id), "")
        yield StoredDocument("records", entity, str(row.transplant_id), digest), patient
    yield from _account_documents(conn)


def _rows(conn: Connection, query: Any, size: int | None = None) -> Iterator[Any]:
    """The rows of ``query``, fetched ``size`` (``PARTITION``) at a time: one statement,
    a server-side cursor where the driver has one."""
    result = conn.execute(query.execution_options(yield_per=size or PARTITION))
    for part in result.partitions():
        yield from part


def _account_documents(conn: Connection) -> Iterator[tuple[StoredDocument, str]]:
    """The accounts and the sign-in policy (0008): granting a role or replacing a password
    hash behind the program's back shows in ``check`` like any edited record."""
    tables = inspect(conn).get_table_names()
    if "accounts" in tables:
        for row in conn.execute(select(s.accounts)):
            d = dict(row._mapping)
            d["active"] = bool(d["active"])
            doc = StoredDocument("accounts", ACCOUNT_ENTITY, str(d["key"]), document_hash(d))
            yield doc, ""
    policy = conn.execute(select(s.meta.c.value).where(s.meta.c.key == POLICY_META_KEY)).scalar()
    if policy is not None:
        digest = stored_text_hash((POLICY_META_KEY,), str(policy))
        yield StoredDocument("meta", POLICY_ENTITY, POLICY_ID, digest), ""


def _present_columns(conn: Connection, table: Any) -> Any:
    """SELECT of the table's columns this file has: the backup taken before a migration
    is verified while the file still has the older schema."""
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    return select(*[c for c in table.columns if c.name in present])


def chain_head(conn: Connection) -> tuple[int, str]:
    """(seq, hash) of the chain's last row; (0, GENESIS_HASH) before the first."""
    row = conn.execute(
        select(s.audit.c.seq, s.audit.c.hash).order_by(s.audit.c.seq.desc()).limit(1)
    ).first()
    return (int(row.seq), str(row.hash)) if row else (0, GENESIS_HASH)


def key_database(
    conn: Connection, key: AuditKey, actor: Actor, at: dt.datetime
) -> list[AuditEntry]:
    """Key a database's chain: record the key id and, when rows or documents exist, one
    keyed row per stored document with its hash (chained onto the unkeyed rows, which
    it thereby covers). Returns the rows written."""
    conn.execute(insert(s.meta).values(key=META_KEY_ID, value=key.key_id))
    documents = list(stored_documents(conn))
    last_seq, last_hash = chain_head(conn)
    if not documents and last_seq == 0:
        return []
    note = f"Audit trail keyed: {len(documents)} stored documents recorded with their hashes"
    pending = [PendingChange(FieldChange(EVENT_ENTITY, "", "event", None, json.dumps(note)), None)]
    pending += [
        PendingChange(
            FieldChange(doc.entity, doc.entity_id, "document", None, None),
            patient or None,
            doc.digest,
        )
        for doc, patient in documents
    ]
    action = Action(actor=actor, at=at, description="Key audit trail")
    entries = build_entries(action, pending, last_seq, last_hash, key)
    conn.execute(insert(s.audit), [dataclasses.asdict(e) for e in entries])
    return entries


def audit_entries(conn: Connection) -> list[AuditEntry]:
    """Every audit row in chain order; rows of a schema from before keying (no
    ``doc_hash``/``scheme`` columns: an old backup) read as unkeyed rows."""
    return list(iter_audit_entries(conn))


def iter_audit_entries(conn: Connection, chunk: int | None = None) -> Iterator[AuditEntry]:
    """``audit_entries`` as one statement fetched ``chunk`` rows at a time (a
    server-side cursor where the driver has one): a programme's trail grows by a few
    hundred rows a day for years, and a list of them all (about 2 KB a row) was held for
    every check and daily backup. One statement, not one per chunk restarted after the
    last seq read: a row repeating that seq (a table rebuilt without its key) would be
    skipped, never hashed."""
    present = {c["name"] for c in inspect(conn).get_columns("audit")}
    names = [f.name for f in dataclasses.fields(AuditEntry) if f.name in present]
    cols = [s.audit.c[n] for n in names]
    for row in _rows(conn, select(*cols).order_by(s.audit.c.seq), chunk or AUDIT_CHUNK):
        yield AuditEntry(**dict(zip(names, row, strict=True)))


class _UnreadableAuditError(Exception):
    """The audit rows could not be read or did not make audit entries."""


def _read_or_refuse(entries: Iterator[AuditEntry]) -> Iterator[AuditEntry]:
    """``entries``, a failure to read them raised as ``_UnreadableAuditError`` (a fault
    in the checks that consume them still propagates as itself)."""
    try:
        yield from entries
    except (DBAPIError, sqlite3.DatabaseError, ValueError, TypeError) as exc:  # damaged
        raise _UnreadableAuditError(type(exc).__name__) from exc


class _ChainWalk:
    """One pass over the audit rows in chain order, keeping only what the anchor and
    document checks need: the chain's length and head, the rows at the anchors'
    positions and each document's last row with a document hash (without its old and
    new values, the bulk of a row)."""

    def __init__(self, positions: Iterable[int]) -> None:
        self.rows, self.head, self.keyed = 0, GENESIS_HASH, False
        self._positions = frozenset(positions)
        self.at: dict[int, AuditEntry] = {}
        self.last: dict[tuple[str, str], AuditEntry] = {}

    def through(self, entries: Iterable[AuditEntry]) -> Iterator[AuditEntry]:
        """``entries`` as they are, noting what the checks need on the way."""
        for entry in entries:
            self.rows += 1
            self.head = entry.hash
            self.keyed = self.keyed or entry.scheme == KEYED_SCHEME
            anchored = self.rows in self._positions
            if anchored or entry.doc_hash is not None:
                light = dataclasses.replace(entry, old=None, new=None)
                if anchored:
                    self.at[self.rows] = light
                if entry.doc_hash is not None:
                    self.last[(entry.entity, entry.entity_id)] = light
            yield entry


@dataclass(frozen=True)
class AuditReport:
    """What ``verify`` found.

    Attributes:
        rows, head: the chain's length and last hash.
        keyed: whether the chain has keyed rows (a database last written before keying
            has none; its documents are then not compared).
        problems: each failure, named (empty when everything verifies).
    """

    rows: int
    head: str
    keyed: bool
    problems: tuple[AuditProblem, ...]

    @property
    def first_bad_seq(self) -> int | None:
        """The first audit row a problem names, or None."""
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else (1 if self.problems else None)


def _unreadable(exc: _UnreadableAuditError) -> AuditReport:
    problem = AuditProblem("table audit", "the audit table cannot be read", "rows", str(exc), 1)
    return AuditReport(0, GENESIS_HASH, False, (problem,))


def verify(conn: Connection, key: AuditKey | None, anchors: Sequence[Anchor] = ()) -> AuditReport:
    """Check the chain (keyed hashes), each anchor and every stored document, reading
    the audit rows once, a chunk at a time (``iter_audit_entries``)."""
    problems: list[AuditProblem] = []
    entries = _read_or_refuse(iter_audit_entries(conn))
    try:
        # The trail is opened first, as the whole read once was: a damaged file is
        # reported as such before anything else is read.
        first = next(entries, None)
    except _UnreadableAuditError as exc:
        return _unreadable(exc)
    recorded = stored_key_id(conn) if inspect(conn).has_table("meta") else None
    if key is not None and recorded is not None and recorded != key.key_id:
        problems.append(
            AuditProblem(
                "the audit key",
                "the key file is not this database's key",
                f"key id {recorded}",
                f"key id {key.key_id}",
            )
        )
        key = None
    walk = _ChainWalk(a.seq for a in anchors)
    rows = walk.through(itertools.chain(() if first is None else (first,), entries))
    try:
        chain = chain_problem(rows, key)
        collections.deque(rows, maxlen=0)  # past a break: the anchors and documents
    except _UnreadableAuditError as exc:
        return _unreadable(exc)
    if chain is not None:
        problems.append(chain)
    for anchor in anchors:
        found = anchored_row_problem(walk.rows, walk.at.get(anchor.seq), anchor, key)
        if found is not None:
            problems.append(found)
    if walk.keyed:
        documents = [doc for doc, _patient in stored_documents(conn)]
        problems.extend(document_problems(list(walk.last.values()), documents))
    return AuditReport(walk.rows, walk.head, walk.keyed, tuple(problems))
