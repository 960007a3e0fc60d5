"""PHI canary: a scripted workflow for a canary patient leaves no trace of the name, MRN or
date of birth in logs, settings, temp files or window titles."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings

from planner.app.context import Context
from planner.app.patients import save_patient
from planner.app.plans import create_transplant_plan
from planner.domain.patients import Patient, Transplant, TransplantStatus
from planner.domain.plans import reanchor
from planner.domain.templates import load_protocols
from planner.storage import open_repository
from tests.gui.conftest import ACTOR, NOW
from ui.app import create_main_window
from ui.errors import LOG, configure_logging, install_excepthook
from ui.transplant_session import Snapshot

CANARY = ("ZZCANARY", "Qwxyzpt", "990011223", "1951-02-03")


def _files_containing(folder: Path, needles: tuple[str, ...]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if (
            path.is_file()
            and path.suffix not in (".db", ".pdf")
            and not path.name.endswith(("-wal", "-shm"))
        ):
            data = path.read_bytes()
            hits += [f"{path.name}: {n}" for n in needles if n.encode() in data]
    return hits


def test_canary_leaves_no_trace(tmp_path, qtbot, monkeypatch):
    data = tmp_path / "data"
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(data))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    log_dir = data / "logs"
    log_dir.mkdir(parents=True)
    log_file = configure_logging(log_dir)
    repo = open_repository(str(data / "clinic.db"), user="u", workstation="w")
    ctx = Context(ACTOR, NOW)
    save_patient(
        repo,
        ctx,
        Patient(
            id="canary",
            mrn=CANARY[2],
            family_name=CANARY[0],
            given_name=CANARY[1],
            date_of_birth=dt.date(1951, 2, 3),
            sex="female",
            height_cm=160,
            weight_kg=60,
            weight_date=NOW.date(),
        ),
    )
    change = create_transplant_plan(
        repo,
        ctx,
        Transplant(
            id="t-canary",
            patient_id="canary",
            transplant_type="autologous",
            graft_source="pbsc",
            day0=NOW.date() + dt.timedelta(days=20),
            status=TransplantStatus.PLANNED,
        ),
        [load_protocols()["mel200-auto"]],
    )
    settings_file = tmp_path / "settings.ini"
    window = create_main_window(
        repo,
        actor=ACTOR,
        clock=lambda: NOW,
        settings=QSettings(str(settings_file), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    old_hook = sys.excepthook
    install_excepthook(lambda: window, show=lambda parent, text: None)
    try:
        ws = window.open_transplant(change.subject)
        assert ws is not None
        titles = [window.windowTitle(), window.tabs.tabText(window.tabs.currentIndex())]
        plan, _ = reanchor(
            ws.session.plan, ws.session.plan.day0 + dt.timedelta(days=3), "infection"
        )
        ws.session.push(Snapshot(plan, ws.session.transplant), "Move Day 0", reason="infection")
        try:  # an uncaught error whose message quotes the patient
            raise RuntimeError(f"failed for {CANARY[0]} {CANARY[2]}")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        window.close()
    finally:
        sys.excepthook = old_hook
        for handler in list(LOG.handlers):
            if getattr(handler, "baseFilename", "") == str(log_file):
                LOG.removeHandler(handler)
                handler.close()
        repo.close()
    assert "RuntimeError" in log_file.read_text(encoding="utf-8"), "the error was logged"
    assert _files_containing(data, CANARY) == []  # logs, lock file, backups folder
    assert _files_containing(temp, CANARY) == []
    assert settings_file.is_file()
    assert _files_containing(tmp_path, CANARY) == []  # includes the settings file
    # The window title never names the patient; the tab shows the MRN only.
    assert all(n not in titles[0] for n in CANARY)
    assert titles[1] == CANARY[2]
