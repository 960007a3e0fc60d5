"""Batched reads of a part of the clinic: one query per table for any set of ids.

Every Repository (in-memory fake, SQLite, PostgreSQL) answers a batched read as the
one-document reads would, whatever the transplants' status, in the same order as the
clinic-wide lists; ids not stored are left out, and an empty set reads nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from planner.app.changes import Documents, empty_record, read_documents
from planner.app.clinic import clinic_view_of, closed_matching, load_clinic
from planner.domain.patients import TransplantStatus, with_status
from planner.domain.plans import dates_an_anchor
from planner.errors import NotFoundError, StorageError, ValidationError
from planner.records.checklists import plan_anchors
from planner.records.ports import RECORD_KINDS, Repository, Scope
from planner.storage.sql import IN_CHUNK, SqlRepository
from tests.integration.factories import action, lab, patient, plan, record, transplant

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def clinic(repo: Repository) -> Repository:
    """p1 with t1 (open); p2 with t2 (completed); p3 with t3 (planned); p4, no transplant.
    Harvest records for t1 and t2, engraftment for t1; counts of p1, p2 and p3."""
    done = with_status(
        with_status(
            transplant("t2", "p2"), TransplantStatus.ACTIVE, dt.date(2026, 4, 1), "", today=TODAY
        ),
        TransplantStatus.COMPLETED,
        dt.date(2026, 6, 1),
        "closed for the test",
        today=TODAY,
    )
    repo.commit(
        action(
            "Seed",
            patients=(
                patient("p1", "001"),
                patient("p2", "002", family="Second"),
                patient("p3", "003", family="Third"),
                patient("p4", "004", family="Fourth"),
            ),
            transplants=(transplant("t1", "p1"), done, transplant("t3", "p3")),
            plans=(plan("pl1", "t1"), plan("pl2", "t2")),
            records=(
                record("harvest", "t1"),
                record("harvest", "t2"),
                record("engraftment", "t1"),
            ),
            lab_samples=(
                lab("p1", mrn="001"),
                lab("p1", mrn="001", day=dt.date(2026, 4, 9)),
                lab("p2", mrn="002"),
                lab("p3", mrn="003", analyte="plt", value=20.0),
            ),
        )
    )
    return repo


def test_batched_reads_equal_the_single_reads(clinic: Repository) -> None:
    assert clinic.get_transplants(["t2", "t1", "t3"]) == sorted(
        (clinic.get_transplant(t) for t in ("t1", "t2", "t3")),
        key=lambda t: [x.id for x in clinic.list_transplants()].index(t.id),
    )
    assert clinic.get_patients(["p3", "p1"]) == [clinic.get_patient("p1"), clinic.get_patient("p3")]
    assert clinic.get_plans(["t1", "t2", "t3"]) == [clinic.get_plan("t1"), clinic.get_plan("t2")]
    assert clinic.get_records(["t2", "t1", "t3"]) == [
        clinic.get_record("t1", "engraftment"),
        clinic.get_record("t1", "harvest"),
        clinic.get_record("t2", "harvest"),
    ]


def test_ids_not_stored_are_left_out_and_an_empty_set_reads_nothing(clinic: Repository) -> None:
    assert [t.id for t in clinic.get_transplants(["t1", "nope"])] == ["t1"]
    assert [p.id for p in clinic.get_patients(["nope", "p4"])] == ["p4"]
    assert clinic.get_plans(["t3", "nope"]) == []  # t3 has no plan
    assert clinic.get_records(["nope"]) == []
    assert clinic.get_transplants([]) == clinic.get_patients([]) == []
    assert clinic.get_plans([]) == clinic.get_records([]) == []
    assert clinic.list_lab_samples(patient_ids=[]) == []


def test_records_of_some_kinds_only_and_an_unknown_kind_refused(clinic: Repository) -> None:
    assert [(r.transplant_id, r.kind) for r in clinic.get_records(["t1"], ("harvest",))] == [
        ("t1", "harvest")
    ]
    with pytest.raises(ValidationError):
        clinic.get_records(["t1"], ("harvest", "horoscope"))


def test_transplants_of_a_set_of_patients(clinic: Repository) -> None:
    assert clinic.list_transplants(patient_ids=["p3", "p2", "p4"]) == [
        clinic.get_transplant("t2"),
        clinic.get_transplant("t3"),
    ]
    assert clinic.list_transplants(patient_ids=[]) == []
    assert clinic.list_transplants(scope=Scope.OPEN, patient_ids=["p1", "p2"]) == [
        clinic.get_transplant("t1")
    ]


def test_samples_of_a_set_of_patients_keep_the_store_order(clinic: Repository) -> None:
    everyone = clinic.list_lab_samples()
    some = clinic.list_lab_samples(patient_ids=["p3", "p1"])
    assert some == [s for s in everyone if s.patient_id in {"p1", "p3"}]
    assert [s.patient_id for s in some] == ["p1", "p1", "p3"]
    assert clinic.list_lab_samples(analytes=("plt",), patient_ids=["p1", "p3"]) == [
        s for s in everyone if s.analyte == "plt"
    ]
    # Combined with the one-patient filter, both apply.
    assert clinic.list_lab_samples("p1", patient_ids=["p3"]) == []


def test_a_part_read_in_batches_gives_the_rows_of_the_whole(clinic: Repository) -> None:
    whole = clinic_view_of(load_clinic(clinic), TODAY)
    part = clinic_view_of(load_clinic(clinic, {"t1", "t3"}), TODAY)
    assert part.rows == whole.rows
    assert part.worklist == whole.worklist
    assert part.engrafted == whole.engrafted


def test_documents_in_hand_are_used_instead_of_the_stored_ones(clinic: Repository) -> None:
    stored = clinic.get_patient("p1")
    edited = dataclasses.replace(stored, family_name="Renamed")
    unsaved = record("complications", "t1")  # version 0: never stored
    data = load_clinic(clinic, {"t1"}, Documents(patients=(edited,), records=(unsaved,)))
    assert [p.family_name for p in data.patients] == ["Renamed"]
    assert data.records["complications"] == []
    assert sorted(r.kind for kind in RECORD_KINDS for r in data.records[kind]) == [
        "engraftment",
        "harvest",
    ]
    assert [t.id for t in data.transplants] == ["t1"]


def test_a_transplant_not_stored_is_left_out_of_a_part(clinic: Repository) -> None:
    data = load_clinic(clinic, {"t1", "gone"})
    assert [t.id for t in data.transplants] == ["t1"]
    assert [p.id for p in data.patients] == ["p1"]


@contextmanager
def _statements(repo: Repository) -> Iterator[list[str]]:
    """The SQL queries (SELECT) run meanwhile (none to count on the in-memory fake)."""
    statements: list[str] = []
    if not isinstance(repo, SqlRepository):
        yield statements
        return

    def counted(*args: object) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            statements.append(str(args[2]))

    event.listen(repo.engine, "before_cursor_execute", counted)
    try:
        yield statements
    finally:
        event.remove(repo.engine, "before_cursor_execute", counted)


def test_a_part_of_more_than_one_chunk_costs_a_handful_of_queries(repo: Repository) -> None:
    count = IN_CHUNK + 7
    people = tuple(patient(f"p{i:04}", f"{i:06}") for i in range(count))
    repo.commit(
        action(
            "Seed",
            patients=people,
            transplants=tuple(transplant(f"t{i:04}", p.id) for i, p in enumerate(people)),
            plans=tuple(plan(f"pl{i:04}", f"t{i:04}") for i in range(count)),
            records=tuple(record("harvest", f"t{i:04}") for i in range(count)),
            lab_samples=tuple(lab(p.id, mrn=p.mrn) for p in people),
        )
    )
    with _statements(repo) as statements:
        data = load_clinic(repo, {f"t{i:04}" for i in range(count)})
    assert len(data.transplants) == len(data.plans) == len(data.records["harvest"]) == count
    assert [p.id for p in data.patients] == [p.id for p in people]
    assert len(data.samples) == count
    # Five tables in two chunks each and the accounts lookup, not one query per document.
    assert len(statements) <= 12, statements


def test_a_search_of_the_closed_transplants_reads_those_of_the_patients_found(
    clinic: Repository,
) -> None:
    reopened = transplant("t5", "p2", number=2)  # p2 has an open transplant too
    clinic.commit(action("Second", transplants=(reopened,)))
    found = closed_matching(clinic, TODAY, "second")
    assert [r.transplant_id for r in found.rows] == ["t2"]
    assert not found.more
    assert closed_matching(clinic, TODAY, "testperson").rows == []  # p1's is open


def test_plan_outlines_from_each_store_hold_the_anchor_steps_and_the_same_anchors(
    clinic: Repository,
) -> None:
    full = clinic.list_plans()
    outlines = clinic.list_plans(outline=True)
    assert [p.transplant_id for p in outlines] == [p.transplant_id for p in full]
    for whole, outline in zip(full, outlines, strict=True):
        assert outline.steps == tuple(s for s in whole.steps if dates_an_anchor(s.id, s.phase))
        assert len(outline.steps) < len(whole.steps)
        assert plan_anchors(outline) == plan_anchors(whole)


def test_a_closed_store_refuses_batched_reads_even_of_no_ids(clinic: Repository) -> None:
    clinic.close()
    for read in (clinic.get_patients, clinic.get_transplants, clinic.get_plans, clinic.get_records):
        with pytest.raises(StorageError, match="closed"):
            read([])


def test_the_documents_an_undo_checks_are_read_in_a_handful_of_queries(
    clinic: Repository,
) -> None:
    """``read_documents`` (what undo and redo compare with what the step left) answers as
    the one-document reads: records never saved as empty ones at version 0; but in one
    query per kind of document, not one per document (the undo of an import for 500
    patients read 1,000 documents one by one)."""
    like = Documents.of(
        [
            clinic.get_patient("p1"),
            clinic.get_patient("p3"),
            clinic.get_transplant("t1"),
            clinic.get_transplant("t2"),
            clinic.get_plan("t1"),
            record("harvest", "t1"),
            record("engraftment", "t1"),
            record("engraftment", "t3"),  # never saved
        ]
    )
    with _statements(clinic) as statements:
        read = read_documents(clinic, like)
    one_by_one = [
        clinic.get_patient("p1"),
        clinic.get_patient("p3"),
        clinic.get_transplant("t1"),
        clinic.get_transplant("t2"),
        clinic.get_plan("t1"),
        clinic.get_record("t1", "harvest"),
        clinic.get_record("t1", "engraftment"),
        empty_record("t3", "engraftment"),
    ]
    assert read == Documents.of(one_by_one)
    if isinstance(clinic, SqlRepository):
        assert len(statements) <= 5, statements  # patients, transplants, plans, records


def test_reading_the_documents_of_a_patient_or_plan_no_longer_stored_is_refused(
    clinic: Repository,
) -> None:
    with pytest.raises(NotFoundError):
        read_documents(clinic, Documents.of([patient("p9", "999")]))
    with pytest.raises(NotFoundError):
        read_documents(clinic, Documents.of([transplant("t9", "p1")]))
    with pytest.raises(NotFoundError, match="plan of transplant t3"):
        read_documents(clinic, Documents.of([plan("pl3", "t3")]))
