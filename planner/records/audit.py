"""Audit rows: field-level differences between snapshots, and the tamper-evident hash chain.

Pure functions shared by every repository, so the in-memory fake and the SQL
store write identical audit trails: who, when, old and new value and reason, never altered
(21 CFR Part 11 section 11.10(e); ONC 45 CFR 170.315(d)(2): altered logs must be detectable).
Each row's hash covers the previous row's hash and the row's own canonical JSON,
so an edited, deleted or reordered row breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


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
        hash: SHA-256 over the previous hash and this row.
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
    """Differences between two plan dicts: top-level fields, then step by step."""
    changes = dict_changes(
        "plan",
        plan_id,
        _without_steps(old),
        _without_steps(new),
        ignore=("version", "format"),
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
    """The canonical JSON of a row's fields (everything except its own hash)."""
    return _json({k: v for k, v in entry_fields.items() if k != "hash"})


def chain_hash(previous_hash: str, entry_fields: Mapping[str, Any]) -> str:
    """SHA-256 of the previous hash followed by the row's canonical JSON."""
    return hashlib.sha256((previous_hash + canonical_row(entry_fields)).encode()).hexdigest()


def verify_chain(entries: Sequence[AuditEntry]) -> int | None:
    """The seq of the first row whose hash or position does not fit, or None if all fit."""
    previous = GENESIS_HASH
    for expected_seq, entry in enumerate(entries, start=1):
        fields = entry.__dict__
        if entry.seq != expected_seq or chain_hash(previous, fields) != entry.hash:
            return entry.seq
        previous = entry.hash
    return None
