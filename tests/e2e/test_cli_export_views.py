"""``transplant-planner export timeline|calendar|checklists``: the patient's views as PDF.

Run in-process (``run_cli``) against a demo database file: the file and its audit row
appear together, an existing file needs ``--overwrite``, mistakes exit 2 with one
sentence and leave nothing behind.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.cli.exit_codes import EXIT_BAD_INPUT, EXIT_OK
from planner.errors import StorageError
from planner.storage.sql import SqlRepository
from tests.cli_run import run_cli

PROGRAM = "transplant-planner: "
READ_ONLY = "The database cannot be written (read-only file or folder); the change was not saved."


@pytest.fixture
def demo_db(tmp_path, capsys) -> Path:
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == EXIT_OK
    return db


@pytest.fixture
def out_dir(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _events(db: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT new, patient_id FROM audit WHERE entity = 'event' ORDER BY seq"
        ).fetchall()
    return [(json.loads(new), patient) for new, patient in rows]


def _patient(db: Path, mrn: str) -> tuple[str, str, str]:
    """(id, family name, date of birth) of the patient with ``mrn``."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT id, family_name, date_of_birth FROM patients WHERE mrn = ?", (mrn,)
        ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def _export(capsys, db: Path, *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--db", str(db), "export", *argv)


def _text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize(
    ("view", "landscape", "expected"),
    [
        ("timeline", True, ("Transplant day", "D0", "Apheresis")),
        ("calendar", True, ("Monday", "D0", "Apheresis")),
        ("checklists", False, ("Pre-transplant", "of", "done")),
    ],
)
def test_a_view_is_written_with_its_audit_row(demo_db, out_dir, capsys, view, landscape, expected):
    target = out_dir / f"{view}.pdf"
    before = _events(demo_db)
    code, out, err = _export(capsys, demo_db, view, "--patient", "DEMO-0003", "--out", str(target))
    assert code == EXIT_OK, err
    match = re.fullmatch(rf"Wrote the {view}, (\d+) pages?, to (.+)\.\n", out)
    assert match is not None, out
    assert Path(match.group(2)) == target.resolve()
    reader = PdfReader(target)
    assert len(reader.pages) == int(match.group(1)) >= 1
    assert all((p.mediabox.width > p.mediabox.height) is landscape for p in reader.pages)
    text = _text(target)
    for words in expected:
        assert words in text
    assert "DEMO-0003" in text  # the banner names the patient
    patient_id = _patient(demo_db, "DEMO-0003")[0]
    [(event, who)] = _events(demo_db)[len(before) :]
    assert re.fullmatch(rf"Export {view}, plan version \d+", event)
    assert who == patient_id
    assert [p.name for p in out_dir.iterdir()] == [target.name]  # no temporary file left


def test_an_existing_file_needs_overwrite(demo_db, out_dir, capsys):
    target = out_dir / "timeline.pdf"
    target.write_bytes(b"an older timeline")
    before = _events(demo_db)
    code, out, err = _export(
        capsys, demo_db, "timeline", "--patient", "DEMO-0003", "--out", str(target)
    )
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err == (
        f"{PROGRAM}timeline.pdf already exists; add --overwrite to replace it, or choose "
        "another name.\n"
    )
    assert target.read_bytes() == b"an older timeline"
    assert _events(demo_db) == before
    code, out, err = _export(
        capsys, demo_db, "timeline", "--patient", "DEMO-0003", "--out", str(target), "--overwrite"
    )
    assert code == EXIT_OK, err
    assert target.read_bytes().startswith(b"%PDF")


def test_an_unknown_mrn_exits_2_and_writes_nothing(demo_db, out_dir, capsys):
    before = _events(demo_db)
    code, out, err = _export(
        capsys, demo_db, "calendar", "--patient", "NOPE-1", "--out", str(out_dir / "c.pdf")
    )
    assert (code, out, err) == (EXIT_BAD_INPUT, "", f"{PROGRAM}No patient has MRN NOPE-1.\n")
    assert list(out_dir.iterdir()) == []
    assert _events(demo_db) == before


def test_a_folder_gets_a_default_name_and_no_phi_leaves_out_the_identifiers(
    demo_db, out_dir, capsys
):
    code, out, err = _export(
        capsys, demo_db, "timeline", "--patient", "demo-0005", "--out", str(out_dir), "--no-phi"
    )
    assert code == EXIT_OK, err
    assert "Wrote the timeline (no identifiers)" in out
    [written] = list(out_dir.iterdir())
    assert re.fullmatch(r"timeline_\d{4}-\d{2}-\d{2}_[0-9a-f]{6}\.pdf", written.name)
    _id, family, born = _patient(demo_db, "DEMO-0005")
    text = _text(written)
    assert "DEMO-0005" not in text and born not in text
    assert family.upper() not in text and "Plan version" in text
    assert _events(demo_db)[-1][0].startswith("Export timeline (no identifiers), plan version")


def test_a_view_whose_row_cannot_be_written_leaves_no_file(demo_db, out_dir, capsys, monkeypatch):
    def refuse(_self, _action):
        raise StorageError(READ_ONLY)

    monkeypatch.setattr(SqlRepository, "commit", refuse)
    code, out, err = _export(
        capsys, demo_db, "checklists", "--patient", "DEMO-0003", "--out", str(out_dir / "k.pdf")
    )
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err == (
        f"{PROGRAM}No file was written, because the export could not be recorded in the "
        "audit trail: the database cannot be written (read-only file or folder); the change "
        "was not saved.\n"
    )
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (
            ("timeline", "--patient", "DEMO-0003", "--lang", "es"),
            "The timeline is printed in English, normal print; --lang and --large-print "
            "are for handouts.",
        ),
        (
            ("calendar", "--patients", "DEMO-0003,DEMO-0005"),
            "The calendar is written for one patient at a time: give --patient MRN --out FILE.pdf.",
        ),
    ],
)
def test_options_of_handouts_and_batches_are_refused_for_views(
    demo_db, out_dir, capsys, argv, sentence
):
    where = (
        ("--out-dir", str(out_dir)) if "--patients" in argv else ("--out", str(out_dir / "v.pdf"))
    )
    code, out, err = _export(capsys, demo_db, *argv, *where)
    assert (code, out, err) == (EXIT_BAD_INPUT, "", f"{PROGRAM}{sentence}\n")
    assert list(out_dir.iterdir()) == []
