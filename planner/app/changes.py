"""What an edit changed, and how it is undone and redone.

Every use case commits one action and returns a ``Change``: the documents it read
(``before``) and the same documents as stored after the commit (``after``). Views
refresh the parts the change names; the desktop app pushes the change on an undo
stack, and undo and redo are two more audited commits (``undo``, ``redo``) that write
one side's contents over the other, provided the stored documents still hold what the
step left there (else ``ChangedSinceError``: nothing is overwritten). Lab samples are
never deleted: undoing an action that added samples marks them superseded in the
recovery record of each transplant of their patient (the action lists those records
and transplants in ``before``), and its redo takes those marks away again. This is the
one edit path of the program (docs/architecture.md draws it).

A document is a patient, a transplant, a plan or a clinical record; each is identified
by a key (``doc_key``) and carries the version it was read at. ``commit`` writes only
the documents whose content differs, each with the version of the document it
replaces, so a document saved meanwhile by someone else makes the whole action fail
with ``ConflictError`` and nothing is overwritten.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Final, Protocol

from planner.app.context import Context
from planner.domain.accounts import Permission, refusal
from planner.domain.calendar_revisions import revised
from planner.domain.i18n import tr
from planner.domain.labs import LabSample
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import DateChange, Plan, diff_dates
from planner.errors import ChangedSinceError, NotFoundError, PermissionDeniedError, PlannerError
from planner.records.ports import (
    ENGRAFTMENT,
    RECORD_KINDS,
    Action,
    Actor,
    ClinicalRecord,
    Repository,
)

Doc = Patient | Transplant | Plan | ClinicalRecord
DocKey = tuple[str, str]

PATIENT: Final = "patient"
TRANSPLANT: Final = "transplant"
PLAN: Final = "plan"
SAMPLES: Final = "samples"
"""Parts a change can touch, besides the record kinds of ``planner.records.ports``."""
ALL_PARTS: Final = frozenset({PATIENT, TRANSPLANT, PLAN, SAMPLES, *RECORD_KINDS})
"""Every part: what a view shows when it is first built."""


class CarriesChange(Protocol):
    """A use case's result that carries the change it stored, with more (an import's
    report, an export's file)."""

    @property
    def change(self) -> Change | None:
        """What was stored (None: nothing, e.g. a dry run)."""
        ...


def require(actor: Actor, permission: Permission) -> None:
    """Refuse what the actor's role does not permit, in one sentence naming who may.

    Raises:
        PermissionDeniedError: e.g. "A viewer cannot edit clinical records; ask someone
            signed in as a coordinator, nurse or physician."
    """
    refused = refusal(actor.role, permission)
    if refused:
        raise PermissionDeniedError(refused, permission.value)


def change_of(result: Change | CarriesChange) -> Change | None:
    """The change a use case's result stored."""
    return result if isinstance(result, Change) else result.change


def doc_key(doc: Doc) -> DocKey:
    """(part, id): ("patient", patient id), ("plan", transplant id), ("harvest", transplant id)."""
    if isinstance(doc, Patient):
        return PATIENT, doc.id
    if isinstance(doc, Transplant):
        return TRANSPLANT, doc.id
    if isinstance(doc, Plan):
        return PLAN, doc.transplant_id
    return doc.kind, doc.transplant_id


def _with_version(doc: Doc, version: int) -> Doc:
    return doc if doc.version == version else replace(doc, version=version)


def same_content(a: Doc, b: Doc) -> bool:
    """True when two versions of a document hold the same data: versions aside, and a
    plan's calendar revision counters aside (bookkeeping of its changes, like the version:
    an undo writes the old content back with higher counters, and the next undo down
    the stack must still find what it expects)."""
    return _content(a) == _content(b)


def _content(doc: Doc) -> Doc:
    if isinstance(doc, Plan) and doc.calendar_revisions:
        return replace(doc, version=0, calendar_revisions={})
    return _with_version(doc, 0)


@dataclass(frozen=True)
class Documents:
    """A set of documents, at most one per key."""

    patients: tuple[Patient, ...] = ()
    transplants: tuple[Transplant, ...] = ()
    plans: tuple[Plan, ...] = ()
    records: tuple[ClinicalRecord, ...] = ()

    @classmethod
    def of(cls, docs: Iterable[Doc]) -> Documents:
        """The documents of ``docs`` (a later one replaces an earlier one of the same key)."""
        keyed = {doc_key(d): d for d in docs}
        values = list(keyed.values())
        return cls(
            patients=tuple(d for d in values if isinstance(d, Patient)),
            transplants=tuple(d for d in values if isinstance(d, Transplant)),
            plans=tuple(d for d in values if isinstance(d, Plan)),
            records=tuple(d for d in values if isinstance(d, ClinicalRecord)),
        )

    def __iter__(self) -> Iterator[Doc]:
        yield from self.patients
        yield from self.transplants
        yield from self.plans
        yield from self.records

    def keyed(self) -> dict[DocKey, Doc]:
        """The documents by key."""
        return {doc_key(d): d for d in self}

    def merged(self, other: Documents) -> Documents:
        """These documents with ``other``'s in place of the same keys."""
        return Documents.of([*self, *other])


