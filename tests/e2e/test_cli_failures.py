"""The command line where things go wrong: every user mistake is one sentence on stderr
with exit code 2, a closed pipe ends quietly, and a read never creates a database."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import main
from tests.cli_run import run_cli

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "transplant-planner: "


def assert_one_sentence(code: int, err: str, sentence: str) -> None:
    assert code == 2
    assert err == f"{PROGRAM}{sentence}\n"


@pytest.fixture
def demo_db(tmp_path, capsys) -> Path:
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    return db


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, TRANSPLANT_PLANNER_DATA=str(tmp_path / "data"))
    env.pop("TRANSPLANT_PLANNER_DB", None)
    return env


# --- 1. --version ------------------------------------------------------------------------------


def test_version_prints_the_program_and_its_version(capsys):
    code, out, err = run_cli(capsys, "--version")
    assert code == 0 and err == ""
    assert re.fullmatch(r"transplant-planner \d+\.\d+\.\d+\n", out)
    from importlib.metadata import version

    assert out.split()[1] == version("transplant-planner")


# --- 2. a closed pipe ---------------------------------------------------------------------------


def test_output_into_a_closed_pipe_ends_quietly(capsys, monkeypatch):
    class ClosedPipe:
        def write(self, _: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    code = main.main(["schedule", "mel200-auto", "--day0", "2026-03-10"])
    assert code == 141
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["protocols"],
        ["schedule", "mel200-auto", "--day0", "2026-03-10", "--json"],
        ["--db", "{db}", "board"],
        ["--db", "{db}", "import-labs", "--dry-run", "{labs}"],
    ],
    ids=["version", "protocols", "schedule", "board", "import-labs"],
)
def test_every_printing_command_into_a_pipe_closed_by_its_reader(tmp_path, demo_db, argv):
    labs = tmp_path / "labs.csv"
    labs.write_text("MRN,Date,Test,Result,Unit\nDEMO-0003,2026-03-01,ANC,0.4,10^9/L\n")
    argv = [a.replace("{db}", str(demo_db)).replace("{labs}", str(labs)) for a in argv]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(tmp_path),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode in (0, 141)
    assert done.stderr == ""


def test_a_long_report_piped_into_head_prints_one_line_and_no_traceback(tmp_path, demo_db):
    # Thousands of report lines: more than a pipe holds, so head leaves before the end.
    labs = tmp_path / "labs.csv"
    rows = "".join(f"X{i},2026-03-01,ANC,0.4,10^9/L\n" for i in range(5000))
    labs.write_text("MRN,Date,Test,Result,Unit\n" + rows)
    argv = ["--db", str(demo_db), "import-labs", "--dry-run", str(labs)]
    cli = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(tmp_path),
    )
    assert cli.stdout is not None and cli.stderr is not None
    head = subprocess.run(["head", "-1"], stdin=cli.stdout, capture_output=True, check=False)
    cli.stdout.close()
    err = cli.stderr.read().decode()
    cli.stderr.close()
    code = cli.wait(timeout=120)
    assert head.stdout.decode().count("\n") == 1
    assert "5000 rejected" in head.stdout.decode()
    assert "Traceback" not in err and "Exception ignored" not in err
    assert code in (1, 141)  # 1: rows rejected (the reader got everything); 141: it left


# --- 3. dates outside 1900-2200 ---------------------------------------------------------------


@pytest.mark.parametrize("day0", ["0001-01-01", "9999-06-01", "1899-12-31", "2201-01-01"])
def test_day0_outside_the_supported_years_is_refused(capsys, day0):
    code, out, err = run_cli(capsys, "schedule", "mel200-auto", "--day0", day0)
    assert_one_sentence(code, err, f"--day0 {day0} is outside 1900-2200.")
    assert out == ""


@pytest.mark.parametrize("day0", ["1900-01-01", "2200-12-31"])
def test_day0_at_the_ends_of_the_supported_years_is_planned(capsys, day0):
    code, out, err = run_cli(capsys, "schedule", "mel200-auto", "--day0", day0)
    assert code == 0 and "Traceback" not in err
    assert f"Day 0     {day0}" in out


# --- 4. global options after the command ------------------------------------------------------


def test_db_after_the_command_opens_the_same_database_as_before_it(capsys, demo_db):
    before = run_cli(capsys, "--db", str(demo_db), "board", "--json")
    after = run_cli(capsys, "board", "--json", "--db", str(demo_db))
    assert before[0] == after[0] == 0
    assert after[1] == before[1] and '"mrn": "DEMO-0003"' in after[1]


def test_demo_after_the_command_opens_the_demo_clinic(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "board", "--demo")
    assert code == 0 and "DEMO-0003" in out
    assert (tmp_path / "data").is_dir()


def test_db_after_export_writes_from_that_database(capsys, tmp_path, demo_db):
    out_file = tmp_path / "h.pdf"
    code, _, err = run_cli(
        capsys, "export", "handout", "--patient", "DEMO-0003", "--out", str(out_file),
        "--db", str(demo_db),
    )  # fmt: skip
    assert code == 0, err
    assert out_file.read_bytes().startswith(b"%PDF")


# --- 5. MRNs whatever their letter case -------------------------------------------------------


def test_export_finds_an_mrn_typed_in_lower_case(capsys, tmp_path, demo_db):
    out_file = tmp_path / "h.pdf"
    code, out, err = run_cli(
        capsys, "--db", str(demo_db), "export", "handout", "--patient", "demo-0003",
        "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    assert out_file.read_bytes().startswith(b"%PDF")
    assert "Wrote handout" in out


def test_export_batch_finds_mrns_in_any_case(capsys, tmp_path, demo_db):
    folder = tmp_path / "batch"
    folder.mkdir()
    code, _, err = run_cli(
        capsys, "--db", str(demo_db), "export", "handout", "--patients", "demo-0003,Demo-0003",
        "--out-dir", str(folder),
    )  # fmt: skip
    assert code == 0, err
    assert len(list(folder.glob("*.pdf"))) == 1


# --- 6. export targets --------------------------------------------------------------------------


def test_export_over_an_existing_file_names_overwrite(capsys, tmp_path, demo_db):
    target = tmp_path / "h.pdf"
    target.write_bytes(b"keep me")
    code, _, err = run_cli(
        capsys, "--db", str(demo_db), "export", "handout", "--patient", "DEMO-0003",
        "--out", str(target),
    )  # fmt: skip
    assert_one_sentence(
        code, err, "h.pdf already exists; add --overwrite to replace it, or choose another name."
    )
    assert target.read_bytes() == b"keep me"


def test_export_batch_over_existing_files_names_overwrite(capsys, tmp_path, demo_db):
    folder = tmp_path / "batch"
    folder.mkdir()
    argv = ["--db", str(demo_db), "export", "handout", "--patients", "DEMO-0003"]
    argv += ["--out-dir", str(folder)]
    assert run_cli(capsys, *argv)[0] == 0
    code, _, err = run_cli(capsys, *argv)
    assert code == 1
    assert "add --overwrite to replace it" in err
    assert "allow overwriting" not in err


@pytest.mark.parametrize(
    ("out", "sentence"),
    [
        (
            "{tmp}/missing/h.pdf",
            "The folder {tmp}/missing for --out does not exist; check the path.",
        ),
        (
            "{file}/h.pdf",
            "The folder {file} for --out does not exist; check the path.",
        ),
    ],
    ids=["missing-folder", "folder-is-a-file"],
)
def test_export_to_a_folder_that_cannot_hold_the_file(capsys, tmp_path, demo_db, out, sentence):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    def fill(text: str) -> str:
        return text.replace("{tmp}", str(tmp_path)).replace("{file}", str(blocker))

    code, _, err = run_cli(
        capsys, "--db", str(demo_db), "export", "handout", "--patient", "DEMO-0003",
        "--out", fill(out),
    )  # fmt: skip
    assert_one_sentence(code, err, fill(sentence))
    assert not (tmp_path / "missing").exists()


def test_export_into_a_folder_without_write_permission(capsys, tmp_path, demo_db):
    from tests.failing_disks import read_only_folder

    folder = tmp_path / "locked"
    folder.mkdir()
    # Read-only for root too (a read-only bind mount), or chmod 0500 for a normal user.
    with read_only_folder(folder):
        code, _, err = run_cli(
            capsys, "--db", str(demo_db), "export", "handout", "--patient", "DEMO-0003",
            "--out", str(folder / "h.pdf"),
        )  # fmt: skip
    assert_one_sentence(
        code, err, f"The folder {folder} for --out is not writable for you; choose another folder."
    )
    assert list(folder.iterdir()) == []


# --- 7. reading never creates a database ------------------------------------------------------

# The commands that need an existing clinic (an import matches rows to its patients).
READS = [
    ["board"],
    ["board", "--json"],
    ["check"],
    ["export", "handout", "--patient", "DEMO-0003", "--out", "{tmp}/h.pdf"],
    ["import-labs", "--dry-run", "{labs}"],
    ["import-labs", "{labs}"],
]
READ_IDS = ["board", "board-json", "check", "export", "import-labs-dry-run", "import-labs"]


def _fill(argv: list[str], tmp_path: Path) -> list[str]:
    labs = tmp_path / "labs.csv"
    labs.write_text("MRN,Date,Test,Result,Unit\nDEMO-0003,2026-03-01,ANC,0.4,10^9/L\n")
    return [a.replace("{tmp}", str(tmp_path)).replace("{labs}", str(labs)) for a in argv]


@pytest.mark.parametrize("argv", READS, ids=READ_IDS)
def test_a_read_on_a_mistyped_db_creates_nothing(capsys, tmp_path, argv):
    typo = tmp_path / "clinc.db"
    code, out, err = run_cli(capsys, "--db", str(typo), *_fill(argv, tmp_path))
    assert_one_sentence(
        code,
        err,
        f"There is no database at {typo}; check the path, or create one with demo-db or by "
        "opening the app.",
    )
    assert out == ""
    assert not typo.exists()
    assert not list(tmp_path.rglob("*.db"))


def test_a_read_on_a_missing_default_database_creates_nothing(capsys, tmp_path):
    code, _, err = run_cli(capsys, "board")
    assert code == 2 and "There is no database at " in err
    assert not list(tmp_path.rglob("*.db"))


@pytest.mark.parametrize("argv", READS, ids=READ_IDS)
def test_a_zero_length_database_file_is_refused(capsys, tmp_path, argv):
    empty = tmp_path / "clinic.db"
    empty.touch()
    code, out, err = run_cli(capsys, "--db", str(empty), *_fill(argv, tmp_path))
    assert_one_sentence(
        code,
        err,
        f"{empty} is empty (0 bytes): not a clinic database; restore a backup or remove the file.",
    )
    assert out == ""
    assert empty.stat().st_size == 0


def test_the_app_refuses_a_zero_length_database_file(capsys, tmp_path):
    # No command: the desktop app's start-up (offscreen, so the sentence is on stderr).
    empty = tmp_path / "clinic.db"
    empty.touch()
    code, _, err = run_cli(capsys, "--db", str(empty))
    assert_one_sentence(
        code,
        err,
        f"{empty} is empty (0 bytes): not a clinic database; restore a backup or remove the file.",
    )
    assert empty.stat().st_size == 0


def test_demo_db_still_creates_a_new_database(capsys, tmp_path):
    db = tmp_path / "new.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    assert db.stat().st_size > 0
    assert run_cli(capsys, "board", "--db", str(db))[0] == 0


# --- storage errors name what failed --------------------------------------------------------


def test_a_failed_save_says_what_the_database_reported(capsys, tmp_path, demo_db):
    with sqlite3.connect(demo_db) as conn:
        conn.execute("DROP TABLE lab_samples")
    conn.close()
    labs = tmp_path / "labs.csv"
    labs.write_text("MRN,Date,Test,Result,Unit\nDEMO-0003,2026-03-01,ANC,0.4,10^9/L\n")
    code, _, err = run_cli(capsys, "--db", str(demo_db), "import-labs", str(labs))
    assert code == 2 and err.count("\n") == 1
    assert "(OperationalError: no such table: lab_samples)" in err
