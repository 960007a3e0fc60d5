"""Verified backups of the SQLite database, their check, and restore.

* ``backup`` copies through the SQLite online backup API (never a file copy, which can
  miss the -wal or catch a half-written page), converts the copy to a single
  self-contained file, runs ``integrity_check`` and the audit-chain check on it, records
  its SHA-256 and the audit chain head in ``manifest.json`` and keeps the ``keep``
  newest backups.
* ``check`` re-verifies a backup file: integrity, audit chain, SHA-256 against the
  manifest.
* ``restore`` verifies a backup, takes a safety backup of the current database (or,
  when it is too damaged for that, renames it aside) and writes the backup into place
  through the backup API.

Every file is created 0600; names carry only a timestamp, never patient data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from planner.errors import StorageError
from planner.records.audit import GENESIS_HASH, AuditEntry, verify_chain
from planner.storage.files import prepare_sqlite_file
from planner.storage.lock import InstanceLock

MANIFEST = "manifest.json"
DEFAULT_KEEP = 20
_NAME = re.compile(r"^planner-\d{8}T\d{12}Z(-[a-z-]+)?(-\d+)?\.db$")


@dataclass(frozen=True)
class BackupInfo:
    """One verified backup.

    Attributes:
        path: the backup file.
        sha256: hex digest of the file.
        created_utc: when it was taken (ISO 8601 UTC).
        integrity: "ok" (a backup that fails its check is deleted, never recorded).
        audit_rows, audit_head: the audit chain's length and last hash in the copy.
        audit_first_bad_seq: where the copied chain breaks, or None when it verifies.
        schema_revision: the copy's Alembic revision.
        label: why it was taken ("", "pre-migration", "pre-restore").
    """

    path: Path
    sha256: str
    created_utc: str
    integrity: str
    audit_rows: int
    audit_head: str
    audit_first_bad_seq: int | None
    schema_revision: str | None
    label: str = ""


@dataclass(frozen=True)
class CheckReport:
    """The result of checking a database or backup file.

    Attributes:
        path: the file checked.
        integrity: the rows of ``PRAGMA integrity_check`` (("ok",) when sound).
        audit_rows, audit_head: the chain's length and last hash.
        audit_first_bad_seq: where the audit chain breaks, or None.
        sha256: the file's digest; manifest_sha256: the manifest's record, if any.
    """

    path: Path
    integrity: tuple[str, ...]
    audit_rows: int
    audit_head: str
    audit_first_bad_seq: int | None
    sha256: str
    manifest_sha256: str | None

    @property
    def ok(self) -> bool:
        """Sound file, intact chain, and the manifest's digest matches (when recorded)."""
        return (
            self.integrity == ("ok",)
            and self.audit_first_bad_seq is None
            and (self.manifest_sha256 is None or self.manifest_sha256 == self.sha256)
        )


@dataclass(frozen=True)
class RestoreInfo:
    """What ``restore`` did besides writing the backup into place.

    Attributes:
        restored_from: the backup file.
        safety_backup: the backup taken of the replaced database, if it had content.
        damaged_moved_to: where a database too damaged to back up was renamed to.
    """

    restored_from: Path
    safety_backup: BackupInfo | None
    damaged_moved_to: Path | None


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _integrity(conn: sqlite3.Connection) -> tuple[str, ...]:
    try:
        return tuple(str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall())
    except sqlite3.DatabaseError as exc:
        return (f"{type(exc).__name__}: {exc}",)


def _audit(conn: sqlite3.Connection) -> tuple[int, str, int | None]:
    """Rows, head hash and first bad seq of the audit chain in a raw connection."""
    names = [f.name for f in dataclasses.fields(AuditEntry)]
    cols = ", ".join(f'"{n}"' for n in names)  # constant column names, not input
    try:
        rows = conn.execute(f"SELECT {cols} FROM audit ORDER BY seq").fetchall()  # noqa: S608
    except sqlite3.DatabaseError:
        return 0, GENESIS_HASH, 1
    entries = [AuditEntry(**dict(zip(names, row, strict=True))) for row in rows]
    head = entries[-1].hash if entries else GENESIS_HASH
    return len(entries), head, verify_chain(entries)


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _create_private(path: Path) -> None:
    old = os.umask(0o077)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    finally:
        os.umask(old)
    os.close(fd)


