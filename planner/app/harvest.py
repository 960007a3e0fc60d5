"""Use cases for the harvest log: blood CD34+ counts, collections, targets."""

from __future__ import annotations

import datetime as dt

from planner.app.context import Context
from planner.errors import ConflictError, ValidationError
from planner.records.harvest_log import Collection, HarvestLog, PbCd34
from planner.records.ports import Action, ClinicalRecord, Repository


def load_harvest(repo: Repository, transplant_id: str) -> tuple[HarvestLog, int]:
    """The transplant's harvest log and the record version read (0 when new)."""
    transplant = repo.get_transplant(transplant_id)
    record = repo.get_record(transplant_id, "harvest")
    if record is None:
        return HarvestLog.from_body(None, transplant), 0
    return HarvestLog.from_body(record.body, transplant), record.version


def _save_harvest(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    log: HarvestLog,
    version: int,
    description: str,
    reason: str = "",
) -> HarvestLog:
    transplant = repo.get_transplant(transplant_id)
    done = repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description=description,
            reason=reason,
            patient_id=transplant.patient_id,
            records=(ClinicalRecord(transplant_id, "harvest", log.to_body(), version),),
        )
    )
    return HarvestLog.from_body(done.records[0].body, transplant)


def _not_future(date: dt.date, ctx: Context, what: str) -> None:
    if date > ctx.today:
        raise ValidationError("date", f"{what} on {date.isoformat()} is in the future.")


def record_pb_cd34(
    repo: Repository, ctx: Context, transplant_id: str, date: dt.date, value: float, note: str = ""
) -> HarvestLog:
    """Record (or correct) the day's blood CD34+ count (cells/uL); one commit."""
    count = PbCd34(date, value, note)
    _not_future(count.date, ctx, "A blood CD34+ count")
    log, version = load_harvest(repo, transplant_id)
    replaced = any(p.date == count.date for p in log.pb_cd34)
    return _save_harvest(
        repo,
        ctx,
        transplant_id,
        log.with_pb_cd34(count),
        version,
        ("Correct" if replaced else "Record") + " blood CD34+ count",
    )


def add_collection(
    repo: Repository, ctx: Context, transplant_id: str, collection: Collection
) -> HarvestLog:
    """Add a new apheresis collection to the stored log; one commit.

    The log is re-read, so collections another workstation added meanwhile are kept. Give
    the collection a new id (:func:`planner.harvestlog.new_collection_id`).

    Raises:
        ValidationError: the id is already in the stored log (an add never replaces a
            collection; use :func:`edit_collection`), or a value is implausible.
    """
    _not_future(collection.date, ctx, "A collection")
    log, version = load_harvest(repo, transplant_id)
    return _save_harvest(
        repo,
        ctx,
        transplant_id,
        log.with_new_collection(collection),
        version,
        "Add apheresis collection",
    )


def edit_collection(
    repo: Repository, ctx: Context, transplant_id: str, collection: Collection, version: int
) -> HarvestLog:
    """Replace the stored collection with ``collection``'s id; one commit.

    Args:
        version: the version of the harvest record the editor read (``load_harvest``).

    Raises:
        ConflictError: the stored log is newer than ``version`` (changed on another
            workstation); nothing is written.
        ValidationError: no collection with that id, or a value is implausible.
    """
    _not_future(collection.date, ctx, "A collection")
    log, stored_version = load_harvest(repo, transplant_id)
    if stored_version != version:
        raise ConflictError("record", f"{transplant_id}/harvest", version, stored_version)
    if all(c.id != collection.id for c in log.collections):
        raise ValidationError("collection", "That collection is not in the log.")
    # The record carries the version the editor read: the commit refuses it if another
    # workstation saved in between.
    return _save_harvest(
        repo,
        ctx,
        transplant_id,
        log.with_collection(collection),
        version,
        "Edit apheresis collection",
    )


def remove_collection(
    repo: Repository, ctx: Context, transplant_id: str, collection_id: str, reason: str
) -> HarvestLog:
    """Remove a collection entered by mistake (a reason is required); one commit."""
    if not reason.strip():
        raise ValidationError("reason", "Removing a collection needs a reason.")
    log, version = load_harvest(repo, transplant_id)
    if all(c.id != collection_id for c in log.collections):
        raise ValidationError("collection", "That collection is not in the log.")
    return _save_harvest(
        repo,
        ctx,
        transplant_id,
        log.without_collection(collection_id),
        version,
        "Remove apheresis collection",
        reason,
    )


def save_harvest_settings(
    repo: Repository, ctx: Context, transplant_id: str, log: HarvestLog
) -> HarvestLog:
    """Save edited targets and thresholds (the counts and collections stored are kept)."""
    stored, version = load_harvest(repo, transplant_id)
    merged = HarvestLog(
        log.targets,
        log.plerixafor_threshold,
        log.first_day_yield_trigger,
        stored.pb_cd34,
        stored.collections,
    )
    return _save_harvest(repo, ctx, transplant_id, merged, version, "Edit harvest targets")
