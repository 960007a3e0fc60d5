"""Use cases for complications and checklists: each user action is one commit.

* ``save_assessment``: a calculator result (``GradeResult``) becomes a dated
  assessment that starts an episode or extends the active one of its type.
* ``start_episode``, ``resolve_episode``, ``add_episode_note``: episodes by hand.
* ``tick_checklist_item``: tick or untick one checklist item.

Episodes are stored in one ``ClinicalRecord`` of kind "complications" per transplant,
one top-level key (one audited field) per episode id; checklists in one record of
kind "checklists" (see ``planner.checklists``). Values out of physical range never
get here: the calculators refuse them with the allowed range in the message.

The pure helpers ``complication_alerts`` (board text such as "aGVHD grade III since
D+21") and ``episode_bands`` (timeline bands) read stored records and plans only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from planner.careplan import Plan
from planner.checklists import (
    ChecklistState,
    ChecklistTemplate,
    checklists_from_body,
    checklists_to_body,
    tick_item,
)
from planner.complications import (
    Assessment,
    ComplicationEpisode,
    TreatmentNote,
    add_assessment,
    add_treatment_note,
    episode_summary,
    new_episode,
    resolve,
)
from planner.errors import ValidationError
from planner.grading import ROMAN, GradeResult
from planner.ports import Action, ClinicalRecord, Repository
from planner.services import Context

COMPLICATIONS: Final = "complications"
CHECKLISTS: Final = "checklists"
SCHEMA_KEY: Final = "schema"
EPISODE_PREFIX: Final = "ep-"

# Which episode a calculator's result belongs to (``GradeResult.criteria``).
EPISODE_TYPES: Final[Mapping[str, str]] = {
    "MAGIC acute GVHD": "aGVHD",
    "NIH chronic GVHD global severity": "cGVHD",
    "SOS/VOD severity EBMT adult": "SOS/VOD",
    "ASTCT CRS": "CRS",
    "ASTCT ICANS (adult, ICE)": "ICANS",
    "Febrile neutropenia IDSA": "Febrile neutropenia",
    "Engraftment syndrome Spitzer and Maiolino": "Engraftment syndrome",
    "TA-TMA harmonised": "TA-TMA",
    "Oral mucositis WHO and CTCAE": "Mucositis",
    "Haemorrhagic cystitis": "Haemorrhagic cystitis",
}


def episode_type_for(result: GradeResult) -> str:
    """The episode type of a calculator result ("aGVHD" for MAGIC, ...)."""
    try:
        return EPISODE_TYPES[result.criteria]
    except KeyError:
        raise ValidationError(
            "criteria", f"{result.criteria} results are not tracked as complication episodes."
        ) from None


# --- (de)serialisation ---------------------------------------------------------------


def _date(name: str, value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValidationError(name, f"The stored {name} is not a date.")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(name, f"The stored {name} '{value}' is not a date.") from None


def grade_result_from_dict(d: Mapping[str, Any]) -> GradeResult:
    """Rebuild a ``GradeResult`` from ``GradeResult.as_dict()``."""
    try:
        return GradeResult(
            value=d["value"], label=str(d["label"]), criteria=str(d["criteria"]),
            version=str(d["version"]), inputs=dict(d.get("inputs") or {}),
            deciding_rule=str(d["deciding_rule"]), notes=tuple(d.get("notes") or ()),
            components=dict(d.get("components") or {}),
            needs_confirmation=bool(d.get("needs_confirmation", False)), rank=d.get("rank"),
        )
    except (KeyError, TypeError) as exc:
        raise ValidationError("result", f"A stored calculator result is incomplete ({exc}).") \
            from None


def assessment_to_dict(a: Assessment) -> dict[str, Any]:
    """JSON-ready copy of an assessment."""
    return {"date": a.date.isoformat(), "result": a.result.as_dict(), "by": a.by,
            "at": a.at.isoformat(), "override_reason": a.override_reason}


def assessment_from_dict(d: Mapping[str, Any]) -> Assessment:
    """Rebuild an assessment."""
    try:
        at = dt.datetime.fromisoformat(str(d["at"]))
        return Assessment(date=_date("date", d["date"]),
                          result=grade_result_from_dict(d["result"]), by=str(d["by"]), at=at,
                          override_reason=str(d.get("override_reason", "")))
    except (KeyError, ValueError) as exc:
        raise ValidationError("assessment", f"A stored assessment is incomplete ({exc}).") \
            from None


def episode_to_dict(e: ComplicationEpisode) -> dict[str, Any]:
    """JSON-ready copy of an episode."""
    return {
        "type": e.type, "onset": e.onset.isoformat(),
        "assessments": [assessment_to_dict(a) for a in e.assessments],
        "treatment_notes": [{"date": n.date.isoformat(), "text": n.text}
                            for n in e.treatment_notes],
        "resolution": None if e.resolution is None else e.resolution.isoformat(),
        "resolution_note": e.resolution_note,
    }


def episode_from_dict(d: Mapping[str, Any]) -> ComplicationEpisode:
    """Rebuild an episode (``ValidationError`` when the stored body is malformed)."""
    if not isinstance(d, Mapping):
        raise ValidationError("episode", "A stored episode is not a mapping.")
    resolution = d.get("resolution")
    return ComplicationEpisode(
        type=str(d.get("type", "")), onset=_date("onset", d.get("onset")),
        assessments=tuple(assessment_from_dict(a) for a in d.get("assessments", ())),
        treatment_notes=tuple(TreatmentNote(_date("date", n.get("date")), str(n.get("text", "")))
                              for n in d.get("treatment_notes", ())),
        resolution=None if resolution is None else _date("resolution", resolution),
        resolution_note=str(d.get("resolution_note", "")),
    )


@dataclass(frozen=True)
class StoredEpisode:
    """An episode with the id it is stored under."""

    id: str
    episode: ComplicationEpisode


@dataclass(frozen=True)
class ComplicationLog:
    """Every episode of one transplant, as stored.

    Attributes:
        transplant_id: whose.
        episodes: by onset date, then id.
        version: the record version read (0 when nothing is stored yet).
    """

    transplant_id: str
    episodes: tuple[StoredEpisode, ...] = ()
    version: int = 0

    def get(self, episode_id: str) -> StoredEpisode:
        """The episode with ``episode_id``."""
        for stored in self.episodes:
            if stored.id == episode_id:
                return stored
        raise ValidationError("episode", f"There is no complication episode '{episode_id}'.")

    def active_of_type(self, episode_type: str) -> StoredEpisode | None:
        """The latest active episode of a type, if any."""
        found = [s for s in self.episodes if s.episode.type == episode_type and s.episode.active]
        return found[-1] if found else None

    def to_body(self) -> dict[str, Any]:
        """The record body: schema plus one key per episode."""
        return {SCHEMA_KEY: 1, **{s.id: episode_to_dict(s.episode) for s in self.episodes}}

    @classmethod
    def from_record(cls, transplant_id: str, record: ClinicalRecord | None) -> ComplicationLog:
        """Read a "complications" record (an empty log when there is none)."""
        if record is None:
            return cls(transplant_id)
        episodes = [StoredEpisode(str(k), episode_from_dict(v)) for k, v in record.body.items()
                    if k != SCHEMA_KEY]
        episodes.sort(key=lambda s: (s.episode.onset, s.id))
        return cls(transplant_id, tuple(episodes), record.version)

    def with_episode(self, stored: StoredEpisode) -> ComplicationLog:
        """A copy with ``stored`` added or replaced."""
        others = [s for s in self.episodes if s.id != stored.id]
        episodes = sorted([*others, stored], key=lambda s: (s.episode.onset, s.id))
        return replace(self, episodes=tuple(episodes))


def complication_log(repo: Repository, transplant_id: str) -> ComplicationLog:
    """The stored episodes of a transplant."""
    return ComplicationLog.from_record(transplant_id, repo.get_record(transplant_id, COMPLICATIONS))


def checklist_states(repo: Repository, transplant_id: str) -> tuple[dict[str, ChecklistState], int]:
    """The stored checklist states of a transplant and the record version."""
    record = repo.get_record(transplant_id, CHECKLISTS)
    if record is None:
        return {}, 0
    return checklists_from_body(record.body), record.version


# --- use cases -----------------------------------------------------------------------


def _new_id() -> str:
    return EPISODE_PREFIX + uuid.uuid4().hex[:12]


def _commit_log(repo: Repository, ctx: Context, log: ComplicationLog, description: str,
                reason: str = "") -> ComplicationLog:
    patient_id = repo.get_transplant(log.transplant_id).patient_id
    record = ClinicalRecord(log.transplant_id, COMPLICATIONS, log.to_body(), log.version)
    done = repo.commit(Action(actor=ctx.actor, at=ctx.now, description=description,
                              reason=reason, patient_id=patient_id, records=(record,)))
    return ComplicationLog.from_record(log.transplant_id, done.records[0])


def _check_date(name: str, date: dt.date, ctx: Context) -> None:
    if date > ctx.today:
        raise ValidationError(name, f"The date {date.isoformat()} is in the future.")


def save_assessment(
    repo: Repository, ctx: Context, transplant_id: str, result: GradeResult, date: dt.date,
    *, episode_id: str | None = None, override_reason: str = "",
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
            "with a reason before saving.")
    episode_type = episode_type_for(result)
    log = complication_log(repo, transplant_id)
    assessment = Assessment(date=date, result=result, by=ctx.actor.user, at=ctx.now,
                            override_reason=override_reason)
    target = log.get(episode_id) if episode_id else log.active_of_type(episode_type)
    if target is None and not result.rank:
        # A negative finding (grade 0, "not met") documents an episode's course; on its own
        # it would open an episode of something the patient does not have.
        raise ValidationError(
            "result", f"{result.criteria}: {result.label} is not recorded as a new episode; "
            f"there is no active {episode_type} episode to add it to.")
    if target is None:
        stored = StoredEpisode(_new_id(), new_episode(episode_type, date, assessment=assessment))
        verb = "Start"
    else:
        if target.episode.type != episode_type:
            raise ValidationError("episode", f"A {result.criteria} result cannot be added to a "
                                  f"{target.episode.type} episode.")
        stored = StoredEpisode(target.id, add_assessment(target.episode, assessment))
        verb = "Add to"
    description = f"{verb} {episode_type} episode: {result.criteria} {result.label}"
    saved = _commit_log(repo, ctx, log.with_episode(stored), description, override_reason)
    return saved, stored.id


def start_episode(
    repo: Repository, ctx: Context, transplant_id: str, episode_type: str, onset: dt.date,
    note: str = "",
) -> tuple[ComplicationLog, str]:
    """Start an episode by hand (no calculator), in one commit."""
    _check_date("onset", onset, ctx)
    log = complication_log(repo, transplant_id)
    stored = StoredEpisode(_new_id(), new_episode(episode_type, onset, treatment_note=note))
    saved = _commit_log(repo, ctx, log.with_episode(stored), f"Start {stored.episode.type} "
                        "episode")
    return saved, stored.id


def resolve_episode(
    repo: Repository, ctx: Context, transplant_id: str, episode_id: str, date: dt.date,
    note: str = "",
) -> ComplicationLog:
    """Resolve an episode on ``date``, in one commit."""
    _check_date("resolution", date, ctx)
    log = complication_log(repo, transplant_id)
    target = log.get(episode_id)
    stored = StoredEpisode(episode_id, resolve(target.episode, date, note))
    return _commit_log(repo, ctx, log.with_episode(stored),
                       f"Resolve {target.episode.type} episode", note)


def add_episode_note(
    repo: Repository, ctx: Context, transplant_id: str, episode_id: str, date: dt.date,
    text: str,
) -> ComplicationLog:
    """Add a dated treatment note to an episode, in one commit."""
    _check_date("date", date, ctx)
    log = complication_log(repo, transplant_id)
    target = log.get(episode_id)
    stored = StoredEpisode(episode_id, add_treatment_note(target.episode, date, text))
    return _commit_log(repo, ctx, log.with_episode(stored),
                       f"Treatment note on {target.episode.type} episode")


def tick_checklist_item(
    repo: Repository, ctx: Context, transplant_id: str, template: ChecklistTemplate,
    item_id: str, *, done: bool, date: dt.date | None, note: str = "",
) -> dict[str, ChecklistState]:
    """Tick (or untick) one checklist item, in one commit; returns every checklist state."""
    states, version = checklist_states(repo, transplant_id)
    at = ctx.now.astimezone(dt.UTC).isoformat(timespec="seconds")
    state = tick_item(template, states.get(template.id), item_id, done=done, date=date,
                      by=ctx.actor.user, at=at, note=note, today=ctx.today)
    states = {**states, template.id: state}
    record = ClinicalRecord(transplant_id, CHECKLISTS, checklists_to_body(states), version)
    patient_id = repo.get_transplant(transplant_id).patient_id
    title = template.item(item_id).short
    repo.commit(Action(actor=ctx.actor, at=ctx.now,
                       description=f"{'Tick' if done else 'Untick'} {template.title}: {title}",
                       reason=note if not done else "", patient_id=patient_id,
                       records=(record,)))
    return states


# --- board and timeline --------------------------------------------------------------


def complication_alerts(
    records: Iterable[ClinicalRecord], plans: Iterable[Plan], today: dt.date,
) -> dict[str, list[str]]:
    """Board alerts by transplant id: one per active episode ("aGVHD grade III since D+21").

    Only episodes with onset on or before ``today`` are shown. A record that cannot be
    read gives one alert saying so instead of failing the board.
    """
    day0s = {p.transplant_id: p.day0 for p in plans}
    found: dict[str, list[str]] = {}
    for record in records:
        day0 = day0s.get(record.transplant_id)
        if record.kind != COMPLICATIONS or day0 is None:
            continue
        try:
            log = ComplicationLog.from_record(record.transplant_id, record)
        except ValidationError:
            found[record.transplant_id] = ["Complication record cannot be read."]
            continue
        texts = [episode_summary(s.episode, day0) for s in log.episodes
                 if s.episode.active and s.episode.onset <= today]
        if texts:
            found[record.transplant_id] = texts
    return found


def band_label(episode: ComplicationEpisode) -> str:
    """Short timeline label: "aGVHD III", "cGVHD moderate", "CRS 2"."""
    best = episode.max_grade
    if best is None:
        return episode.type
    if best.criteria == "MAGIC acute GVHD" and isinstance(best.value, int):
        return f"{episode.type} {ROMAN[best.value]}"
    label = best.label.removeprefix("grade ")
    return f"{episode.type} {label}"


def episode_bands(
    log: ComplicationLog, day0: dt.date,
) -> list[tuple[str, dt.date, dt.date | None, str]]:
    """Timeline bands (label, onset, resolution or None while active, description)."""
    return [(band_label(s.episode), s.episode.onset, s.episode.resolution,
             episode_summary(s.episode, day0)) for s in log.episodes]
