"""Calendar files: a patient's dates for their phone, the team's next weeks for the clinic.

A calendar file is patient data leaving the app: it is written all or nothing with its
audit row (``planner.app.audited_output.write_recorded_file``), and names no one unless
asked. Its events keep their UIDs and raise their SEQUENCE when a date moves
(``planner.export.ics``), so importing the file again after Day 0 moved moves the events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from planner.app.audited_output import patients_phrase, write_recorded_file
from planner.app.changes import Change
from planner.app.context import Context
from planner.domain.i18n import tr
from planner.domain.patients import ClinicSettings, Patient
from planner.errors import ValidationError
from planner.export.atomic import export_target
from planner.export.ics import (
    CalendarEvent,
    TeamPlan,
    calendar_bytes,
    patient_calendar_events,
    team_calendar_events,
    transplant_reference,
)
from planner.export.texts import available_languages, load_texts
from planner.records.ports import Repository, Scope

TEAM_DAYS_DEFAULT: Final = 30
TEAM_DAYS_MAX: Final = 366
TEAM_CALENDAR_NAME: Final = "Transplant clinic"


@dataclass(frozen=True)
class CalendarExport:
    """A written calendar file: where, how many events, and its audit row's change."""

    path: Path
    events: int
    change: Change


def _check_language(language: str, settings: ClinicSettings | None) -> None:
    folder = settings.handout_folder if settings is not None else None
    if language not in available_languages(folder):
        raise ValidationError(
            "language",
            tr("There are no patient texts in '{lang}'; use one of: {known}.").format(
                lang=language, known=", ".join(available_languages(folder))
            ),
        )


def patient_calendar(
    repo: Repository,
    transplant_id: str,
    *,
    language: str,
    with_phi: bool,
    stamp: dt.datetime,
    settings: ClinicSettings | None = None,
) -> tuple[bytes, list[CalendarEvent], Patient]:
    """The calendar file of a transplant's plan in the patient handout's words.

    Raises:
        NotFoundError: no such transplant, or it has no plan.
        ValidationError: no patient texts in ``language``.
    """
    _check_language(language, settings)
    transplant = repo.get_transplant(transplant_id)
    patient = repo.get_patient(transplant.patient_id)
    plan = repo.get_plan(transplant_id)
    if plan is None:
        raise ValidationError(
            "plan", tr("This transplant has no plan yet: there are no dates to export.")
        )
    texts = load_texts(language, settings.handout_folder if settings else None).for_programme(
        transplant.transplant_type.value
    )
    events = patient_calendar_events(plan, texts)
    name = texts.get("calendar.heading")
    if with_phi:
        name = f"{name}: {patient.display_name}"
    return calendar_bytes(name, events, stamp), events, patient


def export_patient_calendar(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    out: Path,
    *,
    language: str = "en",
    with_phi: bool = False,
    overwrite: bool = False,
    settings: ClinicSettings | None = None,
) -> CalendarExport:
    """Write a patient's calendar file with its audit row (see ``patient_calendar``).

    Raises:
        UnrecordedOutputError, TargetExistsError, ExportPathError, ExportWriteError: see
            ``write_recorded_file``; nothing is left on disk.
    """
    target = export_target(out.parent, out.name)
    data, events, patient = patient_calendar(
        repo,
        transplant_id,
        language=language,
        with_phi=with_phi,
        stamp=ctx.now,
        settings=settings,
    )
    variant = "with patient data" if with_phi else "without patient data"
    event = f"Export calendar ({len(events)} events, {language}, {variant})"
    change = write_recorded_file(
        repo, ctx, target, data, event, overwrite=overwrite, patient_id=patient.id
    )
    return CalendarExport(target, len(events), change)


def _team_plans(repo: Repository, *, with_phi: bool) -> list[TeamPlan]:
    """The plans of the transplants on the board, each with how the calendar names its
    patient: name and MRN when asked, else a reference that names no one. Read as the
    board reads them (open transplants only: an archive of closed ones is not read)."""
    transplants = {t.id: t for t in repo.list_transplants(scope=Scope.OPEN) if t.is_active}
    patients = {p.id: p for p in repo.list_patients(Scope.OPEN)} if with_phi else {}
    found = []
    for plan in repo.list_plans(Scope.OPEN):
        transplant = transplants.get(plan.transplant_id)
        if transplant is None:
            continue
        patient = patients.get(transplant.patient_id)
        if patient is not None:
            who = f"{patient.display_name} ({patient.mrn})"
        else:
            who = transplant_reference(transplant.id)
        found.append(TeamPlan(plan, who))
    return found


def check_team_days(days: int) -> None:
    """Refuse a number of days a team calendar cannot cover."""
    if not 1 <= days <= TEAM_DAYS_MAX:
        raise ValidationError(
            "days",
            tr("A team calendar covers 1 to {most} days, not {days}.").format(
                most=TEAM_DAYS_MAX, days=days
            ),
        )


def export_team_calendar(
    repo: Repository,
    ctx: Context,
    out: Path,
    *,
    days: int = TEAM_DAYS_DEFAULT,
    with_phi: bool = False,
    overwrite: bool = False,
) -> CalendarExport:
    """Write the clinic's calendar of the next ``days`` days (today included): every
    occurrence of every transplant on the board, with its audit row.

    The file is the window as it is now, meant for a calendar that reads it again in full
    (a subscription): a calendar that imported an earlier file keeps the events that have
    since left the window (moved past it, or of a transplant no longer on the board),
    which an import by UID cannot remove. A patient's calendar has no window: it holds
    every occurrence, and cancels what is no longer planned.

    Raises:
        ValidationError: ``days`` out of range. Writing: see ``export_patient_calendar``.
    """
    check_team_days(days)
    target = export_target(out.parent, out.name)
    first = ctx.today
    last = first + dt.timedelta(days=days - 1)
    plans = _team_plans(repo, with_phi=with_phi)
    events = team_calendar_events(plans, first, last)
    data = calendar_bytes(TEAM_CALENDAR_NAME, events, ctx.now)
    variant = "with patient data" if with_phi else "without patient data"
    event = (
        f"Export team calendar ({days} days, {len(events)} events, "
        f"{patients_phrase(p.plan.transplant_id for p in plans)}, {variant})"
    )
    change = write_recorded_file(repo, ctx, target, data, event, overwrite=overwrite)
    return CalendarExport(target, len(events), change)
