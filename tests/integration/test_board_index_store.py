"""The board index every repository keeps (schema 0010): a mark per transplant, raised in
the transaction of each commit that changes its data, and a stored board entry per
transplant (derived data, not audited).

Runs on the in-memory fake, SQLite and (with PLANNER_TEST_DATABASE_URL) PostgreSQL, as
the repository contract does; the quick start's read of an SQLite file is compared with
the repository's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest

from planner.domain.accounts import Role
from planner.domain.patients import TransplantStatus, with_status
from planner.domain.plans import set_step_note
from planner.errors import ConflictError, StorageError
from planner.records.ports import (
    BoardEntry,
    IndexedTransplant,
    Repository,
    Scope,
    scope_statuses,
    touched,
)
from planner.storage import open_repository, verify_audit
from planner.storage.quick import (
    BOARD_DAY_INDEX_SQL,
    BOARD_INDEX_SQL,
    board_index_from_rows,
    index_from_rows,
    quick_open,
)
from tests.integration.factories import (
    ACTOR,
    action,
    allo_transplant,
    lab,
    patient,
    plan,
    record,
    transplant,
)

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _marks(repo: Repository) -> dict[str, int]:
    return {i.transplant_id: i.mark for i in repo.board_index()}


def _clinic(repo: Repository) -> None:
    """Patient p1 with transplants t1 (planned, with a plan) and t2; patient p2 with t3."""
    repo.commit(
        action(
            "Seed",
            patients=(patient("p1", "A-1"), patient("p2", "B-2")),
            transplants=(
                transplant("t1", "p1"),
                allo_transplant("t2", "p1"),
                transplant("t3", "p2"),
            ),
            plans=(plan("plan1", "t1"),),
        )
    )


# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize("sql", [BOARD_INDEX_SQL, BOARD_DAY_INDEX_SQL])
def test_the_index_reads_exactly_the_open_transplants(sql: str) -> None:
    found = re.search(r"t\.status IN \(([^)]*)\)", sql)
    assert found is not None
    literals = frozenset(part.strip().strip("'") for part in found.group(1).split(","))
    assert literals == scope_statuses(Scope.OPEN)


def test_touched_names_the_transplants_and_patients_whose_data_changes() -> None:
    assert touched(action(plans=(plan("plan1", "t9"),))) == (frozenset({"t9"}), frozenset())
    assert touched(action(records=(record(tid="t8"),))) == (frozenset({"t8"}), frozenset())
    assert touched(action(transplants=(transplant("t1", "p7"),))) == (
        frozenset({"t1"}),
        frozenset({"p7"}),
    )
    assert touched(action(patients=(patient("p3"),), lab_samples=(lab("p4"), lab("p4")))) == (
        frozenset(),
        frozenset({"p3", "p4"}),
    )
    nothing: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    assert touched(action("View patient", patient_id="p1", event="viewed")) == nothing
    assert touched(action("Sign-in rules", patient_id="p1")) == nothing


def test_index_rows_become_indexed_transplants_in_id_order() -> None:
    rows = [("t2", 0, None, None, None), ("t10", 5, 4, "ctx", "{}")]
    assert index_from_rows(rows) == [
        IndexedTransplant("t10", 5, BoardEntry("t10", 4, "ctx", "{}")),
        IndexedTransplant("t2", 0, None),
    ]


def test_board_index_rows_become_entries_of_their_head_and_lines() -> None:
    rows = [
        ("t2", 0, None, None, None, None, None),
        ("t10", 5, 4, "ctx", "head", "2026-03-10", "[1]"),
        ("t10", 5, 4, "ctx", "head", "2026-03-11", "[2]"),
        ("t3", 2, 2, "ctx", "alone", None, None),
    ]
    assert board_index_from_rows(rows) == [
        IndexedTransplant(
            "t10", 5, BoardEntry("t10", 4, "ctx", "head\n2026-03-10[1]\n2026-03-11[2]")
        ),
        IndexedTransplant("t2", 0, None),
        IndexedTransplant("t3", 2, BoardEntry("t3", 2, "ctx", "alone")),
    ]


# --------------------------------------------------------------------------- the marks


def test_a_new_transplant_is_indexed_with_the_mark_of_the_commit_that_made_it(
    repo: Repository,
) -> None:
    assert repo.board_index() == []
    repo.commit(action(patients=(patient(),)))
    committed = repo.commit(action(transplants=(transplant(),), plans=(plan(),)))
    mark = committed.audit[-1].seq
    assert mark > 0
    assert repo.board_index() == [IndexedTransplant("t1", mark, None)]


def test_a_plan_edit_raises_only_that_transplants_mark(repo: Repository) -> None:
    _clinic(repo)
    before = _marks(repo)
    pl = repo.get_plan("t1")
    assert pl is not None
    committed = repo.commit(action(plans=(set_step_note(pl, pl.steps[0].id, "note"),)))
    assert _marks(repo) == {**before, "t1": committed.audit[-1].seq}
    assert committed.audit[-1].seq > before["t1"]


def test_a_record_raises_only_its_transplants_mark(repo: Repository) -> None:
    _clinic(repo)
    before = _marks(repo)
    committed = repo.commit(action(records=(record(tid="t2", cd34=2.5),)))
    assert _marks(repo) == {**before, "t2": committed.audit[-1].seq}


def test_a_patient_edit_raises_the_marks_of_all_that_patients_transplants(
    repo: Repository,
) -> None:
    _clinic(repo)
    before = _marks(repo)
    p1 = repo.get_patient("p1")
    committed = repo.commit(action(patient_id="p1", patients=(replace(p1, weight_kg=70.0),)))
    mark = committed.audit[-1].seq
    assert _marks(repo) == {"t1": mark, "t2": mark, "t3": before["t3"]}


def test_a_lab_import_raises_the_marks_of_that_patients_transplants_only(
    repo: Repository,
) -> None:
    _clinic(repo)
    before = _marks(repo)
    committed = repo.commit(action("Import labs", lab_samples=(lab("p2", mrn="B-2"),)))
    assert _marks(repo) == {**before, "t3": committed.audit[-1].seq}


def test_events_and_accounts_raise_no_mark(repo: Repository) -> None:
    from planner.app import accounts
    from planner.app.context import Context

    _clinic(repo)
    before = repo.board_index()
    repo.commit(action("View patient", patient_id="p1", event="viewed"))
    repo.commit(action("Print", patient_id="p2", event="printed the calendar"))
    accounts.add_account(repo, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, "a long passphrase")
    assert repo.board_index() == before


def test_a_refused_commit_raises_no_mark(repo: Repository) -> None:
    _clinic(repo)
    before = repo.board_index()
    pl = repo.get_plan("t1")
    assert pl is not None
    repo.commit(action(plans=(set_step_note(pl, pl.steps[0].id, "first"),)))
    after = repo.board_index()
    p1 = repo.get_patient("p1")
    with pytest.raises(ConflictError):  # the plan was saved since ``pl`` was read
        repo.commit(
            action(
                patients=(replace(p1, weight_kg=80.0),),
                plans=(set_step_note(pl, pl.steps[0].id, "stale"),),
            )
        )
    assert repo.board_index() == after != before


def test_marks_only_grow(repo: Repository) -> None:
    _clinic(repo)
    seen = _marks(repo)
    for weight in (61.0, 62.0, 63.0):
        p1 = repo.get_patient("p1")
        repo.commit(action(patients=(replace(p1, weight_kg=weight),)))
        now = _marks(repo)
        assert all(now[t] >= seen[t] for t in seen) and now["t1"] > seen["t1"]
        seen = now


def test_a_closed_transplant_leaves_the_index(repo: Repository) -> None:
    _clinic(repo)
    day = dt.date(2026, 4, 1)
    t3 = repo.get_transplant("t3")
    active = with_status(t3, TransplantStatus.ACTIVE, day, "", today=day)
    done = with_status(active, TransplantStatus.COMPLETED, day, "Day +100 reached", today=day)
    repo.store_board_entries([BoardEntry("t3", 1, "", "{}")])
    repo.commit(action("Complete", patient_id="p2", transplants=(done,)))
    assert [i.transplant_id for i in repo.board_index()] == ["t1", "t2"]


# --------------------------------------------------------------------------- the entries


def test_entries_are_stored_replaced_and_read_with_the_index(repo: Repository) -> None:
    _clinic(repo)
    marks = _marks(repo)
    first = BoardEntry("t1", marks["t1"], "en|v1", '{"rows": 1}')
    other = BoardEntry("t3", marks["t3"], "en|v1", '{"rows": 3}')
    repo.store_board_entries([first, other])
    again = BoardEntry("t1", marks["t1"], "de|v1", '{"rows": "ä \' ; --"}')
    repo.store_board_entries([again])  # t1 replaced; t3 untouched
    assert repo.board_index() == [
        IndexedTransplant("t1", marks["t1"], again),
        IndexedTransplant("t2", marks["t2"], None),
        IndexedTransplant("t3", marks["t3"], other),
    ]
    repo.store_board_entries([])  # nothing to store: nothing changes
    assert repo.board_index()[0].entry == again


def test_an_entry_is_read_whole_or_with_one_day_line(repo: Repository) -> None:
    """A start reads the head and its day's line only (schema 0012 keeps the lines apart);
    the whole entry comes back as stored, its days in order."""
    _clinic(repo)
    marks = _marks(repo)
    whole = 'head "ä"\n2026-03-10[1, "x"]\n2026-03-11[2]\n2026-03-12[3]'
    repo.store_board_entries([BoardEntry("t1", marks["t1"], "ctx", whole)])
    by_id = {i.transplant_id: i.entry for i in repo.board_index()}
    assert by_id["t1"] == BoardEntry("t1", marks["t1"], "ctx", whole)
    day = {i.transplant_id: i.entry for i in repo.board_index(dt.date(2026, 3, 11))}
    assert day["t1"] == BoardEntry("t1", marks["t1"], "ctx", 'head "ä"\n2026-03-11[2]')
    assert day["t2"] is None and day["t3"] is None
    none = {i.transplant_id: i.entry for i in repo.board_index(dt.date(2026, 3, 20))}
    assert none["t1"] == BoardEntry("t1", marks["t1"], "ctx", 'head "ä"')  # no line that day
    # Replaced by an entry of one day: the other days' lines go with the old entry.
    repo.store_board_entries([BoardEntry("t1", marks["t1"], "ctx2", "h2\n2026-03-12[9]")])
    assert repo.board_index()[0].entry == BoardEntry("t1", marks["t1"], "ctx2", "h2\n2026-03-12[9]")
    assert repo.board_index(dt.date(2026, 3, 11))[0].entry == BoardEntry(
        "t1", marks["t1"], "ctx2", "h2"
    )


def test_of_two_entries_of_one_transplant_the_later_is_stored(repo: Repository) -> None:
    _clinic(repo)
    first = BoardEntry("t1", 1, "a", "a\n2026-03-10[1]\n2026-03-11[1]")
    later = BoardEntry("t1", 2, "b", "b\n2026-03-10[2]")
    repo.store_board_entries([first, later])
    assert repo.board_index()[0].entry == later


def test_storing_entries_raises_no_mark_and_a_commit_leaves_the_entry(
    repo: Repository,
) -> None:
    _clinic(repo)
    marks = _marks(repo)
    entry = BoardEntry("t1", marks["t1"], "", "{}")
    repo.store_board_entries([entry])
    assert _marks(repo) == marks
    p1 = repo.get_patient("p1")
    repo.commit(action(patients=(replace(p1, weight_kg=70.0),)))
    (t1, *_rest) = repo.board_index()
    assert t1.entry == entry and t1.mark > entry.mark  # kept, and known stale


def test_the_board_index_is_neither_audited_nor_a_problem_for_the_check(
    repo: Repository,
) -> None:
    _clinic(repo)
    rows = repo.audit_log()
    repo.store_board_entries([BoardEntry("t1", 1, "", "{}"), BoardEntry("gone", 1, "", "{}")])
    assert repo.audit_log() == rows
    assert verify_audit(repo) is None


def test_a_closed_repository_refuses_the_index(repo: Repository) -> None:
    repo.close()
    with pytest.raises(StorageError):
        repo.store_board_entries([BoardEntry("t1", 1, "", "{}")])
    with pytest.raises(StorageError):
        repo.board_index()


# --------------------------------------------------------------------------- the quick start


def test_the_quick_start_reads_the_index_the_repository_reads(db_path: Path) -> None:
    repo = open_repository(db_path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        _clinic(repo)
        repo.store_board_entries([BoardEntry("t2", 3, "ctx", "{}")])
        p2 = repo.get_patient("p2")
        repo.commit(action(patients=(replace(p2, weight_kg=55.0),)))
        expected = repo.board_index()
    finally:
        repo.close()
    assert [i.mark > 0 for i in expected] == [True, True, True]

    quick = quick_open(db_path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    assert quick is not None
    try:
        assert quick.index == expected
    finally:
        quick.lock.release()


def test_the_quick_start_reads_the_day_the_repository_reads(db_path: Path) -> None:
    day = dt.date(2026, 3, 11)
    repo = open_repository(db_path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        _clinic(repo)
        repo.store_board_entries(
            [
                BoardEntry("t1", 1, "ctx", "h1\n2026-03-10[1]\n2026-03-11[2]"),
                BoardEntry("t3", 1, "ctx", "h3\n2026-03-10[3]"),
            ]
        )
        expected = repo.board_index(day)
    finally:
        repo.close()
    assert [i.entry.payload if i.entry else None for i in expected] == [
        "h1\n2026-03-11[2]",
        None,
        "h3",
    ]
    quick = quick_open(db_path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW, day=day)
    assert quick is not None
    try:
        assert quick.index == expected
    finally:
        quick.lock.release()


def test_the_quick_start_reads_no_index_of_a_database_with_accounts(db_path: Path) -> None:
    from planner.app import accounts
    from planner.app.context import Context

    repo = open_repository(db_path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        _clinic(repo)
        accounts.add_account(
            repo, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, "a long passphrase"
        )
    finally:
        repo.close()
    quick = quick_open(db_path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    assert quick is not None
    try:
        assert quick.index is None  # nothing of the clinic before someone signs in
    finally:
        quick.lock.release()


def test_the_quick_start_reads_no_index_of_a_database_to_migrate(db_path: Path) -> None:
    import sqlite3

    open_repository(db_path, user=ACTOR.user, workstation=ACTOR.workstation).close()
    con = sqlite3.connect(db_path)
    try:
        con.execute("UPDATE alembic_version SET version_num = '0009'")
        con.commit()
    finally:
        con.close()
    quick = quick_open(db_path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    assert quick is not None
    try:
        assert quick.index is None  # the normal open migrates (with a backup) first
    finally:
        quick.lock.release()
