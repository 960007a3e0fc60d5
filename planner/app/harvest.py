"""Use cases for the harvest log: blood CD34+ counts, collections, targets.

Each reads the transplant's stored "harvest" record, applies one edit and commits it
(one transaction with its audit rows); each returns the ``Change``.
"""

from __future__ import annotations

import datetime as dt

from planner.app.changes import Change, Documents, commit, save_record, stored_record
from planner.app.context import Context
from planner.domain.i18n import tr, tr_noop
from planner.domain.patients import Transplant
from planner.domain.plans import Plan, StepStatus, mark_done
from planner.domain.templates import Phase, StepKind
from planner.errors import ConflictError, ValidationError
from planner.records.harvest_log import Collection, HarvestLog, PbCd34
from planner.records.ports import HARVEST, ClinicalRecord, Repository


def load_harvest(repo: Repository, transplant_id: str) -> tuple[HarvestLog, int]:
    """The transplant's harvest log and the record version read (0 when new)."""
    _, record, log = _read(repo, transplant_id)
    return log, record.version


def _read(repo: Repository, transplant_id: str) -> tuple[Transplant, ClinicalRecord, HarvestLog]:
    transplant = repo.get_transplant(transplant_id)
    record = stored_record(repo, transplant_id, HARVEST)
    return transplant, record, HarvestLog.from_body(record.body, transplant)


def _save(
    repo: Repository,
    ctx: Context,
    transplant: Transplant,
    record: ClinicalRecord,
    log: HarvestLog,
    description: str,
    *,
    reason: str = "",
    subject: str = "",
) -> Change:
    return save_record(
        repo,
        ctx,
        description,
        record,
        log.to_body(),
        patient_id=transplant.patient_id,
        reason=reason,
        subject=subject,
    )


def record_pb_cd34(
    repo: Repository, ctx: Context, transplant_id: str, date: dt.date, value: float, note: str = ""
) -> Change:
    """Record (or correct) the day's blood CD34+ count (cells/uL); one commit."""
    count = PbCd34(date, value, note)
    ctx.refuse_future(count.date, tr_noop("A blood CD34+ count"))
    transplant, record, log = _read(repo, transplant_id)
    replaced = any(p.date == count.date for p in log.pb_cd34)
    verb = "Correct" if replaced else "Record"
    description = f"{verb} blood CD34+ count {count.date.isoformat()}: {value:g}/uL"
    return _save(repo, ctx, transplant, record, log.with_pb_cd34(count), description)


def add_collection(
    repo: Repository, ctx: Context, transplant_id: str, collection: Collection
) -> Change:
    """Add a new apheresis collection to the stored log; one commit.

    The log is read afresh, so collections another workstation added meanwhile are kept.
    Give the collection a new id (``planner.records.harvest_log.new_collection_id``).

    Raises:
        ValidationError: the id is already in the stored log (an add never replaces a
            collection; use ``edit_collection``), or a value is implausible.
    """
    ctx.refuse_future(collection.date, tr_noop("A collection"))
    transplant, record, log = _read(repo, transplant_id)
    new_log = log.with_new_collection(collection)
    plan = repo.get_plan(transplant_id)
    ticked = _tick_apheresis(plan, collection.date, ctx) if plan is not None else None
    if plan is None or ticked is None:
        return _save(
            repo,
            ctx,
            transplant,
            record,
            new_log,
            "Add apheresis collection",
            subject=collection.id,
        )
    # The collection and the plan's apheresis occurrence it fulfils, in one commit (one
    # undo): the plan no longer says "due today" for a collection already recorded.
    return commit(
        repo,
        ctx,
        "Add apheresis collection",
        Documents(plans=(plan,), records=(record,)),
        [
            ClinicalRecord(record.transplant_id, record.kind, new_log.to_body(), record.version),
            ticked,
        ],
        patient_id=transplant.patient_id,
        subject=collection.id,
    )


# How far from its planned date a collection still fulfils a planned apheresis (a day
# moved for a slot or a late count); further away it is another collection day.
APHERESIS_MATCH_DAYS = 3


def _tick_apheresis(plan: Plan, date: dt.date, ctx: Context) -> Plan | None:
    """The plan with the apheresis occurrence nearest ``date`` marked done on ``date``.

    Only planned (not recorded) apheresis procedures of the collection phase within
    ``APHERESIS_MATCH_DAYS`` count (never the cryopreservation that follows); None when
    there is none.
    """
    candidates = [
        occ
        for step in plan.steps
        if step.phase is Phase.COLLECTION
        and step.kind is StepKind.PROCEDURE
        and "apheresis" in f"{step.id} {step.title}".lower()
        for occ in plan.step_occurrences(step)
        if occ.status is StepStatus.PLANNED
        and step.record_for(occ.anchor_day) is None
        and abs((occ.date - date).days) <= APHERESIS_MATCH_DAYS
    ]
    if not candidates:
        return None
    occ = min(candidates, key=lambda o: (abs((o.date - date).days), o.date))
    return mark_done(
        plan,
        occ.step_id,
        occ.anchor_day,
        date,
        by=ctx.actor.user,
        at=ctx.utc_text,
        reason="collection recorded in the Harvest tab",
    )


def edit_collection(
    repo: Repository, ctx: Context, transplant_id: str, collection: Collection, version: int
) -> Change:
    """Replace the stored collection with ``collection``'s id; one commit.

    Args:
        version: the version of the harvest record the editor read.

    Raises:
        ConflictError: the stored log is newer than ``version`` (changed on another
            workstation); nothing is written.
        ValidationError: no collection with that id, or a value is implausible.
    """
    ctx.refuse_future(collection.date, tr_noop("A collection"))
    transplant, record, log = _read(repo, transplant_id)
    if record.version != version:
        raise ConflictError("record", f"{transplant_id}/harvest", version, record.version)
    if all(c.id != collection.id for c in log.collections):
        raise ValidationError("collection", tr("That collection is not in the log."))
    return _save(
        repo,
        ctx,
        transplant,
        record,
        log.with_collection(collection),
        "Edit apheresis collection",
        subject=collection.id,
    )


def remove_collection(
    repo: Repository, ctx: Context, transplant_id: str, collection_id: str, reason: str
) -> Change:
    """Remove a collection entered by mistake (a reason is required); one commit."""
    if not reason.strip():
        raise ValidationError("reason", tr("Removing a collection needs a reason."))
    transplant, record, log = _read(repo, transplant_id)
    if all(c.id != collection_id for c in log.collections):
        raise ValidationError("collection", tr("That collection is not in the log."))
    return _save(
        repo,
        ctx,
        transplant,
        record,
        log.without_collection(collection_id),
        "Remove apheresis collection",
        reason=reason,
        subject=collection_id,
    )


def save_harvest_settings(
    repo: Repository, ctx: Context, transplant_id: str, log: HarvestLog
) -> Change:
    """Save edited targets and thresholds (the counts and collections stored are kept)."""
    transplant, record, stored = _read(repo, transplant_id)
    merged = HarvestLog(
        log.targets,
        log.plerixafor_threshold,
        log.first_day_yield_trigger,
        stored.pb_cd34,
        stored.collections,
    )
    return _save(repo, ctx, transplant, record, merged, "Edit harvest targets")
