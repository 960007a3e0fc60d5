"""Accounts on every repository: the first is an administrator's, the store refuses an
actor who is no longer an active account of their role, the audit shows every change but
never a password hash, and sign-in failures pause without saying what was wrong."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from planner.app import accounts as acc
from planner.app.context import Context
from planner.app.patients import save_patient
from planner.domain.accounts import Role, SignInMethod
from planner.errors import (
    ConflictError,
    PermissionDeniedError,
    SignInError,
    ValidationError,
)
from planner.records.ports import Actor, Repository
from planner.storage import open_repository
from tests.integration.factories import AT, patient

WS = "WS-07"
NOBODY = Actor("jdoe", WS)  # no accounts yet: the computer's login
ADMIN = Actor("boss", WS, Role.ADMINISTRATOR)
NURSE = Actor("nina", WS, Role.NURSE)
PW = "a long enough passphrase"


def ctx(actor: Actor, at: dt.datetime = AT) -> Context:
    return Context(actor, at)


def with_team(repo: Repository) -> None:
    acc.add_account(repo, ctx(NOBODY), "boss", Role.ADMINISTRATOR, PW)
    acc.add_account(repo, ctx(ADMIN), "nina", Role.NURSE, PW)


def test_the_first_account_must_be_an_administrators(repo: Repository) -> None:
    with pytest.raises(PermissionDeniedError, match="administrator"):
        acc.add_account(repo, ctx(NOBODY), "nina", Role.NURSE, PW)
    assert not repo.accounts_in_use()
    made = acc.add_account(repo, ctx(NOBODY), "Boss", Role.ADMINISTRATOR, PW)
    assert (made.name, made.role, made.active, made.version) == (
        "Boss",
        Role.ADMINISTRATOR,
        True,
        1,
    )
    assert repo.accounts_in_use()
    assert repo.get_account("BOSS") == made


def test_once_accounts_exist_nobody_unsigned_can_change_anything(repo: Repository) -> None:
    save_patient(repo, ctx(NOBODY), patient())  # before: as it always was
    with_team(repo)
    with pytest.raises(PermissionDeniedError, match="sign in"):
        save_patient(repo, ctx(NOBODY), patient("p2", "000124"))
    assert repo.find_patient_by_mrn("000124") is None


def test_only_an_administrator_manages_accounts(repo: Repository) -> None:
    with_team(repo)
    with pytest.raises(PermissionDeniedError, match="nurse role cannot manage accounts"):
        acc.add_account(repo, ctx(NURSE), "eve", Role.ADMINISTRATOR, PW)
    assert repo.get_account("eve") is None


def test_a_disabled_account_or_a_changed_role_cannot_commit(repo: Repository) -> None:
    with_team(repo)
    save_patient(repo, ctx(NURSE), patient())
    acc.set_account_role(repo, ctx(ADMIN), "nina", Role.VIEWER)
    with pytest.raises(PermissionDeniedError, match="sign in again"):
        save_patient(repo, ctx(NURSE), patient("p2", "000124"))
    acc.set_account_role(repo, ctx(ADMIN), "nina", Role.NURSE)
    acc.set_account_active(repo, ctx(ADMIN), "nina", False)
    with pytest.raises(PermissionDeniedError, match="disabled"):
        save_patient(repo, ctx(NURSE), patient("p2", "000124"))
    assert repo.find_patient_by_mrn("000124") is None


def test_the_last_administrator_stays(repo: Repository) -> None:
    with_team(repo)
    with pytest.raises(ValidationError, match="signed in with"):
        acc.set_account_active(repo, ctx(ADMIN), "boss", False)
    with pytest.raises(PermissionDeniedError, match="active administrator"):
        acc.set_account_role(repo, ctx(ADMIN), "boss", Role.NURSE)
    assert repo.get_account("boss").role is Role.ADMINISTRATOR  # type: ignore[union-attr]


def test_names_are_unique_case_aside_and_cannot_change(repo: Repository) -> None:
    with_team(repo)
    with pytest.raises(ValidationError, match="already an account named NINA"):
        acc.add_account(repo, ctx(ADMIN), "NINA", Role.NURSE, PW)


def test_a_stale_account_edit_is_a_conflict(repo: Repository) -> None:
    with_team(repo)
    read = repo.get_account("nina")
    assert read is not None
    acc.set_account_role(repo, ctx(ADMIN), "nina", Role.PHYSICIAN)
    from planner.records.ports import Action

    with pytest.raises(ConflictError):
        repo.commit(
            Action(ADMIN, AT, "Change account role", accounts=(replace(read, role=Role.VIEWER),))
        )
    assert repo.get_account("nina").role is Role.PHYSICIAN  # type: ignore[union-attr]


def test_the_audit_shows_account_changes_but_never_a_hash(repo: Repository) -> None:
    with_team(repo)
    acc.reset_password(repo, ctx(ADMIN), "nina", "another long passphrase")
    acc.set_account_active(repo, ctx(ADMIN), "nina", False)
    rows = [e for e in repo.audit_log() if e.entity == "account"]
    assert {(e.action, e.user) for e in rows} >= {
        ("Add account", "jdoe"),
        ("Add account", "boss"),
        ("Reset password", "boss"),
        ("Disable account", "boss"),
    }
    texts = " ".join(f"{e.field} {e.old} {e.new}" for e in rows)
    assert "scrypt$" not in texts
    reset = [e for e in rows if e.action == "Reset password"]
    assert [e.field for e in reset] == ["password"]  # one row: the fingerprint changed
    disabled = [e for e in rows if e.action == "Disable account"]
    assert [(e.field, e.old, e.new) for e in disabled] == [("active", "true", "false")]
    assert all(e.doc_hash for e in rows)


def test_the_sign_in_rules_are_stored_audited_and_only_by_an_administrator(
    repo: Repository,
) -> None:
    with pytest.raises(PermissionDeniedError, match="first account"):
        acc.set_sign_in_policy(repo, ctx(NOBODY), SignInMethod.OS_ACCOUNT, 5)
    with_team(repo)
    with pytest.raises(PermissionDeniedError):
        acc.set_sign_in_policy(repo, ctx(NURSE), SignInMethod.OS_ACCOUNT, 5)
    stored = acc.set_sign_in_policy(repo, ctx(ADMIN), SignInMethod.OS_ACCOUNT, 5)
    assert (stored.method, stored.idle_lock_minutes, stored.version) == (
        SignInMethod.OS_ACCOUNT,
        5,
        1,
    )
    assert repo.sign_in_policy() == stored
    rows = [e for e in repo.audit_log() if e.entity == "policy"]
    assert {e.field for e in rows} == {"method", "idle_lock_minutes"}


# --- signing in ---------------------------------------------------------------------------------


def test_a_right_password_signs_in_and_is_audited(repo: Repository) -> None:
    with_team(repo)
    done = acc.sign_in(repo, " Nina ", PW, WS, AT)
    assert done.actor == Actor("nina", WS, Role.NURSE)
    last = repo.audit_log()[-1]
    assert (last.user, last.action, json.loads(last.new or "")) == ("nina", "Sign in", "Signed in")


def test_a_wrong_name_and_a_wrong_password_read_the_same(repo: Repository) -> None:
    with_team(repo)
    with pytest.raises(SignInError) as wrong_password:
        acc.sign_in(repo, "nina", "not the password", WS, AT)
    with pytest.raises(SignInError) as unknown_name:
        acc.sign_in(repo, "nobody-here", PW, WS, AT)
    with pytest.raises(SignInError) as disabled:
        acc.set_account_active(repo, ctx(ADMIN), "nina", False)
        acc.sign_in(repo, "nina", PW, WS, AT)
    assert str(wrong_password.value) == str(unknown_name.value) == str(disabled.value)
    assert "name or the password" in str(unknown_name.value)
    assert wrong_password.value.wait_s >= acc.FAILURE_DELAY_S


@pytest.mark.parametrize("name", ["nina", "no-such-person"])
def test_repeated_failures_pause_the_name_even_for_the_right_password(
    repo: Repository, name: str
) -> None:
    with_team(repo)
    for i in range(acc.FREE_TRIES - 1):
        with pytest.raises(SignInError) as err:
            acc.sign_in(repo, name, f"guess number {i}", WS, AT)
        assert "paused" not in str(err.value)
    with pytest.raises(SignInError, match="paused for 30 seconds"):
        acc.sign_in(repo, name, "guess number five", WS, AT)
    later = AT + dt.timedelta(seconds=10)
    with pytest.raises(SignInError, match="try again in 20 seconds") as paused:
        acc.sign_in(repo, name, PW, WS, later)
    assert paused.value.wait_s == pytest.approx(20)
    after = AT + dt.timedelta(seconds=31)
    if name == "nina":
        assert acc.sign_in(repo, name, PW, WS, after).actor.user == "nina"
        assert repo.sign_in_failures("nina").count == 0
    else:  # another failure after the pause doubles it
        with pytest.raises(SignInError, match="paused for 60 seconds"):
            acc.sign_in(repo, name, PW, WS, after)


def test_failures_against_an_account_are_audited_under_it(repo: Repository) -> None:
    with_team(repo)
    for i in range(acc.FREE_TRIES):
        with pytest.raises(SignInError):
            acc.sign_in(repo, "nina", f"guess number {i}", WS, AT)
    events = [json.loads(e.new or "") for e in repo.audit_log() if e.user == "nina"]
    assert events.count("Sign-in failed") == acc.FREE_TRIES - 1
    assert events[-1] == "Sign-in failed; further tries paused"


def test_the_computer_login_signs_in_only_where_the_centre_chose_it(repo: Repository) -> None:
    with_team(repo)
    with pytest.raises(SignInError, match="name and a password"):
        acc.sign_in_with_login(repo, "nina", WS, AT)
    acc.set_sign_in_policy(repo, ctx(ADMIN), SignInMethod.OS_ACCOUNT, 10)
    assert acc.sign_in_with_login(repo, "NINA", WS, AT).actor == Actor("nina", WS, Role.NURSE)
    with pytest.raises(SignInError, match="no active Transplant Planner account"):
        acc.sign_in_with_login(repo, "someone", WS, AT)


def test_an_own_password_change_needs_the_current_one(repo: Repository) -> None:
    with_team(repo)
    with pytest.raises(SignInError):
        acc.change_own_password(repo, ctx(NURSE), "wrong current one", "brand new passphrase")
    acc.change_own_password(repo, ctx(NURSE), PW, "brand new passphrase")
    assert acc.sign_in(repo, "nina", "brand new passphrase", WS, AT).actor == NURSE
    with pytest.raises(SignInError):
        acc.sign_in(repo, "nina", PW, WS, AT)


# --- the check covers accounts (SQLite: the file edited behind the program's back) -------------


def test_a_role_granted_by_editing_the_file_is_caught_by_check(tmp_path: Path) -> None:
    from planner.storage import backup as bk

    path = tmp_path / "planner.db"
    repo = open_repository(path, user="jdoe", workstation=WS)
    with_team(repo)
    repo.close()
    assert bk.check(path).ok
    con = sqlite3.connect(path)
    con.execute("UPDATE accounts SET role = 'administrator' WHERE key = 'nina'")
    con.commit()
    con.close()
    report = bk.check(path)
    assert not report.ok
    assert any("accounts" in p.sentence() and "nina" in p.sentence() for p in report.audit_problems)


def _nina_with_an_older_hash(repo: Repository) -> str:
    """The team, nina's hash made with weaker parameters than today's; that hash."""
    from planner.domain import passwords as pw
    from planner.records.ports import Action

    with_team(repo)
    read = repo.get_account("nina")
    assert read is not None
    old = pw.hash_password(PW, pw.Cost(11, 8, 1))
    repo.commit(Action(ADMIN, AT, "Reset password", accounts=(replace(read, password_hash=old),)))
    return old


def test_a_hash_of_older_parameters_is_renewed_at_sign_in(repo: Repository) -> None:
    from planner.domain import passwords as pw

    old = _nina_with_an_older_hash(repo)
    acc.sign_in(repo, "nina", PW, WS, AT)
    renewed = repo.get_account("nina")
    assert renewed is not None and renewed.password_hash != old
    assert not pw.needs_rehash(renewed.password_hash)
    assert pw.verify_password(PW, renewed.password_hash)


def _sign_in_rows(repo: Repository) -> list[tuple[str, str]]:
    return [
        (e.user, json.loads(e.new or "null")) for e in repo.audit_log() if e.action == "Sign in"
    ]


def test_a_right_password_is_checked_by_reads_and_recorded_after(repo: Repository) -> None:
    """The desktop shows the clinic once the password is found right and records the
    sign-in behind it (the write waits for the start's file check): the check writes
    nothing, the record writes the row and forgets the name's failures."""
    with_team(repo)
    with pytest.raises(SignInError):
        acc.sign_in(repo, "nina", "not the passphrase", WS, AT)
    assert repo.sign_in_failures("nina").count == 1  # a failure is counted at once
    before = len(repo.audit_log())
    checked = acc.check_sign_in(repo, " nina ", PW, WS, AT)
    assert checked.signed.actor == Actor("nina", WS, Role.NURSE)
    assert checked.new_hash is None
    assert len(repo.audit_log()) == before  # nothing written by the check
    assert repo.sign_in_failures("nina").count == 1
    acc.record_password_sign_in(repo, checked, AT)
    assert _sign_in_rows(repo)[-1] == ("nina", "Signed in")
    assert repo.sign_in_failures("nina").count == 0


def test_a_hash_renewed_at_sign_in_is_not_stored_over_a_newer_password(
    repo: Repository,
) -> None:
    """The renewed hash is made while the password is at hand (never kept) and stored
    with the sign-in's record; a password reset in between is newer and stays."""
    from planner.domain import passwords as pw

    old = _nina_with_an_older_hash(repo)
    checked = acc.check_sign_in(repo, "nina", PW, WS, AT)
    assert checked.new_hash is not None and not pw.needs_rehash(checked.new_hash)
    assert repo.get_account("nina").password_hash == old  # not stored by the check
    acc.reset_password(repo, ctx(ADMIN), "nina", "another long passphrase")
    acc.record_password_sign_in(repo, checked, AT)
    kept = repo.get_account("nina")
    assert kept is not None and pw.verify_password("another long passphrase", kept.password_hash)
    assert _sign_in_rows(repo)[-1] == ("nina", "Signed in")


def test_a_renewal_that_fails_leaves_the_sign_in_recorded(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The renewed hash is a courtesy: if storing it fails (the account changed
    meanwhile), the sign-in's row stands and no error says the sign-in went unrecorded."""

    old = _nina_with_an_older_hash(repo)
    checked = acc.check_sign_in(repo, "nina", PW, WS, AT)
    assert checked.new_hash is not None

    def conflict(*_args: object) -> None:
        raise ConflictError("account", "nina", 2, 3)

    monkeypatch.setattr(acc, "_save", conflict)
    acc.record_password_sign_in(repo, checked, AT)
    assert _sign_in_rows(repo)[-1] == ("nina", "Signed in")
    assert repo.get_account("nina").password_hash == old
