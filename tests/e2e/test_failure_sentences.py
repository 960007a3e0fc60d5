"""The command line where the computer fails, not the user: a data folder that cannot be
made or written, a full disk, a database driver that is not installed. Each is one
sentence on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import errno
import os
import sys
import tomllib
from pathlib import Path

import pytest

from planner.errors import StorageError
from planner.storage import paths
from tests.cli_run import run_cli
from tests.failing_disks import full_folder, read_only_folder

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "transplant-planner: "


def assert_one_sentence(code: int, err: str, sentence: str) -> None:
    assert "Traceback" not in err
    assert err == f"{PROGRAM}{sentence}\n"
    assert code == 2


# --- a data folder that cannot be made --------------------------------------------------------


@pytest.fixture
def blocked_data(tmp_path, monkeypatch) -> Path:
    """TRANSPLANT_PLANNER_DATA names a folder beneath a regular file: no one, root
    included, can create it."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    data = blocker / "data"
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(data))
    monkeypatch.delenv("TRANSPLANT_PLANNER_DB", raising=False)
    return data


def test_a_data_folder_that_cannot_be_made_is_one_sentence(blocked_data):
    with pytest.raises(StorageError) as caught:
        paths.data_dir()
    assert str(caught.value) == (
        f"The data folder {blocked_data} cannot be created "
        f"({os.strerror(errno.ENOTDIR)}); set TRANSPLANT_PLANNER_DATA to a folder you can "
        "write to."
    )


def test_commands_that_only_read_run_without_a_data_folder(capsys, blocked_data):
    code, out, err = run_cli(capsys, "schedule", "mel200-auto", "--day0", "2026-03-10")
    assert code == 0 and err == ""
    assert "Day 0     2026-03-10" in out
    assert not blocked_data.exists()


def test_the_app_without_a_data_folder_for_its_database_is_one_sentence(capsys, blocked_data):
    # No command: the desktop app's start-up (offscreen, so the sentence is on stderr).
    code, _, err = run_cli(capsys)
    assert_one_sentence(
        code,
        err,
        f"The database at {blocked_data / 'clinic.db'} cannot be opened "
        f"({os.strerror(errno.ENOTDIR)}); check the folder exists and is yours.",
    )


# --- a data folder that cannot be written ----------------------------------------------------


def test_a_read_only_data_folder_is_one_sentence(capsys, tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(data))
    monkeypatch.delenv("TRANSPLANT_PLANNER_DB", raising=False)
    db = data / "clinic.db"
    data.mkdir(mode=0o700)
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    with read_only_folder(data) as reason:
        code, out, err = run_cli(capsys, "board")
    assert_one_sentence(
        code,
        err,
        f"The database at {db} cannot be opened ({reason}); check the folder exists and is yours.",
    )
    assert out == ""


# --- a full disk -------------------------------------------------------------------------------


@pytest.fixture
def demo_db(tmp_path, capsys, monkeypatch) -> Path:
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("TRANSPLANT_PLANNER_DB", raising=False)
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    return db


def _export_to_full_disk(capsys, tmp_path, monkeypatch, demo_db) -> tuple[int, str, str, Path]:
    folder = tmp_path / "full"
    with full_folder(folder, monkeypatch):
        code, out, err = run_cli(
            capsys, "--db", str(demo_db), "export", "handout", "--patient", "DEMO-0003",
            "--out", str(folder / "h.pdf"),
        )  # fmt: skip
        left = sorted(p.name for p in folder.iterdir() if p.name != "filler")
    assert left == []  # no half-written handout, no temporary file
    return code, out, err, folder


def test_an_export_to_a_full_disk_is_one_sentence(capsys, tmp_path, monkeypatch, demo_db):
    code, out, err, _ = _export_to_full_disk(capsys, tmp_path, monkeypatch, demo_db)
    assert out == "" and "Traceback" not in err
    assert err == (
        f"{PROGRAM}Could not write h.pdf (the disk is full); any previous file of that name is "
        "unchanged.\n"
    )
    assert code != 0


def test_an_export_to_a_full_disk_exits_2(capsys, tmp_path, monkeypatch, demo_db):
    code, _, _, _ = _export_to_full_disk(capsys, tmp_path, monkeypatch, demo_db)
    assert code == 2


# --- a PostgreSQL address without its driver -------------------------------------------------


def _postgres_extra() -> str:
    """The extra of pyproject.toml that installs psycopg."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras = project["optional-dependencies"]
    return next(name for name, deps in extras.items() if any("psycopg" in d for d in deps))


@pytest.mark.parametrize(
    "argv",
    [["board"], []],
    ids=["command", "app"],
)
def test_a_postgres_address_without_the_driver_names_the_extra(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))
    monkeypatch.setitem(sys.modules, "psycopg", None)  # "import psycopg" fails
    url = "postgresql+psycopg://clinic@db.invalid/planner"
    code, out, err = run_cli(capsys, "--db", url, *argv)
    assert_one_sentence(
        code,
        err,
        "The PostgreSQL driver (psycopg) is not installed; install it with: "
        f"pip install 'transplant-planner[{_postgres_extra()}]'",
    )
    assert out == ""


# --- backups into folders that cannot take them ------------------------------------------------


def _backup_refused(capsys, demo_db: Path, folder: Path, reason: str, *extra: str) -> None:
    code, out, err = run_cli(capsys, "--db", str(demo_db), "backup", *extra)
    assert out == ""
    assert_one_sentence(
        code,
        err,
        f"The backup folder {folder} cannot be written ({reason}); make it writable or "
        "choose another (--dest). The database was not changed.",
    )


def test_a_backup_into_a_read_only_destination_is_one_sentence(capsys, tmp_path, demo_db):
    dest = tmp_path / "nightly"
    dest.mkdir()
    with read_only_folder(dest) as reason:
        _backup_refused(capsys, demo_db, dest, reason, "--dest", str(dest))
        # A folder to be made inside it fails the same way.
        _backup_refused(capsys, demo_db, dest / "new", reason, "--dest", str(dest / "new"))
    assert list(dest.iterdir()) == []


def test_a_read_only_backups_folder_beside_the_database_is_one_sentence(capsys, demo_db):
    backups = demo_db.parent / "backups"
    backups.mkdir(exist_ok=True)
    before = sorted(p.name for p in backups.iterdir())
    with read_only_folder(backups) as reason:
        _backup_refused(capsys, demo_db, backups, reason)
    assert sorted(p.name for p in backups.iterdir()) == before


def test_a_backup_onto_a_full_disk_is_one_sentence_and_leaves_nothing(
    capsys, tmp_path, monkeypatch, demo_db
):
    dest = tmp_path / "full"
    with full_folder(dest, monkeypatch) as how:
        if how != "tmpfs":
            pytest.skip("a full disk for SQLite's own writes needs a tmpfs (root with mount)")
        code, out, err = run_cli(capsys, "--db", str(demo_db), "backup", "--dest", str(dest))
        left = sorted(p.name for p in dest.iterdir())
    assert out == ""
    assert_one_sentence(
        code,
        err,
        "The backup could not be made (OperationalError: database or disk is full); the "
        "database was not changed.",
    )
    assert left == ["filler"]
