"""A database of the release before 0012 opens migrated: the entries' day lines have a
table of their own, the entries of the former layout are gone (derived data, computed
again), the records are kept, and the next refresh stores entries a start reads by day.
0012 goes back to 0011 by dropping the table and the heads.

The file is written by this program, then put back as schema 0011 left it (the table
dropped, an entry of the former layout stored, the revision set back)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.snapshot import refresh_board_index, stored_start_board
from planner.records.ports import Actor
from planner.storage import backup as bk
from planner.storage import migrate, open_repository, schema
from planner.storage.quick import quick_open
from tests.integration.conftest import PG_URL, _reset_postgres, demo_file

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)
OLD_ENTRY = "{}\n2026-12-07[1]\n2026-12-08[2]"  # head and days in one text, as 0011 kept it


def _as_release_0011(path: Path, transplant_id: str) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("DROP TABLE board_entry_days")
        con.execute(
            "INSERT INTO board_entries (transplant_id, mark, context, payload) "
            "VALUES (?, 1, 'ctx', ?)",
            (transplant_id, OLD_ENTRY),
        )
        con.execute("UPDATE alembic_version SET version_num = '0011'")
        con.execute("UPDATE meta SET value = '0011' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()


def test_a_0011_database_migrates_to_the_entries_day_lines(db_path: Path) -> None:
    transplants = demo_file(db_path, CTX)
    _as_release_0011(db_path, transplants[0])
    quick = quick_open(db_path, user="coordinator", workstation="ws-1", now=NOW)
    assert quick is not None
    try:
        assert quick.index is None  # a migration is due: nothing read of the old layout
    finally:
        quick.lock.release()

    repo = open_repository(db_path, user="coordinator", workstation="ws-1", now=NOW)
    try:
        saved = repo.pre_migration_backup
        assert saved is not None and bk.check(saved).ok
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION == "0012"
            assert "board_entry_days" in set(inspect(conn).get_table_names())
            version = conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar()
        assert version == "0012"
        assert sorted(t.id for t in repo.list_transplants()) == transplants
        assert all(i.entry is None for i in repo.board_index())  # the old entry is gone
        today = NOW.date()
        assert refresh_board_index(repo, today)
        board = stored_start_board(repo, today)
        assert board is not None and board.complete and board.rows
        with repo.engine.connect() as conn:
            days = conn.execute(text("SELECT DISTINCT day FROM board_entry_days")).scalars()
            assert today.isoformat() in set(days)
            heads = conn.execute(text("SELECT payload FROM board_entries")).scalars().all()
        assert heads and not any("\n" in head for head in heads)  # the heads only
    finally:
        repo.close()
    assert bk.check(db_path).ok  # the check compares records, not the derived index


def test_0012_downgrades_to_0011_by_dropping_the_day_lines_and_the_heads(db_path: Path) -> None:
    from alembic import command

    demo_file(db_path, CTX)
    repo = open_repository(db_path, user="coordinator", workstation="ws-1", now=NOW)
    try:
        refresh_board_index(repo, NOW.date())
        with repo.engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0011")
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == "0011"
            assert "board_entry_days" not in set(inspect(conn).get_table_names())
            # A head alone would read as a whole entry of no day to 0011: none is left.
            assert conn.execute(text("SELECT count(*) FROM board_entries")).scalar() == 0
            version = conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar()
            assert version == "0011"
    finally:
        repo.close()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="PLANNER_TEST_DATABASE_URL is not set")
def test_a_0011_server_migrates_to_the_entries_day_lines() -> None:
    _reset_postgres(PG_URL)
    repo = open_repository(PG_URL, user="coordinator", workstation="ws-1", now=NOW)
    try:
        load_demo_clinic(repo, CTX)
        tid = repo.list_transplants()[0].id
        with repo.engine.begin() as conn:
            conn.execute(text("DROP TABLE board_entry_days"))
            conn.execute(
                text(
                    "INSERT INTO board_entries (transplant_id, mark, context, payload) "
                    "VALUES (:t, 1, 'ctx', :p)"
                ),
                {"t": tid, "p": OLD_ENTRY},
            )
            conn.execute(text("UPDATE alembic_version SET version_num = '0011'"))
            conn.execute(text("UPDATE meta SET value = '0011' WHERE key = 'schema_version'"))
    finally:
        repo.close()

    repo = open_repository(PG_URL, user="coordinator", workstation="ws-1", now=NOW)
    try:
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION
        assert all(i.entry is None for i in repo.board_index())
        assert refresh_board_index(repo, NOW.date())
        board = stored_start_board(repo, NOW.date())
        assert board is not None and board.complete and board.rows
    finally:
        repo.close()
