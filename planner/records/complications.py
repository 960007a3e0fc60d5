"""Dated assessments and complication episodes (grading criteria: docs/clinical-sources.md).

An :class:`Assessment` is one calculator result (inputs, criteria, version and
deciding rule live in its :class:`planner.clinical.grading.GradeResult`) with the clinical
date, who assessed and when it was recorded. A :class:`ComplicationEpisode`
collects assessments over time, treatment notes and a resolution date; its
maximum grade follows from the assessments, so it cannot go stale.

Episodes are immutable: ``add_assessment``, ``add_treatment_note`` and ``resolve``
return a new episode. ``episode_summary`` gives the board text, e.g.
"aGVHD grade III since D+21".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from planner.clinical.grading import GradeResult, require_date
from planner.domain.days import short_day_label, transplant_day
from planner.domain.i18n import tr, tr_noop
from planner.errors import ValidationError

MAX_TEXT: int = 2000
# The text fields of an episode, as the refusals name them.
_FIELD_NAMES: dict[str, str] = {
    "type": tr_noop("type"),
    "by": tr_noop("by"),
    "override_reason": tr_noop("override reason"),
    "treatment_note": tr_noop("treatment note"),
    "resolution_note": tr_noop("resolution note"),
}


def _text(name: str, value: object, *, required: bool) -> str:
    field_name = tr(_FIELD_NAMES.get(name, name.replace("_", " ")))
    if not isinstance(value, str):
        raise ValidationError(name, tr("{field} must be text.").format(field=field_name))
    text = value.strip()
    if required and not text:
        raise ValidationError(name, tr("{field} must not be empty.").format(field=field_name))
    if len(text) > MAX_TEXT:
        raise ValidationError(
            name,
            tr("{field} is longer than {n} characters.").format(field=field_name, n=MAX_TEXT),
        )
    return text


@dataclass(frozen=True)
class Assessment:
    """A dated calculator result.

    Attributes:
        date: the clinical date the findings refer to (a calendar date).
        result: the GradeResult (criteria, version, inputs, deciding rule).
        by: who assessed (user name or initials).
        at: when the assessment was recorded (a datetime).
        override_reason: set when the clinician changed the computed value.
    """

    date: dt.date
    result: GradeResult
    by: str
    at: dt.datetime
    override_reason: str = ""

    def __post_init__(self) -> None:
        require_date("date", self.date)
        if not isinstance(self.result, GradeResult):
            raise ValidationError("result", tr("An assessment needs a calculator result."))
        object.__setattr__(self, "by", _text("by", self.by, required=True))
        if not isinstance(self.at, dt.datetime):
            raise ValidationError("at", "The recording time must be a date and time.")
        object.__setattr__(
            self, "override_reason", _text("override_reason", self.override_reason, required=False)
        )

    @property
    def inputs(self) -> object:
        """The inputs of the result (a read-only mapping)."""
        return self.result.inputs


@dataclass(frozen=True)
class TreatmentNote:
    """A dated free-text treatment note on an episode."""

    date: dt.date
    text: str

    def __post_init__(self) -> None:
        require_date("date", self.date)
        object.__setattr__(self, "text", _text("treatment_note", self.text, required=True))


@dataclass(frozen=True)
class ComplicationEpisode:
    """One episode of a complication.

    Attributes:
        type: short name shown on the board ("aGVHD", "cGVHD", "SOS/VOD", "CRS", ...).
        onset: first day of the episode.
        assessments: dated assessments in date order.
        treatment_notes: dated notes.
        resolution: date the episode resolved, or None while active.
        resolution_note: free text given at resolution.
    """

    type: str
    onset: dt.date
    assessments: tuple[Assessment, ...] = ()
    treatment_notes: tuple[TreatmentNote, ...] = ()
    resolution: dt.date | None = None
    resolution_note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", _text("type", self.type, required=True))
        require_date("onset", self.onset)
        object.__setattr__(self, "assessments", tuple(self.assessments))
        object.__setattr__(self, "treatment_notes", tuple(self.treatment_notes))
        for a in self.assessments:
            if not isinstance(a, Assessment):
                raise ValidationError("assessments", tr("Episode assessments must be Assessments."))
            _check_ranked(a)
            if a.date < self.onset:
                raise ValidationError(
                    "assessments",
                    tr("An assessment dated {date} is before the onset {onset}.").format(
                        date=a.date.isoformat(), onset=self.onset.isoformat()
                    ),
                )
        object.__setattr__(
            self, "assessments", tuple(sorted(self.assessments, key=lambda a: (a.date, a.at)))
        )
        if self.resolution is not None:
            require_date("resolution", self.resolution)
            if self.resolution < self.onset:
                raise ValidationError(
                    "resolution",
                    tr("The resolution date {date} is before the onset {onset}.").format(
                        date=self.resolution.isoformat(), onset=self.onset.isoformat()
                    ),
                )
            late = [a for a in self.assessments if a.date > self.resolution]
            if late:
                raise ValidationError(
                    "resolution",
                    tr("The resolution date {date} is before the assessment of {assessed}.").format(
                        date=self.resolution.isoformat(), assessed=late[0].date.isoformat()
                    ),
                )
        object.__setattr__(
            self, "resolution_note", _text("resolution_note", self.resolution_note, required=False)
        )

    @property
    def active(self) -> bool:
        """True until the episode is resolved."""
        return self.resolution is None

    @property
    def max_assessment(self) -> Assessment | None:
        """The assessment with the highest grade (the earliest of equal grades)."""
        best: Assessment | None = None
        for a in self.assessments:
            if best is None or _rank(a) > _rank(best):
                best = a
        return best

    @property
    def max_grade(self) -> GradeResult | None:
        """The highest-graded result so far, or None without assessments."""
        best = self.max_assessment
        return None if best is None else best.result

    @property
    def current_grade(self) -> GradeResult | None:
        """The most recent result, or None without assessments."""
        return self.assessments[-1].result if self.assessments else None


def _check_ranked(assessment: Assessment) -> None:
    if assessment.result.rank is None:
        raise ValidationError(
            "assessment",
            tr("{criteria} gives no grade to track in an episode.").format(
                criteria=assessment.result.criteria
            ),
        )


def _rank(assessment: Assessment) -> int:
    rank = assessment.result.rank
    assert rank is not None  # checked on entry
    return rank


def new_episode(
    type: str,
    onset: dt.date,
    *,
    assessment: Assessment | None = None,
    treatment_note: str = "",
) -> ComplicationEpisode:
    """Start an episode by hand or from an assessment (its date must not precede onset)."""
    start = require_date("onset", onset)
    notes = (TreatmentNote(start, treatment_note),) if treatment_note.strip() else ()
    return ComplicationEpisode(
        type=type,
        onset=start,
        assessments=() if assessment is None else (assessment,),
        treatment_notes=notes,
    )


def add_assessment(episode: ComplicationEpisode, assessment: Assessment) -> ComplicationEpisode:
    """Return the episode with ``assessment`` added; the maximum grade follows.

    Refused for a resolved episode, or an assessment dated before the onset.
    """
    if not isinstance(assessment, Assessment):
        raise ValidationError("assessment", tr("Only an Assessment can be added to an episode."))
    if episode.resolution is not None:
        raise ValidationError(
            "assessment",
            tr(
                "The {episode} episode resolved on {date}; start a new episode for a recurrence."
            ).format(episode=tr(episode.type), date=episode.resolution.isoformat()),
        )
    return replace(episode, assessments=(*episode.assessments, assessment))


def add_treatment_note(
    episode: ComplicationEpisode, date: dt.date, text: str
) -> ComplicationEpisode:
    """Return the episode with a dated treatment note added."""
    note = TreatmentNote(date, text)
    if note.date < episode.onset:
        raise ValidationError("treatment_note", tr("A treatment note cannot predate the onset."))
    return replace(episode, treatment_notes=(*episode.treatment_notes, note))


def resolve(episode: ComplicationEpisode, date: dt.date, note: str = "") -> ComplicationEpisode:
    """Return the episode resolved on ``date`` (not before onset or any assessment)."""
    if episode.resolution is not None:
        raise ValidationError(
            "resolution",
            tr("The {episode} episode already resolved on {date}.").format(
                episode=tr(episode.type), date=episode.resolution.isoformat()
            ),
        )
    return replace(episode, resolution=require_date("resolution", date), resolution_note=note)


def _grade_text(episode_type: str, result: GradeResult) -> str:
    if isinstance(result.value, int) and not isinstance(result.value, bool):
        label = result.label
        if label.lower().startswith("grade "):
            label = label[6:]
        return tr("{episode} grade {grade}").format(episode=episode_type, grade=label)
    return tr("{episode} {grade}").format(episode=episode_type, grade=result.label)


def episode_summary(episode: ComplicationEpisode, day0: dt.date) -> str:
    """Board text: "aGVHD grade III since D+21"; "(now II)" when the latest grade is lower;
    "aGVHD grade III D+21 to D+60 (resolved)" once resolved.

    The stored type ("aGVHD") is translated here, where it is shown; a type typed by hand
    that is not in the catalogue shows as typed.
    """
    since = short_day_label(transplant_day(episode.onset, day0))
    best = episode.max_grade
    kind = tr(episode.type)
    text = kind if best is None else _grade_text(kind, best)
    if episode.resolution is not None:
        until = short_day_label(transplant_day(episode.resolution, day0))
        return tr("{episode} {onset} to {until} (resolved)").format(
            episode=text, onset=since, until=until
        )
    text = tr("{episode} since {onset}").format(episode=text, onset=since)
    current = episode.current_grade
    if best is not None and current is not None and current.rank != best.rank:
        text = tr("{episode} (now {grade})").format(episode=text, grade=current.label)
    return text
