"""The main window on the demo clinic: board rows, search, demo banner, no PHI in the title."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.demo import load_demo_clinic
from planner.ports import Actor
from planner.services import Context
from planner.storage.memory import InMemoryRepository
from ui.app import create_main_window

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
ACTOR = Actor("coordinator", "ws-1")


@pytest.fixture
def demo_window(qtbot):
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(ACTOR, NOW))
    window = create_main_window(repo, actor=ACTOR, clock=lambda: NOW, demo=True)
    qtbot.addWidget(window)
    return window


def test_board_lists_every_demo_patient(demo_window, qtmodeltester):
    model = demo_window.model
    assert model.rowCount() == 14
    qtmodeltester.check(model)
    labels = {model.index(r, 3).data() for r in range(model.rowCount())}
    assert {"D+12", "D0", "D-3", "M-Day 3"} <= labels


def test_search_filters_by_mrn_and_name(demo_window, qtbot):
    demo_window.search.setText("DEMO-0009")
    assert demo_window.proxy.rowCount() == 1
    demo_window.search.setText("łukasz")
    assert demo_window.proxy.rowCount() == 1
    demo_window.search.clear()
    assert demo_window.proxy.rowCount() == 14


def test_demo_banner_and_title_without_patient_data(demo_window, qtbot):
    with qtbot.waitExposed(demo_window):
        demo_window.show()
    assert demo_window.banner.isVisible()
    title = demo_window.windowTitle()
    assert "DEMO" in title
    for r in range(demo_window.model.rowCount()):
        assert demo_window.model.row_at(r).mrn not in title
    assert not demo_window.grab().isNull()


def test_phase_tooltip_states_the_rule(demo_window):
    model = demo_window.model
    tips = [model.index(r, 4).data(0x3) for r in range(model.rowCount())]  # ToolTipRole
    assert all(tips)
