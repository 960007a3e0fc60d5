"""The command line: JSON shapes, every template's schedule, clean errors with exit code 2."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.domain.templates import load_protocols
from tests.cli_run import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_protocols_lists_every_bundled_template(capsys):
    code, out, _ = run_cli(capsys, "protocols")
    assert code == 0
    for pid in load_protocols():
        assert pid in out
    assert "for local review" in out


@pytest.mark.parametrize("protocol_id", sorted(load_protocols()))
def test_schedule_json_for_every_template(capsys, protocol_id):
    code, out, _ = run_cli(capsys, "schedule", protocol_id, "--day0", "2026-03-10", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows, "a template with no dated rows"
    day0 = dt.date(2026, 3, 10)
    for row in rows:
        assert set(row) == {"day", "date", "phase", "step_id", "title", "dose", "rules"}
        assert (dt.date.fromisoformat(row["date"]) - day0).days == row["day"]
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)


def test_schedule_text_shows_day_labels(capsys):
    code, out, _ = run_cli(capsys, "schedule", "mel200-auto", "--day0", "2026-03-10")
    assert code == 0
    assert "Day -2    2026-03-08" in out
    assert "Day 0     2026-03-10" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["schedule", "no-such-template", "--day0", "2026-03-10"],
            "no template 'no-such-template'",
        ),
        (["schedule", "mel200-auto", "--day0", "10/03/2026"], "not a date in the form YYYY-MM-DD"),
        (["schedule", "mel200-auto", "--day0", "2026-02-30"], "not a real calendar date"),
        (["schedule", "mel200-auto"], "required"),
        (["frobnicate"], "invalid choice"),
        (["--db", "{file}/x.db", "board"], ""),
        (["--db", "{tmp}/no-such-folder/x.db", "board"], "no-such-folder for --db does not exist"),
        (["demo-db", "{tmp}/typo/demo.db"], "for the demo database does not exist"),
    ],
    ids=[
        "unknown-template",
        "day-first-date",
        "impossible-date",
        "missing-day0",
        "unknown-command",
        "unwritable-db",
        "db-in-a-missing-folder",
        "demo-in-a-missing-folder",
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(capsys, tmp_path, argv, fragment):
    # "{file}" is a regular file: no database can be created beneath it, even as root.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    argv = [a.replace("{file}", str(blocker)).replace("{tmp}", str(tmp_path)) for a in argv]
    code, _, err = run_cli(capsys, *argv)
    assert not (tmp_path / "no-such-folder").exists() and not (tmp_path / "typo").exists()
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("transplant-planner: ")


def test_demo_db_then_board_json(capsys, tmp_path):
    db = tmp_path / "demo.db"
    code, out, _ = run_cli(capsys, "demo-db", str(db))
    assert code == 0 and "18 patients" in out
    code, out, _ = run_cli(capsys, "--db", str(db), "board", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 18
    for row in rows:
        assert list(row) == ["mrn", "name", "day", "phase", "due_today", "alerts"]
        assert row["day"] is None or isinstance(row["day"], int)
        for alert in row["alerts"]:
            assert list(alert) == ["text", "severity", "rule"]
            assert alert["severity"] in ("high", "medium", "low")
            assert alert["text"] and alert["rule"]
        ranks = [("high", "medium", "low").index(a["severity"]) for a in row["alerts"]]
        assert ranks == sorted(ranks), "alerts most severe first"
    phases = {r["phase"] for r in rows}
    assert {
        "work-up",
        "mobilising",
        "conditioning",
        "infusion",
        "pre-engraftment",
        "day +100",
        "long-term follow-up",
    } <= phases


def test_demo_db_refuses_to_overwrite(capsys, tmp_path):
    db = tmp_path / "demo.db"
    db.write_bytes(b"keep me")
    code, _, err = run_cli(capsys, "demo-db", str(db))
    assert code == 2 and "already exists" in err
    assert db.read_bytes() == b"keep me"


def test_check_and_backup(capsys, tmp_path):
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    code, out, _ = run_cli(capsys, "--db", str(db), "check")
    assert code == 0, out
    code, out, _ = run_cli(capsys, "--db", str(db), "backup", "--dest", str(tmp_path / "bk"))
    assert code == 0 and "verified" in out
    assert list((tmp_path / "bk").glob("*.db"))


def test_check_reports_a_file_other_users_can_read(capsys, tmp_path):
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    db.chmod(0o644)
    code, out, _ = run_cli(capsys, "--db", str(db), "check")
    assert code == 1
    assert "Integrity: ok" in out and "chmod 600" in out


def test_env_variable_selects_database(capsys, tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    monkeypatch.setenv("TRANSPLANT_PLANNER_DB", str(db))
    code, out, _ = run_cli(capsys, "board", "--json")
    assert code == 0 and len(json.loads(out)) == 18


def test_python_main_py_matches_entry_point(tmp_path):
    env = {**os.environ, "TRANSPLANT_PLANNER_DATA": str(tmp_path)}
    via_main = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "schedule",
            "bucy2-allo",
            "--day0",
            "2026-03-10",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    script = Path(sys.executable).with_name("transplant-planner")
    via_script = subprocess.run(
        [str(script), "schedule", "bucy2-allo", "--day0", "2026-03-10", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert via_main.returncode == via_script.returncode == 0
    assert via_main.stdout == via_script.stdout
    bad = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "schedule", "x", "--day0", "nope"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_closure_days_from_centre_settings_raise_board_alerts(capsys, tmp_path):
    db = tmp_path / "demo.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    code, out, _ = run_cli(capsys, "--db", str(db), "board", "--json")
    assert not any("clinic closed" in a["text"] for r in json.loads(out) for a in r["alerts"])
    today = dt.date.today()
    closed = ", ".join((today + dt.timedelta(days=i)).isoformat() for i in range(14))
    data = Path(os.environ["TRANSPLANT_PLANNER_DATA"])
    data.mkdir(parents=True, exist_ok=True)
    (data / "centre.toml").write_text(f"closures = [{closed}]\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "--db", str(db), "board", "--json")
    assert code == 0
    closed = [a for r in json.loads(out) for a in r["alerts"] if "clinic closed" in a["text"]]
    assert closed and all(a["severity"] == "low" for a in closed)
    # One weekend/closure line per patient, however many steps clash.
    for r in json.loads(out):
        assert sum(a["text"].startswith("Weekend/closure: ") for a in r["alerts"]) <= 1


def test_bad_centre_settings_warn_and_keep_working(capsys, tmp_path):
    db = tmp_path / "demo.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    data = Path(os.environ["TRANSPLANT_PLANNER_DATA"])
    data.mkdir(parents=True, exist_ok=True)
    (data / "centre.toml").write_text("closures = [1]\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "--db", str(db), "board", "--json")
    assert code == 0 and len(json.loads(out)) == 18
    assert "closures" in err and "default settings" in err


def test_board_json_carries_the_same_alerts_and_phases_as_the_desktop_board(capsys, tmp_path):
    from planner.app.clinic import clinic_view
    from planner.storage import open_repository

    db = tmp_path / "demo.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    code, out, _ = run_cli(capsys, "--db", str(db), "board", "--json")
    assert code == 0
    # A tandem's two transplants are two rows of one MRN, each with its own day.
    cli = {(r["mrn"], r["day"]): r for r in json.loads(out)}
    repo = open_repository(str(db), user="t", workstation="t")
    try:
        view = clinic_view(repo, dt.date.today())
    finally:
        repo.close()
    assert len(cli) == len(view.rows)
    for row in view.rows:
        assert cli[(row.mrn, row.day)]["phase"] == row.phase
        assert cli[(row.mrn, row.day)]["alerts"] == [
            {"text": a.text, "severity": a.severity, "rule": a.rule} for a in row.alert_items
        ]
    # engraftment from the demo counts reaches the command line too
    assert "engrafted" in {r["phase"] for r in cli.values()}


def test_demo_never_writes_into_the_database_of_the_environment(capsys, tmp_path, monkeypatch):
    clinic_db = tmp_path / "clinic.db"
    monkeypatch.setenv("TRANSPLANT_PLANNER_DB", str(clinic_db))
    code, out, _ = run_cli(capsys, "--demo", "board", "--json")
    assert code == 0 and len(json.loads(out)) == 18
    assert not clinic_db.exists()


def test_demo_work_up_patient_shows_expiring_tests_on_the_board(capsys):
    code, out, _ = run_cli(capsys, "--demo", "board", "--json")
    assert code == 0
    row = next(r for r in json.loads(out) if r["mrn"] == "DEMO-0004")
    assert any(
        "IDM tests expire" in a["text"]
        and "before the planned collection" in a["text"]
        and a["severity"] == "medium"
        for a in row["alerts"]
    )
