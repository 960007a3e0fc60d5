"""Checklists tab: items dated from the plan, ticked from the keyboard with a date and a note,
expiry before the planned collection shown, items moving with Day 0."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from planner.app.checklists import checklist_states
from planner.domain.plans import reanchor
from planner.records.checklists import checklist_for_day
from tests.gui.conftest import NOW
from ui.dialogs.calculator_dialogs import DateNoteDialog
from ui.transplant_session import Snapshot

TODAY = NOW.date()


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


@pytest.fixture
def workup(demo_window):
    ws = _open(demo_window, "DEMO-0001")  # autologous, in work-up, collection on 21 Mar
    ws.tabs.setCurrentWidget(ws.checklists)
    return ws


def _cell(tab, item_id, column):
    row = tab.row_of(item_id)
    assert row >= 0, item_id
    return tab.table.item(row, column).text()


def _answer(monkeypatch, date, note=""):
    """Answer the date-and-note dialog; asked again after a refused save (with what was
    typed and the reason), cancel it."""
    calls = []

    def ask(
        parent, title, prompt, today, default=None, *, note_required=False, typed=None, error=""
    ):
        calls.append((title, prompt, default, note_required))
        if typed is not None:
            calls.append(("asked again", typed, error))
            return None
        return date, note

    monkeypatch.setattr(DateNoteDialog, "ask", ask)
    return calls


def test_opens_on_the_work_up_checklist_dated_from_the_plan(workup):
    tab = workup.checklists
    assert tab.template is not None and tab.template.id == "pre-transplant-workup"
    assert "Collection Sat 21 Mar 2026" in tab.anchors.text()
    assert _cell(tab, "idm", 3) == "Sat 14 Mar 2026"
    assert _cell(tab, "idm", 5) == "due soon"
    assert "do on or after 19 Feb 2026" in _cell(tab, "idm", 7)
    assert tab.row_of("abo-sample-2") == -1  # allogeneic only
    assert tab.progress.text().startswith("0 of ")
    assert tab.warnings.isHidden()


def test_tick_with_space_shows_expiry_before_collection(qtbot, workup, demo_repo, monkeypatch):
    tab = workup.checklists
    calls = _answer(monkeypatch, dt.date(2026, 2, 16), "all negative")
    tab.table.setFocus()
    tab.table.selectRow(tab.row_of("idm"))
    qtbot.keyClick(tab.table, Qt.Key.Key_Space)
    assert calls and calls[0][0] == "Tick item"
    states, _ = checklist_states(demo_repo, workup.session.transplant.id)
    entry = states["pre-transplant-workup"].get("idm")
    assert entry is not None and entry.done and entry.date == dt.date(2026, 2, 16)
    assert entry.note == "all negative" and entry.by == "coordinator"
    assert _cell(tab, "idm", 0) == "\u2611"
    assert _cell(tab, "idm", 5) == "expires early"
    assert _cell(tab, "idm", 7) == "IDM tests expire 3 days before the planned collection"
    assert "IDM tests expire 3 days before the planned collection" in tab.warnings.text()
    assert not tab.warnings.isHidden()
    assert tab.progress.text().startswith("1 of ")
    window = workup.window()
    window.resize(1400, 900)
    with qtbot.waitExposed(window):
        window.show()
    tab.table.clearSelection()
    pixmap = tab.grab()
    assert not pixmap.isNull()
    assert pixmap.width() > 0 and pixmap.height() > 0


def test_untick_needs_a_reason(qtbot, workup, monkeypatch):
    tab = workup.checklists
    _answer(monkeypatch, TODAY)
    tab.table.selectRow(tab.row_of("dental"))
    tab.toggle_current()
    assert _cell(tab, "dental", 5) == "done"
    calls = _answer(monkeypatch, TODAY, "ticked on the wrong patient")
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert calls[0][0] == "Untick item" and calls[0][3] is True
    assert _cell(tab, "dental", 0) == "\u2610"
    assert _cell(tab, "dental", 7) == "ticked on the wrong patient"


def test_cancel_changes_nothing(workup, demo_repo, monkeypatch):
    monkeypatch.setattr(DateNoteDialog, "ask", lambda *a, **k: None)
    tab = workup.checklists
    tab.table.selectRow(tab.row_of("dental"))
    tab.toggle_current()
    assert checklist_states(demo_repo, workup.session.transplant.id) == ({}, 0)


def test_future_date_is_refused_with_a_message(workup, monkeypatch):
    tab = workup.checklists
    messages = []
    tab.sig_status.connect(messages.append)
    tab.table.selectRow(tab.row_of("dental"))
    calls = _answer(monkeypatch, TODAY + dt.timedelta(days=3))
    tab.toggle_current()
    again = [c for c in calls if c[0] == "asked again"]
    assert len(again) == 1  # the dialog came back with the date typed and the refusal
    assert again[0][1][0] == TODAY + dt.timedelta(days=3) and "future" in again[0][2]
    assert messages == []
    assert _cell(tab, "dental", 0) == "\u2610"


def test_items_move_with_day0(workup):
    tab = workup.checklists
    before = _cell(tab, "dental", 3)  # admission-anchored
    session = workup.session
    moved, _ = reanchor(session.plan, session.plan.day0 + dt.timedelta(days=7), "bed delay")
    session.push(Snapshot(moved, session.transplant), "Move Day 0", reason="bed delay")
    after = _cell(tab, "dental", 3)
    assert before != after
    assert (
        dt.datetime.strptime(after, "%a %d %b %Y") - dt.datetime.strptime(before, "%a %d %b %Y")
    ).days == 7


def test_picker_and_accessibility(workup):
    tab = workup.checklists
    assert tab.picker.findData("donor-clearance") == -1  # allogeneic only
    tab.select_template("daily-inpatient")
    assert _cell(tab, "weight", 5) == "open today"
    assert "daily checklist" in tab.anchors.text()
    for widget in (tab.picker, tab.table, tab.progress, tab.anchors, tab.tick_button):
        assert widget.accessibleName()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (-52, "pre-transplant-workup"),
        (0, "pre-infusion"),
        (21, "daily-inpatient"),
        (45, "day-30"),
        (98, "day-100"),
        (200, "survivorship-6-month"),
        (420, "survivorship-1-year"),
    ],
)
def test_default_template_follows_the_day(day, expected):
    assert checklist_for_day(day) == expected


def test_a_click_on_the_box_ticks_it(qtbot, workup, demo_repo, monkeypatch):
    tab = workup.checklists
    window = workup.window()
    window.resize(1366, 768)
    with qtbot.waitExposed(window):
        window.show()
    calls = _answer(monkeypatch, dt.date(2026, 3, 1))
    row = tab.row_of("dental")
    rect = tab.table.visualRect(tab.table.model().index(row, 0))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert calls and calls[0][0] == "Tick item"
    assert _cell(tab, "dental", 0) == "\u2611"
    # A click elsewhere in the row only selects it.
    calls.clear()
    rect = tab.table.visualRect(tab.table.model().index(tab.row_of("idm"), 1))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert calls == []
