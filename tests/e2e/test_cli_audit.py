"""``transplant-planner audit``: the trail filtered, as text, JSON or a file; bad input
in one sentence with exit code 2."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from tests.cli_run import run_cli


@pytest.fixture
def demo_db(capsys, tmp_path):
    db = tmp_path / "demo.db"
    code, _, _ = run_cli(capsys, "demo-db", str(db))
    assert code == 0
    return db


def test_the_trail_of_one_patient_as_json_is_itself_audited(capsys, demo_db):
    code, out, err = run_cli(
        capsys, "--db", str(demo_db), "audit", "--patient", "DEMO-0001", "--json"
    )
    assert code == 0, err
    rows = json.loads(out)
    assert rows and {r["mrn"] for r in rows} == {"DEMO-0001"}
    assert list(rows[0]) == [
        "seq", "at", "user", "workstation", "action", "mrn", "patient", "what", "before",
        "after", "reason",
    ]  # fmt: skip
    assert [r["seq"] for r in rows] == sorted((r["seq"] for r in rows), reverse=True)
    code, out, _ = run_cli(capsys, "--db", str(demo_db), "audit", "--action", "export audit")
    assert code == 0
    assert "Export audit trail as JSON" in out.splitlines()[0] and "1 patient" in out


def test_text_rows_show_before_and_after_and_say_when_the_limit_cut(capsys, demo_db):
    code, out, _ = run_cli(capsys, "--db", str(demo_db), "audit", "--limit", "3")
    assert code == 0
    assert "These are the newest 3 rows" in out
    code, out, _ = run_cli(capsys, "--db", str(demo_db), "audit", "--patient", "DEMO-0002")
    assert " -> " in out and "DEMO-0002" in out


def test_filters_by_user_and_day(capsys, demo_db):
    today = dt.date.today()
    db = ["--db", str(demo_db), "audit"]
    code, out, _ = run_cli(capsys, *db, "--user", "nobody")
    assert code == 0 and out.strip() == "No audit row matches."
    # The demo was written today: found from today, not from tomorrow, nor up to 2000.
    code, out, _ = run_cli(capsys, *db, "--since", today.isoformat(), "--limit", "5")
    assert code == 0 and out.count("Load demo clinic") == 5
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    code, out, _ = run_cli(capsys, *db, "--since", tomorrow)
    assert out.strip() == "No audit row matches."
    code, out, _ = run_cli(capsys, *db, "--until", "2000-01-01")
    assert out.strip() == "No audit row matches."


def test_csv_and_xlsx_files(capsys, demo_db, tmp_path):
    out_csv = tmp_path / "trail.csv"
    code, out, err = run_cli(
        capsys, "--db", str(demo_db), "audit", "--patient", "DEMO-0001", "--out", str(out_csv)
    )
    assert code == 0, err
    assert out.startswith("Wrote ") and str(out_csv) in out
    rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Seq", "Time (workstation)", "UTC offset"] and len(rows) > 1
    out_xlsx = tmp_path / "trail.xlsx"
    code, _, _ = run_cli(capsys, "--db", str(demo_db), "audit", "--out", str(out_xlsx))
    assert code == 0
    assert load_workbook(out_xlsx).active["A1"].value == "Seq"


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["--patient", "NOPE"], "No patient has the MRN NOPE."),
        (["--since", "2026-02-30"], "--since '2026-02-30' is not a real calendar date."),
        (["--since", "2026-03-10", "--until", "2026-03-01"], "--until 2026-03-01 is before"),
        (["--limit", "0"], "--limit 0 is outside 1 to 100,000."),
        (["--limit", "many"], "--limit 'many' is not a whole number."),
        (["--out", "{tmp}/trail.ods"], "Export the audit trail as a .csv or .xlsx file"),
        (["--json", "--out", "x.csv"], "not allowed with argument"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(capsys, demo_db, tmp_path, argv, sentence):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run_cli(capsys, "--db", str(demo_db), "audit", *argv)
    assert code == 2 and out == ""
    assert sentence in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "trail.ods").exists()


def test_a_missing_database_is_not_created(capsys, tmp_path):
    code, _, err = run_cli(capsys, "--db", str(tmp_path / "none.db"), "audit")
    assert code == 2 and "none.db" in err and not (tmp_path / "none.db").exists()
