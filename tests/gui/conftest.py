"""GUI fixtures: an in-memory demo clinic, isolated settings, a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.records.ports import Actor
from planner.storage.memory import InMemoryRepository
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
