"""The SQLite store: settings, files, locking, migrations, append-only audit, backups.

What is checked: WAL and synchronous=FULL in force and weaker settings refused; an old
SQLite refused; files 0600 in a 0700 folder, a world-readable database refused; a second
instance refused and a stale lock recovered; a database made by a newer version refused;
a backup taken before migrating; the audit table append-only and tampering detected;
backups verified and restorable; a damaged copy detected at open; disk full a clear error.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from planner.domain.plans import set_step_note
from planner.errors import StorageError
from planner.storage import (
    SqlRepository,
    default_database_path,
    migrate,
    open_repository,
    schema,
    verify_audit,
)
from planner.storage import backup as bk
from planner.storage import engine as eng
from planner.storage.audit_trail import key_beside
from planner.storage.lock import lock_path_for
from tests.integration.factories import ACTOR, action, patient, plan, transplant

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _open(path: Path, **kw: object) -> SqlRepository:
    return open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation, **kw)  # type: ignore[arg-type]


@pytest.fixture
def sql(db_path: Path) -> Iterator[SqlRepository]:
    repo = _open(db_path)
    try:
        yield repo
    finally:
        repo.close()


def fill(repo: SqlRepository, edits: int = 6) -> None:
    """A patient, a transplant with its plan, then ``edits`` saves (audit rows to tamper with)."""
    repo.commit(action("Add patient", patient_id="p1", patients=(patient(),)))
    repo.commit(
        action("Add transplant", patient_id="p1", transplants=(transplant(),), plans=(plan(),))
    )
    p = repo.get_patient("p1")
    pl = repo.get_plan("t1")
    assert pl is not None
    for n in range(edits):
        committed = repo.commit(
            action(
                f"edit {n}",
                patient_id="p1",
                patients=(replace(p, contacts=f"c{n}"),),
                plans=(set_step_note(pl, pl.steps[0].id, f"n{n}"),),
            )
        )
        p, pl = committed.patients[0], committed.plans[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- settings -----------------------------------------------------------------------


def test_pragmas_effective(sql: SqlRepository) -> None:
    with sql.engine.connect() as conn:
        values = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
        }
    assert values == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "secure_delete": 1,
    }


def test_write_transactions_take_the_lock_up_front(sql: SqlRepository) -> None:
    """BEGIN IMMEDIATE: while the app is in a transaction, another writer is busy at once."""
    assert sql.path is not None
    other = sqlite3.connect(sql.path, timeout=0, isolation_level=None)
    try:
        with sql.engine.begin() as conn:
            conn.exec_driver_sql("SELECT 1")  # a read only, yet the write lock is held
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_a_read_takes_no_write_lock_and_holds_no_other_read_back(sql: SqlRepository) -> None:
    """Reads go through read-only connections of their own, each a deferred transaction:
    a read in a worker (the live load's) no longer holds back one on the GUI thread (a
    patient opened), nor a write, which still goes through the one writing connection."""
    import threading
    import time

    fill(sql, edits=1)
    reading, release = threading.Event(), threading.Event()

    def long_read() -> None:
        with sql._read() as conn:
            conn.execute(text("SELECT count(*) FROM patients")).scalar()  # in its transaction
            reading.set()
            assert release.wait(20)

    worker = threading.Thread(target=long_read)
    worker.start()
    try:
        assert reading.wait(10)
        started = time.monotonic()
        assert sql.get_patient("p1").id == "p1"  # the pool's other connection
        sql.commit(action("Add", patients=(patient("p2", "MRN2"),)))  # WAL: beside a reader
        assert time.monotonic() - started < 2.0
    finally:
        release.set()
        worker.join(10)
    assert sql.get_patient("p2").mrn == "MRN2"


def test_weaker_setting_refused(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pragmas = dict(eng.SQLITE_PRAGMAS)
    pragmas["synchronous"] = ("NORMAL", 2)  # what is set no longer matches what is required
    monkeypatch.setattr(eng, "SQLITE_PRAGMAS", pragmas)
    with pytest.raises(StorageError, match="synchronous"):
        _open(db_path)
    monkeypatch.undo()
    _open(db_path).close()  # the refused open released its lock


def test_min_sqlite_version(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eng.sqlite3, "sqlite_version_info", (3, 8, 0))
    monkeypatch.setattr(eng.sqlite3, "sqlite_version", "3.8.0")
    with pytest.raises(StorageError, match=r"3\.8\.0.*3\.37\.0 or newer"):
        _open(db_path)
    assert not db_path.exists()


# --- files --------------------------------------------------------------------------


def test_file_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    path = default_database_path()
    assert path.is_relative_to(tmp_path / "xdg")
    assert "transplant-planner" in str(path)
    repo = open_repository(None, user="u", workstation="w")
    try:
        fill(repo, edits=1)
        assert repo.path == path
        for p in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
            lock_path_for(path),
        ):
            assert mode(p) == 0o600, p.name
        assert mode(path.parent) == 0o700
        info = bk.backup(repo, tmp_path / "backups", now=NOW)
        assert mode(info.path) == 0o600
        assert mode(info.path.parent) == 0o700
        assert mode(info.path.parent / bk.MANIFEST) == 0o600
    finally:
        repo.close()


def test_world_readable_database_refused(db_path: Path) -> None:
    _open(db_path).close()
    os.chmod(db_path, 0o644)
    with pytest.raises(StorageError, match="chmod 600"):
        _open(db_path)
    os.chmod(db_path, 0o600)
    _open(db_path).close()


def test_symlinked_database_refused(db_path: Path, tmp_path: Path) -> None:
    _open(db_path).close()
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    with pytest.raises(StorageError, match="symbolic link"):
        _open(link)


def test_missing_database_not_created_when_asked(db_path: Path) -> None:
    with pytest.raises(StorageError, match="no database"):
        _open(db_path, create=False)
    assert not db_path.exists()


def test_foreign_file_refused(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE other (x)")
    conn.close()
    os.chmod(db_path, 0o600)
    with pytest.raises(StorageError, match="not a Transplant Planner database"):
        _open(db_path)


# --- single instance ----------------------------------------------------------------


def test_second_instance_refused_then_recovered(db_path: Path) -> None:
    first = _open(db_path)
    with pytest.raises(StorageError) as err:
        open_repository(db_path, user="someone", workstation="WS-99")
    message = str(err.value)
    assert "in use by jdoe on WS-07 since" in message
    assert f"process {os.getpid()}" in message
    first.close()
    second = open_repository(db_path, user="someone", workstation="WS-99")
    second.close()


def test_stale_lock_file_is_taken_over(db_path: Path) -> None:
    _open(db_path).close()
    lock_path_for(db_path).write_text('{"user": "ghost", "host": "gone", "pid": 999999}')
    repo = _open(db_path)  # nobody holds the OS lock: the file is stale
    try:
        assert "jdoe" in lock_path_for(db_path).read_text()
    finally:
        repo.close()


# --- migrations ---------------------------------------------------------------------


def test_known_revisions_match_the_migration_scripts() -> None:
    assert migrate.known_revisions() == list(schema.SCHEMA_REVISIONS)


def test_fresh_database_is_stamped_and_not_backed_up(db_path: Path) -> None:
    repo = _open(db_path)
    try:
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION
            meta = dict(conn.execute(text("SELECT key, value FROM meta")).all())
        assert meta["schema_version"] == schema.HEAD_REVISION
        assert meta["created_by_app_version"]
        assert repo.pre_migration_backup is None
        assert not (db_path.parent / "backups").exists()
    finally:
        repo.close()


def test_newer_schema_refused(db_path: Path) -> None:
    repo = _open(db_path)
    fill(repo, edits=1)
    rows = len(repo.audit_log())
    repo.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '0999'")
    conn.commit()
    conn.close()
    for _ in range(2):  # the refusal leaves no lock behind
        with pytest.raises(StorageError) as err:
            _open(db_path)
        assert str(err.value) == (
            "This database was created by a newer version of Transplant Planner "
            "(schema 0999); install that version or newer."
        )
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0999",)
        assert conn.execute("SELECT count(*) FROM audit").fetchone() == (rows,)
    finally:
        conn.close()
    assert not (db_path.parent / "backups").exists()


NEXT_REVISION = f"{int(schema.HEAD_REVISION) + 1:04d}"
NEXT_MIGRATION = f'''
"""Test-only revision."""
from alembic import op

revision = "{NEXT_REVISION}"
down_revision = "{schema.HEAD_REVISION}"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("INSERT INTO meta (key, value) VALUES ('test_migration', 'ran')")
    op.execute("UPDATE meta SET value = '{NEXT_REVISION}' WHERE key = 'schema_version'")
'''


def test_backup_taken_before_migrating(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _open(db_path)
    fill(repo, edits=2)
    audit_rows = repo.audit_log()
    repo.close()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.script_location(), scripts)
    head = schema.HEAD_REVISION
    (scripts / "versions" / f"{NEXT_REVISION}_test.py").write_text(NEXT_MIGRATION)
    monkeypatch.setattr(migrate, "script_location", lambda: scripts)
    monkeypatch.setattr(schema, "SCHEMA_REVISIONS", (*schema.SCHEMA_REVISIONS, NEXT_REVISION))
    monkeypatch.setattr(schema, "HEAD_REVISION", NEXT_REVISION)

    repo = _open(db_path, now=NOW)
    try:
        saved = repo.pre_migration_backup
        assert saved is not None and saved.parent == db_path.parent / "backups"
        assert "pre-migration" in saved.name
        report = bk.check(saved)
        assert report.ok
        assert report.audit_rows == len(audit_rows)
        entry = bk.list_backups(saved.parent)[-1]
        assert (entry["schema_revision"], entry["label"]) == (head, "pre-migration")
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == NEXT_REVISION
            assert (
                conn.execute(text("SELECT value FROM meta WHERE key = 'test_migration'")).scalar()
                == "ran"
            )
        assert repo.audit_log() == audit_rows
    finally:
        repo.close()


# --- audit trail ----------------------------------------------------------------------


def test_audit_append_only(sql: SqlRepository) -> None:
    fill(sql, edits=1)
    before = sql.audit_log()
    for statement in (
        "UPDATE audit SET new = '\"x\"' WHERE seq = 1",
        "DELETE FROM audit WHERE seq = 1",
        "DELETE FROM audit",
    ):
        with (
            pytest.raises(DBAPIError, match="audit rows cannot be changed"),
            sql.engine.begin() as conn,
        ):
            conn.execute(text(statement))
    assert sql.audit_log() == before


def _tampered_copy(source: Path, folder: Path, name: str, *statements: str) -> Path:
    """A copy (through the backup API) with the triggers dropped and ``statements`` run."""
    folder.mkdir(exist_ok=True)
    copy = folder / name
    src = sqlite3.connect(source)
    dst = sqlite3.connect(copy)
    try:
        src.backup(dst)
        dst.execute("DROP TRIGGER audit_no_update")
        dst.execute("DROP TRIGGER audit_no_delete")
        for statement in statements:
            dst.execute(statement)
        dst.commit()
    finally:
        src.close()
        dst.close()
    os.chmod(copy, 0o600)
    shutil.copy(key_beside(source), key_beside(copy))  # the copy's own key file
    return copy


def _first_bad(path: Path) -> int | None:
    repo = _open(path)
    try:
        return verify_audit(repo)
    finally:
        repo.close()


def test_audit_tamper_detected(db_path: Path, tmp_path: Path) -> None:
    repo = _open(db_path)
    fill(repo, edits=5)
    n = len(repo.audit_log())
    assert n >= 12
    info = bk.backup(repo, tmp_path / "anchors", now=NOW)
    repo.close()
    assert _first_bad(db_path) is None
    work = tmp_path / "tamper"
    edited = _tampered_copy(
        db_path, work, "edited.db", "UPDATE audit SET new = '\"c99\"' WHERE seq = 7"
    )
    assert _first_bad(edited) == 7
    deleted = _tampered_copy(db_path, work, "deleted.db", "DELETE FROM audit WHERE seq = 5")
    assert _first_bad(deleted) == 6  # the row now in position 5 does not fit there
    reordered = _tampered_copy(
        db_path,
        work,
        "reordered.db",
        "UPDATE audit SET seq = -1 WHERE seq = 3",
        "UPDATE audit SET seq = 3 WHERE seq = 4",
        "UPDATE audit SET seq = 4 WHERE seq = -1",
    )
    assert _first_bad(reordered) == 3
    cut = _tampered_copy(db_path, work, "cut.db", f"DELETE FROM audit WHERE seq > {n - 2}")
    assert _first_bad(cut) is None  # a cut tail still chains ...
    repo = _open(cut)
    try:
        # ... but no longer reaches the head anchored in the backup manifest.
        assert bk.check_anchors(repo.audit_log(), info.path.parent) == n
    finally:
        repo.close()
    repo = _open(db_path)
    try:
        assert bk.check_anchors(repo.audit_log(), info.path.parent) is None
    finally:
        repo.close()


# --- backups ------------------------------------------------------------------------


def test_backup_is_verified_and_restorable(db_path: Path, tmp_path: Path) -> None:
    repo = _open(db_path)
    fill(repo, edits=3)
    at_backup = (repo.list_patients(), repo.list_transplants(), repo.list_plans(), repo.audit_log())
    folder = tmp_path / "backups"
    info = bk.backup(repo, folder, now=NOW)
    assert info.integrity == "ok" and info.audit_first_bad_seq is None
    assert info.audit_rows == len(at_backup[3]) and info.audit_head == at_backup[3][-1].hash
    assert info.sha256 == bk.sha256_of(info.path)
    entry = bk.list_backups(folder)[-1]
    assert entry["path"] == info.path.name and entry["sha256"] == info.sha256
    assert not Path(str(info.path) + "-wal").exists()  # one self-contained file
    assert bk.check(info.path).ok

    fill_more = repo.get_patient("p1")
    repo.commit(action("later edit", patients=(replace(fill_more, contacts="after"),)))
    with pytest.raises(StorageError, match="open in Transplant Planner"):
        bk.restore(info.path, db_path, now=NOW)  # never under a running instance
    repo.close()

    result = bk.restore(info.path, db_path, now=NOW + dt.timedelta(minutes=1))
    assert result.kept_aside is not None and bk.check(result.kept_aside).ok
    assert result.report.ok
    assert mode(db_path) == 0o600
    repo = _open(db_path)
    try:
        now_state = (
            repo.list_patients(),
            repo.list_transplants(),
            repo.list_plans(),
            repo.audit_log(),
        )
        # The backup's state, and one audit row more: the restore itself.
        assert now_state[:3] == at_backup[:3]
        assert now_state[3][:-1] == at_backup[3]
        assert now_state[3][-1].entity == "event" and "Restored" in now_state[3][-1].new
        assert repo.get_patient("p1").contacts == "c2"
        assert verify_audit(repo) is None
    finally:
        repo.close()


def test_backup_rotation_keeps_the_newest(sql: SqlRepository, tmp_path: Path) -> None:
    fill(sql, edits=0)
    folder = tmp_path / "rot"
    made = [bk.backup(sql, folder, now=NOW + dt.timedelta(hours=h), keep=2).path for h in range(4)]
    kept = sorted(p.name for p in folder.glob("planner-*.db"))
    assert kept == [p.name for p in made[2:]]
    assert [b["path"] for b in bk.list_backups(folder)] == kept


def _corrupt(path: Path) -> None:
    """Overwrite the start of every page after the first (B-tree page headers)."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert len(data) // page >= 3
    for offset in range(page, len(data), page):
        data[offset : offset + 12] = b"\xa5" * 12
    path.write_bytes(bytes(data))


