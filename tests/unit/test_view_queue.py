"""Views waiting for their audit row, and the refusal of an output whose row cannot be written."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app.audited_output import (
    UnrecordedOutputError,
    patients_phrase,
    record_output,
    refusal,
)
from planner.app.context import Context
from planner.app.view_queue import VIEW_PATIENT, ViewQueue
from planner.errors import StorageError, ValidationError
from planner.records.ports import Action, Actor, Committed
from planner.storage.memory import InMemoryRepository

T1 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 10, 9, 7, tzinfo=dt.UTC)
ANNA = Actor("anna", "ws-1")
BEN = Actor("ben", "ws-2")
BUSY = "The database is busy; the change was not saved. Try again."


class FaultyRepository(InMemoryRepository):
    """An in-memory repository whose commits fail while ``failing`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = False
        self.attempts = 0

    def commit(self, action: Action) -> Committed:
        self.attempts += 1
        if self.failing:
            raise StorageError(BUSY)
        return super().commit(action)


def _events(repo: InMemoryRepository) -> list[tuple[str, str, str | None, str]]:
    return [
        (e.user, e.at_utc, e.patient_id, e.new) for e in repo.audit_log() if e.entity == "event"
    ]


def test_a_view_is_written_at_once_when_the_database_allows():
    repo, queue = FaultyRepository(), ViewQueue()
    queue.add(Context(ANNA, T1), "p1")
    assert queue.write(repo) == 1
    assert len(queue) == 0 and queue.last_error is None
    [(user, at, patient, event)] = _events(repo)
    assert (user, patient) == ("anna", "p1") and VIEW_PATIENT in event
    assert at.startswith("2026-03-10T09:00:00")


def test_waiting_views_are_written_later_in_order_with_their_own_time_and_user():
    repo, queue = FaultyRepository(), ViewQueue()
    repo.failing = True
    queue.add(Context(ANNA, T1), "p1")
    assert queue.write(repo) == 0
    queue.add(Context(BEN, T2), "p2")
    assert queue.write(repo) == 0
    assert repo.attempts == 2  # stops at the first failure: the later view is not tried
    assert _events(repo) == []
    assert [v.patient_id for v in queue.waiting] == ["p1", "p2"]
    assert str(queue.last_error) == BUSY
    repo.failing = False
    assert queue.write(repo) == 2
    assert len(queue) == 0
    assert [(u, at[:19], p) for u, at, p, _ in _events(repo)] == [
        ("anna", "2026-03-10T09:00:00", "p1"),
        ("ben", "2026-03-10T09:07:00", "p2"),
    ]


def test_an_unexpected_refusal_keeps_the_view_waiting():
    class Refusing(InMemoryRepository):
        def commit(self, action: Action) -> Committed:
            raise ValidationError("event", "Refused for a reason nobody foresaw.")

    queue = ViewQueue()
    queue.add(Context(ANNA, T1), "p1")
    assert queue.write(Refusing()) == 0
    assert len(queue) == 1


def test_the_sentence_about_unwritten_views_gives_count_and_times_only():
    queue = ViewQueue()
    assert queue.unwritten_sentence() == ""
    queue.add(Context(ANNA, T1), "patient-secret-id")
    one = queue.unwritten_sentence()
    assert one.startswith("1 patient view opened at 2026-03-10 09:00 could not be recorded")
    queue.add(Context(ANNA, T2), "patient-secret-id")
    two = queue.unwritten_sentence()
    assert two.startswith("2 patient views opened between 2026-03-10 09:00 and 2026-03-10 09:07")
    assert "not kept after closing" in two
    assert "patient-secret-id" not in one + two


def test_record_output_writes_the_row_or_refuses_in_one_sentence():
    repo = FaultyRepository()
    record_output(
        repo,
        Context(ANNA, T1),
        "Print worklist (3 patients)",
        outcome="The worklist was not printed",
        what="the print",
    )
    assert [e for *_, e in _events(repo)] == ['"Print worklist (3 patients)"']
    repo.failing = True
    with pytest.raises(UnrecordedOutputError) as refused:
        record_output(
            repo,
            Context(ANNA, T2),
            "Print worklist (3 patients)",
            outcome="The worklist was not printed",
            what="the print",
        )
    assert str(refused.value) == (
        "The worklist was not printed, because the print could not be recorded in the "
        "audit trail: the database is busy; the change was not saved. Try again."
    )
    assert len(_events(repo)) == 1


def test_refusal_keeps_the_capitals_of_an_abbreviation():
    exc = refusal("No file was written", "the export", StorageError("SQLite refused the write."))
    assert str(exc).endswith("audit trail: SQLite refused the write.")


def test_patients_phrase_counts_different_patients():
    assert patients_phrase(["a", "b", "a"]) == "2 patients"
    assert patients_phrase(["a"]) == "1 patient"
    assert patients_phrase([]) == "0 patients"