@dataclass(frozen=True)
class Change:
    """What one committed action changed.

    Attributes:
        description: what the user did ("Add apheresis collection"); the undo text.
        before: the documents the action read, as stored before it.
        after: the same documents as stored after it (new versions where written).
        reason: why, where the action asked for a reason.
        patient_id: whose record it is (None for clinic-wide actions).
        samples: lab samples the action added (never updated or deleted).
        subject: the id of what the action created or edited (an episode, a
            collection), so a view can select it; "" when there is none.
        reversible: False for a record of something done in the world (a document
            printed or exported): undo cannot take it back.
        permission: what the action needed; its undo and redo need the same.
    """

    description: str
    before: Documents
    after: Documents
    reason: str = ""
    patient_id: str | None = None
    samples: tuple[LabSample, ...] = ()
    subject: str = ""
    reversible: bool = True
    permission: Permission = Permission.EDIT_CLINICAL

    @cached_property
    def changed_keys(self) -> frozenset[DocKey]:
        """The keys of the documents whose content the action changed."""
        old = self.before.keyed()
        return frozenset(
            key
            for key, doc in self.after.keyed().items()
            if key not in old or not same_content(old[key], doc)
        )

    @cached_property
    def parts(self) -> frozenset[str]:
        """What changed: "patient", "transplant", "plan", record kinds, "samples"."""
        found = {part for part, _ in self.changed_keys}
        return frozenset(found | ({SAMPLES} if self.samples else set()))

    def touches(self, *parts: str) -> bool:
        """True when the change touched any of ``parts``."""
        return not self.parts.isdisjoint(parts)

    @property
    def transplant_ids(self) -> frozenset[str]:
        """Transplants whose plan, transplant or records changed."""
        return frozenset(key for part, key in self.changed_keys if part != PATIENT)

    @property
    def patient_ids(self) -> frozenset[str]:
        """Patients whose details changed or who were given lab samples."""
        edited = {key for part, key in self.changed_keys if part == PATIENT}
        return frozenset(edited | {s.patient_id for s in self.samples})

    @property
    def undoable(self) -> bool:
        """True when undo can write the documents back: something changed, and nothing
        was created that the repository cannot remove (a new patient, transplant or plan).
        A new record can: it is emptied."""
        old = self.before.keyed()
        return (
            self.reversible
            and bool(self.parts)
            and all(
                key in old or isinstance(doc, ClinicalRecord)
                for key, doc in self.after.keyed().items()
                if key in self.changed_keys
            )
        )

    @property
    def date_changes(self) -> list[DateChange]:
        """The dates that moved, when the change touched one plan."""
        old = {p.transplant_id: p for p in self.before.plans}
        moved: list[DateChange] = []
        for plan in self.after.plans:
            if plan.transplant_id in old and (PLAN, plan.transplant_id) in self.changed_keys:
                moved += diff_dates(old[plan.transplant_id], plan)
        return moved

    def merged_with(self, later: Change) -> Change:
        """One change for this one followed by ``later`` (keyboard nudges in a row)."""
        return replace(
            self,
            after=self.after.merged(later.after),
            before=later.before.merged(self.before),
            samples=self.samples + later.samples,
            subject=later.subject or self.subject,
        )


def empty_record(transplant_id: str, kind: str) -> ClinicalRecord:
    """A record not yet stored: an empty body at version 0 (its first save inserts it)."""
    return ClinicalRecord(transplant_id, kind, {}, 0)


def stored_record(repo: Repository, transplant_id: str, kind: str) -> ClinicalRecord:
    """The stored record of that kind, or an empty one at version 0."""
    return repo.get_record(transplant_id, kind) or empty_record(transplant_id, kind)


