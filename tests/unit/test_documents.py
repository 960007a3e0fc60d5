"""Document history: entries, out-of-date messages and the board's alerts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from planner.domain.plans import mark_done, move_step, reanchor, skip_occurrence
from planner.errors import ValidationError
from planner.records.documents import (
    DocumentEntry,
    document_alerts,
    history,
    outdated_documents,
    plan_outdated_documents,
    schedule_fingerprint,
    with_entry,
)
from planner.records.ports import ClinicalRecord
from tests.factories import DAY0, make_plan

PRINTED = dt.date(2026, 3, 10)


def entry(kind="handout", version=1, schedule="", printed_on=PRINTED, **kw) -> DocumentEntry:
    return DocumentEntry(
        kind=kind,
        language=kw.pop("language", "en"),
        large_print=kw.pop("large_print", False),
        no_phi=kw.pop("no_phi", False),
        plan_version=version,
        schedule=schedule,
        printed_on=printed_on,
        **kw,
    )


def record_of(*entries: DocumentEntry, tid="t1") -> ClinicalRecord:
    rec: ClinicalRecord | None = None
    for e in entries:
        rec = with_entry(rec, tid, e)
    assert rec is not None
    return rec


def test_entry_round_trips_through_json_and_holds_no_path_or_patient_data():
    e = entry(language="es", large_print=True, no_phi=True, schedule="abc", output="printer")
    rec = record_of(e)
    assert rec.kind == "documents" and rec.version == 0
    text = json.dumps(rec.body)
    assert set(rec.body["printed"][0]) == {
        "kind",
        "language",
        "large_print",
        "no_phi",
        "plan_version",
        "schedule",
        "printed_on",
        "output",
    }
    assert "/" not in text
    assert history(rec) == [e]


def test_with_entry_appends_and_keeps_the_version_read():
    first = record_of(entry(printed_on=dt.date(2026, 3, 1)))
    stored = dataclasses.replace(first, version=4)
    second = with_entry(stored, "t1", entry())
    assert second.version == 4
    assert [e.printed_on for e in history(second)] == [dt.date(2026, 3, 1), PRINTED]


def test_unknown_kind_is_refused():
    with pytest.raises(ValidationError):
        entry(kind="letter")


def test_no_record_means_nothing_out_of_date():
    assert history(None) == []
    assert outdated_documents(None, 3) == []


def test_handout_goes_out_of_date_when_the_plan_version_moves():
    rec = record_of(entry(version=1))
    assert outdated_documents(rec, 1) == []
    assert outdated_documents(rec, 2) == ["handout of 2026-03-10 is out of date"]


def test_only_the_latest_document_of_each_kind_counts():
    rec = record_of(
        entry(version=1, printed_on=dt.date(2026, 3, 1)), entry(version=2, printed_on=PRINTED)
    )
    assert outdated_documents(rec, 2) == []
    assert outdated_documents(rec, 3) == ["handout of 2026-03-10 is out of date"]


def test_handoff_alerts_too_but_the_team_summary_does_not():
    rec = record_of(
        entry(kind="summary", version=1),
        entry(kind="handoff", version=1),
        entry(kind="handout", version=1),
    )
    assert outdated_documents(rec, 2) == [
        "handout of 2026-03-10 is out of date",
        "hand-off packet of 2026-03-10 is out of date",
    ]


def test_schedule_fingerprint_follows_dates_not_ticks():
    plan = make_plan()
    base = schedule_fingerprint(plan)
    done = mark_done(plan, "test-template/infusion", 0, DAY0, by="nurse", at="2025-03-10T10:00Z")
    assert schedule_fingerprint(done) == base
    moved, _ = reanchor(plan, DAY0 + dt.timedelta(days=2), "bed not free")
    assert schedule_fingerprint(moved) != base
    step_moved, _ = move_step(plan, "test-template/review", 1)
    assert schedule_fingerprint(step_moved) != base
    skipped = skip_occurrence(plan, "test-template/infusion", 0, reason="x", by="nurse", at="t")
    assert schedule_fingerprint(skipped) != base


def test_ticking_a_step_done_does_not_make_the_handout_stale():
    plan = dataclasses.replace(make_plan(), version=1)
    rec = record_of(entry(version=1, schedule=schedule_fingerprint(plan)))
    done = dataclasses.replace(
        mark_done(
            plan,
            "test-template/conditioning",
            -6,
            DAY0 - dt.timedelta(days=6),
            by="nurse",
            at="2025-03-04T10:00Z",
        ),
        version=2,
    )
    assert plan_outdated_documents(rec, done) == []
    moved, _ = reanchor(done, DAY0 + dt.timedelta(days=3), "donor delayed")
    moved = dataclasses.replace(moved, version=3)
    assert plan_outdated_documents(rec, moved) == ["handout of 2026-03-10 is out of date"]


def test_document_alerts_by_transplant_for_the_board():
    p1 = dataclasses.replace(make_plan(), transplant_id="t1", version=2)
    p2 = dataclasses.replace(make_plan(), transplant_id="t2", version=5)
    stale = record_of(entry(version=1), tid="t1")
    fresh = record_of(entry(version=5, schedule=schedule_fingerprint(p2)), tid="t2")
    orphan = record_of(entry(version=1), tid="gone")
    assert document_alerts([stale, fresh, orphan], [p1, p2]) == {
        "t1": ["handout of 2026-03-10 is out of date"]
    }
    assert document_alerts([], [p1]) == {}
