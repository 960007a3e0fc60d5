"""``transplant-planner --db F restore BACKUP``: a verified backup back in place.

What is checked: edits made after the backup are gone after the restore; the replaced
database is kept aside (with its -wal, which is not replayed into the restore) and
named in the output; ``check`` then says verified; the audit trail holds the restore; a
damaged backup and a database the app has open are refused in one sentence (exit 2).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from planner.storage import SqlRepository, open_repository, verify_audit
from planner.storage import backup as bk
from tests.cli_run import run_cli
from tests.integration.factories import ACTOR, action, patient


@pytest.fixture(autouse=True)
def _data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))


def _open(path: Path) -> SqlRepository:
    return open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)


def _edit(repo: SqlRepository, contacts: str) -> None:
    p = repo.get_patient("p1")
    repo.commit(action("edit", patient_id="p1", patients=(replace(p, contacts=contacts),)))


@pytest.fixture
def backed_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A clinic database with one patient ("before") and a verified backup of it."""
    db = tmp_path / "clinic" / "Clinic.db"
    db.parent.mkdir(mode=0o700)
    repo = _open(db)
    repo.commit(action("Add patient", patient_id="p1", patients=(patient(),)))
    _edit(repo, "before")
    repo.close()
    code, out, _ = run_cli(capsys, "--db", str(db), "backup")
    assert code == 0, out
    (backup,) = (db.parent / "backups").glob("planner-*-Clinic.db")
    return db, backup


def test_restore_round_trip_keeps_the_current_file_and_skips_a_leftover_wal(
    backed_up: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = backed_up
    repo = _open(db)
    for n in range(30):
        _edit(repo, f"after {n}")
    # The state a crash leaves: the main file without the 30 edits, and a -wal holding them.
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    shutil.copy2(db, crashed / "main")
    shutil.copy2(db.with_name(db.name + "-wal"), crashed / "wal")
    repo.close()
    shutil.copy2(crashed / "main", db)
    shutil.copy2(crashed / "wal", db.with_name(db.name + "-wal"))

    code, out, err = run_cli(capsys, "--db", str(db), "restore", str(backup))

    assert code == 0, err
    kept = next(db.parent.glob("Clinic.db.before-restore-*[0-9Z]"))
    assert f"kept as {kept}" in out
    assert "Audit trail:" in out and "verified" in out
    wal = db.with_name(db.name + "-wal")  # a read-only check may leave an empty one
    assert not wal.exists() or wal.stat().st_size == 0  # the old one moved aside
    assert kept.with_name(kept.name + "-wal").exists()
    repo = _open(db)
    try:
        assert repo.get_patient("p1").contacts == "before"  # the 30 edits are not replayed
        last = repo.audit_log()[-1]
        assert last.entity == "event" and backup.name in last.new
        assert verify_audit(repo) is None
    finally:
        repo.close()
    # Nothing was lost: the replaced database, with its -wal, still holds the 30 edits.
    old = _open(kept)
    try:
        assert old.get_patient("p1").contacts == "after 29"
    finally:
        old.close()
    code, out, _ = run_cli(capsys, "--db", str(db), "check")
    assert code == 0 and "verified" in out, out


def test_restore_of_a_damaged_backup_is_refused_in_one_sentence(
    backed_up: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = backed_up
    data = bytearray(backup.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page, len(data), page):
        data[offset : offset + 12] = b"\xa5" * 12
    backup.write_bytes(bytes(data))
    before = db.read_bytes()

    code, out, err = run_cli(capsys, "--db", str(db), "restore", str(backup))

    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "cannot be restored because" in err
    assert db.read_bytes() == before
    assert not list(db.parent.glob("*.before-restore-*"))


def test_restore_of_a_backup_whose_checksum_differs_is_refused(
    backed_up: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = backed_up
    # A sound SQLite file, but not the one the manifest recorded.
    other = _open(db)
    _edit(other, "swapped")
    other.close()
    shutil.copy2(db, backup)
    code, _, err = run_cli(capsys, "--db", str(db), "restore", str(backup))
    assert code == 2 and "checksum differs" in err


def test_restore_is_refused_while_the_app_has_the_database_open(
    backed_up: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = backed_up
    app = _open(db)  # the app's instance lock
    try:
        code, out, err = run_cli(capsys, "--db", str(db), "restore", str(backup))
        assert code == 2 and out == ""
        assert err.count("\n") == 1
        assert "open in Transplant Planner (jdoe on WS-07" in err
        assert app.get_patient("p1").contacts == "before"
        assert not list(db.parent.glob("*.before-restore-*"))
    finally:
        app.close()


def test_restore_onto_a_missing_database(
    backed_up: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = backed_up
    db.unlink()
    code, out, err = run_cli(capsys, "--db", str(db), "restore", str(backup))
    assert code == 0, err
    assert "kept as" not in out
    report = bk.check(db)
    assert report.ok and report.audit_rows == bk.check(backup).audit_rows + 1


def test_restoring_the_database_onto_itself_is_refused(
    backed_up: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = backed_up
    before = db.read_bytes()
    code, _, err = run_cli(capsys, "--db", str(db), "restore", str(db))
    assert code == 2 and err.count("\n") == 1 and "is the database itself" in err
    assert db.read_bytes() == before
