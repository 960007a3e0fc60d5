"""Use cases for complication episodes and assessments."""

from __future__ import annotations

import datetime as dt
import uuid

from planner.app.context import Context
from planner.clinical.grading import GradeResult
from planner.errors import ValidationError
from planner.records.complication_log import (
    COMPLICATIONS,
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
from planner.records.ports import Action, ClinicalRecord, Repository


def complication_log(repo: Repository, transplant_id: str) -> ComplicationLog:
    """The stored episodes of a transplant."""
    return ComplicationLog.from_record(transplant_id, repo.get_record(transplant_id, COMPLICATIONS))


def _new_id() -> str:
    return EPISODE_PREFIX + uuid.uuid4().hex[:12]


def _commit_log(
    repo: Repository, ctx: Context, log: ComplicationLog, description: str, reason: str = ""
) -> ComplicationLog:
    patient_id = repo.get_transplant(log.transplant_id).patient_id
    record = ClinicalRecord(log.transplant_id, COMPLICATIONS, log.to_body(), log.version)
    done = repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description=description,
            reason=reason,
            patient_id=patient_id,
            records=(record,),
        )
    )
    return ComplicationLog.from_record(log.transplant_id, done.records[0])


def _check_date(name: str, date: dt.date, ctx: Context) -> None:
    if date > ctx.today:
        raise ValidationError(name, f"The date {date.isoformat()} is in the future.")


def save_assessment(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    result: GradeResult,
    date: dt.date,
    *,
    episode_id: str | None = None,
    override_reason: str = "",
) -> tuple[ComplicationLog, str]:
    """Save a calculator result as a dated assessment, in one commit.

    It extends ``episode_id`` when given, else the active episode of its type, else
    starts a new episode with onset ``date``. A result that needs confirmation
    (e.g. stool volume and episodes disagree) is saved only with an override reason.

    Returns:
        The stored log and the id of the episode that holds the assessment.
    """
    _check_date("date", date, ctx)
    if result.needs_confirmation and not override_reason.strip():
        raise ValidationError(
            "override_reason",
            "The criteria leave this choice to the clinician: confirm the suggested value "
            "with a reason before saving.",
        )
    episode_type = episode_type_for(result)
    log = complication_log(repo, transplant_id)
    assessment = Assessment(
        date=date, result=result, by=ctx.actor.user, at=ctx.now, override_reason=override_reason
    )
    target = log.get(episode_id) if episode_id else log.active_of_type(episode_type)
    if target is None and not result.rank:
        # A negative finding (grade 0, "not met") documents an episode's course; on its own
        # it would open an episode of something the patient does not have.
        raise ValidationError(
            "result",
            f"{result.criteria}: {result.label} is not recorded as a new episode; "
            f"there is no active {episode_type} episode to add it to.",
        )
    if target is None:
        stored = StoredEpisode(_new_id(), new_episode(episode_type, date, assessment=assessment))
        verb = "Start"
    else:
        if target.episode.type != episode_type:
            raise ValidationError(
                "episode",
                f"A {result.criteria} result cannot be added to a {target.episode.type} episode.",
            )
        stored = StoredEpisode(target.id, add_assessment(target.episode, assessment))
        verb = "Add to"
    description = f"{verb} {episode_type} episode: {result.criteria} {result.label}"
    saved = _commit_log(repo, ctx, log.with_episode(stored), description, override_reason)
    return saved, stored.id


def start_episode(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    episode_type: str,
    onset: dt.date,
    note: str = "",
) -> tuple[ComplicationLog, str]:
    """Start an episode by hand (no calculator), in one commit."""
    _check_date("onset", onset, ctx)
    log = complication_log(repo, transplant_id)
    stored = StoredEpisode(_new_id(), new_episode(episode_type, onset, treatment_note=note))
    saved = _commit_log(repo, ctx, log.with_episode(stored), f"Start {stored.episode.type} episode")
    return saved, stored.id


def resolve_episode(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    episode_id: str,
    date: dt.date,
    note: str = "",
) -> ComplicationLog:
    """Resolve an episode on ``date``, in one commit."""
    _check_date("resolution", date, ctx)
    log = complication_log(repo, transplant_id)
    target = log.get(episode_id)
    stored = StoredEpisode(episode_id, resolve(target.episode, date, note))
    return _commit_log(
        repo, ctx, log.with_episode(stored), f"Resolve {target.episode.type} episode", note
    )


def add_episode_note(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    episode_id: str,
    date: dt.date,
    text: str,
) -> ComplicationLog:
    """Add a dated treatment note to an episode, in one commit."""
    _check_date("date", date, ctx)
    log = complication_log(repo, transplant_id)
    target = log.get(episode_id)
    stored = StoredEpisode(episode_id, add_treatment_note(target.episode, date, text))
    return _commit_log(
        repo, ctx, log.with_episode(stored), f"Treatment note on {target.episode.type} episode"
    )
