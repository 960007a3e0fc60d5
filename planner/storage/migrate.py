"""Running the Alembic migrations programmatically (no alembic.ini at run time).

Alembic is imported only when a migration has to run, so opening an up-to-date
database stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

VERSION_TABLE = "alembic_version"


def script_location() -> Path:
    """The folder with env.py and versions/ (shipped as package data)."""
    return Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config with the script location set in code."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> list[str]:
    """Every revision in the migration scripts, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def current_revision(conn: Connection) -> str | None:
    """The database's Alembic revision, or None when it has none."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(found) if found is not None else None


def has_tables(conn: Connection) -> bool:
    """True when the database holds any table."""
    return bool(inspect(conn).get_table_names())


def upgrade_to_head(conn: Connection) -> None:
    """Migrate inside the caller's transaction (SQLite and PostgreSQL have transactional DDL)."""
    from alembic import command

    command.upgrade(alembic_config(conn), "head")
