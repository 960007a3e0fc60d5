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

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from planner.errors import StorageError
from planner.records.audit import Anchor, AuditEntry, AuditKey, AuditProblem, anchor_problem
from planner.storage.audit_trail import (
    AuditReport,
    audit_entries,
    key_beside,
    key_file_for,
    read_anchor,
    read_key,
    stored_key_id,
    verify,
    write_key,
)
from planner.storage.files import create_private, write_private
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
        audit_first_bad_seq: the first audit row a problem names, or None.
        sha256: the file's digest; manifest_sha256: the manifest's record, if any.
        audit_problems: each failure of the audit check, named (row or table, expected,
            found): the keyed chain, the anchors, the stored documents.
        audit_keyed: whether the chain has keyed rows.
    """

    path: Path
    integrity: tuple[str, ...]
    audit_rows: int
    audit_head: str
    audit_first_bad_seq: int | None
    sha256: str
    manifest_sha256: str | None
    audit_problems: tuple[AuditProblem, ...] = ()
    audit_keyed: bool = False

    @property
    def ok(self) -> bool:
        """Sound file, verified audit, and the manifest's digest matches (when recorded)."""
        return (
            self.integrity == ("ok",)
            and not self.audit_problems
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


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[Any]:
    """A read-only SQLAlchemy connection to an SQLite file (never creates or writes it)."""
    uri = path.resolve().as_uri() + "?mode=ro"
    engine = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool
    )
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _audit_report(path: Path, key: AuditKey | None, anchors: list[Anchor]) -> AuditReport:
    """Every audit check of an SQLite file (``audit_trail.verify``)."""
    with _read_only(path) as conn:
        return verify(conn, key, anchors)


def _file_key_id(path: Path) -> str | None:
    try:
        with _read_only(path) as conn:
            return stored_key_id(conn)
    except Exception:  # noqa: BLE001 - an old or damaged file simply has no key id
        return None


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


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
    write_private(folder / MANIFEST, json.dumps(data, indent=2, sort_keys=True), replace=True)


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


def _source_path(source: Any) -> Path | None:
    if isinstance(source, (str, os.PathLike)):
        return Path(source)
    path = getattr(source, "path", None)
    return Path(path) if path is not None else None


def _source_key(source: Any) -> AuditKey | None:
    """The audit key of a backup's source: the repository's, or the file beside it."""
    key = getattr(source, "audit_key", None)
    if isinstance(key, AuditKey):
        return key
    path = _source_path(source)
    return read_key(key_file_for(path)) if path is not None else None


def _source_key_file(source: Any) -> Path | None:
    """Where the source's key file is, recorded so ``check`` finds it for the backup."""
    path = _source_path(source)
    if path is None:
        return None
    found = key_file_for(path)
    return found if found.is_file() else None


def _source_anchor_file(source: Any) -> Path | None:
    anchor = getattr(source, "anchor_file", None)
    if anchor is not None:
        return Path(anchor)
    path = _source_path(source)
    if path is None:
        return None
    from planner.storage.audit_trail import anchor_file_for

    return anchor_file_for(path)


