"""The calendar file itself (RFC 5545): all-day events, text escaped and folded, UTC
stamps, cancelled events, UIDs that name no one."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from planner.domain.plans import instantiate
from planner.domain.templates import load_protocols
from planner.export.ics import (
    PATIENT_SCOPE,
    TEAM_SCOPE,
    CalendarEvent,
    TeamPlan,
    calendar_bytes,
    occurrence_uid,
    team_calendar_events,
    transplant_reference,
)

STAMP = dt.datetime(2026, 3, 10, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
TEXT = 'Bring: list, pills; "all" of them\nand the diary. Ñandú ' + "x" * 80


def _event(**kw: object) -> CalendarEvent:
    fields: dict[str, object] = {
        "uid": "u1@transplant-planner",
        "sequence": 3,
        "date": dt.date(2026, 4, 1),
        "summary": TEXT,
        "description": TEXT,
        "cancelled": False,
    }
    fields.update(kw)
    return CalendarEvent(**fields)  # type: ignore[arg-type]


def test_an_all_day_event_with_escaped_folded_text() -> None:
    data = calendar_bytes("Your transplant calendar", [_event()], STAMP)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # octets, RFC 5545 3.1
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert event["dtstart"].params["VALUE"] == "DATE"
    assert event["dtstart"].dt == dt.date(2026, 4, 1)
    assert event["dtend"].dt == dt.date(2026, 4, 2)
    assert str(event["summary"]) == TEXT and str(event["description"]) == TEXT
    assert int(event["sequence"]) == 3
    assert event["dtstamp"].dt == dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    assert (str(event["status"]), str(event["transp"])) == ("CONFIRMED", "TRANSPARENT")


def test_a_cancelled_event_and_a_stamp_without_zone() -> None:
    data = calendar_bytes("x", [_event(cancelled=True)], STAMP)
    assert b"STATUS:CANCELLED" in data
    with pytest.raises(ValueError, match="time zone"):
        calendar_bytes("x", [_event()], STAMP.replace(tzinfo=None))


def test_uids_are_stable_per_occurrence_and_calendar_and_name_no_one() -> None:
    plan = instantiate(load_protocols()["mel200-auto"], dt.date(2026, 4, 1), plan_id="plan-42")
    occ = plan.sorted_occurrences()[0]
    same = instantiate(load_protocols()["mel200-auto"], dt.date(2026, 5, 9), plan_id="plan-42")
    moved = next(o for o in same.sorted_occurrences() if o[:1] == occ[:1])
    assert occurrence_uid(plan, occ, PATIENT_SCOPE) == occurrence_uid(same, moved, PATIENT_SCOPE)
    assert occurrence_uid(plan, occ, PATIENT_SCOPE) != occurrence_uid(plan, occ, TEAM_SCOPE)
    uids = {occurrence_uid(plan, o, PATIENT_SCOPE) for o in plan.occurrences()}
    assert len(uids) == len(list(plan.occurrences()))
    assert all("plan-42" not in uid for uid in uids)


def test_the_team_calendar_keeps_to_its_days() -> None:
    plan = instantiate(load_protocols()["mel200-auto"], dt.date(2026, 4, 1), plan_id="p")
    who = transplant_reference("t1")
    assert who.startswith("T-") and len(who) == 8
    events = team_calendar_events([TeamPlan(plan, who)], dt.date(2026, 3, 30), dt.date(2026, 4, 1))
    assert events and all(dt.date(2026, 3, 30) <= e.date <= dt.date(2026, 4, 1) for e in events)
    assert all(e.summary.startswith(f"{who}: ") for e in events)
    assert any(e.description.startswith("Day 0 · ") for e in events)
