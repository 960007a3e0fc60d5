"""The quick start on an SQLite file: lock, read the board index, hand the lock over."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from planner.app.clinic import clinic_view
from planner.app.snapshot import (
    complete_start_board,
    refresh_board_index,
    stale_transplants,
    start_board_of,
    stored_start_board,
)
from planner.errors import StorageError
from planner.records.ports import Repository
from planner.storage import open_repository
from planner.storage.quick import quick_open
from tests.integration import factories as f
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def _open(path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation, **kw)


def _planned(repo: Repository, pid: str = "p1", mrn: str = "000123", tid: str = "t1") -> None:
    """A patient with a transplant planned for Day 0 in three days."""
    repo.commit(
        f.action(
            patients=(f.patient(pid, mrn),),
            transplants=(f.transplant(tid, pid),),
            plans=(f.plan(f"plan-{tid}", tid, day0=TODAY + dt.timedelta(days=3)),),
        )
    )


def _clinic(path: Path) -> None:
    """A file with one planned patient and the board index the app stores."""
    repo = _open(path)
    try:
        _planned(repo)
        refresh_board_index(repo, TODAY)
    finally:
        repo.close()


def test_an_open_repository_gives_its_stored_board_completed_with_what_changed(
    repo: Repository,
) -> None:
    """How a server's stored board is read once connected (every kind gives the same)."""
    closures = [TODAY + dt.timedelta(days=9)]
    _planned(repo)
    _planned(repo, "p2", "000456", "t2")
    assert stored_start_board(repo, TODAY, closures) is None  # nothing stored yet
    refresh_board_index(repo, TODAY, closures)
    assert stored_start_board(repo, TODAY) is None  # other closure days
    board = stored_start_board(repo, TODAY, closures)
    assert board is not None and board.complete
    assert [r.mrn for r in board.rows] == ["000123", "000456"]
    repo.commit(f.action(lab_samples=(f.lab(),)))  # p1's counts: t1 computed again
    partial = start_board_of(repo.board_index(), TODAY, closures)
    assert partial is not None and partial.missing == {"t1"}
    board = stored_start_board(repo, TODAY, closures)
    assert board is not None and board.complete
    assert board.rows == clinic_view(repo, TODAY, closures).rows


def test_refreshing_the_index_audits_nothing_and_leaves_it_current(repo: Repository) -> None:
    _planned(repo)
    audit = repo.audit_log()
    assert refresh_board_index(repo, TODAY) == {"t1"}
    assert repo.audit_log() == audit  # derived data, not an audited record
    assert stale_transplants(repo.board_index(), TODAY) == []  # storing raised no mark
    assert refresh_board_index(repo, TODAY) == set()


def test_quick_open_reads_what_the_app_stored(db_path: Path) -> None:
    _clinic(db_path)
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None
    try:
        board = start_board_of(quick.index, TODAY)
        assert board is not None and board.complete
        assert [r.mrn for r in board.rows] == ["000123"]
        assert board.rows[0].day_label == "D-3"
    finally:
        quick.lock.release()


def test_quick_open_of_a_missing_file_leaves_it_to_the_normal_open(db_path: Path) -> None:
    assert quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW) is None
    assert not db_path.exists()


def test_quick_open_holds_the_lock_and_the_normal_open_takes_it_over(db_path: Path) -> None:
    _clinic(db_path)
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None
    with pytest.raises(StorageError, match="in use by jdoe on WS-07"):
        quick_open(db_path, user="asmith", workstation="WS-09", now=NOW)
    repo = _open(db_path, lock=quick.lock)  # would say "in use" if it locked again
    assert repo.board_index() == quick.index
    repo.close()
    assert not quick.lock.held
    again = quick_open(db_path, user="asmith", workstation="WS-09", now=NOW)
    assert again is not None
    again.lock.release()


def test_a_failed_open_after_the_quick_start_releases_the_lock(db_path: Path) -> None:
    _clinic(db_path)
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None
    with sqlite3.connect(db_path) as conn:  # as if a newer program had migrated it
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StorageError, match="newer version"):
        _open(db_path, lock=quick.lock)
    assert not quick.lock.held


