"""What both repositories share: record dicts, audit-row building, ordering.

The in-memory fake and the SQL store call these same functions, so for the same
sequence of actions they store the same records and write identical audit rows
(same fields, same hashes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from planner import __version__
from planner.domain.accounts import Account, Role, SignInPolicy, account_key
from planner.domain.i18n import tr
from planner.domain.labs import ANALYTES, LabSample
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan
from planner.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from planner.records.audit import (
    EVENT_ENTITY,
    KEYED_SCHEME,
    AuditEntry,
    AuditKey,
    FieldChange,
    chain_hash,
    dict_changes,
    document_hash,
    plan_changes,
    stored_text_hash,
)
from planner.records.ports import RECORD_KINDS, Action, ClinicalRecord
from planner.records.serialize import (
    patient_from_dict,
    patient_to_dict,
    plan_from_dict,
    plan_to_dict,
    transplant_from_dict,
    transplant_to_dict,
)
from planner.storage.quick import POLICY_META_KEY as POLICY_META_KEY
from planner.storage.quick import account_from_stored as account_from_stored
from planner.storage.quick import policy_from_stored as policy_from_stored

LABS_ENTITY = "labs"
LABS_FIELD = "import"
RECORD_ENTITY_PREFIX = "record:"
ACCOUNT_ENTITY = "account"
POLICY_ENTITY = "policy"
POLICY_ID = "sign_in"


def normalise(d: Mapping[str, Any]) -> dict[str, Any]:
    """A dict as it comes back from JSON storage (tuples become lists, and so on)."""
    result: dict[str, Any] = json.loads(json.dumps(d, ensure_ascii=False))
    return result


def dumps(d: Any) -> str:
    """Canonical JSON text for stored documents."""
    return json.dumps(d, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class PendingChange:
    """A field change, the patient it concerns (None for clinic-wide rows) and the hash of
    the changed document after the action (None for events and lab imports)."""

    change: FieldChange
    patient_id: str | None
    doc_hash: str | None = None


def utc_fields(at: dt.datetime) -> tuple[str, int]:
    """ISO 8601 UTC text and the offset in minutes of a timezone-aware time."""
    offset = at.utcoffset()
    if offset is None:
        raise ValueError("Action.at must be a timezone-aware datetime")
    utc = at.astimezone(dt.UTC)
    return utc.isoformat(timespec="microseconds"), int(offset.total_seconds() // 60)


def event_change(action: Action) -> PendingChange | None:
    """The audit row of an action's event text (view, print, export), if any."""
    if not action.event:
        return None
    change = FieldChange(
        EVENT_ENTITY,
        action.patient_id or "",
        "event",
        None,
        json.dumps(action.event, ensure_ascii=False),
    )
    return PendingChange(change, action.patient_id)


def build_entries(
    action: Action,
    pending: Sequence[PendingChange],
    last_seq: int,
    last_hash: str,
    key: AuditKey,
) -> list[AuditEntry]:
    """Audit rows for ``pending`` keyed by ``key``, chained after ``last_seq``/``last_hash``."""
    at_utc, offset_min = utc_fields(action.at)
    entries: list[AuditEntry] = []
    previous = last_hash
    for seq, item in enumerate(pending, start=last_seq + 1):
        fields: dict[str, Any] = {
            "seq": seq,
            "at_utc": at_utc,
            "utc_offset_min": offset_min,
            "user": action.actor.user,
            "workstation": action.actor.workstation,
            "action": action.description,
            "patient_id": item.patient_id,
            "entity": item.change.entity,
            "entity_id": item.change.entity_id,
            "field": item.change.field,
            "old": item.change.old,
            "new": item.change.new,
            "reason": action.reason,
            "app_version": __version__,
            "doc_hash": item.doc_hash,
            "scheme": KEYED_SCHEME,
        }
        digest = chain_hash(previous, fields, key)
        entries.append(AuditEntry(**fields, hash=digest))
        previous = digest
    return entries


def check_action(action: Action) -> None:
    """Programming errors the caller must not make (not user errors)."""
    utc_fields(action.at)
    for kind, records in (
        ("patient", action.patients),
        ("transplant", action.transplants),
        ("plan", action.plans),
    ):
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            raise ValueError(f"an action lists the same {kind} twice")
    keys = [(r.transplant_id, r.kind) for r in action.records]
    if len(set(keys)) != len(keys):
        raise ValueError("an action lists the same clinical record twice")


