"""Opening a database: file checks, the instance lock, migrations, the repository."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlalchemy.exc import DBAPIError

from planner import __version__
from planner.errors import StorageError
from planner.records.audit import AuditKey, verify_chain
from planner.records.ports import Actor, Repository
from planner.storage import migrate, schema
from planner.storage.engine import (
    map_open_error,
    postgres_engine,
    sqlite_engine,
    verify_sqlite,
)
from planner.storage.files import (
    check_sqlite_version,
    default_database_path,
    is_url,
    prepare_sqlite_file,
)
from planner.storage.location import refuse_network_location
from planner.storage.lock import InstanceLock
from planner.storage.sql import SqlRepository


@dataclass
class OpenedDatabase:
    """A checked, locked and migrated database.

    Attributes:
        engine: the SQLAlchemy Engine.
        path: the SQLite file (None for PostgreSQL).
        lock: the single-instance lock (None for PostgreSQL).
        created: True when this open created the database.
        migrated_from: the revision before a migration, or None when none ran.
        pre_migration_backup: the verified backup taken before migrating, if any.
        audit_key: the key of the audit chain (a file outside the database).
        anchor_file: where the chain's head is anchored after each commit.
        unchecked: the file's ``quick_check`` was deferred (``defer_check``).
    """

    engine: Engine
    path: Path | None
    lock: InstanceLock | None
    created: bool
    migrated_from: str | None
    pre_migration_backup: Path | None
    audit_key: AuditKey | None = None
    anchor_file: Path | None = None
    unchecked: bool = False


def _key_audit(
    engine: Engine, path: Path | None, url: str | None, actor: Actor, now: dt.datetime
) -> tuple[AuditKey, Path]:
    """Load (or create) the audit key and key the chain the first time; see
    ``planner.storage.audit_trail``."""
    from sqlalchemy import text

    from planner.storage.audit_trail import (
        anchor_file_for,
        key_database,
        key_file_for,
        key_for_database,
        write_anchor,
    )
    from planner.storage.sql import AUDIT_CHAIN_LOCK

    anchor = anchor_file_for(path, url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
        key, unkeyed = key_for_database(conn, key_file_for(path))
        written = key_database(conn, key, actor, now) if unkeyed else []
    if written:
        write_anchor(anchor, key, written[-1].seq, written[-1].hash)
    return key, anchor


def _too_new(revision: str) -> StorageError:
    return StorageError(
        f"This database was created by a newer version of Transplant Planner "
        f"(schema {revision}); install that version or newer."
    )


def _migrate(
    engine: Engine, *, path: Path | None, backup_dir: Path | None, now: dt.datetime
) -> tuple[bool, str | None, Path | None]:
    """Bring the schema to head; return (created, migrated_from, backup path)."""
    with engine.connect() as conn:
        current = migrate.current_revision(conn)
        populated = migrate.has_tables(conn)
        conn.rollback()
    if current is not None and current not in schema.SCHEMA_REVISIONS:
        raise _too_new(current)
    if current is None and populated:
        raise StorageError(
            "This file is not a Transplant Planner database (it has other tables); "
            "choose another file."
        )
    if current == schema.HEAD_REVISION:
        return False, None, None
    fresh = current is None
    backup_path: Path | None = None
    if not fresh and path is not None:
        from planner.storage.backup import backup

        folder = backup_dir or path.parent / "backups"
        # A copy of what is there, even with a broken audit chain: the migration must
        # not run without one, and ``check`` still reports the break.
        from planner.storage.audit_trail import key_file_for, read_key
        from planner.storage.backup import label_for

        backup_path = backup(
            engine,
            folder,
            now=now,
            label="pre-migration",
            allow_broken_chain=True,
            key=read_key(key_file_for(path)),
            database=label_for(path),
        ).path
    with engine.begin() as conn:
        migrate.upgrade_to_head(conn)
        if fresh:
            conn.execute(
                insert(schema.meta).values(key="created_by_app_version", value=__version__)
            )
    return fresh, current, backup_path


def open_database(
    url_or_path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    user: str,
    workstation: str = "",
    backup_dir: Path | None = None,
    now: dt.datetime | None = None,
    lock: InstanceLock | None = None,
    defer_check: bool = False,
) -> OpenedDatabase:
    """Open (and create or migrate) the database; see ``open_repository``.

    ``lock``: the instance lock the quick start already took on this file (it is
    released if the open fails, as a lock taken here would be). ``defer_check``: see
    ``open_repository``.
    """
    when = now or dt.datetime.now(dt.UTC)
    actor = Actor(user, workstation)
    if url_or_path is not None and is_url(url_or_path):
        pg_engine = postgres_engine(str(url_or_path))
        try:
            created, migrated_from, _ = _migrate(pg_engine, path=None, backup_dir=None, now=when)
            key, anchor = _key_audit(pg_engine, None, str(url_or_path), actor, when)
        except DBAPIError as exc:
            pg_engine.dispose()
            raise map_open_error(exc) from None
        except BaseException:
            pg_engine.dispose()
            raise
        return OpenedDatabase(pg_engine, None, None, created, migrated_from, None, key, anchor)

    check_sqlite_version()
    path = Path(
        os.path.abspath(url_or_path if url_or_path is not None else default_database_path())
    )
    refuse_network_location(path)  # before creating anything there
    try:
        prepare_sqlite_file(path, create=create)
        if lock is None:
            lock = InstanceLock(path, user=user, host=workstation, now=when)
    except OSError as exc:
        raise StorageError(
            f"The database at {path} cannot be opened ({exc.strerror or type(exc).__name__}); "
            "check the folder exists and is yours."
        ) from None
    engine: Engine | None = None
    opened = False
    try:
        engine = sqlite_engine(path)
        # A file about to be migrated is always checked first.
        verify_sqlite(engine, quick=not defer_check or _needs_migration(engine))
        created, migrated_from, backup_path = _migrate(
            engine, path=path, backup_dir=backup_dir, now=when
        )
        key, anchor = _key_audit(engine, path, None, actor, when)
        opened = True
    except (DBAPIError, sqlite3.Error) as exc:
        raise map_open_error(exc) from None
    finally:
        if not opened:
            if engine is not None:
                engine.dispose()
            lock.release()
    return OpenedDatabase(
        engine,
        path,
        lock,
        created,
        migrated_from,
        backup_path,
        key,
        anchor,
        unchecked=defer_check and not created and migrated_from is None,
    )


def _needs_migration(engine: Engine) -> bool:
    with engine.connect() as conn:
        return migrate.current_revision(conn) != schema.HEAD_REVISION


def open_repository(
    url_or_path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    user: str,
    workstation: str,
    backup_dir: Path | None = None,
    now: dt.datetime | None = None,
    lock: InstanceLock | None = None,
    defer_check: bool = False,
) -> SqlRepository:
    """Open the database and return its repository.

    Args:
        url_or_path: an SQLite file path (default: ``default_database_path()``) or a
            PostgreSQL URL (``postgresql+psycopg://...``).
        create: create the file (0600, folder 0700) when it does not exist.
        user, workstation: who opens it, shown to a second instance ("in use by USER on
            WORKSTATION since TIME"); each Action's actor goes into the audit trail.
        backup_dir: where the pre-migration backup goes (default: ``backups`` beside
            the database).
        now: the opening time (default: the clock), for the lock and backup names.
        lock: the instance lock already held on this file (by ``quick.quick_open``).
        defer_check: leave an up-to-date SQLite file's ``quick_check`` to
            ``SqlRepository.check_file`` (the app runs it beside the clinic's load: it
            reads the whole file, so its time grows with the programme's history); the
            repository refuses writes until the check has passed.

    Raises:
        StorageError: the database is in use by another instance, damaged, made by a
            newer version, readable by other users, a symbolic link, or weaker PRAGMAs
            than required are in effect.
    """
    opened = open_database(
        url_or_path,
        create=create,
        user=user,
        workstation=workstation,
        backup_dir=backup_dir,
        now=now,
        lock=lock,
        defer_check=defer_check,
    )
    return SqlRepository(
        opened.engine,
        path=opened.path,
        lock=opened.lock,
        pre_migration_backup=opened.pre_migration_backup,
        audit_key=opened.audit_key,
        anchor_file=opened.anchor_file,
        unchecked=opened.unchecked,
    )


def verify_audit(repo: Repository) -> int | None:
    """The seq of the first audit row that breaks the hash chain, or None when it verifies."""
    return verify_chain(repo.audit_log(), repo.audit_key)
