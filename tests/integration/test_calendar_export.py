"""A patient's calendar file follows Day 0: imported again after a move (or an undo), a
calendar program moves its events instead of adding copies, and cancels the ones that
were skipped. The team calendar covers the coming days. Every file has its audit row,
and names no one unless asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from planner.app.audited_output import UnrecordedOutputError
from planner.app.calendars import export_patient_calendar, export_team_calendar
from planner.app.changes import undo
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.plans import move_day0, save_plan
from planner.domain.plans import Plan, StepStatus, skip_occurrence
from planner.errors import StorageError, ValidationError
from planner.export.atomic import TargetExistsError
from planner.records.ports import Repository
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
CTX = Context(ACTOR, NOW)


class PhoneCalendar:
    """What a calendar program keeps of imported files: one event per UID, replaced by a
    copy with a SEQUENCE at least as high (RFC 5546 2.1.5), removed when cancelled."""

    def __init__(self) -> None:
        self.events: dict[str, tuple[int, dt.date, str]] = {}

    def import_file(self, path: Path) -> None:
        for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            uid, seq = str(event["uid"]), int(event["sequence"])
            if uid in self.events and self.events[uid][0] > seq:
                continue  # an older copy: ignored
            if str(event["status"]) == "CANCELLED":
                self.events.pop(uid, None)
                continue
            self.events[uid] = (seq, event["dtstart"].dt, str(event["summary"]))

    def dates(self) -> list[dt.date]:
        return sorted(d for _, d, _ in self.events.values())


@pytest.fixture
def clinic(repo: Repository) -> Repository:
    load_demo_clinic(repo, CTX)
    return repo


def _future_plan(repo: Repository) -> Plan:
    """A plan whose Day 0 is still to come (so it can move)."""
    return max(repo.list_plans(), key=lambda p: (p.day0, p.id))


def _events(path: Path) -> dict[str, tuple[dt.date, int, str]]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {
        str(e["uid"]): (e["dtstart"].dt, int(e["sequence"]), str(e["status"]))
        for e in cal.walk("VEVENT")
    }


def _unfolded(path: Path) -> str:
    """The file's text with RFC 5545 line folding undone."""
    return path.read_bytes().decode("utf-8").replace("\r\n ", "")


def test_after_day0_moves_the_phone_moves_the_events_without_copies(
    clinic: Repository, tmp_path: Path
) -> None:
    plan = _future_plan(clinic)
    out = tmp_path / "calendar.ics"
    export_patient_calendar(clinic, CTX, plan.transplant_id, out)
    phone = PhoneCalendar()
    phone.import_file(out)
    first = _events(out)
    before = phone.dates()

    move_day0(clinic, CTX, plan, plan.day0 + dt.timedelta(days=3), "no bed")
    export_patient_calendar(clinic, CTX, plan.transplant_id, out, overwrite=True)
    second = _events(out)
    phone.import_file(out)

    assert set(second) == set(first)  # the same UIDs: no new events
    moved = [uid for uid in first if first[uid][0] != second[uid][0]]
    assert moved
    for uid in moved:
        assert second[uid][0] == first[uid][0] + dt.timedelta(days=3)
        assert second[uid][1] > first[uid][1]
    assert len(phone.events) == len(before)
    assert phone.dates() != before
    assert sorted(second[uid][0] for uid in phone.events) == phone.dates()


def test_an_undo_moves_the_events_back_with_a_higher_sequence(
    clinic: Repository, tmp_path: Path
) -> None:
    plan = _future_plan(clinic)
    out = tmp_path / "calendar.ics"
    export_patient_calendar(clinic, CTX, plan.transplant_id, out)
    first = _events(out)
    change = move_day0(clinic, CTX, plan, plan.day0 + dt.timedelta(days=2), "no bed")
    export_patient_calendar(clinic, CTX, plan.transplant_id, out, overwrite=True)
    moved = _events(out)
    undo(clinic, CTX, change, change.after)
    export_patient_calendar(clinic, CTX, plan.transplant_id, out, overwrite=True)
    back = _events(out)
    phone = PhoneCalendar()
    for events in (first, moved, back):
        assert set(events) == set(first)
    for uid in first:
        assert back[uid][0] == first[uid][0]
        if moved[uid][0] != first[uid][0]:
            assert back[uid][1] > moved[uid][1] > first[uid][1]
    phone.import_file(out)
    assert len(phone.events) == len([e for e in back.values() if e[2] != "CANCELLED"])


def test_a_skipped_occurrence_is_cancelled_on_the_phone(clinic: Repository, tmp_path: Path) -> None:
    plan = _future_plan(clinic)
    out = tmp_path / "calendar.ics"
    export_patient_calendar(clinic, CTX, plan.transplant_id, out)
    phone = PhoneCalendar()
    phone.import_file(out)
    occ = next(
        o
        for o in plan.sorted_occurrences()
        if o.status is StepStatus.PLANNED and o.kind.value == "visit"
    )
    skipped = skip_occurrence(
        plan, occ.step_id, occ.anchor_day, reason="seen elsewhere", by="jdoe", at=CTX.utc_text
    )
    save_plan(clinic, CTX, plan, skipped, "Skip a visit", reason="seen elsewhere")
    export_patient_calendar(clinic, CTX, plan.transplant_id, out, overwrite=True)
    events = _events(out)
    cancelled = [uid for uid, (_, _, status) in events.items() if status == "CANCELLED"]
    count = len(phone.events)
    phone.import_file(out)
    assert len(phone.events) == count - 1
    assert any(uid not in phone.events for uid in cancelled)