def check_kind(kind: str) -> None:
    """Refuse a record kind that is not one of ``RECORD_KINDS``."""
    if kind not in RECORD_KINDS:
        raise ValidationError(
            "kind", f"Unknown record kind; expected one of: {', '.join(RECORD_KINDS)}."
        )


def record_body(body: Mapping[str, Any]) -> dict[str, Any]:
    """The body as JSON storage returns it; ``ValidationError`` when JSON cannot hold it."""
    if not isinstance(body, Mapping) or not all(isinstance(k, str) for k in body):
        raise ValidationError("body", "A clinical record's body must be a mapping with text keys.")
    try:
        text = json.dumps(dict(body), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise ValidationError(
            "body",
            "A clinical record holds a value that cannot be stored "
            "(only text, numbers, true/false, lists and mappings).",
        ) from None
    result: dict[str, Any] = json.loads(text)
    return result


def record_from_stored(d: Mapping[str, Any]) -> ClinicalRecord:
    """A ``ClinicalRecord`` from its stored dict (transplant_id, kind, body, version)."""
    return ClinicalRecord(
        transplant_id=str(d["transplant_id"]),
        kind=str(d["kind"]),
        body=d["body"],
        version=int(d["version"]),
    )


def lab_order(sample: LabSample) -> tuple[str, dt.date, str]:
    """By patient, date, analyte (a stable sort keeps insertion order after that)."""
    return (sample.patient_id, sample.date, sample.analyte)


def lab_import_change(action: Action) -> PendingChange | None:
    """The single audit row of an action's lab samples (a PHI import event), if any.

    One row whatever the number of samples (an import is one audited PHI-import event): its
    entity_id is the patient id, or "" when the samples concern several patients.
    """
    samples = action.lab_samples
    if not samples:
        return None
    patient_ids = {smp.patient_id for smp in samples}
    present = {smp.analyte for smp in samples}
    dates = [smp.date for smp in samples]
    summary = {
        "samples": len(samples),
        "analytes": [a for a in ANALYTES if a in present]
        + sorted(a for a in present if a not in ANALYTES),
        "first_date": min(dates).isoformat(),
        "last_date": max(dates).isoformat(),
    }
    single = next(iter(patient_ids)) if len(patient_ids) == 1 else None
    change = FieldChange(LABS_ENTITY, single or "", LABS_FIELD, None, dumps(summary))
    return PendingChange(change, single)


def patient_order(p: Patient) -> tuple[str, str, str]:
    """Family name, then given name (case-insensitive), then id."""
    return (p.family_name.casefold(), p.given_name.casefold(), p.id)


def transplant_order(t: Transplant) -> tuple[str, bool, str, str]:
    """By patient, scheduled before unscheduled, Day 0, id."""
    return (t.patient_id, t.day0 is None, t.day0.isoformat() if t.day0 else "", t.id)


def plan_order(p: Plan) -> tuple[str, str]:
    """By Day 0, then id."""
    return (p.day0.isoformat(), p.id)


def plan_document(plan_dict: Mapping[str, Any]) -> dict[str, Any]:
    """The stored JSON document of a plan dict (its version lives in a column)."""
    return {k: v for k, v in plan_dict.items() if k != "version"}


def plan_columns(plan_dict: Mapping[str, Any]) -> tuple[Any, ...]:
    """The columns of a stored plan besides its document, as its audit hash covers them
    (a Day 0 changed in the column alone would move the plan on the board)."""
    return (plan_dict["id"], plan_dict["transplant_id"], plan_dict["day0"], plan_dict["version"])


def record_columns(transplant_id: str, kind: str, version: int) -> tuple[Any, ...]:
    """The columns of a stored clinical record besides its body, for its audit hash."""
    return (transplant_id, kind, version)


class StoredView(Protocol):
    """Read access to the stored records, inside the committing transaction.

    Every dict is the normalised ``serialize`` form including ``version``.
    """

    def patient(self, patient_id: str) -> dict[str, Any] | None: ...

    def mrn_owner(self, mrn: str) -> str | None: ...

    def existing_patients(self, patient_ids: Sequence[str]) -> set[str]:
        """Which of these patient ids are stored (one query for a whole lab import)."""
        ...

    def transplant(self, transplant_id: str) -> dict[str, Any] | None: ...

    def plan(self, plan_id: str) -> dict[str, Any] | None: ...

    def plan_id_for_transplant(self, transplant_id: str) -> str | None: ...

    def record(self, transplant_id: str, kind: str) -> dict[str, Any] | None:
        """The stored record dict: transplant_id, kind, body (a dict), version."""
        ...

    def accounts(self) -> list[dict[str, Any]]:
        """Every stored account dict (``account_dict``): a handful of rows."""
        ...

    def policy(self) -> dict[str, Any] | None:
        """The stored sign-in policy dict (``policy_dict``), if any."""
        ...


@dataclass(frozen=True)
class Write:
    """One record to insert (``stored_version`` 0) or update, with its new dict (and, for
    a plan, the JSON text to store, computed once for the store and the audit hash)."""

    entity: str
    record_id: str
    insert: bool
    stored_version: int
    new: dict[str, Any]
    text: str = ""


@dataclass(frozen=True)
class RecordWrite:
    """One clinical record to insert (``stored_version`` 0) or update."""

    transplant_id: str
    kind: str
    insert: bool
    stored_version: int
    body: dict[str, Any]
    version: int
    text: str = ""


@dataclass
class PreparedCommit:
    """Everything a repository must write for one action (lab samples: ``action``'s)."""

    patients: list[Write]
    transplants: list[Write]
    plans: list[Write]
    pending: list[PendingChange]
    result_patients: list[Patient]
    result_transplants: list[Transplant]
    result_plans: list[Plan]
    records: list[RecordWrite] = field(default_factory=list)
    result_records: list[ClinicalRecord] = field(default_factory=list)
    accounts: list[Write] = field(default_factory=list)
    result_accounts: list[Account] = field(default_factory=list)
    policy: Write | None = None
    result_policy: SignInPolicy | None = None


def _stored_version(
    entity: str, record_id: str, expected: int, stored: Mapping[str, Any] | None
) -> int:
    actual = int(stored["version"]) if stored is not None else 0
    if actual != expected:
        raise ConflictError(entity, record_id, expected, actual)
    return actual


def prepare_commit(action: Action, view: StoredView) -> PreparedCommit:
    """Check versions and references, and compute the writes and audit changes of an action.

    Raises:
        ConflictError: a record's stored version differs from the one the caller read,
            or a transplant got a second plan.
        NotFoundError: a transplant's patient, a plan's or record's transplant, or a lab
            sample's patient does not exist.
        ValidationError: another patient already has the MRN; an unknown record kind or
            a record body JSON cannot hold.
    """
    check_action(action)
    stored_accounts = view.accounts()
    check_actor(action, stored_accounts)
    prepared = PreparedCommit([], [], [], [], [], [], [])
    event = event_change(action)
    if event is not None:
        prepared.pending.append(event)
    new_patients: dict[str, dict[str, Any]] = {}
    for p in action.patients:
        stored = view.patient(p.id)
        actual = _stored_version("patient", p.id, p.version, stored)
        new = normalise(patient_to_dict(p))
        owner = view.mrn_owner(new["mrn"])
        clash = any(o["mrn"] == new["mrn"] and o["id"] != p.id for o in new_patients.values())
        if clash or (owner is not None and owner != p.id):
            raise ValidationError("mrn", "Another patient already has this MRN.")
        new_patients[p.id] = new
        changes = dict_changes("patient", p.id, stored, new)
        if changes or stored is None:
            new["version"] = actual + 1
            prepared.patients.append(Write("patient", p.id, stored is None, actual, new))
            digest = document_hash(new)
            prepared.pending.extend(PendingChange(c, p.id, digest) for c in changes)
            prepared.result_patients.append(patient_from_dict(new))
        else:
            assert stored is not None
            prepared.result_patients.append(patient_from_dict(stored))
    new_transplants: dict[str, dict[str, Any]] = {}
    for t in action.transplants:
        stored = view.transplant(t.id)
        actual = _stored_version("transplant", t.id, t.version, stored)
        if t.patient_id not in new_patients and view.patient(t.patient_id) is None:
            raise NotFoundError("The transplant's patient is not in the database.")
        new = normalise(transplant_to_dict(t))
        new_transplants[t.id] = new
        changes = dict_changes("transplant", t.id, stored, new)
        if changes or stored is None:
            new["version"] = actual + 1
            prepared.transplants.append(Write("transplant", t.id, stored is None, actual, new))
            digest = document_hash(new)
            prepared.pending.extend(PendingChange(c, t.patient_id, digest) for c in changes)
            prepared.result_transplants.append(transplant_from_dict(new))
        else:
            assert stored is not None
            prepared.result_transplants.append(transplant_from_dict(stored))
    for plan in action.plans:
        stored = view.plan(plan.id)
        actual = _stored_version("plan", plan.id, plan.version, stored)
        transplant = new_transplants.get(plan.transplant_id) or view.transplant(plan.transplant_id)
        if transplant is None:
            raise NotFoundError("The plan's transplant is not in the database.")
        existing = view.plan_id_for_transplant(plan.transplant_id)
        if existing is not None and existing != plan.id:
            other = view.plan(existing)
            raise ConflictError(
                "plan", plan.id, plan.version, int(other["version"]) if other else 0
            )
        new = normalise(plan_to_dict(plan))
        changes = plan_changes(plan.id, stored, new)
        patient_id = str(transplant["patient_id"])
        if changes or stored is None:
            new["version"] = actual + 1
            text = dumps(plan_document(new))
            prepared.plans.append(Write("plan", plan.id, stored is None, actual, new, text))
            digest = stored_text_hash(plan_columns(new), text)
            prepared.pending.extend(PendingChange(c, patient_id, digest) for c in changes)
            prepared.result_plans.append(plan_from_dict(new))
        else:
            assert stored is not None
            prepared.result_plans.append(plan_from_dict(stored))
    for rec in action.records:
        _prepare_record(rec, view, new_transplants, prepared)
    _prepare_labs(action, view, new_patients, prepared)
    _prepare_accounts(action, stored_accounts, prepared)
    _prepare_policy(action, view.policy(), prepared)
    return prepared


def _prepare_labs(
    action: Action, view: StoredView, new_patients: Mapping[str, Any], prepared: PreparedCommit
) -> None:
    missing = {smp.patient_id for smp in action.lab_samples} - set(new_patients)
    if missing and view.existing_patients(sorted(missing)) != missing:
        raise NotFoundError("A lab sample's patient is not in the database.")
    labs = lab_import_change(action)
    if labs is not None:
        prepared.pending.append(labs)


def _prepare_record(
    rec: ClinicalRecord,
    view: StoredView,
    new_transplants: Mapping[str, Mapping[str, Any]],
    prepared: PreparedCommit,
) -> None:
    check_kind(rec.kind)
    stored = view.record(rec.transplant_id, rec.kind)
    actual = stored["version"] if stored is not None else 0
    if actual != rec.version:
        raise ConflictError("record", f"{rec.transplant_id}/{rec.kind}", rec.version, actual)
    transplant = new_transplants.get(rec.transplant_id) or view.transplant(rec.transplant_id)
    if transplant is None:
        raise NotFoundError("The record's transplant is not in the database.")
    body = record_body(rec.body)
    changes = dict_changes(
        RECORD_ENTITY_PREFIX + rec.kind,
        rec.transplant_id,
        stored["body"] if stored is not None else None,
        body,
        ignore=(),
        prefix="",
    )
    if changes or stored is None:
        text = dumps(body)
        prepared.records.append(
            RecordWrite(rec.transplant_id, rec.kind, stored is None, actual, body, actual + 1, text)
        )
        patient_id = str(transplant["patient_id"])
        digest = stored_text_hash(record_columns(rec.transplant_id, rec.kind, actual + 1), text)
        if not changes:  # an empty new record: still one row to hold its hash
            entity = RECORD_ENTITY_PREFIX + rec.kind
            changes = [FieldChange(entity, rec.transplant_id, "body", None, "{}")]
        prepared.pending.extend(PendingChange(c, patient_id, digest) for c in changes)
        prepared.result_records.append(
            ClinicalRecord(rec.transplant_id, rec.kind, body, actual + 1)
        )
    else:
        assert stored is not None
        prepared.result_records.append(record_from_stored(stored))


# --- accounts and the sign-in policy ----------------------------------------------------------


def account_dict(account: Account, version: int) -> dict[str, Any]:
    """The stored form of an account: its fields, its key and its version."""
    return {**account.to_dict(), "key": account.key, "version": version}


def policy_dict(policy: SignInPolicy, version: int) -> dict[str, Any]:
    """The stored form of the sign-in policy (one JSON text in ``meta``)."""
    return {**policy.to_dict(), "version": version}


def _audited_account(d: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What the audit trail shows of an account: never its password hash, only a short
    fingerprint of it, so that a new password is one recorded change."""
    if d is None:
        return None
    shown = {k: v for k, v in d.items() if k not in ("password_hash", "key")}
    pw = str(d.get("password_hash") or "")
    shown["password"] = hashlib.sha256(pw.encode()).hexdigest()[:12] if pw else ""
    return shown


def throttle_key(name: str) -> str:
    """The key failed sign-ins of a typed name are counted under (any text, cut to the
    column's width)."""
    return account_key(name.strip())[:128]


def check_actor(action: Action, stored_accounts: Sequence[Mapping[str, Any]]) -> None:
    """Refuse a commit by someone who is not, now, an active account of the role they
    signed in with (a database with accounts); the first accounts of a database must
    include an active administrator, so that someone can manage the others.

    Raises:
        PermissionDeniedError: one sentence.
    """
    actor = action.actor
    writes = (
        action.patients
        or action.transplants
        or action.plans
        or action.records
        or action.lab_samples
        or action.accounts
        or action.policy
    )
    if action.maintenance and not writes:
        return
    if not stored_accounts:
        if action.accounts and not any(
            a.active and a.role is Role.ADMINISTRATOR for a in action.accounts
        ):
            raise PermissionDeniedError(
                tr("The first account must be an active administrator's, who then adds the others.")
            )
        return
    if actor.role is None:
        raise PermissionDeniedError(tr("This database has accounts: sign in to make changes."))
    key = account_key(actor.user)
    mine = next((d for d in stored_accounts if d["key"] == key), None)
    if mine is None or not mine["active"] or mine["role"] != actor.role.value:
        raise PermissionDeniedError(
            tr(
                "The account {name} was disabled or its role changed since it signed in; "
                "sign in again."
            ).format(name=actor.user)
        )


def _prepare_accounts(
    action: Action, stored_accounts: Sequence[Mapping[str, Any]], prepared: PreparedCommit
) -> None:
    by_key = {str(d["key"]): d for d in stored_accounts}
    after = dict(by_key)
    for account in action.accounts:
        stored = by_key.get(account.key)
        actual = _stored_version(ACCOUNT_ENTITY, account.key, account.version, stored)
        new = normalise(account_dict(account, actual))
        if stored is not None and stored["name"] != account.name:
            raise ValidationError("name", tr("An account's name cannot be changed."))
        changes = dict_changes(
            ACCOUNT_ENTITY,
            account.key,
            _audited_account(stored),
            _audited_account(new),
            ignore=("version",),
        )
        if changes or stored is None:
            new["version"] = actual + 1
            prepared.accounts.append(
                Write(ACCOUNT_ENTITY, account.key, stored is None, actual, new)
            )
            digest = document_hash(new)
            prepared.pending.extend(PendingChange(c, None, digest) for c in changes)
            after[account.key] = new
            prepared.result_accounts.append(account_from_stored(new))
        else:
            assert stored is not None
            prepared.result_accounts.append(account_from_stored(stored))
    had_admin = any(d["active"] and d["role"] == Role.ADMINISTRATOR for d in by_key.values())
    has_admin = any(d["active"] and d["role"] == Role.ADMINISTRATOR for d in after.values())
    if action.accounts and had_admin and not has_admin:
        raise PermissionDeniedError(tr("At least one active administrator account must remain."))


def _prepare_policy(
    action: Action, stored: Mapping[str, Any] | None, prepared: PreparedCommit
) -> None:
    if action.policy is None:
        return
    actual = _stored_version(POLICY_ENTITY, POLICY_ID, action.policy.version, stored)
    new = normalise(policy_dict(action.policy, actual))
    changes = dict_changes(POLICY_ENTITY, POLICY_ID, stored, new, ignore=("version",))
    if not changes and stored is not None:
        prepared.result_policy = policy_from_stored(stored)
        return
    new["version"] = actual + 1
    text = dumps(new)
    prepared.policy = Write(POLICY_ENTITY, POLICY_ID, stored is None, actual, new, text)
    digest = stored_text_hash((POLICY_META_KEY,), text)
    if not changes:
        changes = [FieldChange(POLICY_ENTITY, POLICY_ID, "policy", None, text)]
    prepared.pending.extend(PendingChange(c, None, digest) for c in changes)
    prepared.result_policy = policy_from_stored(new)
