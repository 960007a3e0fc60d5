"""A database of the release before 0007 opens migrated: every patient stored before gets
the search key a search of the closed transplants runs on.

The file is written by this program, then put back as schema 0006 left it (the column
dropped, the revision set back), which is what that release's files hold."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from planner.domain.patients import TransplantStatus, with_status
from planner.records.ports import Scope
from planner.storage import open_repository
from tests.integration.factories import ACTOR, action, patient, transplant

TODAY = dt.date(2026, 12, 6)


def _as_release_0006(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("DROP TABLE board_entry_days")  # 0012's
        con.execute("DROP TABLE forms_entries")  # 0011's
        con.execute("DROP TABLE board_marks")  # 0010's
        con.execute("DROP TABLE board_entries")
        con.execute("DROP TABLE accounts")  # 0008's
        con.execute("DROP TABLE sign_in_failures")
        con.execute("ALTER TABLE patients DROP COLUMN search_key")
        con.execute("ALTER TABLE lab_samples DROP COLUMN reported_unit")  # 0009's
        con.execute("UPDATE alembic_version SET version_num = '0006'")
        con.execute("UPDATE meta SET value = '0006' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()


def test_patients_stored_before_0007_are_found_after_it(tmp_path: Path) -> None:
    path = tmp_path / "planner.db"
    repo = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    done = with_status(
        with_status(transplant("t1", "p1"), TransplantStatus.ACTIVE, TODAY, "", today=TODAY),
        TransplantStatus.COMPLETED,
        TODAY,
        "Day +100 reached",
        today=TODAY,
    )
    repo.commit(
        action(
            "Seed",
            patients=(patient("p1", "A-1", family="Núñez"), patient("p2", "B-2")),
            transplants=(done, transplant("t2", "p2")),
        )
    )
    repo.close()
    _as_release_0006(path)
    con = sqlite3.connect(path)
    columns = [row[1] for row in con.execute("PRAGMA table_info(patients)")]
    con.close()
    assert "search_key" not in columns

    repo = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        assert [p.id for p in repo.search_patients("nunez", Scope.CLOSED)] == ["p1"]
        assert [p.id for p in repo.search_patients("b-2")] == ["p2"]
        assert repo.search_patients("b-2", Scope.CLOSED) == []
    finally:
        repo.close()
    con = sqlite3.connect(path)
    keys = dict(con.execute("SELECT id, search_key FROM patients"))
    con.close()
    assert keys == {"p1": "nunez, ada a-1", "p2": "testperson, ada b-2"}
