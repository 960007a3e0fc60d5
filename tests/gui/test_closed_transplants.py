"""The board's closed transplants: read from the store when first asked for, not at start.

A programme's history only grows, so the board loads the open transplants; ticking
"Closed transplants" reads the completed, cancelled and deceased ones in a worker thread.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from planner.app.transplants import save_transplant
from planner.domain.patients import TransplantStatus, with_status
from planner.errors import StorageError
from planner.records.ports import Scope
from tests.gui.conftest import NOW


@pytest.fixture
def window(shown_window):
    return shown_window


def _shown(window) -> dict[str, str]:
    model = window.board.model
    return {model.row_at(i).mrn: model.row_at(i).phase for i in range(model.rowCount())}


def _tick(qtbot, window) -> None:
    box = window.board.show_closed
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def test_closed_transplants_are_read_only_when_the_box_is_ticked(window, qtbot):
    assert window.session.closed_rows == []
    assert "DEMO-0018" not in _shown(window)  # the demo's cancelled transplant
    _tick(qtbot, window)
    qtbot.waitUntil(lambda: _shown(window).get("DEMO-0018") == "cancelled")
    _tick(qtbot, window)
    assert "DEMO-0018" not in _shown(window)
    assert window.session.closed_rows == []


def test_a_transplant_closed_while_they_are_shown_joins_them_at_once(window, demo_repo, qtbot):
    _tick(qtbot, window)
    qtbot.waitUntil(lambda: "DEMO-0018" in _shown(window))
    row = next(r for r in window.session.rows if r.mrn == "DEMO-0002")
    stored = demo_repo.get_transplant(row.transplant_id)
    cancelled = with_status(
        stored, TransplantStatus.CANCELLED, NOW.date(), "moved", today=NOW.date()
    )
    window.session.perform(
        lambda repo, ctx: save_transplant(repo, ctx, cancelled), window.clinic_undo
    )
    assert _shown(window)["DEMO-0002"] == "cancelled"
    assert row.transplant_id not in {r.transplant_id for r in window.session.rows}


def test_closed_transplants_that_cannot_be_read_say_so_and_can_be_retried(
    window, demo_repo, qtbot, monkeypatch
):
    real = type(demo_repo).list_transplants
    calls = {"closed": 0}

    def busy_once(self, patient_id=None, scope=Scope.ALL):
        if scope is Scope.CLOSED:
            calls["closed"] += 1
            if calls["closed"] == 1:
                raise StorageError("The database is busy; try again.")
        return real(self, patient_id, scope)

    monkeypatch.setattr(type(demo_repo), "list_transplants", busy_once)
    monkeypatch.setattr(window.session, "_file_check_pending", True)  # a start's check runs
    _tick(qtbot, window)
    bar = window.statusBar()
    qtbot.waitUntil(lambda: "closed transplants could not be read" in bar.currentMessage())
    assert not window.session.file_checked  # the failed read leaves the check alone
    assert "The database is busy" in bar.currentMessage()
    assert "DEMO-0018" not in _shown(window)
    _tick(qtbot, window)  # untick
    _tick(qtbot, window)  # and tick again
    qtbot.waitUntil(lambda: "DEMO-0018" in _shown(window))


def _type_search(qtbot, window, text: str) -> None:
    field = window.board.search
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def _visible(window) -> set[str]:
    proxy, model = window.board.proxy, window.board.model
    return {
        model.row_at(proxy.mapToSource(proxy.index(i, 0)).row()).mrn
        for i in range(proxy.rowCount())
    }


def test_a_search_finds_a_closed_transplant_in_the_store(window, qtbot, monkeypatch):
    reads = []
    real = type(window.session.repo).list_patients
    monkeypatch.setattr(
        type(window.session.repo),
        "list_patients",
        lambda self, scope=Scope.ALL: reads.append(scope) or real(self, scope),
    )
    _type_search(qtbot, window, "IVANOVA, o")  # the roster name, typed in another case
    qtbot.waitUntil(lambda: _visible(window) == {"DEMO-0018"})
    assert _shown(window)["DEMO-0018"] == "cancelled"
    assert Scope.CLOSED not in reads  # found by a search in the store, not a read of all
    assert not window.board.show_closed.isChecked()
    assert "with 1 closed" in window.board.count.text()
    qtbot.keyClick(window.board.search, Qt.Key.Key_Return)  # Enter opens the one found
    qtbot.waitUntil(lambda: window.tabs.count() > 2)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "DEMO-0018"


def test_clearing_the_search_takes_the_closed_rows_away(window, qtbot):
    _type_search(qtbot, window, "DEMO-0018")
    qtbot.waitUntil(lambda: "DEMO-0018" in _shown(window))
    _type_search(qtbot, window, "")
    qtbot.waitUntil(lambda: "DEMO-0018" not in _shown(window))
    assert "closed" not in window.board.count.text()
    assert window.session.found is None


def test_only_the_latest_search_is_shown(window, qtbot):
    _type_search(qtbot, window, "ivanova")
    _type_search(qtbot, window, "zzz-nobody")  # before the first answer is shown
    qtbot.wait(400)
    qtbot.waitUntil(lambda: window.session.found is not None)
    assert window.session.found.text == "zzz-nobody"
    assert "DEMO-0018" not in _shown(window)


def test_a_search_that_cannot_run_says_so(window, qtbot, monkeypatch):
    def busy(self, text, scope=Scope.ALL, limit=100):
        raise StorageError("The database is busy; try again.")

    monkeypatch.setattr(type(window.session.repo), "search_patients", busy)
    _type_search(qtbot, window, "ivanova")
    bar = window.statusBar()
    qtbot.waitUntil(lambda: "could not be searched" in bar.currentMessage())
    assert "The database is busy" in bar.currentMessage()
