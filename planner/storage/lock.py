"""One program instance per SQLite file: a second instance never writes silently.

``<database>.lock`` (0600) holds who has the database open: user, host, process id and
start time. The operating system lock on it (``flock`` on POSIX, ``msvcrt.locking`` on
Windows) is what counts: it is released when the process ends, however it ends, so a
lock file left by a crashed program is simply taken over. The file itself is never
deleted (deleting a lock file races with a second program opening it).

The lock is for writers: the app and a restore take it. A backup only reads, through
SQLite's online backup API, which copies one consistent snapshot while the app goes on
writing, so ``backup`` does not take it (``check`` neither).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from planner.errors import StorageError

if os.name == "posix":
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

else:  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]


class LockHeldError(StorageError):
    """The database is locked by another program instance.

    Attributes:
        holder: who holds it, as a clause ("jsmith on WS-12, process 4242").
    """

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.holder = holder


def lock_path_for(database: Path) -> Path:
    """The lock file next to a database file."""
    return database.with_name(database.name + ".lock")


def _describe(info: dict[str, Any]) -> str:
    since = str(info.get("since", "an unknown time"))
    with contextlib.suppress(ValueError):
        since = dt.datetime.fromisoformat(since).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"The database is in use by {info.get('user', 'another user')} on "
        f"{info.get('host', 'another computer')} since {since} "
        f"(process {info.get('pid', '?')}). Close Transplant Planner there first."
    )


class InstanceLock:
    """An exclusive, process-lifetime lock on one database file.

    Attributes:
        path: the lock file.
    """

    def __init__(
        self, database: Path, *, user: str, host: str = "", now: dt.datetime | None = None
    ) -> None:
        """Take the lock or raise ``StorageError`` naming its holder."""
        self.path = lock_path_for(database)
        if self.path.is_symlink():
            raise StorageError(f"The lock file {self.path} is a symbolic link; remove it.")
        old_umask = os.umask(0o077)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        finally:
            os.umask(old_umask)
        if not _try_lock(fd):
            try:
                info = self._read(fd)
            finally:
                os.close(fd)
            raise LockHeldError(
                _describe(info),
                f"{info.get('user', 'another user')} on {info.get('host', 'another computer')}, "
                f"process {info.get('pid', '?')}",
            )
        self._fd: int | None = fd
        started = now or dt.datetime.now(dt.UTC)
        if not host:
            import socket  # only here: the quick start passes the host it already knows

            host = socket.gethostname()
        info = {
            "user": user,
            "host": host,
            "pid": os.getpid(),
            "since": started.isoformat(timespec="seconds"),
        }
        data = json.dumps(info).encode()
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        # Not synced: the text only names the holder to a second instance on this
        # computer, which reads it through the same page cache, and after a crash the
        # OS lock is gone and the next holder writes its own. A sync waited for the disk
        # on every start's critical path (93 ms once, measured with other writes pending).
        os.write(fd, data)

    @staticmethod
    def _read(fd: int) -> dict[str, Any]:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            raw = os.read(fd, 4096)
            info = json.loads(raw.decode() or "{}")
        except (OSError, ValueError):
            return {}
        return info if isinstance(info, dict) else {}

    @property
    def held(self) -> bool:
        """True until ``release``."""
        return self._fd is not None

    def release(self) -> None:
        """Clear the holder information and release the lock (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)
