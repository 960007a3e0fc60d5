"""Verified backups of the SQLite database, their check, and restore.

* ``backup`` copies through the SQLite online backup API (never a file copy, which can
  miss the -wal or catch a half-written page), converts the copy to a single
  self-contained file, runs ``integrity_check`` and the audit-chain check on it, records
  its SHA-256 and the audit chain head in ``manifest.json`` and keeps the ``keep``
  newest backups of the same label. It only reads the database, so it does not take
  the instance lock: a backup is made while the app has the database open (the backup
  API copies one consistent snapshot; in WAL mode the app's writes do not wait for it).
* ``check`` re-verifies a backup file: integrity, audit chain, SHA-256 against the
  manifest.
* ``restore`` verifies a backup, takes the instance lock, renames the current database
  (with its -wal and -shm, which belong to it) aside, puts the backup in place and
  records the restore in the audit trail.

Every file is created 0600; names carry only a timestamp and the database file's name
(``label_for``), never patient data.
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
from planner.storage.lock import InstanceLock

MANIFEST = "manifest.json"
DEFAULT_KEEP = 20
# One pattern for the label and the file name, so that every backup this module names
# is one it later finds (a label the name pattern refused was never rotated or listed).
_LABEL = r"[A-Za-z0-9_-]{1,40}"
# The counter that keeps two backups of one instant apart follows a dot, which a label
# cannot hold: "clinic-2" stays one label.
_NAME = re.compile(
    r"^planner-(?P<stamp>\d{8}T\d{12}Z)(?:-(?P<label>" + _LABEL + r"))?(?:\.\d+)?\.db$"
)


def label_for(database: Path) -> str:
    """The backup label of a database file: its name without suffix, reduced to the
    characters a label allows ("Clinic.db" -> "Clinic", "bmt 2026.db" -> "bmt2026")."""
    label = re.sub(r"[^A-Za-z0-9_-]", "", Path(database).stem)[:40]
    return label or "database"


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
        label: the database it was taken of (``label_for``) or why ("pre-migration").
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
        kept_aside: where the replaced database was renamed to (its -wal and -shm
            beside it), or None when there was no database.
        report: the check of the restored database, its restore row included.
    """

    restored_from: Path
    kept_aside: Path | None
    report: CheckReport


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
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise StorageError(f"There is no database file at {path}.")
        # Read-only and without the instance lock: the app may have the file open.
        reader = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            yield reader
        finally:
            reader.close()
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
        path = folder / f"planner-{stamp}{suffix}.{n}.db"
        n += 1
    return path


