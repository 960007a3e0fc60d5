"""The complications record of a transplant: its episodes, stored as one document.

One ``ClinicalRecord`` of kind "complications" per transplant, one top-level key (one
audited field) per episode id. Also the pure readers of it: board alerts ("aGVHD
grade III since D+21") and timeline bands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from planner.clinical.grading import ROMAN, GradeResult
from planner.domain.days import calendar_date
from planner.domain.i18n import tr, tr_noop
from planner.domain.plans import Plan
from planner.errors import ValidationError
from planner.records.complications import (
    Assessment,
    ComplicationEpisode,
    TreatmentNote,
    episode_summary,
)
from planner.records.ports import COMPLICATIONS, ClinicalRecord

SCHEMA_KEY: Final = "schema"
EPISODE_PREFIX: Final = "ep-"


# Which episode a calculator's result belongs to (``GradeResult.criteria``).
EPISODE_TYPES: Final[Mapping[str, str]] = {
    # The values are stored (the episode's type) and translated where shown.
    "MAGIC acute GVHD": tr_noop("aGVHD"),
    "NIH chronic GVHD global severity": tr_noop("cGVHD"),
    "SOS/VOD severity EBMT adult": tr_noop("SOS/VOD"),
    "ASTCT CRS": tr_noop("CRS"),
    "ASTCT ICANS (adult, ICE)": tr_noop("ICANS"),
    "Febrile neutropenia IDSA": tr_noop("Febrile neutropenia"),
    "Engraftment syndrome Spitzer and Maiolino": tr_noop("Engraftment syndrome"),
    "TA-TMA harmonised": tr_noop("TA-TMA"),
    "Oral mucositis WHO and CTCAE": tr_noop("Mucositis"),
    "Haemorrhagic cystitis": tr_noop("Haemorrhagic cystitis"),
}


def episode_type_for(result: GradeResult) -> str:
    """The episode type of a calculator result ("aGVHD" for MAGIC, ...)."""
    try:
        return EPISODE_TYPES[result.criteria]
    except KeyError:
        raise ValidationError(
            "criteria",
            tr("{criteria} results are not tracked as complication episodes.").format(
                criteria=result.criteria
            ),
        ) from None


def grade_result_from_dict(d: Mapping[str, Any]) -> GradeResult:
    """Rebuild a ``GradeResult`` from ``GradeResult.as_dict()``."""
    try:
        return GradeResult(
            value=d["value"],
            label=str(d["label"]),
            criteria=str(d["criteria"]),
            version=str(d["version"]),
            inputs=dict(d.get("inputs") or {}),
            deciding_rule=str(d["deciding_rule"]),
            notes=tuple(d.get("notes") or ()),
            components=dict(d.get("components") or {}),
            needs_confirmation=bool(d.get("needs_confirmation", False)),
            rank=d.get("rank"),
        )
    except (KeyError, TypeError) as exc:
        raise ValidationError(
            "result", tr("A stored calculator result is incomplete ({error}).").format(error=exc)
        ) from None


def assessment_to_dict(a: Assessment) -> dict[str, Any]:
    """JSON-ready copy of an assessment."""
    return {
        "date": a.date.isoformat(),
        "result": a.result.as_dict(),
        "by": a.by,
        "at": a.at.isoformat(),
        "override_reason": a.override_reason,
    }


def assessment_from_dict(d: Mapping[str, Any]) -> Assessment:
    """Rebuild an assessment."""
    try:
        at = dt.datetime.fromisoformat(str(d["at"]))
        return Assessment(
            date=calendar_date(d["date"], "date"),
            result=grade_result_from_dict(d["result"]),
            by=str(d["by"]),
            at=at,
            override_reason=str(d.get("override_reason", "")),
        )
    except (KeyError, ValueError) as exc:
        raise ValidationError(
            "assessment", tr("A stored assessment is incomplete ({error}).").format(error=exc)
        ) from None


def episode_to_dict(e: ComplicationEpisode) -> dict[str, Any]:
    """JSON-ready copy of an episode."""
    return {
        "type": e.type,
        "onset": e.onset.isoformat(),
        "assessments": [assessment_to_dict(a) for a in e.assessments],
        "treatment_notes": [
            {"date": n.date.isoformat(), "text": n.text} for n in e.treatment_notes
        ],
        "resolution": None if e.resolution is None else e.resolution.isoformat(),
        "resolution_note": e.resolution_note,
    }


def episode_from_dict(d: Mapping[str, Any]) -> ComplicationEpisode:
    """Rebuild an episode (``ValidationError`` when the stored body is malformed)."""
    if not isinstance(d, Mapping):
        raise ValidationError("episode", tr("A stored episode is not a mapping."))
    resolution = d.get("resolution")
    return ComplicationEpisode(
        type=str(d.get("type", "")),
        onset=calendar_date(d.get("onset"), "onset"),
        assessments=tuple(assessment_from_dict(a) for a in d.get("assessments", ())),
        treatment_notes=tuple(
            TreatmentNote(calendar_date(n.get("date"), "date"), str(n.get("text", "")))
            for n in d.get("treatment_notes", ())
        ),
        resolution=None if resolution is None else calendar_date(resolution, "resolution"),
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
        raise ValidationError(
            "episode", tr("There is no complication episode '{id}'.").format(id=episode_id)
        )

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
        episodes = [
            StoredEpisode(str(k), episode_from_dict(v))
            for k, v in record.body.items()
            if k != SCHEMA_KEY
        ]
        episodes.sort(key=lambda s: (s.episode.onset, s.id))
        return cls(transplant_id, tuple(episodes), record.version)

    def with_episode(self, stored: StoredEpisode) -> ComplicationLog:
        """A copy with ``stored`` added or replaced."""
        others = [s for s in self.episodes if s.id != stored.id]
        episodes = sorted([*others, stored], key=lambda s: (s.episode.onset, s.id))
        return replace(self, episodes=tuple(episodes))


def complication_alerts(
    records: Iterable[ClinicalRecord],
    plans: Iterable[Plan],
    today: dt.date,
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
            found[record.transplant_id] = [tr("Complication record cannot be read.")]
            continue
        texts = [
            episode_summary(s.episode, day0)
            for s in log.episodes
            if s.episode.active and s.episode.onset <= today
        ]
        if texts:
            found[record.transplant_id] = texts
    return found


def band_label(episode: ComplicationEpisode) -> str:
    """Short timeline label: "aGVHD III", "cGVHD moderate", "CRS 2"."""
    best = episode.max_grade
    kind = tr(episode.type)
    if best is None:
        return kind
    if best.criteria == "MAGIC acute GVHD" and isinstance(best.value, int):
        return f"{kind} {ROMAN[best.value]}"
    label = best.label.removeprefix("grade ")
    return f"{kind} {label}"


def episode_bands(
    log: ComplicationLog,
    day0: dt.date,
) -> list[tuple[str, dt.date, dt.date | None, str]]:
    """Timeline bands (label, onset, resolution or None while active, description)."""
    return [
        (
            band_label(s.episode),
            s.episode.onset,
            s.episode.resolution,
            episode_summary(s.episode, day0),
        )
        for s in log.episodes
    ]