def _private_dir(folder: Path) -> None:
    if not folder.exists():
        old = os.umask(0o077)
        try:
            folder.mkdir(mode=0o700, parents=True)
        finally:
            os.umask(old)
    if folder.is_symlink() or not folder.is_dir():
        raise StorageError(f"The backup folder {folder} is not a plain folder.")


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"backups": []}
    if not isinstance(data, dict) or not isinstance(data.get("backups"), list):
        return {"backups": []}
    return data


def _write_manifest(folder: Path, data: dict[str, Any]) -> None:
    final = folder / MANIFEST
    tmp = folder / (MANIFEST + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    _create_private(tmp)
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, final)


@contextlib.contextmanager
def _source_connection(source: Any) -> Iterator[sqlite3.Connection]:
    if isinstance(source, sqlite3.Connection):
        yield source
        return
    engine: Engine = source if isinstance(source, Engine) else source.engine
    if engine.dialect.name != "sqlite":
        raise StorageError(
            "Backups of the PostgreSQL server are made on the server (pg_dump), "
            "not by this program."
        )
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        yield conn
    finally:
        raw.close()


def _backup_name(folder: Path, now: dt.datetime, label: str) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%f") + "Z"
    suffix = f"-{label}" if label else ""
    path = folder / f"planner-{stamp}{suffix}.db"
    n = 1
    while path.exists():
        path = folder / f"planner-{stamp}{suffix}-{n}.db"
        n += 1
    return path


def backup(
    source: Any, dest_dir: Path, *, now: dt.datetime, keep: int = DEFAULT_KEEP, label: str = ""
) -> BackupInfo:
    """Take a verified backup of an SQLite database into ``dest_dir``.

    Args:
        source: a ``SqlRepository``, its Engine, or a raw ``sqlite3.Connection``.
        dest_dir: the backup folder (created 0700 when missing).
        now: the time to record (timezone-aware).
        keep: how many backups to keep (the oldest beyond this are deleted).
        label: a short lower-case tag for the file name ("pre-migration").

    Raises:
        StorageError: the copy failed its integrity check (it is deleted), or the
            source cannot be read.
    """
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    dest_dir = Path(dest_dir)
    _private_dir(dest_dir)
    path = _backup_name(dest_dir, now, label)
    _create_private(path)
    try:
        with _source_connection(source) as src:
            dst = sqlite3.connect(path, isolation_level=None)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                integrity = _integrity(dst)
                rows, head, first_bad = _audit(dst)
                revision = _revision(dst)
            finally:
                dst.close()
    except sqlite3.Error as exc:
        path.unlink(missing_ok=True)
        raise StorageError(
            f"The backup could not be made ({type(exc).__name__}); the database was not changed."
        ) from None
    if integrity != ("ok",):
        path.unlink(missing_ok=True)
        raise StorageError(
            "The backup copy failed its integrity check and was deleted; the database "
            "itself may be damaged. Restore the last verified backup."
        )
    info = BackupInfo(
        path=path,
        sha256=sha256_of(path),
        created_utc=now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        integrity="ok",
        audit_rows=rows,
        audit_head=head,
        audit_first_bad_seq=first_bad,
        schema_revision=revision,
        label=label,
    )
    manifest = _read_manifest(dest_dir)
    entry = {k: (v.name if isinstance(v, Path) else v) for k, v in dataclasses.asdict(info).items()}
    manifest["backups"] = [b for b in manifest["backups"] if b.get("path") != path.name]
    manifest["backups"].append(entry)
    _rotate(dest_dir, manifest, keep)
    _write_manifest(dest_dir, manifest)
    return info


