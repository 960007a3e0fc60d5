"""Backups a hospital's IT can schedule: while the app is open, for any file name.

What is checked: ``backup`` works while the app holds the database (its lock, open
connections, edits still in the -wal) and the copy holds the last saved edit; ordinary
database names (``Clinic.db``, ``clinic2.db``, ``bmt_2026.db``) get a manifest entry
with checksum and audit anchor and rotate to ``--keep``; a database whose audit chain
is broken is refused naming the first bad row; the app's close-time backup through the
repository port is taken at most once a day.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from planner.errors import StorageError
from planner.storage import SqlRepository, open_repository
from planner.storage import backup as bk
from planner.storage.memory import InMemoryRepository
from tests.cli_run import run_cli
from tests.integration.factories import ACTOR, action, patient

NOW = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.fixture(autouse=True)
def _data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))


def _open(path: Path) -> SqlRepository:
    return open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)


def _clinic(path: Path, contacts: str = "first") -> None:
    repo = _open(path)
    try:
        repo.commit(action("Add patient", patient_id="p1", patients=(patient(),)))
        p = repo.get_patient("p1")
        repo.commit(action("edit", patient_id="p1", patients=(replace(p, contacts=contacts),)))
    finally:
        repo.close()


def _contacts(backup: Path) -> str:
    conn = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT contacts FROM patients WHERE id = 'p1'").fetchone()[0])
    finally:
        conn.close()


def test_backup_while_the_app_has_the_database_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "clinic.db"
    _clinic(db)
    app = _open(db)  # holds the instance lock and an open connection
    try:
        p = app.get_patient("p1")
        app.commit(action("edit", patient_id="p1", patients=(replace(p, contacts="latest"),)))
        assert db.with_name(db.name + "-wal").stat().st_size > 0  # not yet in the main file
        # A reader in the middle of a transaction does not stop the backup either.
        reader = sqlite3.connect(db)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM audit").fetchone()
        try:
            code, out, err = run_cli(capsys, "--db", str(db), "backup")
        finally:
            reader.rollback()
            reader.close()
        assert code == 0, err
        assert "verified" in out
        (made,) = (tmp_path / "backups").glob("planner-*-clinic.db")
        assert _contacts(made) == "latest"
        assert bk.check(made).ok
        # The app goes on working afterwards.
        p = app.get_patient("p1")
        app.commit(action("edit", patient_id="p1", patients=(replace(p, contacts="after"),)))
        assert app.get_patient("p1").contacts == "after"
    finally:
        app.close()


@pytest.mark.parametrize("name", ["Clinic.db", "clinic2.db", "bmt_2026.db"])
def test_ordinary_names_get_manifest_entries_and_rotate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    db = tmp_path / name
    _clinic(db)
    other = tmp_path / "other.db"  # a second database backed up into the same folder
    _clinic(other)
    dest = tmp_path / "shared"
    assert run_cli(capsys, "--db", str(other), "backup", "--dest", str(dest))[0] == 0
    made = []
    for _ in range(4):
        code, out, err = run_cli(
            capsys, "--db", str(db), "backup", "--dest", str(dest), "--keep", "2"
        )
        assert code == 0, err
        made.append(Path(out.split("verified: ")[1].split(" (sha256")[0]).name)
    label = bk.label_for(db)
    ours = sorted(p.name for p in dest.glob(f"planner-*-{label}.db"))
    assert ours == sorted(made[2:])  # the two newest; the older two deleted
    entries = {e["path"]: e for e in bk.list_backups(dest)}
    live = bk.check(db)
    for kept in ours:
        entry = entries[kept]
        assert entry["sha256"] == bk.sha256_of(dest / kept)
        assert (entry["audit_rows"], entry["audit_head"]) == (live.audit_rows, live.audit_head)
        assert entry["label"] == label
    # The other database's backup is rotated on its own, not pushed out.
    assert len(list(dest.glob("planner-*-other.db"))) == 1
    assert len(entries) == 3


def test_keep_below_one_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "clinic.db"
    _clinic(db)
    code, out, err = run_cli(capsys, "--db", str(db), "backup", "--keep", "0")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--keep 0" in err


def test_a_broken_audit_chain_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "clinic.db"
    _clinic(db)
    conn = sqlite3.connect(db)
    try:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET new = '\"forged\"' WHERE seq = 2")
        conn.commit()
    finally:
        conn.close()
    os.chmod(db, 0o600)

    code, out, err = run_cli(capsys, "--db", str(db), "backup", "--dest", str(tmp_path / "bk"))

    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "audit row 2: the row or the chain before it was changed" in err
    assert not list((tmp_path / "bk").glob("planner-*.db"))  # the copy was deleted
    with pytest.raises(StorageError, match="audit row 2: the row or the chain before"):
        bk.backup(db, tmp_path / "bk", now=NOW)


def test_the_port_backs_up_at_most_once_a_day(tmp_path: Path) -> None:
    db = tmp_path / "bmt_2026.db"
    _clinic(db)
    repo = _open(db)
    try:
        assert repo.backup_location() == (str(db), str(tmp_path / "backups"))
        first = repo.backup_now(NOW, once_a_day=True)
        assert first is not None and bk.check(Path(first)).ok
        assert repo.backup_now(NOW + dt.timedelta(hours=5), once_a_day=True) is None
        assert repo.backup_now(NOW + dt.timedelta(hours=5)) is not None  # asked for: taken
        next_day = repo.backup_now(NOW + dt.timedelta(days=1), once_a_day=True)
        assert next_day is not None and next_day != first
    finally:
        repo.close()
    memory = InMemoryRepository()
    assert memory.backup_location() is None and memory.backup_now(NOW) is None
