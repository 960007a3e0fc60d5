"""Audit rows: field-level differences between snapshots, and the tamper-evident hash chain.

Pure functions shared by every repository, so the in-memory fake and the SQL
store write identical audit trails: who, when, old and new value and reason, never altered
(21 CFR Part 11 section 11.10(e); ONC 45 CFR 170.315(d)(2): altered logs must be detectable).
Each row's hash covers the previous row's hash and the row's own canonical JSON,
so an edited, deleted or reordered row breaks the chain from that point on.

The chain is keyed: a row's hash is an HMAC-SHA-256 (RFC 2104) under a secret kept
outside the database, so whoever edits rows and recomputes the chain without the key is
detected. Rows written before the key existed keep their plain SHA-256 ("sha256" scheme)
and are covered by the first keyed row, which chains onto them. Each row of a document
change also holds the hash of the whole document after the change (``doc_hash``), so a
document edited behind the program's back no longer matches its last audit row; and the
head of the chain is anchored outside the database (``Anchor``), so cutting rows off the
end is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
LEGACY_SCHEME = "sha256"  # rows written before the chain was keyed
KEYED_SCHEME = "hmac-sha256"
_KEY_BYTES = 32  # RFC 2104 section 3: a key at least as long as the hash output


@dataclass(frozen=True)
class AuditKey:
    """The secret that keys the audit chain (kept outside the database).

    Attributes:
        secret: at least 32 random bytes.
    """

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < _KEY_BYTES:
            raise ValueError(f"an audit key is at least {_KEY_BYTES} bytes")

    @classmethod
    def generate(cls) -> AuditKey:
        """A new random key (``secrets``: the operating system's CSPRNG)."""
        return cls(secrets.token_bytes(_KEY_BYTES))

    @property
    def key_id(self) -> str:
        """A public name of the key (an HMAC of a constant), stored in the database so a
        wrong key file is told apart from tampering; it reveals nothing of the secret."""
        return self.mac("transplant-planner audit key id")[:16]

    def mac(self, text: str) -> str:
        """Hex HMAC-SHA-256 of ``text`` under this key."""
        return hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # never print the secret
        return f"AuditKey(key_id={self.key_id!r})"


# The entity of a row that records an event (a view, a print, an export): no data changed.
EVENT_ENTITY = "event"


@dataclass(frozen=True)
class FieldChange:
    """One changed field of one record.

    Attributes:
        entity: "patient", "transplant", "plan", "event".
        entity_id: the record id.
        field: dotted field name ("weight_kg", "steps[bucy/busulfan].shift").
        old, new: JSON text of the values (None when the record is new or removed).
    """

    entity: str
    entity_id: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class AuditEntry:
    """One stored audit row.

    Attributes:
        seq: position in the chain (1-based).
        at_utc: ISO 8601 UTC time; utc_offset_min: the workstation's offset then.
        user, workstation: who and where.
        action: what the user did ("Move Day 0", "View patient", ...).
        patient_id: whose record (None for clinic-wide events).
        entity, entity_id, field, old, new: the change.
        reason: why, where the action asks for one.
        app_version: the program version that wrote it.
        hash: HMAC-SHA-256 (keyed scheme) or SHA-256 (legacy scheme) over the previous
            hash and this row.
        doc_hash: the hash of the changed document after the change (``document_hash``),
            None for events and legacy rows.
        scheme: ``KEYED_SCHEME`` or ``LEGACY_SCHEME``.
    """

    seq: int
    at_utc: str
    utc_offset_min: int
    user: str
    workstation: str
    action: str
    patient_id: str | None
    entity: str
    entity_id: str
    field: str
    old: str | None
    new: str | None
    reason: str
    app_version: str
    hash: str
    doc_hash: str | None = None
    scheme: str = LEGACY_SCHEME


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def dict_changes(
    entity: str,
    entity_id: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    *,
    ignore: Sequence[str] = ("version",),
    prefix: str = "",
) -> list[FieldChange]:
    """Field-level differences between two flat dicts (None = record absent)."""
    old = old or {}
    new = new or {}
    changes: list[FieldChange] = []
    for key in sorted(set(old) | set(new)):
        if key in ignore:
            continue
        before, after = old.get(key), new.get(key)
        if before != after:
            changes.append(
                FieldChange(
                    entity,
                    entity_id,
                    prefix + key,
                    None if key not in old else _json(before),
                    None if key not in new else _json(after),
                )
            )
    return changes


def plan_changes(
    plan_id: str, old: Mapping[str, Any] | None, new: Mapping[str, Any]
) -> list[FieldChange]:
    """Differences between two plan dicts: top-level fields, then step by step.

    The calendar revision counters are bookkeeping of the changes the rows already record
    (``planner.domain.calendar_revisions``), like the version: not rows of their own. The
    stored plan's hash (``doc_hash``) still covers them."""
    changes = dict_changes(
        "plan",
        plan_id,
        _without_steps(old),
        _without_steps(new),
        ignore=("version", "format", "calendar_revisions"),
    )
    old_steps = {s["id"]: s for s in (old or {}).get("steps", [])}
    new_steps = {s["id"]: s for s in new.get("steps", [])}
    for sid in sorted(set(old_steps) | set(new_steps)):
        if sid not in old_steps:
            changes.append(FieldChange("plan", plan_id, f"steps[{sid}]", None, "added"))
        elif sid not in new_steps:
            changes.append(FieldChange("plan", plan_id, f"steps[{sid}]", "present", None))
        else:
            changes.extend(
                dict_changes(
                    "plan",
                    plan_id,
                    old_steps[sid],
                    new_steps[sid],
                    ignore=(),
                    prefix=f"steps[{sid}].",
                )
            )
    return changes


def _without_steps(d: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {k: v for k, v in d.items() if k != "steps"}


def canonical_row(entry_fields: Mapping[str, Any]) -> str:
    """The canonical JSON of a row's fields (everything except its own hash).

    A legacy row is hashed as it was written, before ``doc_hash`` and ``scheme`` existed.
    """
    if entry_fields.get("scheme", LEGACY_SCHEME) == LEGACY_SCHEME:
        skip = {"hash", "doc_hash", "scheme"}
    else:
        skip = {"hash"}
    return _json({k: v for k, v in entry_fields.items() if k not in skip})


def chain_hash(
    previous_hash: str, entry_fields: Mapping[str, Any], key: AuditKey | None = None
) -> str:
    """The row's hash: HMAC under ``key`` for a keyed row, SHA-256 for a legacy one.

    Raises:
        ValueError: a keyed row and no key.
    """
    text = previous_hash + canonical_row(entry_fields)
    if entry_fields.get("scheme", LEGACY_SCHEME) == LEGACY_SCHEME:
        return hashlib.sha256(text.encode()).hexdigest()
    if key is None:
        raise ValueError("a keyed audit row needs the audit key")
    return key.mac(text)


def _plain(value: Any) -> Any:
    """Values as JSON compares them: 70.0 and 70 are one weight whichever the driver
    returned; True stays true."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def document_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of a stored row's canonical JSON (its version included), for the small
    documents stored as columns (patients, transplants).

    Empty (None) columns are left out, so a migration that adds a nullable column (as
    0003 did) leaves every stored hash valid; a value emptied behind the program's back
    still changes the hash.
    """
    present = {k: v for k, v in document.items() if v is not None}
    return hashlib.sha256(_json(_plain(present)).encode()).hexdigest()


def stored_text_hash(columns: Sequence[Any], text: str) -> str:
    """SHA-256 of a document stored as JSON text (a plan, a clinical record): its key
    columns and the text exactly as stored, so nothing is parsed or re-serialised (a
    200-step plan is hashed in well under a millisecond)."""
    return hashlib.sha256((_json(list(columns)) + "\n" + text).encode()).hexdigest()


@dataclass(frozen=True)
class AuditProblem:
    """One thing ``check`` found wrong, named so that IT can find it.

    Attributes:
        where: "audit row 57", "table plans, id P-1", "anchor beside the database".
        what: what is wrong, as a clause.
        expected, found: the values compared (hashes shortened by ``short``).
        seq: the audit row concerned, when there is one.
    """

    where: str
    what: str
    expected: str
    found: str
    seq: int | None = None

    def sentence(self) -> str:
        """One line: where, what, expected and found."""
        return f"{self.where}: {self.what} (expected {self.expected}, found {self.found})."


def short(digest: str | None) -> str:
    """A hash as shown in messages: its first 16 hex digits."""
    return "nothing" if digest is None else digest[:16]


def chain_problem(entries: Iterable[AuditEntry], key: AuditKey | None) -> AuditProblem | None:
    """The first row whose position, scheme or hash does not fit, or None.

    Everything after a break also breaks, so only the first is worth naming.
    """
    previous = GENESIS_HASH
    keyed_seen = False
    for expected_seq, entry in enumerate(entries, start=1):
        where = f"audit row {entry.seq}"
        if entry.seq != expected_seq:
            return AuditProblem(
                where,
                "rows are missing or out of order",
                f"row {expected_seq}",
                f"row {entry.seq}",
                entry.seq,
            )
        if entry.scheme == LEGACY_SCHEME and keyed_seen:
            return AuditProblem(
                where,
                "an unkeyed row follows keyed rows",
                KEYED_SCHEME,
                entry.scheme,
                entry.seq,
            )
        if entry.scheme not in (LEGACY_SCHEME, KEYED_SCHEME):
            return AuditProblem(
                where,
                "the row names an unknown hash scheme",
                KEYED_SCHEME,
                entry.scheme,
                entry.seq,
            )
        if entry.scheme == KEYED_SCHEME:
            keyed_seen = True
            if key is None:
                return AuditProblem(
                    where,
                    "the rows from here are keyed and the audit key was not found, so they "
                    "cannot be verified",
                    "the key file",
                    "none",
                    entry.seq,
                )
        fields = entry.__dict__
        digest = chain_hash(previous, fields, key)
        if digest != entry.hash:
            return AuditProblem(
                where,
                "the row or the chain before it was changed",
                short(digest),
                short(entry.hash),
                entry.seq,
            )
        previous = entry.hash
    return None


def verify_chain(entries: Sequence[AuditEntry], key: AuditKey | None = None) -> int | None:
    """The seq of the first row whose hash or position does not fit, or None if all fit."""
    problem = chain_problem(entries, key)
    return problem.seq if problem is not None else None


@dataclass(frozen=True)
class Anchor:
    """The head of the chain as last seen, kept outside the database.

    Attributes:
        seq, head: the last row's position and hash.
        mac: HMAC of both under the audit key, so an anchor cannot be moved back to an
            earlier row by someone without the key.
        source: where it was kept ("the anchor beside the database", "backup X").
    """

    seq: int
    head: str
    mac: str
    source: str

    @staticmethod
    def mac_of(key: AuditKey, seq: int, head: str) -> str:
        """The MAC an anchor of ``seq``/``head`` carries."""
        return key.mac(f"anchor|{seq}|{head}")


def anchor_problem(
    entries: Sequence[AuditEntry], anchor: Anchor, key: AuditKey | None
) -> AuditProblem | None:
    """Whether the chain still holds the row an anchor recorded, unchanged."""
    held = 0 < anchor.seq <= len(entries)
    return anchored_row_problem(
        len(entries), entries[anchor.seq - 1] if held else None, anchor, key
    )


def anchored_row_problem(
    rows: int, row: AuditEntry | None, anchor: Anchor, key: AuditKey | None
) -> AuditProblem | None:
    """``anchor_problem`` from the chain's length and its row at the anchor's position
    (None where there is none): a check that reads the chain once, not into a list."""
    if anchor.seq < 0:
        return AuditProblem(
            anchor.source, "the anchor file is damaged", "an anchor", "unreadable text"
        )
    # An anchor without a MAC (a backup recorded before backups carried one) is
    # compared by position only.
    if (
        key is not None
        and anchor.mac
        and not hmac.compare_digest(anchor.mac, Anchor.mac_of(key, anchor.seq, anchor.head))
    ):
        return AuditProblem(
            anchor.source,
            "the anchor was not written with this database's key",
            "a valid anchor",
            "an anchor that does not verify",
        )
    if anchor.seq == 0:
        return None
    if anchor.seq > rows or row is None:
        return AuditProblem(
            anchor.source,
            f"the audit trail ends at row {rows} but row {anchor.seq} was recorded, "
            "so rows were removed from its end",
            f"row {anchor.seq} ({short(anchor.head)})",
            f"{rows} rows",
            anchor.seq,
        )
    if row.seq != anchor.seq or row.hash != anchor.head:
        return AuditProblem(
            anchor.source,
            f"audit row {anchor.seq} differs from the one recorded, so the chain was rewritten",
            short(anchor.head),
            short(row.hash),
            anchor.seq,
        )
    return None


@dataclass(frozen=True)
class StoredDocument:
    """A document as stored now, for the comparison with its last audit row.

    Attributes:
        table: the table it is in ("plans").
        entity, entity_id: as audit rows name it ("plan", "P-1").
        digest: its hash as stored now (``document_hash`` or ``stored_text_hash``).
    """

    table: str
    entity: str
    entity_id: str
    digest: str


def document_problems(
    entries: Sequence[AuditEntry], documents: Iterable[StoredDocument]
) -> list[AuditProblem]:
    """Documents that differ from the hash their last keyed audit row recorded.

    A document with no keyed row at all exists only when rows were added behind the
    program's back (keying a chain records every document then present).
    """
    last: dict[tuple[str, str], AuditEntry] = {}
    for entry in entries:
        if entry.doc_hash is not None:
            last[(entry.entity, entry.entity_id)] = entry
    problems: list[AuditProblem] = []
    seen: set[tuple[str, str]] = set()
    for doc in documents:
        key = (doc.entity, doc.entity_id)
        seen.add(key)
        where = f"table {doc.table}, id {doc.entity_id}"
        found = doc.digest
        row = last.get(key)
        if row is None:
            problems.append(
                AuditProblem(
                    where, "no audit row records this document", "an audit row", short(found)
                )
            )
        elif row.doc_hash != found:
            problems.append(
                AuditProblem(
                    where,
                    f"the document differs from the one audit row {row.seq} recorded, so it "
                    "was changed without an audit row",
                    short(row.doc_hash),
                    short(found),
                    row.seq,
                )
            )
    for (entity, entity_id), row in last.items():
        if (entity, entity_id) not in seen and row.doc_hash != ABSENT_DOCUMENT:
            problems.append(
                AuditProblem(
                    f"{entity} {entity_id}",
                    f"audit row {row.seq} records a document that is no longer stored",
                    short(row.doc_hash),
                    "no row",
                    row.seq,
                )
            )
    return problems


ABSENT_DOCUMENT = "absent"  # the doc_hash of a removal, should one ever be audited
