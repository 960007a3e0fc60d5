"""Use cases for complication episodes and their dated assessments.

* ``save_assessment``: a calculator result (``GradeResult``) becomes a dated
  assessment that starts an episode or extends the active one of its type.
* ``start_episode``, ``resolve_episode``, ``add_episode_note``: episodes by hand.

Each is one commit of the transplant's "complications" record and returns the
``Change``; ``change.subject`` is the episode's id. Values out of physical range never
get here: the calculators refuse them with the allowed range in the message.
"""

from __future__ import annotations

import datetime as dt
import uuid

from planner.app.changes import Change, save_record, stored_record
from planner.app.context import Context
from planner.clinical.grading import GradeResult
from planner.domain.i18n import tr, tr_noop
from planner.errors import ValidationError
from planner.records.complication_log import (
    EPISODE_PREFIX,
    ComplicationLog,
    StoredEpisode,
    episode_type_for,
)
from planner.records.complications import (
    Assessment,
    add_assessment,
    add_treatment_note,
    new_episode,
    resolve,
)
from planner.records.ports import COMPLICATIONS, ClinicalRecord, Repository


def complication_log(repo: Repository, transplant_id: str) -> ComplicationLog:
    """The stored episodes of a transplant."""
    return ComplicationLog.from_record(transplant_id, repo.get_record(transplant_id, COMPLICATIONS))


def _read(repo: Repository, transplant_id: str) -> tuple[ClinicalRecord, ComplicationLog]:
    record = stored_record(repo, transplant_id, COMPLICATIONS)
    return record, ComplicationLog.from_record(transplant_id, record)


def _new_id() -> str:
    return EPISODE_PREFIX + uuid.uuid4().hex[:12]


def _save_episode(
    repo: Repository,
    ctx: Context,
    record: ClinicalRecord,
    edit: StoredEpisode,
    description: str,
    reason: str = "",
) -> Change:
    """Commit the record read (``record``) with ``edit`` in place of the episode of its id."""
    log = ComplicationLog.from_record(record.transplant_id, record).with_episode(edit)
    return save_record(
        repo,
        ctx,
        description,
        record,
        log.to_body(),
        patient_id=repo.get_transplant(record.transplant_id).patient_id,
        reason=reason,
        subject=edit.id,
    )


def save_assessment(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    result: GradeResult,
    date: dt.date,
    *,
    episode_id: str | None = None,
    override_reason: str = "",
) -> Change:
    """Save a calculator result as a dated assessment, in one commit.

    It extends ``episode_id`` when given, else the active episode of its type, else
    starts a new episode with onset ``date``. A result that needs confirmation
    (e.g. stool volume and episodes disagree) is saved only with an override reason.
    ``change.subject`` is the id of the episode that holds the assessment.
    """
    ctx.refuse_future(date, tr_noop("An assessment"))
    # Stored, compared (undo) and audited in English; refusals word the result as shown.
    shown, result = result, result.recorded()
    if result.needs_confirmation and not override_reason.strip():
        raise ValidationError(
            "override_reason",
            tr(
                "The criteria leave this choice to the clinician: confirm the suggested value "
                "with a reason before saving."
            ),
        )
    episode_type = episode_type_for(result)
    record, log = _read(repo, transplant_id)
    assessment = Assessment(
        date=date, result=result, by=ctx.actor.user, at=ctx.now, override_reason=override_reason
    )
    target = log.get(episode_id) if episode_id else log.active_of_type(episode_type)
    if target is None and not result.rank:
        # A negative finding (grade 0, "not met") documents an episode's course; on its own
        # it would open an episode of something the patient does not have.
        raise ValidationError(
            "result",
            tr(
                "{criteria}: {grade} is not recorded as a new episode; "
                "there is no active {episode} episode to add it to."
            ).format(criteria=shown.criteria, grade=shown.label, episode=episode_type),
        )
    if target is None:
        stored = StoredEpisode(_new_id(), new_episode(episode_type, date, assessment=assessment))
        verb = "Start"
    else:
        if target.episode.type != episode_type:
            raise ValidationError(
                "episode",
                tr("A {criteria} result cannot be added to a {episode} episode.").format(
                    criteria=shown.criteria, episode=target.episode.type
                ),
            )
        stored = StoredEpisode(target.id, add_assessment(target.episode, assessment))
        verb = "Add to"
    description = f"{verb} {episode_type} episode: {result.criteria} {result.label}"
    return _save_episode(repo, ctx, record, stored, description, override_reason)


def start_episode(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    episode_type: str,
    onset: dt.date,
    note: str = "",
) -> Change:
    """Start an episode by hand (no calculator), in one commit."""
    ctx.refuse_future(onset, tr_noop("An episode's onset"), "onset")
    record, _ = _read(repo, transplant_id)
    stored = StoredEpisode(_new_id(), new_episode(episode_type, onset, treatment_note=note))
    return _save_episode(repo, ctx, record, stored, f"Start {stored.episode.type} episode")


def resolve_episode(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    episode_id: str,
    date: dt.date,
    note: str = "",
) -> Change:
    """Resolve an episode on ``date``, in one commit."""
    ctx.refuse_future(date, tr_noop("A resolution"), "resolution")
    record, log = _read(repo, transplant_id)
    target = log.get(episode_id)
    stored = StoredEpisode(episode_id, resolve(target.episode, date, note))
    return _save_episode(repo, ctx, record, stored, f"Resolve {target.episode.type} episode", note)


def add_episode_note(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    episode_id: str,
    date: dt.date,
    text: str,
) -> Change:
    """Add a dated treatment note to an episode, in one commit."""
    ctx.refuse_future(date, tr_noop("A treatment note"))
    record, log = _read(repo, transplant_id)
    target = log.get(episode_id)
    stored = StoredEpisode(episode_id, add_treatment_note(target.episode, date, text))
    return _save_episode(
        repo, ctx, record, stored, f"Treatment note on {target.episode.type} episode"
    )