def backup(
    source: Any,
    dest_dir: Path,
    *,
    now: dt.datetime,
    keep: int = DEFAULT_KEEP,
    label: str = "",
    allow_broken_chain: bool = False,
) -> BackupInfo:
    """Take a verified backup of an SQLite database into ``dest_dir``.

    Args:
        source: a database file (read without the instance lock, so while the app has
            it open), a ``SqlRepository``, its Engine, or a raw ``sqlite3.Connection``.
        dest_dir: the backup folder (created 0700 when missing).
        now: the time to record (timezone-aware).
        keep: how many backups of this label to keep (older ones are deleted).
        label: letters, digits, "_" and "-" (``label_for``, "pre-migration").
        allow_broken_chain: record a copy whose audit chain breaks instead of refusing
            it (the safety copy taken before a migration: a copy of what is there).

    Raises:
        StorageError: the copy failed its integrity check or its audit chain is broken
            (it is deleted), or the source cannot be read.
    """
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if keep < 1:
        raise ValueError("keep at least one backup")
    if label and not re.fullmatch(_LABEL, label):
        raise ValueError(f"a backup label is letters, digits, '_' or '-', not {label!r}")
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
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if integrity != ("ok",):
        path.unlink(missing_ok=True)
        raise StorageError(
            "The backup copy failed its integrity check and was deleted, so the database "
            "itself may be damaged: restore the last verified backup "
            "(transplant-planner --db FILE restore BACKUP)."
        )
    if first_bad is not None and not allow_broken_chain:
        path.unlink(missing_ok=True)
        raise StorageError(
            f"The database's audit trail is broken at row {first_bad}, so no backup was "
            "made: restore the last verified backup (transplant-planner --db FILE restore "
            "BACKUP)."
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
    _rotate(dest_dir, manifest, keep, label)
    _write_manifest(dest_dir, manifest)
    return info


def _rotate(folder: Path, manifest: dict[str, Any], keep: int, label: str) -> None:
    """Delete all but the ``keep`` newest backups of ``label``; drop vanished entries.

    Each label rotates on its own: backups of two databases in one folder (and the
    safety copies taken before migrations) never push each other out.
    """
    ours: list[tuple[tuple[str, int], Path]] = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if m and (m["label"] or "") == label and p.is_file():
            counter = p.name.rsplit(".", 2)[1] if p.name.count(".") == 2 else "0"
            ours.append(((m["stamp"], int(counter)), p))
    ours.sort()
    for _, old in ours[:-keep]:
        old.unlink()
    present = {p.name for p in folder.iterdir() if _NAME.match(p.name)}
    manifest["backups"] = [b for b in manifest["backups"] if b.get("path") in present]


def backup_due(dest_dir: Path, label: str, now: dt.datetime) -> bool:
    """True unless the manifest holds a backup of ``label`` taken on ``now``'s date
    (in ``now``'s time zone): the app backs up at close at most once a day."""
    for entry in _read_manifest(Path(dest_dir))["backups"]:
        if entry.get("label") != label:
            continue
        try:
            taken = dt.datetime.fromisoformat(str(entry.get("created_utc")))
        except ValueError:
            continue
        if taken.utcoffset() is not None and taken.astimezone(now.tzinfo).date() == now.date():
            return False
    return True


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


def problem(report: CheckReport) -> str:
    """What is wrong with a checked file, as a clause ("" when it is sound)."""
    if report.integrity != ("ok",):
        return "it fails the integrity check"
    if report.audit_first_bad_seq is not None:
        return f"its audit trail is broken at row {report.audit_first_bad_seq}"
    if report.manifest_sha256 is not None and report.manifest_sha256 != report.sha256:
        return "its checksum differs from the one recorded in the manifest"
    return ""


def _keep_aside(target: Path, now: dt.datetime) -> Path | None:
    """Rename the database and its -wal and -shm aside (they belong together: the -wal
    may hold its last edits, and left beside the restored file SQLite would replay it
    into the restore). Returns the new name of the database, None when there was none."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    n = 1
    while any(kept.with_name(kept.name + s).exists() for s in ("", "-wal", "-shm")):
        kept = target.with_name(f"{target.name}.before-restore-{stamp}.{n}")
        n += 1
    for suffix in ("-wal", "-shm", "-journal"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    if not target.exists():
        return None
    os.replace(target, kept)
    return kept


def _put_back(kept: Path | None, target: Path) -> None:
    """Undo ``_keep_aside`` after a failed copy: the database as it was, where it was."""
    if kept is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = kept.with_name(kept.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))


def restore(
    backup_file: Path,
    target: Path,
    *,
    now: dt.datetime,
    user: str = "restore",
    workstation: str = "",
) -> RestoreInfo:
    """Replace the database ``target`` with a verified backup.

    The backup is checked (integrity, audit chain, manifest checksum) first. The target
    must not be open in the app (its instance lock is taken). The current database is
    never deleted: it is renamed aside with its -wal and -shm (``kept_aside``). The
    backup is copied into place through the backup API, the restore is recorded in the
    audit trail (as ``user`` on ``workstation``) and the result is checked.

    Raises:
        StorageError: the backup fails its check, or the target is in use.
    """
    from planner.records.ports import Action, Actor  # the audit row of the restore
    from planner.storage.lock import LockHeldError
    from planner.storage.opening import open_repository

    backup_file, target = Path(backup_file), Path(os.path.abspath(target))
    if backup_file.resolve() == target.resolve():
        raise StorageError(f"{backup_file.name} is the database itself; choose a backup of it.")
    report = check(backup_file)
    if not report.ok:
        raise StorageError(
            f"The backup {backup_file.name} cannot be restored because {problem(report)}; "
            "choose another backup."
        )
    if not target.parent.is_dir():
        raise StorageError(f"The folder {target.parent} does not exist.")
    try:
        lock = InstanceLock(target, user=user, host=workstation, now=now)
    except LockHeldError as exc:
        raise StorageError(
            f"The database is open in Transplant Planner ({exc.holder}); close it there "
            "before restoring."
        ) from None
    try:
        kept = _keep_aside(target, now)
        staging = target.with_name(target.name + ".restoring")
        staging.unlink(missing_ok=True)
        _create_private(staging)
        try:
            src = sqlite3.connect(backup_file.resolve().as_uri() + "?mode=ro", uri=True)
            dst = sqlite3.connect(staging, isolation_level=None)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # no -wal left beside the copy
                if _integrity(dst) != ("ok",):
                    raise StorageError(
                        "The restored copy failed its integrity check; try an older backup."
                    )
            except sqlite3.Error as exc:
                raise StorageError(
                    f"The backup could not be copied into place ({type(exc).__name__}); "
                    "the database was left as it was."
                ) from None
            finally:
                src.close()
                dst.close()
            os.replace(staging, target)
        except BaseException:
            _put_back(kept, target)
            raise
        finally:
            staging.unlink(missing_ok=True)
        repo = open_repository(
            target, user=user, workstation=workstation, now=now, lock=lock, create=False
        )
        try:
            aside = f"; the replaced database was kept as {kept.name}" if kept else ""
            repo.commit(
                Action(
                    actor=Actor(user, workstation),
                    at=now,
                    description="Restore from backup",
                    event=f"Restored from backup {backup_file.name} "
                    f"(sha256 {report.sha256[:12]}){aside}",
                )
            )
        finally:
            repo.close()
    finally:
        lock.release()
    return RestoreInfo(restored_from=backup_file, kept_aside=kept, report=check(target))


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
