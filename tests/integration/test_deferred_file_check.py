"""The file check the desktop app runs beside its first load (``defer_check``).

``PRAGMA quick_check`` reads the whole file, so at every open its time grew with the
programme's history. The app now opens without it, reads the board meanwhile, and runs it
in a worker thread; until it has passed the repository refuses every write, and a file
that fails it refuses writes for good. A file about to be migrated is always checked
first, and the command line keeps checking at open.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from planner.errors import StorageError
from planner.records.ports import BoardEntry
from planner.storage import engine as eng
from planner.storage import open_repository
from planner.storage.sql import CHECK_PENDING, SqlRepository
from tests.integration.factories import ACTOR, action, patient

NOW = dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC)


def _open(path: Path, **kw: object) -> SqlRepository:
    return open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation, **kw)  # type: ignore[arg-type]


def _filled(path: Path, patients: int = 300) -> None:
    repo = _open(path)
    try:
        for start in range(0, patients, 50):
            people = tuple(
                patient(f"p{i}", f"{i:06d}", contacts="x" * 400) for i in range(start, start + 50)
            )
            repo.commit(action("Add patients", patients=people))
    finally:
        repo.close()


def _damage_the_middle(path: Path) -> None:
    """Overwrite page headers in the middle of the file (the schema, the chain head and
    the meta table stay readable, so the open itself succeeds)."""
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    pages = len(data) // size
    assert pages > 20
    for page in range(pages // 3, pages // 2):
        data[page * size : page * size + 12] = b"\xa5" * 12
    path.write_bytes(bytes(data))


def _gate_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[threading.Event, threading.Event, list[str]]:
    """Hold every ``quick_check`` until ``release`` is set (then run the real one):
    (release, started: one began, the names of the threads that started one)."""
    from planner.storage import sql as sql_module

    release, started, ran = threading.Event(), threading.Event(), []
    real = sql_module.quick_check

    def gated(connection: sqlite3.Connection) -> list[str]:
        ran.append(threading.current_thread().name)
        started.set()
        assert release.wait(20)
        return real(connection)

    monkeypatch.setattr(sql_module, "quick_check", gated)
    return release, started, ran


def test_writes_wait_for_the_deferred_check_and_then_go_through(db_path: Path) -> None:
    _filled(db_path, 10)
    repo = _open(db_path, defer_check=True)
    try:
        assert repo.get_patient("p1").mrn == "000001"  # reading needs no check
        with pytest.raises(StorageError) as err:
            repo.commit(action("Add", patients=(patient("n1", "N1"),)))
        assert str(err.value) == CHECK_PENDING
        with pytest.raises(StorageError) as derived:  # derived data is a write too
            repo.store_board_entries([BoardEntry("t1", 1, "", "{}")])
        assert str(derived.value) == CHECK_PENDING
        assert repo.find_patient_by_mrn("N1") is None
        repo.check_file()
        repo.commit(action("Add", patients=(patient("n1", "N1"),)))
        assert repo.find_patient_by_mrn("N1") is not None
    finally:
        repo.close()


def test_a_damaged_file_opened_without_the_check_refuses_writes_for_good(db_path: Path) -> None:
    _filled(db_path)
    _damage_the_middle(db_path)
    with pytest.raises(StorageError) as at_open:
        _open(db_path)  # the command line's open still checks
    assert str(at_open.value) == eng.DAMAGED_MESSAGE
    repo = _open(db_path, defer_check=True)
    try:
        with pytest.raises(StorageError) as err:
            repo.check_file()
        assert str(err.value) == eng.DAMAGED_MESSAGE
        with pytest.raises(StorageError) as again:
            repo.commit(action("Add", patients=(patient("n1", "N1"),)))
        assert str(again.value) == eng.DAMAGED_MESSAGE
        with pytest.raises(StorageError):
            repo.check_file()
    finally:
        repo.close()


def test_a_new_file_needs_no_deferred_check(db_path: Path) -> None:
    repo = _open(db_path, defer_check=True)
    try:
        repo.commit(action("Add", patients=(patient("n1", "N1"),)))
    finally:
        repo.close()


def test_a_file_about_to_be_migrated_is_checked_at_open(db_path: Path) -> None:
    _filled(db_path)
    con = sqlite3.connect(db_path)
    with con:  # as the previous release left it: before 0006's index
        con.execute("DROP INDEX ix_transplants_status")
        con.execute("UPDATE alembic_version SET version_num = '0005'")
    con.close()
    _damage_the_middle(db_path)
    with pytest.raises(StorageError) as err:
        _open(db_path, defer_check=True)
    assert str(err.value) == eng.DAMAGED_MESSAGE


def test_a_running_check_can_be_stopped_and_the_file_stays_unchecked(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.storage import sql as sql_module

    def endless(connection: sqlite3.Connection) -> list[str]:
        # Stands for the quick_check of a very large file: a query that runs until stopped.
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        ).fetchall()
        return ["ok"]

    _filled(db_path, 10)
    repo = _open(db_path, defer_check=True)
    try:
        monkeypatch.setattr(sql_module, "quick_check", endless)
        outcome: list[BaseException] = []

        def check() -> None:
            try:
                repo.check_file()
            except StorageError as exc:
                outcome.append(exc)

        worker = threading.Thread(target=check)
        worker.start()
        while repo._checking is None and worker.is_alive():
            time.sleep(0.001)
        time.sleep(0.2)  # the query is running
        repo.stop_file_check()
        worker.join(10)
        assert not worker.is_alive()
        assert [str(e) for e in outcome] == [CHECK_PENDING]  # stopped, not damaged
        with pytest.raises(StorageError, match="still being checked"):
            repo.commit(action("Add", patients=(patient("n1", "N1"),)))
    finally:
        repo.close()
    monkeypatch.undo()
    again = _open(db_path, defer_check=True)  # the next start checks it
    try:
        again.check_file()
        again.commit(action("Add", patients=(patient("n1", "N1"),)))
    finally:
        again.close()


def test_a_check_asked_for_while_one_runs_waits_for_it_and_shares_its_result(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desktop checks the file beside the sign-in, and the sign-in's write asks for
    the check too: the whole file is read once, and both see it pass."""
    _filled(db_path, 10)
    repo = _open(db_path, defer_check=True)
    try:
        release, started, ran = _gate_the_check(monkeypatch)
        outcome: list[str] = []

        def check() -> None:
            repo.check_file()
            outcome.append(threading.current_thread().name)

        first = threading.Thread(target=check, name="start")
        first.start()
        assert started.wait(10)
        second = threading.Thread(target=check, name="sign-in")
        second.start()
        time.sleep(0.1)
        assert outcome == []  # the second waits for the first's check
        release.set()
        first.join(10)
        second.join(10)
        assert sorted(outcome) == ["sign-in", "start"] and ran == ["start"]
        repo.commit(action("Add", patients=(patient("n1", "N1"),)))
    finally:
        repo.close()


