"""``import-labs FILE [--dry-run]`` through planner.cli.labs.run_import_labs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.app.context import Context
from planner.cli.labs import EXIT_OK, EXIT_REFUSED, EXIT_REJECTED_ROWS, run_import_labs
from planner.domain.patients import Patient
from planner.records.ports import Action, Actor
from planner.storage.memory import InMemoryRepository

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