def backup(
    source: Any,
    dest_dir: Path,
    *,
    now: dt.datetime,
    keep: int = DEFAULT_KEEP,
    label: str = "",
    allow_broken_chain: bool = False,
    key: AuditKey | None = None,
    database: str | None = None,
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
        key: the audit key (default: the repository's, or the file beside a database
            file); the copy's keyed chain is verified with it.
        database: the label of the database it is a copy of (default: ``label``),
            recorded so that ``check`` compares the database with its own backups only.

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
    key = key if key is not None else _source_key(source)
    # Read before the copy: an anchor is written after its commit, so the one read now
    # names a row the copy holds.
    anchor_file = _source_anchor_file(source)
    anchor = read_anchor(anchor_file, "the anchor beside the database") if anchor_file else None
    try:
        _private_dir(dest_dir)
        path = _backup_name(dest_dir, now, label)
        create_private(path)
    except OSError as exc:
        raise _folder_error(dest_dir, exc) from None
    try:
        with _source_connection(source) as src:
            dst = sqlite3.connect(path, isolation_level=None)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                integrity = _integrity(dst)
                revision = _revision(dst)
            finally:
                dst.close()
        report = _audit_report(path, key, [anchor] if anchor else [])
    except sqlite3.Error as exc:
        path.unlink(missing_ok=True)
        # SQLite's message names the condition ("database or disk is full"), never data.
        raise StorageError(
            f"The backup could not be made ({type(exc).__name__}: {str(exc)[:120]}); "
            "the database was not changed."
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
    if report.problems and not allow_broken_chain:
        path.unlink(missing_ok=True)
        raise StorageError(
            f"The database's audit trail does not verify, so no backup was made: "
            f"{report.problems[0].sentence()} Restore the last verified backup "
            "(transplant-planner --db FILE restore BACKUP)."
        )
    info = BackupInfo(
        path=path,
        sha256=sha256_of(path),
        created_utc=now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        integrity="ok",
        audit_rows=report.rows,
        audit_head=report.head,
        audit_first_bad_seq=report.first_bad_seq,
        schema_revision=revision,
        label=label,
    )
    manifest = _read_manifest(dest_dir)
    entry = {k: (v.name if isinstance(v, Path) else v) for k, v in dataclasses.asdict(info).items()}
    # The head anchored outside the database: a chain later cut or rewritten no longer
    # holds it (``check``). Its MAC stops an anchor being moved to an earlier row.
    entry["database"] = database if database is not None else label
    if key is not None:
        entry["audit_key_id"] = key.key_id
        key_file = _source_key_file(source)
        if key_file is not None:
            entry["key_file"] = str(key_file.resolve())
        entry["anchor_mac"] = Anchor.mac_of(key, report.rows, report.head)
    manifest["backups"] = [b for b in manifest["backups"] if b.get("path") != path.name]
    manifest["backups"].append(entry)
    try:
        _rotate(dest_dir, manifest, keep, label)
        _write_manifest(dest_dir, manifest)
    except OSError as exc:  # a copy the manifest does not hold is not a verified backup
        path.unlink(missing_ok=True)
        raise _folder_error(dest_dir, exc) from None
    return info


def _folder_error(folder: Path, exc: OSError) -> StorageError:
    return StorageError(
        f"The backup folder {folder} cannot be written ({exc.strerror or type(exc).__name__}); "
        "make it writable or choose another (--dest). The database was not changed."
    )


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


def manifest_anchors(folder: Path, database: str) -> list[Anchor]:
    """The chain heads recorded by the backups of ``database`` in ``folder``'s manifest
    (those a restore superseded left out)."""
    anchors: list[Anchor] = []
    for entry in _read_manifest(Path(folder))["backups"]:
        if entry.get("superseded") or entry.get("database", entry.get("label")) != database:
            continue
        try:
            seq, head = int(entry.get("audit_rows", 0)), str(entry.get("audit_head", ""))
        except (TypeError, ValueError):
            seq, head = -1, ""
        name = str(entry.get("path", "?"))
        # An entry written before backups carried a MAC is compared by position only.
        anchors.append(Anchor(seq, head, str(entry.get("anchor_mac", "")), f"backup {name}"))
    return anchors


def find_key(key_id: str | None, near: Path) -> AuditKey | None:
    """The audit key whose id is ``key_id``, looked for where a backup's database keeps
    it: the configured key file, the backup's folder and the folder above it, the data
    folder."""
    if key_id is None:
        return None
    from planner.storage.paths import data_dir

    near = Path(near).resolve()
    candidates = [key_file_for(None)] if os.environ.get("TRANSPLANT_PLANNER_AUDIT_KEY") else []
    recorded = (_manifest_entry(near) or {}).get("key_file")
    if isinstance(recorded, str):
        candidates.append(Path(recorded))
    for folder in (near.parent, near.parent.parent):
        candidates += sorted(folder.glob("*.audit-key"))
    candidates.append(data_dir() / "audit.key")
    for candidate in candidates:
        try:
            key = read_key(candidate)
        except StorageError:
            continue
        if key is not None and key.key_id == key_id:
            return key
    return None


def _manifest_entry(path: Path) -> dict[str, Any] | None:
    for entry in _read_manifest(path.parent)["backups"]:
        if isinstance(entry, dict) and entry.get("path") == path.name:
            return dict(entry)
    return None


def check(
    path: Path, *, key: AuditKey | None = None, backups_dir: Path | None = None
) -> CheckReport:
    """Check a backup or a database file: integrity, the keyed audit chain, its anchors,
    the stored documents against their audit rows, and the manifest digest.

    A backup (listed in its folder's manifest) is checked with the key its manifest
    entry names. A database is checked with the key beside it, against the anchor beside
    it and the heads its backups recorded (``backups_dir``, default ``backups`` beside).
    """
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"There is no file at {path}.")
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        integrity = _integrity(conn)
    finally:
        conn.close()
    entry = _manifest_entry(path)
    anchors: list[Anchor] = []
    if entry is not None:
        key_id = entry.get("audit_key_id") or _file_key_id(path)
        key = key or find_key(key_id, path)
    else:
        key = key or read_key(key_file_for(path))
        from planner.storage.audit_trail import anchor_file_for

        beside = read_anchor(anchor_file_for(path), "the anchor beside the database")
        anchors = [beside] if beside is not None else []
        folder = backups_dir or path.parent / "backups"
        anchors += manifest_anchors(folder, label_for(path))
    audit = _audit_report(path, key, anchors)
    if entry is None:
        audit = _database_expectations(path, audit, key, anchors)
    return CheckReport(
        path=path,
        integrity=integrity,
        audit_rows=audit.rows,
        audit_head=audit.head,
        audit_first_bad_seq=audit.first_bad_seq,
        sha256=sha256_of(path),
        manifest_sha256=entry.get("sha256") if entry is not None else None,
        audit_problems=audit.problems,
        audit_keyed=audit.keyed,
    )


def _database_expectations(
    path: Path, audit: AuditReport, key: AuditKey | None, anchors: list[Anchor]
) -> AuditReport:
    """What a keyed database always has: keyed rows once it has a key file and rows (a
    chain rewritten entirely in the old unkeyed scheme has none), and the anchor beside
    it once it has keyed rows (deleting it would hide a cut tail)."""
    extra: list[AuditProblem] = []
    if key is not None and audit.rows and not audit.keyed:
        extra.append(
            AuditProblem(
                "table audit",
                "the database has an audit key but no keyed rows, so the chain was rewritten",
                "keyed rows",
                "only unkeyed rows",
            )
        )
    beside = [a for a in anchors if a.source == "the anchor beside the database"]
    if audit.keyed and not beside:
        extra.append(
            AuditProblem(
                "the anchor beside the database",
                "the anchor file is missing, so rows cut from the end could not be seen",
                f"{path.name}.audit-anchor",
                "no file",
            )
        )
    if not extra:
        return audit
    return dataclasses.replace(audit, problems=(*audit.problems, *extra))


def problem(report: CheckReport) -> str:
    """What is wrong with a checked file, as a clause ("" when it is sound)."""
    if report.integrity != ("ok",):
        return "it fails the integrity check"
    if report.audit_problems:
        first = report.audit_problems[0]
        return f"its audit trail does not verify ({first.where}: {first.what})"
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
    for suffix in ("-wal", "-shm", "-journal", ".audit-anchor"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    if not target.exists():
        return None
    os.replace(target, kept)
    # The kept database stays verifiable: a copy of the key goes with it (the restored
    # one, of the same lineage, keeps using the original).
    key = read_key(key_beside(target))
    if key is not None:
        write_key(key_beside(kept), key)
    return kept


def _put_back(kept: Path | None, target: Path) -> None:
    """Undo ``_keep_aside`` after a failed copy: the database as it was, where it was."""
    if kept is None:
        return
    key_beside(kept).unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal", ".audit-anchor"):
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
    # Found, or the check above would have refused a keyed backup: None when unkeyed.
    entry = _manifest_entry(backup_file) or {}
    backup_key = find_key(entry.get("audit_key_id") or _file_key_id(backup_file), backup_file)
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
        create_private(staging)
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
        if backup_key is not None:
            _key_beside_restored(target, backup_key)
        _supersede_anchors(target)
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
                    maintenance=True,
                    event=f"Restored from backup {backup_file.name} "
                    f"(sha256 {report.sha256[:12]}){aside}",
                )
            )
        finally:
            repo.close()
    finally:
        lock.release()
    return RestoreInfo(restored_from=backup_file, kept_aside=kept, report=check(target))