def test_a_sign_in_on_a_file_not_yet_checked_waits_for_the_check_and_is_recorded(
    db_path: Path,
) -> None:
    """Its audit row and failure count are writes: refused until the check passed, they
    made the desktop hold the sign-in back until the whole file was read."""
    from planner.app import accounts as acc
    from planner.app.context import Context
    from planner.domain.accounts import Role

    _filled(db_path, 10)
    made = _open(db_path)
    try:
        acc.add_account(made, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, "a long passphrase")
    finally:
        made.close()
    repo = _open(db_path, defer_check=True)
    try:
        with pytest.raises(acc.SignInError):
            acc.sign_in(repo, "boss", "not it", "ws-1", NOW)
        assert repo.sign_in_failures("boss").count == 1
        done = acc.sign_in(repo, "boss", "a long passphrase", "ws-1", NOW)
        assert done.actor.user == "boss"
        # The failure (under the account it concerns) and the sign-in.
        assert [e.user for e in repo.audit_log() if e.action == "Sign in"] == ["boss", "boss"]
    finally:
        repo.close()


def test_reads_go_on_while_the_check_reads_the_whole_file(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check reads on a connection of its own: on the pool's one connection it held
    every read back (a sign-in's, a patient opened) and they gave up after 10 s."""
    _filled(db_path, 10)
    repo = _open(db_path, defer_check=True)
    release = threading.Event()
    try:
        release, started, _ran = _gate_the_check(monkeypatch)
        worker = threading.Thread(target=repo.check_file)
        worker.start()
        assert started.wait(10)
        started = time.monotonic()
        assert repo.get_patient("p1").mrn == "000001"
        assert repo.sign_in_failures("nobody").count == 0
        assert time.monotonic() - started < 2.0
        release.set()
        worker.join(10)
        repo.commit(action("Add", patients=(patient("n1", "N1"),)))
    finally:
        release.set()
        repo.close()
