"""GUI fixtures: an in-memory demo clinic, isolated settings, a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.records.ports import Actor
from planner.storage.memory import InMemoryRepository
from tests.gui.modals import Modals, Step
from ui.app import create_main_window

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
ACTOR = Actor("coordinator", "ws-1")


@pytest.fixture
def settings(tmp_path):
    """Settings in a temporary INI file: tests never see the developer's settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def demo_repo():
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(ACTOR, NOW))
    return repo


@pytest.fixture
def make_window(qtbot, settings):
    """Factory: a main window over a repository, registered with qtbot."""

    def make(repo, *, demo=True, clock=lambda: NOW):
        window = create_main_window(
            repo,
            actor=ACTOR,
            clock=clock,
            demo=demo,
            settings=settings,
            load_demo=lambda: load_demo_clinic(repo, Context(ACTOR, NOW)),
        )
        qtbot.addWidget(window)
        return window

    return make


@pytest.fixture
def demo_window(make_window, demo_repo):
    return make_window(demo_repo)


@pytest.fixture
def shown_window(demo_window, qtbot):
    """The demo window on screen and active, for tests that press keys in it."""
    demo_window.show()
    qtbot.waitExposed(demo_window)
    demo_window.activateWindow()
    return demo_window


@pytest.fixture
def make_clinic(qapp, demo_repo):
    """Factory: a live clinic session over the demo repository (as one workstation)."""
    from ui.session import ClinicSession

    def make(actor=ACTOR, repo=None):
        clinic = ClinicSession(repo or demo_repo, actor, lambda: NOW)
        clinic.refresh()
        return clinic

    return make


@pytest.fixture
def open_session(make_clinic):
    """Factory: the transplant session of a demo patient, as the app opens it."""
    from ui.transplant_session import TransplantSession

    def open_(mrn="DEMO-0001", resolver=None, clinic=None):
        clinic = clinic or make_clinic()
        patient = clinic.repo.find_patient_by_mrn(mrn)
        transplant = clinic.repo.list_transplants(patient.id)[0]
        return TransplantSession.open(clinic, transplant.id, resolver)

    return open_


@pytest.fixture
def modals():
    """Factory of ``Modals``; their timers stop with the test, whatever happened."""
    made: list[Modals] = []

    def make(steps: list[Step]) -> Modals:
        made.append(Modals(steps))
        return made[-1]

    yield make
    for answering in made:
        answering.timer.stop()
