"""A database of the release before 0010 opens migrated: the whole-clinic board snapshot
(a row of ``meta``) is gone, the board index's tables are there, and everything stored
before is kept. Its transplants read as mark 0 until a commit touches them.

The file is written by this program, then put back as schema 0009 left it (the tables
dropped, the snapshot row written, the revision set back), which is what that release's
files hold."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from planner.records.ports import BoardEntry, IndexedTransplant
from planner.storage import backup as bk
from planner.storage import migrate, open_repository, schema
from planner.storage.quick import quick_open
from tests.integration.conftest import PG_URL, _reset_postgres
from tests.integration.factories import ACTOR, action, lab, patient, plan, record, transplant

NOW = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)


def _as_release_0009(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("DROP TABLE board_entry_days")  # 0012's
        con.execute("DROP TABLE forms_entries")  # 0011's
        con.execute("DROP TABLE board_marks")
        con.execute("DROP TABLE board_entries")
        con.execute("INSERT INTO meta (key, value) VALUES ('board_snapshot', '{\"format\": 4}')")
        con.execute("UPDATE alembic_version SET version_num = '0009'")
        con.execute("UPDATE meta SET value = '0009' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()


def _seeded(path: Path) -> None:
    repo = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        repo.commit(
            action(
                "Seed",
                patients=(patient("p1", "A-1"), patient("p2", "B-2")),
                transplants=(transplant("t1", "p1"), transplant("t2", "p2")),
                plans=(plan("plan1", "t1"),),
                lab_samples=(lab("p1", mrn="A-1"),),
            )
        )
        repo.store_lab_mapping("Central lab", "{}")
    finally:
        repo.close()


def test_a_0009_database_migrates_to_the_board_index(db_path: Path) -> None:
    _seeded(db_path)
    _as_release_0009(db_path)

    repo = open_repository(db_path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    try:
        saved = repo.pre_migration_backup
        assert saved is not None and bk.check(saved).ok
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION  # through 0010
            assert {"board_marks", "board_entries"} <= set(inspect(conn).get_table_names())
            meta = {str(k): str(v) for k, v in conn.execute(text("SELECT key, value FROM meta"))}
        assert "board_snapshot" not in meta  # nothing reads it any more
        assert meta["schema_version"] == schema.HEAD_REVISION
        # Everything stored before is kept.
        assert [p.id for p in repo.list_patients()] == ["p1", "p2"]
        assert repo.get_plan("t1") is not None
        assert len(repo.list_lab_samples("p1")) == 1
        assert repo.lab_mappings() == {"Central lab": "{}"}
        # No commit touched them since 0010: mark 0, no entry.
        assert repo.board_index() == [
            IndexedTransplant("t1", 0, None),
            IndexedTransplant("t2", 0, None),
        ]
        p1 = repo.get_patient("p1")
        committed = repo.commit(action(patients=(replace(p1, weight_kg=70.0),)))
        repo.store_board_entries([BoardEntry("t2", 0, "ctx", "{}")])
        assert repo.board_index() == [
            IndexedTransplant("t1", committed.audit[-1].seq, None),
            IndexedTransplant("t2", 0, BoardEntry("t2", 0, "ctx", "{}")),
        ]
        expected = repo.board_index()
        copy = repo.backup_now(NOW)  # verified: integrity and audit chain
    finally:
        repo.close()

    # The check compares the records, not the derived index; a backup copies the index.
    assert bk.check(db_path).ok
    assert copy is not None
    con = sqlite3.connect(copy)
    try:
        assert con.execute("SELECT transplant_id, mark FROM board_entries").fetchall() == [
            ("t2", 0)
        ]
        assert con.execute("SELECT count(*) FROM board_marks").fetchone() == (1,)
    finally:
        con.close()
    quick = quick_open(db_path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    assert quick is not None
    try:
        assert quick.index == expected
    finally:
        quick.lock.release()


def test_0010_downgrades_to_0009_by_dropping_the_index(db_path: Path) -> None:
    from alembic import command

    _seeded(db_path)
    repo = open_repository(db_path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        with repo.engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0009")
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == "0009"
            tables = set(inspect(conn).get_table_names())
            version = conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar()
        assert not {"board_marks", "board_entries"} & tables
        assert version == "0009"
        assert [p.id for p in repo.list_patients()] == ["p1", "p2"]
    finally:
        repo.close()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="PLANNER_TEST_DATABASE_URL is not set")
def test_a_0009_server_migrates_to_the_board_index() -> None:
    _reset_postgres(PG_URL)
    repo = open_repository(PG_URL, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        repo.commit(action("Seed", patients=(patient(),), transplants=(transplant(),)))
        with repo.engine.begin() as conn:
            conn.execute(text("DROP TABLE board_entry_days"))  # 0012's
            conn.execute(text("DROP TABLE forms_entries"))  # 0011's
            conn.execute(text("DROP TABLE board_marks"))
            conn.execute(text("DROP TABLE board_entries"))
            conn.execute(text("INSERT INTO meta (key, value) VALUES ('board_snapshot', '{}')"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0009'"))
    finally:
        repo.close()

    repo = open_repository(PG_URL, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION
            snapshot = conn.execute(
                text("SELECT count(*) FROM meta WHERE key = 'board_snapshot'")
            ).scalar()
        assert snapshot == 0
        assert repo.board_index() == [IndexedTransplant("t1", 0, None)]
        committed = repo.commit(action(records=(record(cd34=1.0),)))
        assert repo.board_index() == [IndexedTransplant("t1", committed.audit[-1].seq, None)]
    finally:
        repo.close()