def commit(
    repo: Repository,
    ctx: Context,
    description: str,
    before: Documents,
    after: Iterable[Doc] | Documents,
    *,
    reason: str = "",
    patient_id: str | None = None,
    samples: tuple[LabSample, ...] = (),
    subject: str = "",
    event: str = "",
    reversible: bool = True,
    permission: Permission | None = None,
) -> Change:
    """Save ``after`` in one audited transaction and return the change.

    Only documents whose content differs from ``before`` are written, each with the
    version of the document of the same key in ``before`` (0 when new), so a document
    saved meanwhile elsewhere fails the whole action with ``ConflictError``.

    This is where every edit is checked against the signed-in role: ``permission`` is
    what the use case needs (default: reading, for an action that only records an
    event such as a view or a print; editing clinical records otherwise).

    Raises:
        PermissionDeniedError: the actor's role does not permit it; nothing is written.
        ConflictError, NotFoundError, ValidationError, StorageError: see
            ``Repository.commit``; nothing is written.
    """
    target = before.merged(after if isinstance(after, Documents) else Documents.of(after))
    old = before.keyed()
    writes = [
        _revised(old.get(key), _with_version(doc, old[key].version if key in old else 0))
        for key, doc in target.keyed().items()
        if key not in old or not same_content(old[key], doc)
    ]
    if permission is None:
        permission = Permission.READ if not writes and not samples else Permission.EDIT_CLINICAL
    if not writes and not samples and not event:
        return Change(
            description, before, target, reason, patient_id, (), subject, reversible, permission
        )
    require_recorded(repo, ctx, permission, description, patient_id)
    written = Documents.of(writes)
    done = repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description=description,
            reason=reason,
            patient_id=patient_id,
            patients=written.patients,
            transplants=written.transplants,
            plans=written.plans,
            records=written.records,
            lab_samples=samples,
            event=event,
        )
    )
    stored = Documents(done.patients, done.transplants, done.plans, done.records)
    return Change(
        description,
        before,
        target.merged(stored),
        reason,
        patient_id,
        samples,
        subject,
        reversible,
        permission,
    )


def _revised(old: Doc | None, new: Doc) -> Doc:
    """A plan with its calendar revision counters raised from the version it replaces
    (``planner.domain.calendar_revisions``): here, so that every edit, undo and redo
    counts, and a write-back of an old version counts as one more change."""
    if isinstance(new, Plan) and isinstance(old, Plan):
        return revised(old, new)
    return new


def require_recorded(
    repo: Repository,
    ctx: Context,
    permission: Permission,
    description: str,
    patient_id: str | None = None,
) -> None:
    """``require``, and a refusal recorded in the audit trail as an event (nothing
    changes), so an audit shows who tried what; a failure to record it never hides the
    refusal itself (an account disabled meanwhile, say).

    Raises:
        PermissionDeniedError: as ``require``.
    """
    try:
        require(ctx.actor, permission)
    except PermissionDeniedError:
        with contextlib.suppress(PlannerError):
            repo.commit(
                Action(
                    actor=ctx.actor,
                    at=ctx.now,
                    description=f"Refused: {description}",
                    patient_id=patient_id,
                    event=f"Refused: {description} (needs the permission to {permission.value})",
                )
            )
        raise


def save_record(
    repo: Repository,
    ctx: Context,
    description: str,
    read: ClinicalRecord,
    body: Mapping[str, Any],
    *,
    patient_id: str,
    reason: str = "",
    subject: str = "",
    event: str = "",
    reversible: bool = True,
    permission: Permission | None = None,
) -> Change:
    """Commit a new ``body`` for the clinical record ``read`` (the version the edit read):
    the commit of every use case that edits one record."""
    return commit(
        repo,
        ctx,
        description,
        Documents(records=(read,)),
        [ClinicalRecord(read.transplant_id, read.kind, body, read.version)],
        reason=reason,
        patient_id=patient_id,
        subject=subject,
        event=event,
        reversible=reversible,
        permission=permission,
    )


def read_documents(repo: Repository, like: Documents) -> Documents:
    """The documents of the same keys as ``like``, as stored now (a record never stored
    reads as an empty one at version 0).

    One batched read per kind of document: the undo of an import for 500 patients read
    its 1,000 documents one query each (0.4 s of its 1.35 s).
    """
    wanted = like.keyed()
    ids: dict[str, list[str]] = {}
    for part, ident in wanted:
        ids.setdefault(part, []).append(ident)
    found: dict[DocKey, Doc] = {}
    found.update((doc_key(p), p) for p in repo.get_patients(ids.get(PATIENT, ())))
    found.update((doc_key(t), t) for t in repo.get_transplants(ids.get(TRANSPLANT, ())))
    found.update((doc_key(p), p) for p in repo.get_plans(ids.get(PLAN, ())))
    kinds = [part for part in ids if part not in (PATIENT, TRANSPLANT, PLAN)]
    if kinds:
        owners = sorted({ident for kind in kinds for ident in ids[kind]})
        found.update((doc_key(r), r) for r in repo.get_records(owners, kinds))
    docs: list[Doc] = []
    for part, ident in wanted:
        doc = found.get((part, ident))
        if doc is not None:
            docs.append(doc)
        elif part == PATIENT:
            docs.append(repo.get_patient(ident))  # raises the store's NotFoundError
        elif part == TRANSPLANT:
            docs.append(repo.get_transplant(ident))
        elif part == PLAN:
            raise NotFoundError(tr("The plan of transplant {id} is not stored.").format(id=ident))
        else:
            docs.append(empty_record(ident, part))
    return Documents.of(docs)