def test_the_file_names_no_one_unless_asked(clinic: Repository, tmp_path: Path) -> None:
    plan = _future_plan(clinic)
    transplant = clinic.get_transplant(plan.transplant_id)
    patient = clinic.get_patient(transplant.patient_id)
    plain, named = tmp_path / "plain.ics", tmp_path / "named.ics"
    export_patient_calendar(clinic, CTX, plan.transplant_id, plain)
    export_patient_calendar(clinic, CTX, plan.transplant_id, named, with_phi=True)
    unfolded = _unfolded(plain)
    for identifier in (patient.mrn, patient.family_name, patient.given_name):
        assert identifier.casefold() not in unfolded.casefold()
    if patient.diagnosis:
        assert patient.diagnosis.casefold() not in unfolded.casefold()
    assert patient.family_name.casefold() in _unfolded(named).casefold()


def test_spanish_texts_and_the_audit_row(clinic: Repository, tmp_path: Path) -> None:
    plan = _future_plan(clinic)
    out = tmp_path / "es.ics"
    result = export_patient_calendar(clinic, CTX, plan.transplant_id, out, language="es")
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(cal["x-wr-calname"]) == "Su calendario de trasplante"
    descriptions = [str(e["description"]) for e in cal.walk("VEVENT")]
    assert any(d.startswith("Día ") for d in descriptions)
    assert result.change.description.startswith("Export calendar (")
    assert "es, without patient data" in result.change.description


def test_an_unknown_language_or_an_existing_file_writes_nothing(
    clinic: Repository, tmp_path: Path
) -> None:
    plan = _future_plan(clinic)
    out = tmp_path / "x.ics"
    with pytest.raises(ValidationError, match="no patient texts in 'xx'"):
        export_patient_calendar(clinic, CTX, plan.transplant_id, out, language="xx")
    assert not out.exists()
    out.write_text("mine")
    with pytest.raises(TargetExistsError):
        export_patient_calendar(clinic, CTX, plan.transplant_id, out)
    assert out.read_text() == "mine"


def test_no_file_without_its_audit_row(
    clinic: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _future_plan(clinic)

    def refuse(*_: object, **__: object) -> object:
        raise StorageError("The disk is full.")

    monkeypatch.setattr(clinic, "commit", refuse)
    with pytest.raises(UnrecordedOutputError, match="No file was written"):
        export_patient_calendar(clinic, CTX, plan.transplant_id, tmp_path / "x.ics")
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("planner.db")] == []


def test_the_team_calendar_covers_the_coming_days_of_every_patient(
    clinic: Repository, tmp_path: Path
) -> None:
    out = tmp_path / "team.ics"
    result = export_team_calendar(clinic, CTX, out, days=14)
    events = _events(out)
    assert result.events == len(events) > 0
    dates = {d for d, _, _ in events.values()}
    assert min(dates) >= CTX.today
    assert max(dates) <= CTX.today + dt.timedelta(days=13)
    text = _unfolded(out).casefold()
    for patient in clinic.list_patients():
        assert patient.mrn.casefold() not in text
        assert patient.family_name.casefold() not in text
    named = tmp_path / "named.ics"
    export_team_calendar(clinic, CTX, named, days=14, with_phi=True)
    assert "(DEMO-" in named.read_text(encoding="utf-8")
    with pytest.raises(ValidationError, match="1 to 366 days"):
        export_team_calendar(clinic, CTX, tmp_path / "no.ics", days=0)


def test_edits_undone_and_redone_in_turn_each_raise_the_sequence(
    clinic: Repository, tmp_path: Path
) -> None:
    from planner.app.changes import redo
    from planner.domain.plans import move_step
    from planner.export.ics import PATIENT_SCOPE, occurrence_uid

    plan = _future_plan(clinic)
    out = tmp_path / "c.ics"
    export_patient_calendar(clinic, CTX, plan.transplant_id, out)
    shown = _events(out)
    occ = next(
        o
        for o in plan.sorted_occurrences()
        if o.status is StepStatus.PLANNED
        and o.date > CTX.today
        and occurrence_uid(plan, o, PATIENT_SCOPE) in shown
    )
    step = plan.step(occ.step_id)
    uid = occurrence_uid(plan, occ, PATIENT_SCOPE)
    seen = [_events(out)[uid]]

    def look() -> None:
        export_patient_calendar(clinic, CTX, plan.transplant_id, out, overwrite=True)
        seen.append(_events(out)[uid])

    changes = []
    for delta in (1, 2):
        current = clinic.get_plan(plan.transplant_id)
        assert current is not None
        moved, _ = move_step(current, step.id, delta)
        changes.append(save_plan(clinic, CTX, current, moved, f"Move {step.title}"))
        look()
    steps = []
    for change in reversed(changes):  # undo the second, then the first
        steps.append(undo(clinic, CTX, change, change.after))
        look()
    for change, undone in zip(changes, reversed(steps), strict=True):  # redo both
        redo(clinic, CTX, change, undone.after)
        look()
    dates = [d for d, _, _ in seen]
    assert dates == [dates[0] + dt.timedelta(days=n) for n in (0, 1, 3, 1, 0, 1, 3)]
    # Six changes of that occurrence, each seen by a calendar as newer than the last.
    sequences = [q for _, q, _ in seen]
    assert all(a < b for a, b in zip(sequences, sequences[1:], strict=False)), sequences
