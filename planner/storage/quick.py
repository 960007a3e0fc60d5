"""The quick start: check the file, take the instance lock, read the stored board snapshot.

Standard library only, so it runs before SQLAlchemy (and most of the program) is
imported: the window can paint the clinic board from the snapshot while the database
is opened properly (engine, PRAGMAs, ``quick_check``) and the clinic is loaded behind it.

The file is opened read-only for this one read. Whether the snapshot may be shown is
decided by ``planner.app.snapshot`` (same data mark, same day, same settings, same program).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from planner.errors import StorageError
from planner.storage.files import check_sqlite_version, prepare_sqlite_file
from planner.storage.location import refuse_network_location
from planner.storage.lock import InstanceLock
from planner.storage.revisions import HEAD_REVISION

SNAPSHOT_META_KEY = "board_snapshot"
# Shared with SqlRepository, so the mark written with a snapshot and the mark read back
# at the next start are the same query.
# Audit rows of events (a patient opened, a document printed) change no data: they do not
# count, so looking at a patient does not make the stored board stale. The newest rows
# are read first and the scan stops at the first data row.
DATA_MARK_SQL = (
    "SELECT coalesce((SELECT seq FROM audit WHERE entity <> 'event' "
    "ORDER BY seq DESC LIMIT 1), 0), "
    "(SELECT coalesce(max(id), 0) FROM lab_samples)"
)
SNAPSHOT_SQL = "SELECT value FROM meta WHERE key = ?"
_REVISION_SQL = "SELECT version_num FROM alembic_version"
_ACCOUNTS_SQL = "SELECT 1 FROM accounts LIMIT 1"


@dataclass
class QuickOpen:
    """A database file checked and locked for this program, and what it stored for the board.

    Attributes:
        path: the database file.
        lock: the instance lock, held; ``open_repository(..., lock=lock)`` takes it over.
        payload: the stored board snapshot, or None (no snapshot, older schema, unreadable,
            or a database with accounts: nothing is shown before a sign-in).
        data_mark: the data mark read together with the payload.
    """

    path: Path
    lock: InstanceLock
    payload: str | None
    data_mark: tuple[int, int]


def quick_open(path: Path, *, user: str, workstation: str, now: dt.datetime) -> QuickOpen | None:
    """Check and lock an existing database file and read its board snapshot.

    Returns None when the file does not exist yet (the normal open creates it).

    Raises:
        StorageError: the file is unsafe (on a network drive, a symlink, readable by
            others) or in use by another instance; the same messages the normal open gives.
    """
    if not path.exists():
        return None
    check_sqlite_version()
    refuse_network_location(path)
    try:
        prepare_sqlite_file(path, create=False)
        lock = InstanceLock(path, user=user, host=workstation, now=now)
    except OSError as exc:  # the same sentence as the normal open gives
        raise StorageError(
            f"The database at {path} cannot be opened ({exc.strerror or type(exc).__name__}); "
            "check the folder exists and is yours."
        ) from None
    payload, mark = _read_snapshot(path)
    return QuickOpen(path, lock, payload, mark)


def _read_snapshot(path: Path) -> tuple[str | None, tuple[int, int]]:
    """The snapshot and the data mark in one read transaction; (None, (0, 0)) on any doubt."""
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error:
        return None, (0, 0)
    try:
        conn.execute("BEGIN")
        revision = conn.execute(_REVISION_SQL).fetchone()
        if revision is None or revision[0] != HEAD_REVISION:
            return None, (0, 0)  # a migration is due: the normal open does it first
        row = conn.execute(SNAPSHOT_SQL, (SNAPSHOT_META_KEY,)).fetchone()
        if conn.execute(_ACCOUNTS_SQL).fetchone() is not None:
            row = None  # nothing of the clinic is shown before someone signs in
        audit_seq, lab_id = conn.execute(DATA_MARK_SQL).fetchone()
        conn.execute("COMMIT")
    except sqlite3.Error:
        return None, (0, 0)
    finally:
        conn.close()
    payload = row[0] if row is not None and isinstance(row[0], str) else None
    return payload, (int(audit_seq), int(lab_id))
