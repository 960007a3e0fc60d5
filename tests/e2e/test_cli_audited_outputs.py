"""The command line's outputs of patient data carry an audit row, or do not happen.

``board --json`` and ``export`` write their row; when the database cannot be written
they are refused in one sentence (exit 2) and leave no output and no file behind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.cli.exit_codes import EXIT_BAD_INPUT, EXIT_OK, EXIT_PARTIAL
from planner.cli.export import run_export
from planner.cli.parser import add_export_parser
from planner.errors import StorageError
from planner.records.ports import Action, Actor, Committed
from planner.storage.memory import InMemoryRepository
from planner.storage.sql import SqlRepository
from tests.cli_run import run_cli

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)
PROGRAM = "transplant-planner: "
READ_ONLY = "The database cannot be written (read-only file or folder); the change was not saved."


@pytest.fixture
def demo_db(tmp_path, capsys) -> Path:
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == EXIT_OK
    return db


@pytest.fixture
def read_only(monkeypatch):
    """Make every SQLite commit fail as a read-only database does."""

    def refuse(_self, _action):
        raise StorageError(READ_ONLY)

    def install() -> None:
        monkeypatch.setattr(SqlRepository, "commit", refuse)

    return install


def _events(db: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT new, patient_id FROM audit WHERE entity = 'event' ORDER BY seq"
        ).fetchall()
    return [(json.loads(new), patient) for new, patient in rows]


# --- board --json ----------------------------------------------------------------------------


def test_board_json_writes_one_audit_row_with_the_number_of_patients(demo_db, capsys):
    before = _events(demo_db)
    code, out, err = run_cli(capsys, "--db", str(demo_db), "board", "--json")
    assert code == EXIT_OK, err
    rows = json.loads(out)
    patients = {r["mrn"] for r in rows}
    assert len(patients) > 1
    assert _events(demo_db)[len(before) :] == [
        (f"Export board as JSON ({len(patients)} patients)", None)
    ]


def test_board_json_is_refused_when_its_row_cannot_be_written(demo_db, capsys, read_only):
    read_only()
    code, out, err = run_cli(capsys, "--db", str(demo_db), "board", "--json")
    assert code == EXIT_BAD_INPUT
    assert out == ""  # not one patient's row left the program
    assert err == (
        f"{PROGRAM}The board was not exported, because the export could not be recorded in "
        "the audit trail: the database cannot be written (read-only file or folder); the "
        "change was not saved.\n"
    )


def test_the_text_board_stays_a_screen_view(demo_db, capsys, read_only):
    """The text board is what a terminal shows, like the window's board: no row, and a
    read-only database does not stop it."""
    before = _events(demo_db)
    read_only()
    code, out, _err = run_cli(capsys, "--db", str(demo_db), "board")
    assert code == EXIT_OK and "DEMO-0003" in out
    assert _events(demo_db) == before


# --- export ------------------------------------------------------------------------------------


def test_export_is_refused_and_leaves_no_file_when_its_row_cannot_be_written(
    demo_db, capsys, read_only, tmp_path
):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    read_only()
    code, out, err = run_cli(
        capsys,
        "--db",
        str(demo_db),
        "export",
        "handout",
        "--patient",
        "DEMO-0003",
        "--out",
        str(out_dir / "handout.pdf"),
    )
    assert code == EXIT_BAD_INPUT and out == ""
    assert err == (
        f"{PROGRAM}No file was written, because the export could not be recorded in the "
        "audit trail: the database cannot be written (read-only file or folder); the change "
        "was not saved.\n"
    )
    assert list(out_dir.iterdir()) == []  # neither the file nor its temporary copy


def test_export_writes_its_file_and_row_together(demo_db, capsys, tmp_path):
    target = tmp_path / "handout.pdf"
    code, out, err = run_cli(
        capsys,
        "--db",
        str(demo_db),
        "export",
        "handout",
        "--patient",
        "DEMO-0003",
        "--out",
        str(target),
    )
    assert code == EXIT_OK, err
    assert out.startswith(f"Wrote handout (en) to {target.resolve()}.")
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []
    with sqlite3.connect(demo_db) as conn:
        [(patient_id,)] = conn.execute("SELECT id FROM patients WHERE mrn = 'DEMO-0003'")
    exported = [e for e in _events(demo_db) if e[0].startswith("Export handout")]
    assert exported == [("Export handout (en), plan version 1", patient_id)]


class FaultyRepository(InMemoryRepository):
    """An in-memory clinic whose commits fail while ``failing`` is set."""

    failing = False

    def commit(self, action: Action) -> Committed:
        if self.failing:
            raise StorageError(READ_ONLY)
        return super().commit(action)


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="transplant-planner")
    add_export_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["export", *argv])


def test_a_batch_writes_no_file_whose_row_cannot_be_written(tmp_path):
    repo = FaultyRepository()
    load_demo_clinic(repo, CTX)
    repo.failing = True
    code, text = run_export(
        repo,
        CTX,
        _parse(
            "summary",
            "--patients",
            "DEMO-0003,DEMO-0005",
            "--out-dir",
            str(tmp_path),
            "--workers",
            "1",
        ),
    )
    assert code == EXIT_PARTIAL
    lines = text.splitlines()
    assert lines[0].startswith("DEMO-0003: not written: No file was written, because the export")
    assert lines[1].startswith("DEMO-0005: not written: No file was written")
    assert lines[-1].startswith("0 of 2 summaries written")
    assert list(tmp_path.iterdir()) == []
