"""``import-labs FILE [--dry-run]`` through planner.cli.labs.run_import_labs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import main
from planner.app.clinic import clinic_view
from planner.app.context import Context
from planner.app.snapshot import refresh_board_index, start_board_of
from planner.cli.labs import EXIT_OK, EXIT_REFUSED, EXIT_REJECTED_ROWS, run_import_labs
from planner.cli.shell import Shell
from planner.domain.patients import Patient
from planner.errors import StorageError
from planner.records.ports import Action, Actor
from planner.storage import open_repository
from planner.storage.memory import InMemoryRepository
from planner.storage.quick import _read_index
from tests.cli_run import run_cli

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)


@pytest.fixture
def repo() -> InMemoryRepository:
    r = InMemoryRepository()
    r.commit(
        Action(
            actor=CTX.actor,
            at=NOW,
            description="Setup",
            patients=(Patient("p1", "000123", "Null", "Ada", dt.date(1970, 1, 1), "female"),),
        )
    )
    return r


def write(tmp_path: Path, text: str, name: str = "labs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "MRN,Date,Test,Result,Unit\n000123,2026-03-01,ANC,0.4,10^9/L\n000123,2026-03-01,PLT,22,K/uL\n"
)


def test_clean_file_imports(repo: InMemoryRepository, tmp_path: Path) -> None:
    code, text = run_import_labs(repo, CTX, write(tmp_path, GOOD))
    assert code == EXIT_OK
    assert "2 result(s) imported for 1 patient(s); 0 rejected" in text
    assert len(repo.list_lab_samples()) == 2


def test_dry_run_writes_nothing(repo: InMemoryRepository, tmp_path: Path) -> None:
    code, text = run_import_labs(repo, CTX, write(tmp_path, GOOD), dry_run=True)
    assert code == EXIT_OK and "would be imported" in text and "dry run" in text
    assert repo.list_lab_samples() == []


def test_rejected_rows_listed_with_reasons(repo: InMemoryRepository, tmp_path: Path) -> None:
    text = GOOD + "999,2026-03-01,ANC,1,10^9/L\n000123,01/03/2026,ANC,1,10^9/L\n"
    code, out = run_import_labs(repo, CTX, write(tmp_path, text))
    assert code == EXIT_REJECTED_ROWS
    assert "Line 4: Unknown MRN '999'" in out
    assert "Line 5: The date '01/03/2026' is not an ISO date" in out
    code, out = run_import_labs(repo, CTX, write(tmp_path, GOOD))
    assert code == EXIT_REJECTED_ROWS and out.count("already stored") == 2


def test_refused_files(repo: InMemoryRepository, tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00")
    code, out = run_import_labs(repo, CTX, binary)
    assert code == EXIT_REFUSED and "x.csv refused" in out and "not a text file" in out
    code, out = run_import_labs(repo, CTX, tmp_path / "missing.csv")
    assert code == EXIT_REFUSED and "Cannot read missing.csv" in out
    code, out = run_import_labs(repo, CTX, write(tmp_path, "A,B\n1,2\n"))
    assert code == EXIT_REFUSED and "not found" in out
    assert repo.list_lab_samples() == []


# --- the desktop's next start after a nightly import -----------------------------------------


@pytest.fixture
def desktop_clinic(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> Path:
    """The demo clinic as the desktop leaves it at close: every entry current today."""
    monkeypatch.setattr(main, "local_now", lambda: NOW)
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == EXIT_OK
    repo = open_repository(str(db), user="coordinator", workstation="ws-1", now=NOW)
    try:
        refresh_board_index(repo, NOW.date(), _closures())
    finally:
        repo.close()
    return db


def _closures() -> list[dt.date]:
    return sorted(Shell.centre_settings_and_problem()[0].closures)


def _counts_of_an_open_transplants_patient(db: Path, tmp_path: Path) -> tuple[Path, set[str]]:
    repo = open_repository(str(db), user="coordinator", workstation="ws-1", now=NOW)
    try:
        patient = next(
            p for p in repo.list_patients() if any(t.is_active for t in repo.list_transplants(p.id))
        )
        open_ids = {t.id for t in repo.list_transplants(patient.id) if t.is_active}
    finally:
        repo.close()
    text = f"MRN,Date,Test,Result,Unit\n{patient.mrn},2025-02-01,ANC,0.7,10^9/L\n"
    return write(tmp_path, text), open_ids


def _start_board(db: Path):
    """What the desktop's next start paints: its quick start's read of the file."""
    index = _read_index(db)
    assert index is not None
    return start_board_of(index, NOW.date(), _closures())


def test_a_nightly_import_leaves_the_next_start_a_complete_board(desktop_clinic, tmp_path, capsys):
    labs, open_ids = _counts_of_an_open_transplants_patient(desktop_clinic, tmp_path)
    code, out, _ = run_cli(capsys, "--db", str(desktop_clinic), "import-labs", str(labs))
    assert code == EXIT_OK and "1 result(s) imported" in out
    assert "stored rows" not in out  # renewing says nothing when done
    board = _start_board(desktop_clinic)
    assert board is not None and board.complete
    repo = open_repository(str(desktop_clinic), user="coordinator", workstation="ws-1", now=NOW)
    try:
        live = clinic_view(repo, NOW.date(), _closures())
        marks = {i.transplant_id: i.mark for i in repo.board_index()}
    finally:
        repo.close()
    assert board.rows == live.rows and board.worklist == live.worklist
    # The import raised those marks: the entries were renewed, not merely left current.
    entries = {i.transplant_id: i.entry for i in _read_index(desktop_clinic) or []}
    assert open_ids and all(
        entries[t] is not None and entries[t].mark == marks[t] for t in open_ids
    )


def test_a_dry_run_renews_nothing(desktop_clinic, tmp_path, capsys, monkeypatch):
    labs, _ = _counts_of_an_open_transplants_patient(desktop_clinic, tmp_path)
    monkeypatch.setattr(
        "planner.cli.board_index.renew_entries",
        lambda *_a, **_k: pytest.fail("renewed on a dry run"),
    )
    code, _, _ = run_cli(capsys, "--db", str(desktop_clinic), "import-labs", "--dry-run", str(labs))
    assert code == EXIT_OK


@pytest.mark.parametrize(
    "where, failure",
    [
        ("renew_entries", StorageError("the disk is full")),
        ("renew_entries", ValueError("a fault in a rule")),
        ("current_entries", StorageError("the disk is full")),
    ],
)
def test_entries_not_renewed_are_one_line_and_the_import_stands(
    desktop_clinic, tmp_path, capsys, monkeypatch, where, failure
):
    labs, open_ids = _counts_of_an_open_transplants_patient(desktop_clinic, tmp_path)

    def refuse(*_a, **_k):
        raise failure

    monkeypatch.setattr(f"planner.cli.board_index.{where}", refuse)
    code, out, err = run_cli(capsys, "--db", str(desktop_clinic), "import-labs", str(labs))
    assert code == EXIT_OK and "1 result(s) imported" in out and "Traceback" not in err
    assert (
        f"The board's stored rows were not renewed ({failure}); the app computes those "
        "patients when it next starts." in out
    )
    board = _start_board(desktop_clinic)
    assert board is not None and board.missing == open_ids


def test_a_printed_handout_leaves_the_next_start_a_complete_board(desktop_clinic, tmp_path, capsys):
    repo = open_repository(str(desktop_clinic), user="coordinator", workstation="ws-1", now=NOW)
    try:
        with_plan = {p.transplant_id for p in repo.list_plans()}
        patient = next(
            p
            for p in repo.list_patients()
            if any(t.is_active and t.id in with_plan for t in repo.list_transplants(p.id))
        )
        marks = {i.transplant_id: i.mark for i in repo.board_index()}
    finally:
        repo.close()
    out_file = tmp_path / "handout.pdf"
    code, _, err = run_cli(
        capsys,
        "--db",
        str(desktop_clinic),
        "export",
        "handout",
        "--patient",
        patient.mrn,
        "--out",
        str(out_file),
    )
    assert code == EXIT_OK, err
    assert out_file.exists()
    index = _read_index(desktop_clinic) or []
    moved = {i.transplant_id for i in index if i.mark != marks[i.transplant_id]}
    assert moved, "the handout was recorded with its transplant: its mark moved"
    board = _start_board(desktop_clinic)
    assert board is not None and board.complete
