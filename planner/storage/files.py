"""Checks of an SQLite database file, with the standard library only.

The quick start (``planner.storage.quick``) runs them before SQLAlchemy is imported;
``planner.storage.engine`` uses the same functions when it opens the database.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from planner.errors import StorageError

MIN_SQLITE_VERSION = (3, 37, 0)


def default_database_path() -> Path:
    """The database in the per-user data folder (no patient data in the name)."""
    from planner.storage import paths  # platformdirs: not needed when the path is given

    return paths.default_database_path()


def is_url(url_or_path: str | os.PathLike[str]) -> bool:
    """True for a database URL ("postgresql+psycopg://..."), False for a file path."""
    return isinstance(url_or_path, str) and "://" in url_or_path


def check_sqlite_version() -> None:
    """Refuse an SQLite library older than ``MIN_SQLITE_VERSION``."""
    have = tuple(sqlite3.sqlite_version_info)
    if have < MIN_SQLITE_VERSION:
        need = ".".join(str(n) for n in MIN_SQLITE_VERSION)
        raise StorageError(
            f"This computer's SQLite library is version {sqlite3.sqlite_version}; "
            f"Transplant Planner needs {need} or newer. Update Python or the system "
            "SQLite library, or use the PostgreSQL server mode."
        )


@contextlib.contextmanager
def _private_umask() -> Iterator[None]:
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (0600), never over an existing one."""
    with _private_umask():
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def write_private(path: Path, text: str, *, replace: bool, sync: bool = True) -> None:
    """Write ``text`` to a 0600 file.

    ``replace``: through a temporary file renamed over ``path``, so a reader sees the old
    text or the new, whole; otherwise ``path`` must not exist yet. ``sync``: fsync the
    text before the rename (a manifest, a key); an anchor rewritten on every commit
    skips it.
    """
    target = path.with_name(path.name + ".tmp") if replace else path
    if replace:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
    create_private(target)
    with open(target, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())
    if replace:
        os.replace(target, path)


def _make_folder(folder: Path) -> None:
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    with _private_umask():
        for path in reversed(missing):
            path.mkdir(mode=0o700)
            os.chmod(path, 0o700)


def prepare_sqlite_file(path: Path, *, create: bool) -> bool:
    """Check (or create) the database file; return True when it was created now.

    Raises:
        StorageError: a symlink, not a regular file, readable by other users, or
            absent while ``create`` is False.
    """
    path = Path(os.path.abspath(path))
    if path.is_symlink():
        raise StorageError(
            f"The database path {path} is a symbolic link; open the real file instead."
        )
    if path.exists():
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise StorageError(f"The database path {path} is not a regular file.")
        if info.st_mode & 0o077 and os.name == "posix":
            raise StorageError(
                f"The database file {path} can be read by other users of this computer. "
                f"Make it private with: chmod 600 '{path}'"
            )
        return info.st_size == 0
    if not create:
        raise StorageError(f"There is no database at {path}.")
    _make_folder(path.parent)
    try:
        with _private_umask():
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another program created it a moment ago
        return prepare_sqlite_file(path, create=False)
    os.close(fd)
    return True