def test_quick_open_refuses_an_unsafe_file_before_reading_it(db_path: Path) -> None:
    _clinic(db_path)
    os.chmod(db_path, 0o644)
    with pytest.raises(StorageError, match="chmod 600"):
        quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    os.chmod(db_path, 0o600)


def test_a_schema_that_needs_migrating_gives_no_index(db_path: Path) -> None:
    _clinic(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None
    assert quick.index is None  # the normal open migrates (with a backup) first
    quick.lock.release()


def test_a_file_that_is_not_a_database_gives_no_index(db_path: Path) -> None:
    db_path.write_bytes(b"this is not an SQLite file" * 100)
    os.chmod(db_path, 0o600)
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None and quick.index is None
    quick.lock.release()
    with pytest.raises(StorageError):
        _open(db_path)  # and the normal open says what is wrong


def test_a_change_since_the_index_was_stored_is_seen_by_the_next_start(db_path: Path) -> None:
    """Only the changed transplant is computed: the others are painted as stored."""
    repo = _open(db_path)
    try:
        _planned(repo)
        _planned(repo, "p2", "000456", "t2")
        refresh_board_index(repo, TODAY)
        repo.commit(f.action(lab_samples=(f.lab(),)))  # lab samples carry no audit rows
    finally:
        repo.close()
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None and quick.index is not None
    board = start_board_of(quick.index, TODAY)
    assert board is not None
    assert board.missing == {"t1"} and [r.mrn for r in board.rows] == ["000456"]
    repo = _open(db_path, lock=quick.lock)  # once open, the missing one is computed
    try:
        done = complete_start_board(repo, board)
        assert done.complete and done.rows == clinic_view(repo, TODAY).rows
    finally:
        repo.close()


def test_the_quick_start_does_not_import_sqlalchemy(db_path: Path) -> None:
    _clinic(db_path)
    code = (
        "import sys, datetime as dt\n"
        "from pathlib import Path\n"
        "from planner.storage.quick import quick_open\n"
        "from planner.app.snapshot import start_board_of\n"
        f"q = quick_open(Path({str(db_path)!r}), user='u', workstation='w',"
        " now=dt.datetime.now(dt.UTC))\n"
        f"b = start_board_of(q.index, dt.date({TODAY.year}, {TODAY.month}, {TODAY.day}))\n"
        "assert b is not None and b.complete and len(b.rows) == 1\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('sqlalchemy', 'alembic', 'pandas', 'reportlab')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"


def test_an_event_leaves_the_stored_board_current(repo: Repository) -> None:
    """Opening a patient is audited but changes no data: the stored board stays usable."""
    from planner.app.context import Context
    from planner.app.events import record_event

    _planned(repo)
    refresh_board_index(repo, TODAY)
    record_event(repo, Context(ACTOR, NOW), "View patient", "p1")
    assert repo.audit_log()[-1].entity == "event"
    assert stale_transplants(repo.board_index(), TODAY) == []
    board = start_board_of(repo.board_index(), TODAY)
    assert board is not None and board.complete
    repo.commit(f.action(lab_samples=(f.lab(),)))  # a data change after the event
    assert stale_transplants(repo.board_index(), TODAY) == ["t1"]


def test_a_lock_file_that_cannot_be_opened_is_one_clear_sentence(db_path: Path) -> None:
    _clinic(db_path)
    (db_path.parent / (db_path.name + ".lock")).unlink(missing_ok=True)
    (db_path.parent / (db_path.name + ".lock")).mkdir()  # not a file: os.open fails
    with pytest.raises(StorageError, match=r"cannot be opened .*check the folder"):
        quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)


def test_a_board_stored_in_another_language_is_not_shown(repo: Repository) -> None:
    """A shared server's board is read by workstations of any language: its alerts and
    phases are only shown in the language they were computed in."""
    from planner.domain import i18n

    _planned(repo)
    try:
        i18n.set_language("es")
        refresh_board_index(repo, TODAY)
        assert stored_start_board(repo, TODAY) is not None
        i18n.set_language("en")
        assert stored_start_board(repo, TODAY) is None
        # and the index is stale for this workstation: its refresh computes it in English
        assert stale_transplants(repo.board_index(), TODAY) == ["t1"]
    finally:
        i18n.set_language("en")


def test_a_database_with_accounts_shows_no_stored_board_before_a_sign_in(tmp_path: Path) -> None:
    from planner.app import accounts as acc
    from planner.app.context import Context
    from planner.domain.accounts import Role

    path = tmp_path / "planner.db"
    _clinic(path)
    quick = quick_open(path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    assert quick is not None and quick.index is not None  # without accounts: shown
    assert start_board_of(quick.index, TODAY) is not None
    quick.lock.release()
    repo = _open(path)
    try:
        acc.add_account(repo, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, "a long passphrase")
    finally:
        repo.close()
    quick = quick_open(path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    assert quick is not None
    try:
        assert quick.index is None  # the entries are still stored, but not shown
    finally:
        quick.lock.release()


def _with_accounts(path: Path, login_role: object, method: object, active: bool = True) -> None:
    """The clinic with accounts: an administrator's and the computer login's (ACTOR.user,
    with ``login_role``), signing in by ``method``."""
    from planner.app import accounts as acc
    from planner.app.context import Context
    from planner.domain.accounts import Role

    _clinic(path)
    repo = _open(path)
    try:
        acc.add_account(repo, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, "a long passphrase")
        admin = Context(f.Actor("boss", "ws", Role.ADMINISTRATOR), NOW)
        acc.add_account(repo, admin, ACTOR.user, login_role, "another long passphrase")
        acc.set_sign_in_policy(repo, admin, method, 15)
        if not active:
            acc.set_account_active(repo, admin, ACTOR.user, False)
    finally:
        repo.close()


def _quick(path: Path, login: str | None = ACTOR.user):  # type: ignore[no-untyped-def]
    quick = quick_open(path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW, login=login)
    assert quick is not None
    quick.lock.release()
    return quick


def test_the_computer_login_lets_the_quick_start_read_a_file_with_accounts(tmp_path: Path) -> None:
    """Where the centre signs in with the computer's login, the quick start decides it as
    the open repository does, and reads the stored board for that login."""
    from planner.app.accounts import check_login
    from planner.domain.accounts import Role, SignInMethod

    path = tmp_path / "planner.db"
    _with_accounts(path, Role.NURSE, SignInMethod.OS_ACCOUNT)
    quick = _quick(path)
    assert quick.index is not None and quick.login is not None
    assert start_board_of(quick.index, TODAY) is not None
    repo = _open(path)
    try:
        signed = check_login(repo, ACTOR.user, ACTOR.workstation)
    finally:
        repo.close()
    assert quick.login.account.name == signed.actor.user
    assert quick.login.account.role is signed.actor.role is Role.NURSE
    assert quick.login.policy == signed.policy and signed.policy.idle_lock_minutes == 15


@pytest.mark.parametrize("case", ["password method", "disabled account", "no login given"])
def test_the_quick_start_reads_nothing_of_a_file_with_accounts_otherwise(
    tmp_path: Path, case: str
) -> None:
    from planner.domain.accounts import Role, SignInMethod

    path = tmp_path / "planner.db"
    method = SignInMethod.PASSWORD if case == "password method" else SignInMethod.OS_ACCOUNT
    _with_accounts(path, Role.COORDINATOR, method, active=case != "disabled account")
    quick = _quick(path, login=None if case == "no login given" else ACTOR.user)
    assert quick.index is None and quick.login is None


def test_another_login_than_the_accounts_gives_the_quick_start_nothing(tmp_path: Path) -> None:
    from planner.domain.accounts import Role, SignInMethod

    path = tmp_path / "planner.db"
    _with_accounts(path, Role.COORDINATOR, SignInMethod.OS_ACCOUNT)
    quick = _quick(path, login="someone-else")
    assert quick.index is None and quick.login is None
