"""Calendar files (iCalendar, RFC 5545) of a plan that follow Day 0 when imported again.

Each occurrence is one all-day event (``DTSTART;VALUE=DATE``, RFC 5545 3.6.1: a date
without a time is a whole day, whatever the phone's time zone) with:

* a UID that never changes for that occurrence (a hash of the plan and step ids and the
  occurrence's day in its anchor's counting; no name, MRN or diagnosis in it), so a
  calendar that imports the file again updates the event instead of adding a copy;
* a SEQUENCE that grows whenever the occurrence's date, wording or status changed
  (``planner.domain.calendar_revisions``), so that the update wins (RFC 5546 2.1.5);
* ``STATUS:CANCELLED`` for a skipped or cancelled occurrence, so an event shown before
  disappears;
* ``TRANSP:TRANSPARENT``: a whole-day reminder does not block the person's time.

Patient data (name, MRN, diagnosis) only when the caller asks for it. Pure: bytes out,
the export time (``DTSTAMP``) is passed in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from planner.domain.calendar_revisions import sequence
from planner.domain.plans import Occurrence, Plan, StepStatus, by_date_key
from planner.export.handout import patient_events
from planner.export.texts import HandoutTexts

PRODID: Final = "-//Transplant Planner//Transplant Planner//EN"
# Fixed, so a UID made today is the UID made next year (RFC 4122 name-based UUIDs).
_UID_NAMESPACE: Final = uuid.UUID("8f0b6a52-8c1e-4c52-9d8e-3f1c2a7d5e10")
UID_DOMAIN: Final = "transplant-planner"
PATIENT_SCOPE: Final = "patient"
TEAM_SCOPE: Final = "team"
_CANCELLED: Final = frozenset({StepStatus.SKIPPED, StepStatus.CANCELLED})


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event of a calendar file.

    Attributes:
        uid: stable for the occurrence; sequence: its revision number.
        date: the day; summary: the event's title; description: its text.
        cancelled: the occurrence was skipped or cancelled.
    """

    uid: str
    sequence: int
    date: dt.date
    summary: str
    description: str
    cancelled: bool


def occurrence_uid(plan: Plan, occ: Occurrence, scope: str) -> str:
    """The UID of an occurrence's event in a calendar of ``scope`` (a patient's calendar
    and the team's are different calendars and may be imported into one account)."""
    name = f"{scope}/{plan.id}/{occ.step_id}/{occ.anchor_day}"
    return f"{uuid.uuid5(_UID_NAMESPACE, name)}@{UID_DOMAIN}"


def patient_calendar_events(plan: Plan, texts: HandoutTexts) -> list[CalendarEvent]:
    """The events of a patient's calendar: what the handout tells the patient, in its
    words and language, with the day label the patient reads."""
    return [
        CalendarEvent(
            uid=occurrence_uid(plan, e.occurrence, PATIENT_SCOPE),
            sequence=sequence(plan, e.occurrence),
            date=e.occurrence.date,
            summary=e.short,
            description=f"{e.day}. {e.text}" if e.text != e.short else e.day,
            cancelled=e.occurrence.status in _CANCELLED,
        )
        for e in patient_events(plan, texts)
    ]


def transplant_reference(transplant_id: str) -> str:
    """A short reference for a transplant that names no one ("T-3F9A2C"): what a team
    calendar without patient data shows in place of the name."""
    return "T-" + hashlib.sha256(transplant_id.encode()).hexdigest()[:6].upper()


@dataclass(frozen=True)
class TeamPlan:
    """A plan on the team's calendar, with how its patient is named there."""

    plan: Plan
    who: str


def team_calendar_events(
    plans: Iterable[TeamPlan], first: dt.date, last: dt.date
) -> list[CalendarEvent]:
    """Every occurrence of ``plans`` dated ``first`` to ``last``, in the plan's own (English)
    step titles: "<who>: <step>", with the transplant day and the phase."""
    events = []
    for item in plans:
        dated = item.plan.occurrences_dated(first, last)
        for occ in sorted(dated, key=by_date_key):
            events.append(
                CalendarEvent(
                    uid=occurrence_uid(item.plan, occ, TEAM_SCOPE),
                    sequence=sequence(item.plan, occ),
                    date=occ.date,
                    summary=f"{item.who}: {occ.title}",
                    description=" · ".join(
                        (occ.label, _words(occ.phase.value), _words(occ.kind.value))
                    ),
                    cancelled=occ.status in _CANCELLED,
                )
            )
    return events


def _words(slug: str) -> str:
    return slug.replace("-", " ")


def calendar_bytes(name: str, events: Sequence[CalendarEvent], stamp: dt.datetime) -> bytes:
    """The iCalendar file of ``events`` named ``name``; ``stamp`` is the export time (UTC).

    Raises:
        ValueError: ``stamp`` has no time zone (DTSTAMP must be UTC, RFC 5545 3.8.7.2).
    """
    from icalendar import Calendar, Event  # imported when a calendar is written

    if stamp.utcoffset() is None:
        raise ValueError("the calendar's time stamp needs a time zone")
    utc = stamp.astimezone(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", utc)
        event.add("sequence", item.sequence)
        event.add("dtstart", item.date)
        event.add("dtend", item.date + dt.timedelta(days=1))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
