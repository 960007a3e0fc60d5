"""The quick start on an SQLite file: lock, read the snapshot, hand the lock over."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from planner.app.snapshot import (
    SnapshotKey,
    decode_start_board,
    save_board_snapshot,
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


def _clinic(path: Path) -> None:
    """A file with one planned patient and the snapshot the app stores."""
    repo = _open(path)
    try:
        repo.commit(
            f.action(
                patients=(f.patient(),),
                transplants=(f.transplant(),),
                plans=(f.plan(day0=TODAY + dt.timedelta(days=3)),),
            )
        )
        save_board_snapshot(repo, TODAY)
    finally:
        repo.close()


def test_data_mark_grows_with_every_commit(repo: Repository) -> None:
    start = repo.data_mark()
    repo.commit(f.action(patients=(f.patient(),)))
    after_patient = repo.data_mark()
    repo.commit(f.action(transplants=(f.transplant(),)))
    repo.commit(f.action(lab_samples=(f.lab(),)))
    assert start < after_patient < repo.data_mark()


def test_the_snapshot_is_stored_and_replaced(repo: Repository) -> None:
    assert repo.board_snapshot() is None
    repo.store_board_snapshot("one")
    repo.store_board_snapshot("two")
    assert repo.board_snapshot() == "two"


def test_an_open_repository_gives_its_stored_board_while_the_data_is_unchanged(
    repo: Repository,
) -> None:
    """How a server's stored board is read once connected (every kind gives the same)."""
    repo.commit(
        f.action(
            patients=(f.patient(),),
            transplants=(f.transplant(),),
            plans=(f.plan(day0=TODAY + dt.timedelta(days=3)),),
        )
    )
    assert stored_start_board(repo, TODAY) is None  # nothing stored yet
    save_board_snapshot(repo, TODAY, [TODAY + dt.timedelta(days=9)])
    assert stored_start_board(repo, TODAY) is None  # other closure days
    board = stored_start_board(repo, TODAY, [TODAY + dt.timedelta(days=9)])
    assert board is not None and [r.mrn for r in board.rows] == [f.patient().mrn]
    assert board.data_mark == repo.data_mark()
    repo.commit(f.action(lab_samples=(f.lab(),)))
    assert stored_start_board(repo, TODAY, [TODAY + dt.timedelta(days=9)]) is None


def test_storing_the_snapshot_does_not_change_the_data_mark(repo: Repository) -> None:
    repo.commit(f.action(patients=(f.patient(),)))
    mark = repo.data_mark()
    repo.store_board_snapshot("payload")
    assert repo.data_mark() == mark
    assert repo.audit_log()[-1].seq == mark[0]  # the snapshot is not an audited record


def test_quick_open_reads_what_the_app_stored(db_path: Path) -> None:
    _clinic(db_path)
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None
    try:
        board = decode_start_board(quick.payload, SnapshotKey(quick.data_mark), TODAY)
        assert board is not None
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
    assert repo.data_mark() == quick.data_mark
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


def test_a_schema_that_needs_migrating_gives_no_snapshot(db_path: Path) -> None:
    _clinic(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None
    assert quick.payload is None  # the normal open migrates (with a backup) first
    quick.lock.release()


def test_a_file_that_is_not_a_database_gives_no_snapshot(db_path: Path) -> None:
    db_path.write_bytes(b"this is not an SQLite file" * 100)
    os.chmod(db_path, 0o600)
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None and quick.payload is None
    quick.lock.release()
    with pytest.raises(StorageError):
        _open(db_path)  # and the normal open says what is wrong


def test_a_change_since_the_snapshot_is_seen_by_the_next_start(db_path: Path) -> None:
    _clinic(db_path)
    repo = _open(db_path)
    repo.commit(f.action(lab_samples=(f.lab(),)))  # lab samples carry no audit rows
    repo.close()
    quick = quick_open(db_path, user="jdoe", workstation="WS-07", now=NOW)
    assert quick is not None
    assert decode_start_board(quick.payload, SnapshotKey(quick.data_mark), TODAY) is None
    quick.lock.release()


def test_the_quick_start_does_not_import_sqlalchemy(db_path: Path) -> None:
    _clinic(db_path)
    code = (
        "import sys, datetime as dt\n"
        "from pathlib import Path\n"
        "from planner.storage.quick import quick_open\n"
        "from planner.app.snapshot import SnapshotKey, decode_start_board\n"
        f"q = quick_open(Path({str(db_path)!r}), user='u', workstation='w',"
        " now=dt.datetime.now(dt.UTC))\n"
        f"b = decode_start_board(q.payload, SnapshotKey(q.data_mark), dt.date({TODAY.year},"
        f" {TODAY.month}, {TODAY.day}))\n"
        "assert b is not None and len(b.rows) == 1\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('sqlalchemy', 'alembic', 'pandas', 'reportlab')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"


def test_an_event_does_not_change_the_data_mark(repo: Repository) -> None:
    """Opening a patient is audited but changes no data: the stored board stays usable."""
    from planner.app.context import Context
    from planner.app.events import record_event

    repo.commit(f.action(patients=(f.patient(),)))
    mark = repo.data_mark()
    record_event(repo, Context(ACTOR, NOW), "View patient", "p1")
    assert repo.data_mark() == mark
    assert repo.audit_log()[-1].entity == "event"
    repo.commit(f.action(transplants=(f.transplant(),)))  # a data change after the event
    assert repo.data_mark() > mark


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

    repo.commit(
        f.action(
            patients=(f.patient(),),
            transplants=(f.transplant(),),
            plans=(f.plan(day0=TODAY + dt.timedelta(days=3)),),
        )
    )
    try:
        i18n.set_language("es")
        save_board_snapshot(repo, TODAY)
        assert stored_start_board(repo, TODAY) is not None
        i18n.set_language("en")
        assert stored_start_board(repo, TODAY) is None
    finally:
        i18n.set_language("en")


def test_a_database_with_accounts_shows_no_stored_board_before_a_sign_in(tmp_path: Path) -> None:
    from planner.app import accounts as acc
    from planner.app.context import Context
    from planner.domain.accounts import Role

    path = tmp_path / "planner.db"
    _clinic(path)
    quick = quick_open(path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    assert quick is not None and quick.payload is not None  # without accounts: shown
    quick.lock.release()
    repo = _open(path)
    try:
        acc.add_account(repo, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, "a long passphrase")
    finally:
        repo.close()
    quick = quick_open(path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    assert quick is not None
    try:
        assert quick.payload is None  # the snapshot is still stored, but not shown
    finally:
        quick.lock.release()
