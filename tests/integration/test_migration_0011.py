"""A database of the release before 0011 opens migrated: the forms index's table is there,
empty, everything stored before is kept, and the first forms list fills it. 0011 goes
back to 0010 by dropping the table (derived data only).

The file is written by this program, then put back as schema 0010 left it (the table
dropped, the revision set back)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.forms import forms_context, forms_due
from planner.records.ports import Actor
from planner.storage import backup as bk
from planner.storage import migrate, open_repository, schema
from tests.integration.conftest import PG_URL, _reset_postgres, demo_file

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)


def _as_release_0010(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("DROP TABLE board_entry_days")  # 0012's
        con.execute("DROP TABLE forms_entries")
        con.execute("UPDATE alembic_version SET version_num = '0010'")
        con.execute("UPDATE meta SET value = '0010' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()


def test_a_0010_database_migrates_to_the_forms_index(db_path: Path) -> None:
    transplants = demo_file(db_path, CTX)
    _as_release_0010(db_path)

    repo = open_repository(db_path, user="coordinator", workstation="ws-1", now=NOW)
    try:
        saved = repo.pre_migration_backup
        assert saved is not None and bk.check(saved).ok
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION
            assert "forms_entries" in set(inspect(conn).get_table_names())
            version = conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar()
        assert version == schema.HEAD_REVISION
        assert sorted(t.id for t in repo.list_transplants()) == transplants
        assert [i.transplant_id for i in repo.forms_index()] == transplants
        assert all(i.entry is None for i in repo.forms_index())
        assert forms_due(repo, NOW.date())
        assert {i.entry.context for i in repo.forms_index() if i.entry} == {forms_context()}
        assert all(i.entry is not None for i in repo.forms_index())
    finally:
        repo.close()
    assert bk.check(db_path).ok  # the check compares records, not the derived index


def test_0011_downgrades_to_0010_by_dropping_the_forms_index(db_path: Path) -> None:
    from alembic import command

    demo_file(db_path, CTX)
    repo = open_repository(db_path, user="coordinator", workstation="ws-1", now=NOW)
    try:
        forms_due(repo, NOW.date())
        with repo.engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0010")
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == "0010"
            assert "forms_entries" not in set(inspect(conn).get_table_names())
            version = conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar()
            assert version == "0010"
            assert {"board_marks", "board_entries"} <= set(inspect(conn).get_table_names())
    finally:
        repo.close()


@pytest.mark.skipif(not PG_URL, reason="PLANNER_TEST_DATABASE_URL is not set")
def test_a_0010_server_migrates_to_the_forms_index() -> None:
    _reset_postgres(PG_URL)
    repo = open_repository(PG_URL, user="coordinator", workstation="ws-1", now=NOW)
    try:
        load_demo_clinic(repo, CTX)
        with repo.engine.begin() as conn:
            conn.execute(text("DROP TABLE board_entry_days"))  # 0012's
            conn.execute(text("DROP TABLE forms_entries"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0010'"))
            conn.execute(text("UPDATE meta SET value = '0010' WHERE key = 'schema_version'"))
    finally:
        repo.close()

    repo = open_repository(PG_URL, user="coordinator", workstation="ws-1", now=NOW)
    try:
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION
            version = conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar()
        assert version == schema.HEAD_REVISION
        assert all(i.entry is None for i in repo.forms_index())
        listed = forms_due(repo, NOW.date())
        assert listed and all(i.entry is not None for i in repo.forms_index())
        assert forms_due(repo, NOW.date()) == listed
    finally:
        repo.close()
