"""Clinic-wide reads by scope: the open transplants (the board's), the closed ones, or all.

Every Repository (in-memory fake, SQLite, PostgreSQL) answers the same: a patient or a
lab sample is in a scope when the patient has a transplant in it, so a patient whose
first transplant is completed and second is planned is in both.
"""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.patients import TransplantStatus, with_status
from planner.records.ports import Repository, Scope, scope_statuses
from tests.integration.factories import action, lab, patient, plan, record, transplant

TODAY = dt.date(2026, 12, 6)


def closed(tid: str, pid: str, status: TransplantStatus):
    t = transplant(tid, pid)
    if status is TransplantStatus.COMPLETED:
        t = with_status(t, TransplantStatus.ACTIVE, dt.date(2026, 4, 1), "", today=TODAY)
    return with_status(t, status, dt.date(2026, 6, 1), "closed for the test", today=TODAY)


@pytest.fixture
def clinic(repo: Repository) -> Repository:
    """p1: one open transplant; p2: completed; p3: cancelled, then a second one planned;
    p4: no transplant at all."""
    people = (
        patient("p1", "001"),
        patient("p2", "002", family="Second"),
        patient("p3", "003", family="Third"),
        patient("p4", "004", family="Fourth"),
    )
    transplants = (
        transplant("t1", "p1"),
        closed("t2", "p2", TransplantStatus.COMPLETED),
        closed("t3", "p3", TransplantStatus.CANCELLED),
        transplant("t4", "p3", number=2),
    )
    repo.commit(
        action(
            "Seed",
            patients=people,
            transplants=transplants,
            plans=tuple(plan(f"pl{t.id}", t.id) for t in transplants),
            records=tuple(record("harvest", t.id, note=t.id) for t in transplants),
            lab_samples=(lab("p1", mrn="001"), lab("p2", mrn="002"), lab("p3", mrn="003")),
        )
    )
    return repo


def ids(items, attr: str = "id") -> list[str]:
    return sorted(getattr(i, attr) for i in items)


def test_statuses_of_each_scope_cover_every_status_once() -> None:
    open_, closed_ = scope_statuses(Scope.OPEN), scope_statuses(Scope.CLOSED)
    assert open_ is not None and closed_ is not None
    assert open_ | closed_ == {s.value for s in TransplantStatus}
    assert not open_ & closed_
    assert closed_ == {"completed", "cancelled", "deceased"}
    assert scope_statuses(Scope.ALL) is None


def test_transplants_by_scope(clinic: Repository) -> None:
    assert ids(clinic.list_transplants(scope=Scope.OPEN)) == ["t1", "t4"]
    assert ids(clinic.list_transplants(scope=Scope.CLOSED)) == ["t2", "t3"]
    assert ids(clinic.list_transplants()) == ["t1", "t2", "t3", "t4"]
    assert ids(clinic.list_transplants("p3", Scope.OPEN)) == ["t4"]


def test_patients_by_scope(clinic: Repository) -> None:
    assert ids(clinic.list_patients(Scope.OPEN)) == ["p1", "p3"]
    assert ids(clinic.list_patients(Scope.CLOSED)) == ["p2", "p3"]
    assert ids(clinic.list_patients()) == ["p1", "p2", "p3", "p4"]


def test_plans_and_records_by_scope(clinic: Repository) -> None:
    assert ids(clinic.list_plans(Scope.OPEN), "transplant_id") == ["t1", "t4"]
    assert ids(clinic.list_plans(Scope.CLOSED), "transplant_id") == ["t2", "t3"]
    assert len(clinic.list_plans()) == 4
    assert ids(clinic.list_records("harvest", Scope.OPEN), "transplant_id") == ["t1", "t4"]
    assert ids(clinic.list_records("harvest", Scope.CLOSED), "transplant_id") == ["t2", "t3"]


def test_lab_samples_by_scope(clinic: Repository) -> None:
    def of(scope: Scope) -> list[str]:
        return [s.patient_id for s in clinic.list_lab_samples(analytes=("anc",), scope=scope)]

    assert of(Scope.OPEN) == ["p1", "p3"]
    assert of(Scope.CLOSED) == ["p2", "p3"]
    assert of(Scope.ALL) == ["p1", "p2", "p3"]
    assert [s.patient_id for s in clinic.list_lab_samples("p2", scope=Scope.OPEN)] == []


def test_a_transplant_closed_by_an_edit_leaves_the_open_scope(clinic: Repository) -> None:
    stored = clinic.get_transplant("t1")
    done = with_status(
        with_status(stored, TransplantStatus.ACTIVE, dt.date(2026, 4, 1), "", today=TODAY),
        TransplantStatus.COMPLETED,
        dt.date(2026, 7, 1),
        "",
        today=TODAY,
    )
    clinic.commit(action("Close", transplants=(done,)))
    assert ids(clinic.list_transplants(scope=Scope.OPEN)) == ["t4"]
    assert ids(clinic.list_patients(Scope.OPEN)) == ["p3"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("second", ["p2"]),  # the family name, any case
        ("SEC", ["p2"]),
        ("002", ["p2"]),  # the MRN
        ("second, ada", ["p2"]),  # the roster name as the board shows it
        ("  third ", ["p3"]),  # spaces around are not part of the search
        ("d", ["p2", "p3"]),
        ("testperson", []),  # p1's transplant is open
        ("fourth", []),  # p4 has no transplant
        ("", []),
        ("%", []),  # LIKE's wildcards are letters here
        ("_", []),
    ],
)
def test_search_of_the_closed_patients_runs_in_the_store(
    clinic: Repository, text: str, found: list[str]
) -> None:
    assert ids(clinic.search_patients(text, Scope.CLOSED)) == found


def test_search_folds_accents_and_case_both_ways(repo: Repository) -> None:
    people = (
        patient("a", "A-1", family="Łukasiewicz", given="Zoë"),
        patient("b", "B-2", family="Muñoz", given="José"),
        patient("c", "C-3", family="Munoz", given="Jose"),
    )
    repo.commit(action("Seed", patients=people))
    assert ids(repo.search_patients("lukasiewicz, zoe")) == ["a"]
    assert ids(repo.search_patients("ŁUKASIEWICZ")) == ["a"]
    assert ids(repo.search_patients("munoz")) == ["b", "c"]
    assert ids(repo.search_patients("MUÑOZ, JOSÉ")) == ["b", "c"]
    assert ids(repo.search_patients("b-2")) == ["b"]
    assert ids(repo.search_patients("b_2")) == []  # "_" is not LIKE's any-letter
    assert ids(repo.search_patients("munoz", limit=1)) == ["b"]  # "munoz, jose b-2" first


def test_search_follows_a_renamed_patient(repo: Repository) -> None:
    from dataclasses import replace

    repo.commit(action("Seed", patients=(patient("a", "A-1", family="Before"),)))
    stored = repo.get_patient("a")
    repo.commit(action("Rename", patients=(replace(stored, family_name="After"),)))
    assert ids(repo.search_patients("after")) == ["a"]
    assert repo.search_patients("before") == []
