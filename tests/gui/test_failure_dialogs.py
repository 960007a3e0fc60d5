"""The desktop app where the computer fails: the files it writes (all private, all in its
data folder), a data or log folder it cannot write, a full disk, and an edit that cannot
be saved, which brings its dialog back with what was typed and why."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.domain.patients import ClinicSettings
from planner.domain.plans import StepStatus
from planner.domain.templates import Category
from planner.errors import StorageError
from planner.storage import open_repository
from planner.storage.paths import APP_NAME
from tests.failing_disks import full_folder, read_only_folder
from tests.gui.conftest import ACTOR, NOW
from tests.gui.modals import press_ok, type_into
from ui.dialogs import export_dialog
from ui.dialogs.anchor_dialog import SetAnchorDialog, settable_anchors
from ui.dialogs.day0_dialog import MoveDay0Dialog
from ui.dialogs.export_dialog import ExportDialog
from ui.dialogs.saving import SaveErrorLine

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "gui" / "file_dialog_run.py"
TODAY = NOW.date()
# What the SQLite repository says when the disk fills during a commit.
DISK_FULL = "The disk is full, so the change was not saved; free some space and try again."
LOG_WARNING = "transplant-planner: warning: the log folder "


# --- the app in a subprocess, as started from a desktop ---------------------------------------


def _app_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), QT_QPA_PLATFORM="offscreen", **extra)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env.pop(name, None)
    if "TRANSPLANT_PLANNER_DATA" not in extra:
        env.pop("TRANSPLANT_PLANNER_DATA", None)
    env.pop("TRANSPLANT_PLANNER_DB", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run_app(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    """Start the app, save a document (Save dialog cancelled), open Import lab results and
    its file dialog (cancelled), quit: ``tests/gui/file_dialog_run.py``."""
    done = subprocess.run(
        [sys.executable, str(DRIVER), *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=env["HOME"],
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout.strip() == "file dialogs: 2; last step: closing", done.stderr
    assert done.returncode == 0, done.stderr
    return done


def _program_lines(stderr: str) -> list[str]:
    """The lines the program itself wrote (Qt's offscreen notes left out)."""
    return [line for line in stderr.splitlines() if line.startswith("transplant-planner")]


def test_every_file_the_app_writes_is_private_and_in_its_data_folder(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    data = Path(platformdirs.user_data_dir(APP_NAME))
    assert home in data.parents
    # Left by an older version with the usual umask: made private at the next start.
    (data / "logs").mkdir(parents=True)
    for name in ("window.ini", "logs/app.log"):
        (data / name).touch()
        (data / name).chmod(0o644)

    _run_app(_app_env(home), "--demo")

    written = [p for p in home.rglob("*") if not p.is_dir()]
    outside = [str(p.relative_to(home)) for p in written if data not in p.parents]
    assert outside == []
    loose = {
        str(p.relative_to(data)): oct(stat.S_IMODE(p.stat().st_mode))
        for p in written
        if stat.S_IMODE(p.stat().st_mode) != 0o600
    }
    assert loose == {}
    names = {str(p.relative_to(data)) for p in written}
    # Qt's file-dialog history is kept, in the data folder (HOME/.config had it before).
    assert {"QtProject.conf", "window.ini", "logs/app.log", "demo-clinic.db"} <= names
    assert "FileDialog" in (data / "QtProject.conf").read_text()


def test_a_file_named_logs_leaves_the_app_logging_to_the_terminal(tmp_path):
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    data.mkdir(mode=0o700)
    (data / "logs").write_text("a file where the log folder should be")
    done = _run_app(_app_env(home, TRANSPLANT_PLANNER_DATA=str(data)), "--demo")
    assert _program_lines(done.stderr) == [
        f"{LOG_WARNING}{data / 'logs'} cannot be written (a file of that name is in the way); "
        "logging to the terminal instead."
    ]
    assert (data / "logs").read_text() == "a file where the log folder should be"


def test_a_read_only_data_folder_leaves_the_app_running(tmp_path):
    home, data, clinic = tmp_path / "home", tmp_path / "data", tmp_path / "clinic"
    for folder in (home, data, clinic):
        folder.mkdir(mode=0o700)
    db = clinic / "clinic.db"
    repo = open_repository(str(db), user="u", workstation="w")
    load_demo_clinic(repo, Context(ACTOR, NOW))
    repo.close()
    env = _app_env(home, TRANSPLANT_PLANNER_DATA=str(data))
    with read_only_folder(data) as reason:
        done = _run_app(env, "--db", str(db))
    assert _program_lines(done.stderr) == [
        f"{LOG_WARNING}{data / 'logs'} cannot be written ({reason}); logging to the terminal "
        "instead."
    ]
    assert list(data.iterdir()) == []


# --- an edit that cannot be saved keeps what was typed ----------------------------------------


def _error_shown(dialog: QWidget) -> str:
    line = dialog.findChild(SaveErrorLine)
    assert line is not None
    return line.text() if line.isVisibleTo(dialog) else ""


def _fail_next_commit(monkeypatch, repo, error: Exception) -> list[int]:
    """The repository's next commit fails with ``error``; later ones are saved."""
    real, calls = repo.commit, []

    def commit(action):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(action)

    monkeypatch.setattr(repo, "commit", commit)
    return calls


def _workspace(window, mrn):
    row = next(r for r in window.session.rows if r.mrn == mrn)
    return window.open_transplant(row.transplant_id)


def test_a_failed_move_day0_keeps_the_date_and_reason_typed(
    demo_window, demo_repo, qtbot, monkeypatch, modals
):
    ws = _workspace(demo_window, "DEMO-0001")
    tid = ws.session.transplant.id
    old_day0 = ws.session.plan.day0
    new_day0 = old_day0 + dt.timedelta(days=7)
    commits = _fail_next_commit(monkeypatch, demo_repo, StorageError(DISK_FULL))
    shown: dict[str, object] = {}

    def type_and_ok(dialog: QWidget) -> None:
        assert isinstance(dialog, MoveDay0Dialog)
        type_into(qtbot, dialog.date_edit.line_edit, new_day0.isoformat())
        type_into(qtbot, dialog.reason, "donor delayed")
        press_ok(qtbot, dialog)

    def look_and_ok_again(dialog: QWidget) -> None:
        assert isinstance(dialog, MoveDay0Dialog)
        shown.update(
            date=dialog.date_edit.line_edit.text(),
            reason=dialog.reason.text(),
            error=_error_shown(dialog),
            rows=dialog.table.rowCount(),
        )
        press_ok(qtbot, dialog)  # the disk has room again

    answering = modals([type_and_ok, look_and_ok_again])
    ws.move_day0()
    answering.stop()
    assert shown["date"] == new_day0.isoformat()
    assert shown["reason"] == "donor delayed"
    assert shown["error"] == DISK_FULL
    assert shown["rows"] > 0  # the preview of the typed date, again
    assert len(commits) == 2
    assert demo_repo.get_plan(tid).day0 == new_day0
    assert demo_window.statusBar().currentMessage().startswith("Day 0 moved to")


def test_a_failed_anchor_date_keeps_the_date_and_reason_typed(
    demo_window, demo_repo, qtbot, monkeypatch, modals
):
    ws = next(
        w
        for w in (_workspace(demo_window, r.mrn) for r in demo_window.session.rows)
        if w is not None and settable_anchors(w.session.plan)
    )
    tid = ws.session.transplant.id
    commits = _fail_next_commit(monkeypatch, demo_repo, StorageError(DISK_FULL))
    shown: dict[str, object] = {}
    typed: dict[str, object] = {}

    def type_and_ok(dialog: QWidget) -> None:
        assert isinstance(dialog, SetAnchorDialog)
        typed.update(anchor=dialog.anchor_name)
        new = ws.session.plan.anchor_date(dialog.anchor_name) + dt.timedelta(days=2)
        typed.update(date=new)
        type_into(qtbot, dialog.date_edit.line_edit, new.isoformat())
        type_into(qtbot, dialog.reason, "G-CSF started two days late")
        press_ok(qtbot, dialog)

    def look_and_cancel(dialog: QWidget) -> None:
        assert isinstance(dialog, SetAnchorDialog)
        shown.update(
            anchor=dialog.anchor_name,
            date=dialog.date_edit.line_edit.text(),
            reason=dialog.reason.text(),
            error=_error_shown(dialog),
        )
        dialog.reject()

    answering = modals([type_and_ok, look_and_cancel])
    before = demo_repo.get_plan(tid)
    ws.set_anchor()
    answering.stop()
    assert shown == {
        "anchor": typed["anchor"],
        "date": typed["date"].isoformat(),  # type: ignore[attr-defined]
        "reason": "G-CSF started two days late",
        "error": DISK_FULL,
    }
    assert len(commits) == 1
    assert demo_repo.get_plan(tid) == before  # cancelled: nothing saved


def test_a_failed_skip_keeps_the_reason_typed(demo_window, demo_repo, qtbot, monkeypatch, modals):
    ws = _workspace(demo_window, "DEMO-0009")
    tid = ws.session.transplant.id
    step = next(
        s
        for s in ws.session.plan.steps
        if s.status is StepStatus.PLANNED
        and any(o.date > TODAY for o in ws.session.plan.step_occurrences(s))
    )
    offset = next(o.anchor_day for o in ws.session.plan.step_occurrences(step) if o.date > TODAY)
    _fail_next_commit(monkeypatch, demo_repo, StorageError(DISK_FULL))
    shown: dict[str, str] = {}

    def type_and_ok(dialog: QWidget) -> None:
        reason = dialog.findChild(QLineEdit)
        assert reason is not None
        type_into(qtbot, reason, "patient refused")
        press_ok(qtbot, dialog)

    def look_and_ok_again(dialog: QWidget) -> None:
        reason = dialog.findChild(QLineEdit)
        assert reason is not None
        shown.update(reason=reason.text(), error=_error_shown(dialog))
        press_ok(qtbot, dialog)

    answering = modals([type_and_ok, look_and_ok_again])
    ws.timeline.sig_step_action_requested.emit(step.id, "skip", offset)
    answering.stop()
    assert shown == {"reason": "patient refused", "error": DISK_FULL}
    record = demo_repo.get_plan(tid).step(step.id).record_for(offset)
    assert record is not None and record.status is StepStatus.SKIPPED
    assert record.reason == "patient refused"


# --- a full disk when saving a document ------------------------------------------------------


def test_saving_a_document_to_a_full_disk_says_so_in_the_dialog(
    qtbot, open_session, settings, tmp_path, monkeypatch
):
    dialog = ExportDialog(
        open_session("DEMO-0003"), ClinicSettings(centre_name="Test Centre"), settings
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(
        lambda: not dialog.is_rendering() and dialog.save_button.isEnabled(), timeout=20000
    )
    folder = tmp_path / "full"
    with full_folder(folder, monkeypatch):
        monkeypatch.setattr(
            export_dialog.QFileDialog,
            "getSaveFileName",
            staticmethod(lambda *_a, **_k: (str(folder / "h.pdf"), "PDF files (*.pdf)")),
        )
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        left = sorted(p.name for p in folder.iterdir() if p.name != "filler")
    assert dialog.status.text() == (
        "Could not write h.pdf (the disk is full); any previous file of that name is unchanged."
    )
    assert dialog.isVisible() and dialog.produced == []
    assert left == []


def test_a_failed_patient_edit_keeps_what_was_typed(
    demo_window, demo_repo, qtbot, monkeypatch, modals
):
    from ui.dialogs.patient_dialog import PatientDialog

    ws = _workspace(demo_window, "DEMO-0001")
    pid = ws.session.patient.id
    commits = _fail_next_commit(monkeypatch, demo_repo, StorageError(DISK_FULL))
    shown: dict[str, object] = {}

    def type_and_ok(dialog: QWidget) -> None:
        assert isinstance(dialog, PatientDialog)
        type_into(qtbot, dialog.widgets["coordinator"], "Nurse Okafor")
        press_ok(qtbot, dialog)

    def look_and_ok_again(dialog: QWidget) -> None:
        assert isinstance(dialog, PatientDialog)
        shown.update(
            coordinator=dialog.widgets["coordinator"].text(),
            error=dialog.general_error.text() if dialog.general_error.isVisibleTo(dialog) else "",
        )
        press_ok(qtbot, dialog)

    answering = modals([type_and_ok, look_and_ok_again])
    demo_window.edit_patient()
    answering.stop()
    assert shown == {"coordinator": "Nurse Okafor", "error": DISK_FULL}
    assert len(commits) == 2
    assert demo_repo.get_patient(pid).coordinator == "Nurse Okafor"


def test_a_failed_new_plan_brings_the_wizard_back_with_its_choices(
    demo_window, demo_repo, qtbot, monkeypatch, modals
):
    from ui.dialogs.plan_wizard import PlanWizard

    patient = next(p for p in demo_repo.list_patients() if p.mrn == "DEMO-0005")
    plans_before = len(demo_repo.list_plans())
    commits = _fail_next_commit(monkeypatch, demo_repo, StorageError(DISK_FULL))
    day0 = TODAY + dt.timedelta(days=40)
    shown: dict[str, object] = {}

    def choose_and_ok(dialog: QWidget) -> None:
        assert isinstance(dialog, PlanWizard)
        dialog.type_box.setFocus()
        qtbot.keyClick(dialog.type_box, Qt.Key.Key_Down)  # autologous -> allogeneic
        slot = dialog.slot_boxes[Category.CONDITIONING]
        slot.setCurrentIndex(slot.findData("haplo-flu-cy-tbi-ptcy"))
        type_into(qtbot, dialog.day0.line_edit, day0.isoformat())
        press_ok(qtbot, dialog)

    def look_and_ok_again(dialog: QWidget) -> None:
        assert isinstance(dialog, PlanWizard)
        shown.update(
            type=dialog.type_box.currentText(),
            template=dialog.slot_boxes[Category.CONDITIONING].currentData(),
            day0=dialog.day0.date(),
            error=_error_shown(dialog),
        )
        press_ok(qtbot, dialog)

    answering = modals([choose_and_ok, look_and_ok_again])
    demo_window.new_plan(patient.id)
    answering.stop()
    assert shown == {
        "type": "allogeneic",
        "template": "haplo-flu-cy-tbi-ptcy",
        "day0": day0,
        "error": DISK_FULL,
    }
    # The failed create, the create, then the view of the new plan as it opens.
    assert len(commits) == 3
    assert len(demo_repo.list_plans()) == plans_before + 1
    ws = demo_window.current_workspace()
    assert ws is not None and ws.session.plan.day0 == day0
    assert "haplo-flu-cy-tbi-ptcy" in {t.id for t in ws.session.plan.templates}