def _key_beside_restored(target: Path, key: AuditKey) -> None:
    """Put the restored backup's audit key beside it when the one there is another
    (restoring a copy of another database) or there is none (a new folder), so its keyed
    rows stay verifiable. The key replaced went aside with the replaced database."""
    beside = key_beside(target)
    current = read_key(beside)
    if current is not None and current.key_id == key.key_id:
        return
    beside.unlink(missing_ok=True)
    write_key(beside, key)


def _supersede_anchors(target: Path) -> None:
    """Mark the backups whose recorded head the restored chain does not hold (taken
    after the backup now restored): a restore rewinds the chain on purpose, and their
    anchors would otherwise report it as tampering."""
    folder = target.parent / "backups"
    manifest = _read_manifest(folder)
    if not manifest["backups"]:
        return
    with _read_only(target) as conn:
        entries = audit_entries(conn)
    database = label_for(target)
    changed = False
    for entry in manifest["backups"]:
        if entry.get("superseded") or entry.get("database", entry.get("label")) != database:
            continue
        anchor = Anchor(int(entry.get("audit_rows", 0)), str(entry.get("audit_head", "")), "", "")
        if anchor_problem(entries, anchor, None) is not None:
            entry["superseded"] = True
            changed = True
    if changed:
        _write_manifest(folder, manifest)


def check_anchors(
    entries: list[AuditEntry],
    dest_dir: Path,
    key: AuditKey | None = None,
    database: str | None = None,
) -> int | None:
    """Compare the audit chain with the heads anchored in a backup manifest.

    A chain rewritten or cut short after a backup no longer holds the head the manifest
    recorded. Returns the anchored seq of the first manifest entry that does not match
    (its row missing or its hash different), or None when every anchor matches.
    ``database``: only that database's backups (default: every entry).
    """
    for entry in _read_manifest(Path(dest_dir))["backups"]:
        if database is not None and entry.get("database", entry.get("label")) != database:
            continue
        if entry.get("superseded"):
            continue
        seq, head = int(entry.get("audit_rows", 0)), str(entry.get("audit_head", ""))
        mac = str(entry.get("anchor_mac", "")) if key is not None else ""
        if seq and anchor_problem(entries, Anchor(seq, head, mac, "backup"), key) is not None:
            return seq
    return None
