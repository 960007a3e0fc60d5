"""Building the SQLAlchemy Engine: SQLite (default, one workstation) or PostgreSQL (shared).

SQLite rules (why each holds: docs/architecture.md, "Storage"):

* every connection sets ``journal_mode=WAL``, ``synchronous=FULL``, ``foreign_keys=ON``,
  ``secure_delete=ON`` and a short ``busy_timeout`` (plus ``fullfsync`` on macOS); the
  values are read back at open and a weaker setting is refused;
* the pysqlite driver's own transaction handling is switched off and every transaction
  starts with ``BEGIN IMMEDIATE``, so a write takes the lock up front;
* one pooled connection per process writes (no concurrent writers, no WAL-reset race);
  reads go through read-only connections beside it (``sqlite_reader_engine``);
* ``PRAGMA quick_check`` at open; a damaged file is refused with a clear message;
* the file is created 0600 in a 0700 folder; a symlinked or group/world-readable file
  is refused.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from planner.errors import StorageError

BUSY_TIMEOUT_MS = 2000

DAMAGED_MESSAGE = (
    "The database file is damaged (the integrity check failed). Do not keep working in it: "
    "restore the last verified backup (transplant-planner --db FILE restore BACKUP)."
)

# PRAGMA name -> (value to set, value read back)
SQLITE_PRAGMAS: dict[str, tuple[str, object]] = {
    "journal_mode": ("WAL", "wal"),
    "synchronous": ("FULL", 2),
    "foreign_keys": ("ON", 1),
    "secure_delete": ("ON", 1),
    "busy_timeout": (str(BUSY_TIMEOUT_MS), BUSY_TIMEOUT_MS),
}
if sys.platform == "darwin":  # fsync does not flush the drive cache on macOS
    SQLITE_PRAGMAS["fullfsync"] = ("ON", 1)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The SQLAlchemy recipe for pysqlite: turn off the driver's implicit BEGIN/COMMIT
    # so the "begin" listener below controls every transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for name, (value, _expected) in SQLITE_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}={value}")  # constants only, never user input
    finally:
        cursor.close()


# Read-only connections beside the writing engine's one (``sqlite_reader_engine``).
SQLITE_READERS = 3  # the GUI thread and two workers at once


def _set_reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the "begin" listener starts each transaction
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def sqlite_reader_engine(path: Path) -> Engine:
    """Read-only connections to one SQLite file, for reads only (``SqlRepository._read``).

    With only the writing engine's one connection, a read on the GUI thread (a patient
    opened from the stored board) waited for a worker's (the live load's reads: up to
    50-65 ms each). WAL lets readers run beside each other and beside the writer, and a
    read-only connection never writes or checkpoints, so writes still go through one
    connection per process (the WAL-reset race needs two that write or checkpoint).
    Each read is one deferred transaction: a snapshot, no lock.
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=QueuePool,
        pool_size=SQLITE_READERS,
        max_overflow=0,
        pool_timeout=10,
    )
    event.listen(engine, "connect", _set_reader_pragmas)

    @event.listens_for(engine, "begin")
    def _begin_deferred(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def sqlite_engine(path: Path) -> Engine:
    """An Engine on one SQLite file with the PRAGMAs and ``BEGIN IMMEDIATE`` transactions."""
    url = URL.create("sqlite+pysqlite", database=str(path))
    engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=10)
    event.listen(engine, "connect", _set_sqlite_pragmas)

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


POSTGRES_EXTRA = "pip install 'transplant-planner[postgres]'"
"""How to install the PostgreSQL driver (the ``postgres`` extra of pyproject.toml)."""


def postgres_engine(url: str) -> Engine:
    """An Engine for the shared PostgreSQL server.

    Raises:
        StorageError: not a PostgreSQL address, or its driver is not installed (the
            sentence names the extra that installs it).
    """
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise StorageError(
            f"Unsupported database type '{parsed.drivername}'; use a file path or a "
            "postgresql+psycopg:// address."
        )
    try:
        # create_engine imports the driver named by the address (SQLAlchemy's
        # Dialect.import_dbapi); the psycopg driver is an optional extra.
        return create_engine(parsed, pool_pre_ping=True)
    except ImportError:
        if parsed.get_driver_name() == "psycopg":
            raise StorageError(
                "The PostgreSQL driver (psycopg) is not installed; install it with: "
                f"{POSTGRES_EXTRA}"
            ) from None
        raise StorageError(
            f"The PostgreSQL driver {parsed.get_driver_name()} named by the address is not "
            f"installed; use a postgresql+psycopg:// address and install its driver with: "
            f"{POSTGRES_EXTRA}"
        ) from None


def read_pragma(dbapi_connection: Any, name: str) -> object:
    """One PRAGMA value (the name comes from ``SQLITE_PRAGMAS``, never from input)."""
    cursor = dbapi_connection.cursor()
    try:
        row = cursor.execute(f"PRAGMA {name}").fetchone()
    finally:
        cursor.close()
    return row[0] if row else None


def verify_sqlite(engine: Engine, *, quick: bool = True) -> None:
    """Refuse weaker PRAGMAs than required and a file that fails ``quick_check``
    (``quick``: run it now; otherwise the caller does, ``SqlRepository.check_file``)."""
    try:
        raw = engine.raw_connection()
    except DBAPIError as exc:
        raise map_open_error(exc) from None
    try:
        for name, (_value, expected) in SQLITE_PRAGMAS.items():
            actual = read_pragma(raw.driver_connection, name)
            if isinstance(actual, str):
                actual = actual.lower()
            if actual != expected:
                raise StorageError(
                    f"The database setting {name} is {actual!r}, not {expected!r}; "
                    "refusing to work without durable saves. Keep the database on a "
                    "local disk."
                )
        if quick and quick_check(raw.driver_connection) != ["ok"]:
            raise StorageError(DAMAGED_MESSAGE)
    except sqlite3.DatabaseError as exc:
        raise map_open_error(exc) from None
    finally:
        raw.close()


def quick_check(dbapi_connection: Any) -> list[str]:
    """The rows of ``PRAGMA quick_check`` (["ok"] when the file is sound)."""
    cursor = dbapi_connection.cursor()
    try:
        return [str(r[0]) for r in cursor.execute("PRAGMA quick_check").fetchall()]
    finally:
        cursor.close()


def map_open_error(exc: BaseException) -> StorageError:
    """A StorageError with a plain message for a driver error raised while opening."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).lower()
    if "locked" in text or "busy" in text:
        return StorageError("The database is busy in another program; close it and try again.")
    if isinstance(orig, sqlite3.DatabaseError) and not isinstance(orig, sqlite3.OperationalError):
        return StorageError(DAMAGED_MESSAGE)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StorageError(DAMAGED_MESSAGE)
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return StorageError(
            "The database file cannot be opened for writing; check the folder's permissions."
        )
    return StorageError(f"The database cannot be opened ({type(orig).__name__}).")
