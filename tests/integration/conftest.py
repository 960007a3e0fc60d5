"""Storage fixtures: the same contract suite runs on every repository."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.app.context import Context
from planner.records.ports import Repository
from planner.storage import open_repository
from planner.storage.memory import InMemoryRepository
from tests.integration.factories import ACTOR

PG_URL = os.environ.get("PLANNER_TEST_DATABASE_URL", "")


def demo_file(path: Path, ctx: Context) -> list[str]:
    """The demo clinic written to a new SQLite file at ``path`` by ``ctx``'s user, as a
    migration test's starting point; its transplant ids, sorted."""
    from planner.app.demo import load_demo_clinic

    repo = open_repository(
        path, user=ctx.actor.user, workstation=ctx.actor.workstation, now=ctx.now
    )
    try:
        load_demo_clinic(repo, ctx)
        return sorted(t.id for t in repo.list_transplants())
    finally:
        repo.close()


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        for table in (
            "forms_entries",
            "board_entry_days",
            "board_entries",
            "board_marks",
            "accounts",
            "sign_in_failures",
            "audit",
            "lab_samples",
            "records",
            "plans",
            "transplants",
            "patients",
            "meta",
            "alembic_version",
        ):
            conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
        conn.execute(text("DROP FUNCTION IF EXISTS audit_append_only() CASCADE"))
    engine.dispose()


# The PostgreSQL variant exists only when a test server is given.
KINDS = ["memory", "sqlite"] + (
    [pytest.param("postgres", marks=pytest.mark.postgres)] if PG_URL else []
)


@pytest.fixture(params=KINDS)
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    """An empty repository of each kind (PostgreSQL only with PLANNER_TEST_DATABASE_URL)."""
    kind = request.param
    r: Repository
    if kind == "memory":
        r = InMemoryRepository()
    elif kind == "sqlite":
        r = open_repository(tmp_path / "planner.db", user=ACTOR.user, workstation=ACTOR.workstation)
    else:
        _reset_postgres(PG_URL)
        r = open_repository(PG_URL, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        yield r
    finally:
        r.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where an SQLite test database goes (in a private folder)."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return folder / "planner.db"