def test_corrupted_copy_detected_at_open(db_path: Path, tmp_path: Path) -> None:
    repo = _open(db_path)
    fill(repo, edits=20)
    info = bk.backup(repo, tmp_path / "copies", now=NOW)
    repo.close()
    copy = info.path
    _corrupt(copy)
    with pytest.raises(StorageError) as err:
        _open(copy)
    assert str(err.value) == eng.DAMAGED_MESSAGE
    assert "transplant-planner --db FILE restore BACKUP" in str(err.value)
    assert not bk.check(copy).ok
    with pytest.raises(StorageError, match="cannot be restored because it fails the integrity"):
        bk.restore(copy, tmp_path / "restored.db", now=NOW)


def test_restore_over_a_damaged_database(db_path: Path, tmp_path: Path) -> None:
    repo = _open(db_path)
    fill(repo, edits=20)
    info = bk.backup(repo, tmp_path / "good", now=NOW)
    repo.close()
    _corrupt(db_path)  # the live file is damaged (after the test's own checkpoint)
    with pytest.raises(StorageError, match="damaged"):
        _open(db_path)
    result = bk.restore(info.path, db_path, now=NOW)
    assert result.kept_aside is not None and result.kept_aside.exists()
    assert not bk.check(result.kept_aside).ok  # kept as it was, damage and all
    repo = _open(db_path)
    try:
        assert repo.get_patient("p1").contacts == "c19"
    finally:
        repo.close()


def test_disk_full_is_a_clear_error_and_changes_nothing(sql: SqlRepository) -> None:
    fill(sql, edits=0)
    with sql.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        conn.exec_driver_sql(f"PRAGMA max_page_count = {int(pages or 0) + 1}")
    before = sql.audit_log()
    big = tuple(patient(f"x{i}", f"X{i}", family="Bulk", contacts="z" * 1900) for i in range(40))
    with pytest.raises(StorageError, match="disk is full"):
        sql.commit(action("import", patients=big))
    assert [p.id for p in sql.list_patients()] == ["p1"]
    assert sql.audit_log() == before
    with sql.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_unusable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(StorageError, match="cannot be opened"):
        open_repository(blocked / "planner.db", user="u", workstation="w")
