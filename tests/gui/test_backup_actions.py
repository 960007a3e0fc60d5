"""File > Back up now, File > Restore from backup..., and the backup of the day at close.

What is checked: both actions are in the File menu with their own access keys; Back up
now writes a verified backup beside the database and says so; the backup of the day is
taken in the background a minute after the clinic is in (after the start's file check),
and the window's close takes one only if none was taken that day; Restore from backup... names the command for this
database and its backups folder instead of restoring under the open window.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.storage import backup as bk
from planner.storage import open_repository
from tests.gui.conftest import ACTOR, NOW
from ui.actions import MENUS, SPECS, access_key


@pytest.fixture
def clinic_db(tmp_path: Path) -> Path:
    db = tmp_path / "clinic" / "Clinic.db"
    db.parent.mkdir(mode=0o700)
    repo = open_repository(db, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        load_demo_clinic(repo, Context(ACTOR, NOW))
    finally:
        repo.close()
    return db


def _backups(db: Path) -> list[Path]:
    return sorted((db.parent / "backups").glob("planner-*-Clinic.db"))


def _listed(db: Path) -> list[dict[str, object]]:
    """The backups the manifest records: written once the backup is verified."""
    return bk.list_backups(db.parent / "backups")


def _close_window_at(make_window, db: Path, when: dt.datetime) -> None:
    repo = open_repository(db, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        window = make_window(repo, demo=False, clock=lambda: when)
        window.close()
    finally:
        repo.close()


def test_both_actions_are_in_the_file_menu_with_their_own_keys(demo_window) -> None:
    file_menu = dict(MENUS)["&File"]
    assert "backup_now" in file_menu and "restore_backup" in file_menu
    keys = [access_key(SPECS[n].text) for n in file_menu if n is not None]
    assert access_key(SPECS["backup_now"].text) == "B"
    assert access_key(SPECS["restore_backup"].text) == "R"
    assert len(keys) == len(set(keys))
    texts = [a.text() for a in demo_window.menuBar().actions()[0].menu().actions()]
    assert "&Back up now" in texts and "&Restore from backup..." in texts


def test_back_up_now_writes_a_verified_backup(make_window, clinic_db: Path) -> None:
    repo = open_repository(clinic_db, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        window = make_window(repo, demo=False)
        window.actions_by_name["backup_now"].trigger()
        (made,) = _backups(clinic_db)
        assert bk.check(made).ok
        assert str(made) in window.statusBar().currentMessage()
    finally:
        repo.close()


def test_back_up_now_without_a_file_says_so(demo_window) -> None:
    demo_window.actions_by_name["backup_now"].trigger()
    assert "not a file here" in demo_window.statusBar().currentMessage()


def test_closing_backs_up_at_most_once_a_day(make_window, clinic_db: Path) -> None:
    _close_window_at(make_window, clinic_db, NOW)
    (first,) = _backups(clinic_db)
    assert bk.check(first).ok
    _close_window_at(make_window, clinic_db, NOW + dt.timedelta(hours=6))
    assert _backups(clinic_db) == [first]  # the same day: no second backup
    _close_window_at(make_window, clinic_db, NOW + dt.timedelta(days=1))
    assert len(_backups(clinic_db)) == 2


def test_restore_from_backup_names_the_command(
    make_window, clinic_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    repo = open_repository(clinic_db, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        window = make_window(repo, demo=False)
        window.actions_by_name["restore_backup"].trigger()
    finally:
        repo.close()
    (text,) = shown
    assert f'transplant-planner --db "{clinic_db}" restore BACKUP' in text
    assert str(clinic_db.parent / "backups") in text
    assert "close Transplant Planner" in text
    assert not _backups(clinic_db)  # nothing was restored or written


def test_back_up_now_keeps_the_number_the_centre_set(make_window, clinic_db: Path) -> None:
    from dataclasses import replace

    repo = open_repository(clinic_db, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        window = make_window(repo, demo=False)
        window.session.centre = replace(window.session.centre, backup_keep=2)
        for _ in range(3):
            window.actions_by_name["backup_now"].trigger()
        # One clock instant: the later copies carry a counter (".1", ".2") in their name.
        assert len(list((clinic_db.parent / "backups").glob("planner-*-Clinic*.db"))) == 2
    finally:
        repo.close()


def test_back_up_now_into_a_read_only_folder_says_why(make_window, clinic_db: Path) -> None:
    from tests.failing_disks import read_only_folder

    repo = open_repository(clinic_db, user=ACTOR.user, workstation=ACTOR.workstation)
    backups = clinic_db.parent / "backups"
    backups.mkdir(exist_ok=True)
    try:
        window = make_window(repo, demo=False)
        shown: list[str] = []
        window.show_error = lambda exc: shown.append(str(exc))
        with read_only_folder(backups) as reason:
            window.actions_by_name["backup_now"].trigger()
        assert shown == [
            f"The backup folder {backups} cannot be written ({reason}); make it writable or "
            "choose another (--dest). The database was not changed."
        ]
        assert list(backups.iterdir()) == []
    finally:
        repo.close()


def test_the_backup_of_the_day_is_taken_in_the_background_and_the_close_takes_none(
    make_window, clinic_db: Path, qtbot, monkeypatch
) -> None:
    repo = open_repository(clinic_db, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        window = make_window(repo, demo=False, clock=lambda: NOW)
        assert window._backup_timer.isActive()  # started when the clinic came in
        window._backup_timer.timeout.emit()  # the minute has passed
        qtbot.waitUntil(lambda: len(_listed(clinic_db)) == 1, timeout=20_000)
        assert bk.check(_backups(clinic_db)[0]).ok
        taken = []
        real = type(repo).backup_now

        def spy(self, *args, **kwargs):
            taken.append(real(self, *args, **kwargs))
            return taken[-1]

        monkeypatch.setattr(type(repo), "backup_now", spy)
        window.close()
        assert taken == [None]  # asked, and none due: the close wrote nothing
        assert len(_backups(clinic_db)) == 1
    finally:
        repo.close()


def test_the_background_backup_waits_for_the_start_s_file_check(
    make_window, clinic_db: Path, qtbot
) -> None:
    repo = open_repository(clinic_db, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        window = make_window(repo, demo=False, clock=lambda: NOW)
        window.session._file_check_pending = True  # as while a quick start's check runs
        window._backup_in_background()
        assert window._backup_timer.isActive() and _backups(clinic_db) == []
        window.session._file_check_pending = False
        window._backup_timer.stop()
        window._backup_in_background()
        qtbot.waitUntil(lambda: len(_listed(clinic_db)) == 1, timeout=20_000)
        window.close()
    finally:
        repo.close()