def _rotate(folder: Path, manifest: dict[str, Any], keep: int) -> None:
    if keep < 1:
        raise ValueError("keep at least one backup")
    files = sorted(p for p in folder.iterdir() if _NAME.match(p.name) and p.is_file())
    for old in files[:-keep]:
        old.unlink()
    kept = {p.name for p in files[-keep:]}
    manifest["backups"] = [b for b in manifest["backups"] if b.get("path") in kept]


def list_backups(dest_dir: Path) -> list[dict[str, Any]]:
    """The manifest entries of a backup folder, newest last."""
    return list(_read_manifest(Path(dest_dir))["backups"])


def check(path: Path) -> CheckReport:
    """Check a backup (or a closed database) file: integrity, audit chain, manifest digest."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"There is no file at {path}.")
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        integrity = _integrity(conn)
        rows, head, first_bad = _audit(conn)
    finally:
        conn.close()
    recorded = None
    for entry in _read_manifest(path.parent)["backups"]:
        if entry.get("path") == path.name:
            recorded = entry.get("sha256")
    return CheckReport(
        path=path,
        integrity=integrity,
        audit_rows=rows,
        audit_head=head,
        audit_first_bad_seq=first_bad,
        sha256=sha256_of(path),
        manifest_sha256=recorded,
    )


def _move_aside(target: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    moved = target.with_name(f"{target.name}.damaged-{stamp}")
    for suffix in ("-wal", "-shm"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, moved.with_name(moved.name + suffix))
    os.replace(target, moved)
    return moved


def restore(
    backup_file: Path,
    target: Path,
    *,
    now: dt.datetime,
    user: str = "restore",
    backup_dir: Path | None = None,
) -> RestoreInfo:
    """Replace the database ``target`` with a verified backup.

    The target must not be open anywhere (its instance lock is taken). Its current
    content is first backed up into ``backup_dir`` (default: ``backups`` beside it);
    a target too damaged to back up is renamed to ``<name>.damaged-<time>`` instead.

    Raises:
        StorageError: the backup fails its check, or the target is in use.
    """
    backup_file, target = Path(backup_file), Path(os.path.abspath(target))
    report = check(backup_file)
    if not report.ok:
        raise StorageError(
            f"The backup {backup_file.name} failed verification (integrity, audit chain "
            "or checksum); choose another backup."
        )
    existed = target.exists() and target.stat().st_size > 0
    if target.exists() and target.stat().st_mode & 0o077 and os.name == "posix":
        os.chmod(target, 0o600)  # it is being replaced; keep its successor private
    prepare_sqlite_file(target, create=True)
    lock = InstanceLock(target, user=user, now=now)
    safety: BackupInfo | None = None
    moved: Path | None = None
    try:
        if existed:
            try:
                conn = sqlite3.connect(target, isolation_level=None)
                try:
                    safety = backup(
                        conn, backup_dir or target.parent / "backups", now=now, label="pre-restore"
                    )
                finally:
                    conn.close()
            except StorageError:
                moved = _move_aside(target, now)
                _create_private(target)
        src = sqlite3.connect(backup_file.resolve().as_uri() + "?mode=ro", uri=True)
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
            if _integrity(dst) != ("ok",):
                raise StorageError(
                    "The restored database failed its integrity check; try an older backup."
                )
        finally:
            src.close()
            dst.close()
    finally:
        lock.release()
    return RestoreInfo(restored_from=backup_file, safety_backup=safety, damaged_moved_to=moved)


def check_anchors(entries: list[AuditEntry], dest_dir: Path) -> int | None:
    """Compare the audit chain with the heads anchored in a backup manifest.

    A chain rewritten or cut short after a backup still verifies on its own; the head
    recorded in the manifest does not match it any more. Returns the anchored seq of
    the first manifest entry that does not match (its row missing or its hash
    different), or None when every anchor matches.
    """
    by_seq = {e.seq: e.hash for e in entries}
    for entry in _read_manifest(Path(dest_dir))["backups"]:
        seq, head = int(entry.get("audit_rows", 0)), str(entry.get("audit_head", ""))
        if seq and by_seq.get(seq) != head:
            return seq
    return None
