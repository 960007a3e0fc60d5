"""``transplant-planner users`` and ``--user``: administrators manage accounts, every
command acts as the signed-in account, and a refusal is one sentence with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import run_cli

PW = "a long enough passphrase"


@pytest.fixture
def demo_db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    return db


@pytest.fixture
def team_db(
    capsys: pytest.CaptureFixture[str], demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The demo clinic with an administrator (boss), a nurse (nina), a viewer (vic)."""
    monkeypatch.setenv("TRANSPLANT_PLANNER_NEW_PASSWORD", PW)
    monkeypatch.setenv("TRANSPLANT_PLANNER_PASSWORD", PW)
    db = ["--db", str(demo_db)]
    code, out, err = run_cli(capsys, *db, "users", "add", "boss", "--role", "administrator")
    assert (code, out.strip()) == (0, "Added boss (administrator)."), err
    for name, role in (("nina", "nurse"), ("vic", "viewer")):
        code, _, err = run_cli(capsys, *db, "--user", "boss", "users", "add", name, "--role", role)
        assert code == 0, err
    return demo_db


def test_accounts_are_listed_as_json(capsys: pytest.CaptureFixture[str], team_db: Path) -> None:
    code, out, err = run_cli(
        capsys, "--db", str(team_db), "--user", "vic", "users", "list", "--json"
    )
    assert code == 0, err
    assert json.loads(out) == [
        {"name": "boss", "role": "administrator", "active": True},
        {"name": "nina", "role": "nurse", "active": True},
        {"name": "vic", "role": "viewer", "active": True},
    ]


def test_the_first_account_must_be_an_administrator(
    capsys: pytest.CaptureFixture[str], demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSPLANT_PLANNER_NEW_PASSWORD", PW)
    code, out, err = run_cli(
        capsys, "--db", str(demo_db), "users", "add", "nina", "--role", "nurse"
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "first account must be an active administrator" in err


def test_with_accounts_a_command_needs_a_user(
    capsys: pytest.CaptureFixture[str], team_db: Path
) -> None:
    code, out, err = run_cli(capsys, "--db", str(team_db), "board")
    assert code == 2 and out == ""
    assert "give --user NAME before the command" in err and err.count("\n") == 1
    # After "audit", --user is the audit's filter: the sentence says so.
    code, _, err = run_cli(capsys, "--db", str(team_db), "audit", "--user", "nina")
    assert code == 2 and "after 'audit', --user chooses the rows shown" in err


def test_a_wrong_password_says_nothing_of_which_part(
    capsys: pytest.CaptureFixture[str], team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSPLANT_PLANNER_PASSWORD", "not the password")
    code, _, wrong = run_cli(capsys, "--db", str(team_db), "--user", "nina", "board")
    monkeypatch.setenv("TRANSPLANT_PLANNER_PASSWORD", PW)
    code2, _, unknown = run_cli(capsys, "--db", str(team_db), "--user", "nobody", "board")
    assert code == code2 == 2
    assert wrong == unknown and "name or the password is not right" in wrong


def test_the_signed_in_account_is_who_the_audit_records(
    capsys: pytest.CaptureFixture[str], team_db: Path
) -> None:
    db = ["--db", str(team_db)]
    code, _, err = run_cli(capsys, *db, "--user", "nina", "board", "--json")
    assert code == 0, err
    # --user before the command signs in; after "audit" it is the audit's filter.
    code, out, err = run_cli(capsys, *db, "--user", "vic", "audit", "--user", "nina", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["action"].split(" (")[0] for r in rows] == ["Export board as JSON", "Sign in"]
    assert {r["user"] for r in rows} == {"nina"}


@pytest.mark.parametrize(
    ("user", "argv", "allowed"),
    [
        ("vic", ("users", "add", "eve", "--role", "nurse"), False),
        ("nina", ("users", "disable", "vic"), False),
        ("boss", ("users", "disable", "vic"), True),
        ("vic", ("board",), True),
        ("vic", ("import-labs", "counts.csv", "--dry-run"), False),
        ("nina", ("users", "rules", "--idle-lock", "5"), False),
        ("boss", ("users", "rules", "--idle-lock", "5"), True),
    ],
)
def test_each_command_is_refused_to_roles_that_may_not(
    capsys: pytest.CaptureFixture[str],
    team_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    user: str,
    argv: tuple[str, ...],
    allowed: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "counts.csv").write_text("mrn,date,anc\nDEMO-0001,2026-01-01,0.5\n")
    code, out, err = run_cli(capsys, "--db", str(team_db), "--user", user, *argv)
    if allowed:
        assert code == 0, err
    else:
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and "role cannot" in err, err
        # The attempt is in the audit trail, under the person who tried.
        from planner.storage import open_repository

        repo = open_repository(team_db, user="check", workstation="t")
        try:
            last = repo.audit_log()[-1]
        finally:
            repo.close()
        assert (last.user, last.action.split(":")[0]) == (user, "Refused")


def test_a_disabled_account_cannot_sign_in(
    capsys: pytest.CaptureFixture[str], team_db: Path
) -> None:
    db = ["--db", str(team_db)]
    assert run_cli(capsys, *db, "--user", "boss", "users", "disable", "nina")[0] == 0
    code, _, err = run_cli(capsys, *db, "--user", "nina", "board")
    assert code == 2 and "name or the password is not right" in err
    code, out, _ = run_cli(capsys, *db, "--user", "boss", "users", "list")
    assert "nina" in out and "disabled" in out


def test_without_a_password_a_script_is_told_how_to_give_one(
    capsys: pytest.CaptureFixture[str], team_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSPLANT_PLANNER_PASSWORD")
    code, _, err = run_cli(capsys, "--db", str(team_db), "--user", "nina", "board")
    assert code == 2 and "TRANSPLANT_PLANNER_PASSWORD" in err


def test_user_on_a_database_without_accounts_is_refused(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    code, _, err = run_cli(capsys, "--db", str(demo_db), "--user", "nina", "board")
    assert code == 2 and "no accounts yet" in err


def test_the_rules_are_shown_and_changed(capsys: pytest.CaptureFixture[str], team_db: Path) -> None:
    db = ["--db", str(team_db), "--user", "boss", "users", "rules"]
    code, out, _ = run_cli(capsys, *db)
    assert out.strip() == (
        "Sign-in: a name and a password; the window locks after 10 minutes without input."
    )
    code, out, err = run_cli(capsys, *db, "--sign-in", "os", "--idle-lock", "3")
    assert code == 0, err
    assert "the computer's login" in out and "3 minutes" in out
    code, _, err = run_cli(capsys, *db, "--idle-lock", "0")
    assert code == 2 and "between 1 and 240" in err
