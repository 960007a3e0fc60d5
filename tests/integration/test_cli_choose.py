"""The command line finds a patient by MRN whatever the letter case typed, through the
store's search: the patients of a long history are not all read for one MRN."""

from __future__ import annotations

import pytest

from planner.cli import choose
from planner.cli.choose import RefusedError, patient_by_mrn
from planner.records.ports import Repository
from tests.integration.factories import action, patient


@pytest.fixture
def roster(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> Repository:
    repo.commit(
        action(
            "Seed",
            patients=(
                patient("p1", "AB123", family="Smith"),
                patient("p2", "XY-9", family="Ab123son"),  # the text in a name only
                patient("p3", "CD77", family="Jones"),
                patient("p4", "Cd77", family="Brown"),  # equal to p3's but for case
            ),
        )
    )

    def whole_list(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError("the whole patient list was read")

    monkeypatch.setattr(repo, "list_patients", whole_list)
    return repo


def test_an_mrn_typed_in_another_case_is_found_by_the_search(roster) -> None:
    assert patient_by_mrn(roster, "ab123").id == "p1"
    assert patient_by_mrn(roster, "AB123").id == "p1"  # exact


def test_an_mrn_in_a_name_only_is_not_a_match(roster) -> None:
    with pytest.raises(RefusedError, match="No patient has MRN ab123s"):
        patient_by_mrn(roster, "ab123s")


def test_two_mrns_equal_but_for_case_are_refused_not_guessed(roster) -> None:
    with pytest.raises(RefusedError, match="matches CD77, Cd77 when letter case is ignored"):
        patient_by_mrn(roster, "cd77")


def test_a_search_cut_off_at_its_limit_reads_the_whole_list(repo, monkeypatch) -> None:
    repo.commit(action("Seed", patients=(patient("p1", "AB123"), patient("p2", "AB1234"))))
    monkeypatch.setattr(choose, "_MRN_CANDIDATES", 2)
    read = []
    whole = repo.list_patients
    monkeypatch.setattr(repo, "list_patients", lambda: read.append(1) or whole())
    assert patient_by_mrn(repo, "ab123").id == "p1"
    assert read == [1]
