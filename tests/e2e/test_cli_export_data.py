"""``transplant-planner export ics|board|worklist|plan|forms``: data files from the shell.

Each file appears with its audit row; mistakes exit 2 with one sentence and write nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import icalendar
import openpyxl
import pytest

from planner.cli.exit_codes import EXIT_BAD_INPUT, EXIT_OK
from tests.cli_run import run_cli

PROGRAM = "transplant-planner: "


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == EXIT_OK
    return db


def _events(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT new FROM audit WHERE entity = 'event' ORDER BY seq").fetchall()
    return [json.loads(new) for (new,) in rows]


def test_a_patient_calendar_keeps_its_uids_in_another_language(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cal.ics"
    code, text, err = run_cli(
        capsys, "--db", str(demo_db), "export", "ics", "--patient", "demo-0003", "--out", str(out)
    )
    assert code == EXIT_OK, err
    assert text.startswith("Wrote the calendar (en), ") and text.rstrip().endswith(f"{out}.")
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert uids and len(set(uids)) == len(uids)
    assert all(e["dtstart"].params.get("VALUE") == "DATE" for e in cal.walk("VEVENT"))
    assert "DEMO-0003" not in out.read_bytes().decode()
    assert _events(demo_db)[-1].startswith("Export calendar (")

    code, _, err = run_cli(
        capsys, "--db", str(demo_db), "export", "ics", "--patient", "DEMO-0003", "--out", str(out)
    )
    assert (code, err) == (
        EXIT_BAD_INPUT,
        f"{PROGRAM}cal.ics already exists; "
        "add --overwrite to replace it, or choose another name.\n",
    )
    code, _, err = run_cli(
        capsys,
        "--db",
        str(demo_db),
        "export",
        "ics",
        "--patient",
        "DEMO-0003",
        "--out",
        str(out),
        "--overwrite",
        "--lang",
        "es",
    )
    assert code == EXIT_OK, err
    again = icalendar.Calendar.from_ical(out.read_bytes())
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == uids


def test_the_team_calendar(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "team.ics"
    code, text, err = run_cli(
        capsys, "--db", str(demo_db), "export", "ics", "--clinic", "--days", "7", "--out", str(out)
    )
    assert code == EXIT_OK, err
    assert text.startswith("Wrote the team calendar, ")
    assert "Export team calendar (7 days, " in _events(demo_db)[-1]
    for bad, sentence in (
        (["--days", "x"], "--days 'x' is not a whole number of days."),
        (["--days", "400"], "A team calendar covers 1 to 366 days, not 400."),
        (["--lang", "es"], "The team calendar is in English; --lang is for a patient's."),
        (
            ["--no-phi"],
            "A calendar file names no one unless --with-phi is given; --no-phi is not needed.",
        ),
    ):
        code, _, err = run_cli(
            capsys,
            "--db",
            str(demo_db),
            "export",
            "ics",
            "--clinic",
            "--out",
            str(tmp_path / "bad.ics"),
            *bad,
        )
        assert (code, err) == (EXIT_BAD_INPUT, PROGRAM + sentence + "\n")
    assert not (tmp_path / "bad.ics").exists()


@pytest.mark.parametrize(
    ("kind", "extra", "header"),
    [
        ("board", [], "MRN"),
        ("worklist", [], "MRN"),
        ("forms", [], "MRN"),
        ("plan", ["--patient", "DEMO-0003"], "Date"),
    ],
)
def test_spreadsheets(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    extra: list[str],
    header: str,
) -> None:
    out = tmp_path / f"{kind}.xlsx"
    code, text, err = run_cli(
        capsys, "--db", str(demo_db), "export", kind, *extra, "--out", str(out)
    )
    assert code == EXIT_OK, err
    assert text.startswith(f"Wrote the {kind}, ")
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None and sheet["A1"].value == header and sheet.max_row > 1
    assert _events(demo_db)[-1].startswith("Export ")
    code, _, err = run_cli(
        capsys, "--db", str(demo_db), "export", kind, *extra, "--out", str(tmp_path / "x.ods")
    )
    assert (code, err) == (
        EXIT_BAD_INPUT,
        f"{PROGRAM}Export the {kind} as a .csv or .xlsx file, not x.ods.\n",
    )


def test_mistakes_are_one_sentence(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(demo_db)]
    out = str(tmp_path / "x.csv")
    for argv, sentence in (
        (["export", "plan", "--out", out], "Say whose plan: --patient MRN."),
        (
            ["export", "board", "--patient", "DEMO-0003", "--out", out],
            "The board is the clinic's: give no --patient.",
        ),
        (
            ["export", "ics", "--out", out],
            "Say whose calendar: --patient MRN, or --clinic for the team's.",
        ),
        (
            ["export", "handout", "--clinic", "--out", out],
            "--clinic is for calendar files (ics), not the handout.",
        ),
        (
            ["export", "handout", "--out", out],
            "Say whose: --patient MRN, --patients MRN,MRN or --all-visits-tomorrow.",
        ),
    ):
        code, text, err = run_cli(capsys, *db, *argv)
        assert (code, text, err) == (EXIT_BAD_INPUT, "", PROGRAM + sentence + "\n"), argv
    assert list(tmp_path.glob("x.*")) == []


def test_a_fhir_bundle_validates_and_leaves_the_patient_out_when_asked(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    db = ["--db", str(demo_db)]
    out, plain = tmp_path / "full.json", tmp_path / "plain.json"
    code, text, err = run_cli(
        capsys, *db, "export", "fhir", "--patient", "DEMO-0011", "--out", str(out)
    )
    assert code == EXIT_OK, err
    assert text.startswith("Wrote the FHIR bundle, ")
    bundle = Bundle.model_validate_json(out.read_bytes())
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"Patient", "CarePlan", "Observation"} <= kinds
    assert _events(demo_db)[-1].startswith("Export FHIR bundle (")
    code, text, err = run_cli(
        capsys, *db, "export", "fhir", "--patient", "DEMO-0011", "--no-phi", "--out", str(plain)
    )
    assert code == EXIT_OK, err
    assert "(no Patient resource)" in text
    data = plain.read_text(encoding="utf-8")
    assert '"resourceType": "Patient"' not in data and "DEMO-0011" not in data
    assert "without patient data" in _events(demo_db)[-1]


def test_a_template_goes_out_as_a_plan_definition_and_comes_back_under_its_own_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pd.json"
    code, text, err = run_cli(capsys, "templates", "export-fhir", "flu-mel-allo", "--out", str(out))
    assert (code, text.strip()) == (
        EXIT_OK,
        f"Wrote template flu-mel-allo as a FHIR PlanDefinition to {out}.",
    ), err
    code, _, err = run_cli(capsys, "templates", "import-fhir", str(out))
    assert (code, err) == (
        EXIT_BAD_INPUT,
        f"{PROGRAM}Template flu-mel-allo is a bundled template, already available; to keep a "
        "local variant, give it another id in the PlanDefinition.\n",
    )
    out.write_text(out.read_text(encoding="utf-8").replace('"flu-mel-allo"', '"flu-mel-local"'))
    code, text, err = run_cli(capsys, "templates", "import-fhir", str(out))
    assert code == EXIT_OK, err
    assert text.startswith("Imported template flu-mel-local (")
    code, listed, _ = run_cli(capsys, "protocols")
    assert "flu-mel-local" in listed
    code, _, err = run_cli(capsys, "templates", "import-fhir", str(out))
    assert code == EXIT_BAD_INPUT and "flu-mel-local.toml already exists; add --overwrite" in err
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"resourceType": "Patient"}')
    code, _, err = run_cli(capsys, "templates", "import-fhir", str(foreign))
    assert (code, err) == (
        EXIT_BAD_INPUT,
        f"{PROGRAM}foreign.json, field 'resourceType': is a Patient, not a PlanDefinition.\n",
    )


def test_an_import_does_not_give_a_local_template_a_second_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pd.json"
    assert run_cli(capsys, "templates", "export-fhir", "mel200-auto", "--out", str(out))[0] == 0
    out.write_text(out.read_text(encoding="utf-8").replace('"mel200-auto"', '"local-a"'))
    local = tmp_path / "data" / "protocols"
    local.mkdir(parents=True)
    source = Path("resources/protocols/mel200-auto.toml").read_text(encoding="utf-8")
    (local / "zz-centre.toml").write_text(
        source.replace('id = "mel200-auto"', 'id = "local-a"', 1), encoding="utf-8"
    )
    code, _, err = run_cli(capsys, "templates", "import-fhir", str(out), "--overwrite")
    assert (code, err) == (
        EXIT_BAD_INPUT,
        f"{PROGRAM}Template local-a is already the centre's, in zz-centre.toml; change that "
        "file, or give the PlanDefinition another id.\n",
    )
    assert sorted(p.name for p in local.iterdir()) == ["zz-centre.toml"]