def undo(repo: Repository, ctx: Context, change: Change, expected: Documents) -> Change:
    """Write back what ``change`` replaced.

    Args:
        expected: what the step left stored (``change.after``, or what its last redo
            wrote); the stored documents must still hold that, whatever their version.

    Raises:
        ChangedSinceError: a document was changed since by another edit.
    """
    description = f"Undo: {change.description}"
    if change.samples:
        return _mark_samples(repo, ctx, change, description, superseded=True)
    return _replay(repo, ctx, description, change, expected, change.before)


def redo(repo: Repository, ctx: Context, change: Change, expected: Documents) -> Change:
    """Write ``change``'s documents again after its undo (``expected``: what the undo
    wrote). Raises ``ChangedSinceError`` like ``undo``."""
    if change.samples:
        return _mark_samples(repo, ctx, change, change.description, superseded=False)
    return _replay(repo, ctx, change.description, change, expected, change.after)


def _replay(
    repo: Repository,
    ctx: Context,
    description: str,
    change: Change,
    expected: Documents,
    target: Documents,
) -> Change:
    current = read_documents(repo, target)
    left = expected.keyed()
    for key, doc in current.keyed().items():
        if key in left and not same_content(doc, left[key]):
            raise ChangedSinceError(key[0])
    # An undo or a redo that marks a conditioning dose given again is a dose given now:
    # the double check must stand now, as for the edit itself (planner.app.dose_check).
    from planner.app.dose_check import refuse_unverified  # imports this module

    stored = {p.transplant_id: p for p in current.plans}
    for plan in target.plans:
        if plan.transplant_id in stored:
            refuse_unverified(repo, ctx, stored[plan.transplant_id], plan)
    return commit(
        repo,
        ctx,
        description,
        current,
        target,
        reason=change.reason,
        patient_id=change.patient_id,
        permission=change.permission,
    )


def _mark_samples(
    repo: Repository, ctx: Context, change: Change, description: str, *, superseded: bool
) -> Change:
    """Undo (``superseded``) or redo an action that added lab samples, on the recovery
    records as they are now: its samples are superseded (or no longer), and the
    corrections it made are taken back (or made again). Other marks stay as they are."""
    # Imported here: the recovery record's module loads pandas (engraftment), which the
    # start-up path and every edit without lab samples do without.
    from planner.records.recovery import RecoveryRecord, Superseded

    def marks(docs: Documents, tid: str) -> set[Superseded]:
        found = next((r for r in docs.records if r.transplant_id == tid), None)
        return set(RecoveryRecord.from_body(found.body).superseded) if found else set()

    owner = {t.id: t.patient_id for t in change.before.transplants}
    reason = f"Undo: {change.description}"
    at = ctx.utc_text
    # Each patient's samples found once: an import for 500 patients compared each of its
    # 78,000 samples with every patient's record (9 s to undo, 4 s to redo).
    by_patient: dict[str, list[LabSample]] = {}
    for sample in change.samples:
        by_patient.setdefault(sample.patient_id, []).append(sample)
    current = read_documents(repo, change.before)
    target: list[Doc] = []
    for record in current.records:
        if record.kind != ENGRAFTMENT:
            continue
        tid = record.transplant_id
        made = marks(change.after, tid) - marks(change.before, tid)  # its corrections
        mine = by_patient.get(owner.get(tid, ""), [])
        rec = RecoveryRecord.from_body(record.body)
        if superseded:
            entries = [e for e in rec.superseded if e not in made] + [
                Superseded(s.date, s.analyte, s.value, s.source, reason, ctx.actor.user, at)
                for s in mine
            ]
        else:
            # The entries this undo wrote: the sample each matches (Superseded.matches),
            # by its identifying fields.
            keys = {(s.date, s.analyte, s.value, s.source) for s in mine}
            undone = {
                e
                for e in rec.superseded
                if e.reason == reason and (e.date, e.analyte, e.value, e.source) in keys
            }
            entries = [e for e in rec.superseded if e not in undone] + sorted(
                made, key=lambda e: (e.date, e.analyte, e.source)
            )
        body = replace(rec, superseded=tuple(entries)).to_body()
        target.append(ClinicalRecord(tid, ENGRAFTMENT, body, record.version))
    # A patient record the action updated (a newer creatinine): back, or again, as for
    # any other document, refused when it was changed since.
    left = (change.after if superseded else change.before).keyed()
    wanted = (change.before if superseded else change.after).keyed()
    for patient in current.patients:
        key = doc_key(patient)
        if key in left and not same_content(patient, left[key]):
            raise ChangedSinceError(key[0])
        if key in wanted:
            target.append(wanted[key])
    return commit(
        repo,
        ctx,
        description,
        current,
        target,
        reason=change.reason,
        patient_id=change.patient_id,
        permission=change.permission,
    )
