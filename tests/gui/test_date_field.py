"""The one date editor: typed ISO dates are kept exactly or refused with the reason beside
them, never turned into another date (issue "a workspace that never surprises")."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from ui.widgets.date_field import DateField, DateFieldDelegate, DateLimit, parse_iso_date

TODAY = dt.date(2026, 3, 10)
NOT_FUTURE = DateLimit(TODAY, "after today: a done date cannot be in the future")


@pytest.fixture
def field(qtbot):
    widget = DateField(TODAY, accessible_name="Date done", maximum=NOT_FUTURE)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _type(qtbot, field: DateField, text: str, delay: int = -1) -> None:
    field.line_edit.setFocus()
    qtbot.keyClick(field.line_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field.line_edit, text, delay=delay)


@pytest.mark.parametrize("delay", [-1, 5, 40], ids=["at-once", "fast", "slow"])
def test_a_typed_date_is_kept_exactly_at_any_typing_speed(qtbot, delay):
    field = DateField(dt.date(2026, 3, 1), accessible_name="New Day 0")
    qtbot.addWidget(field)
    field.show()
    seen = []
    field.changed.connect(seen.append)
    _type(qtbot, field, "2026-12-13", delay)
    assert field.date() == dt.date(2026, 12, 13)
    assert field.text() == "2026-12-13"
    assert seen == [dt.date(2026, 12, 13)]  # one signal, for the complete date only
    assert field.info.text() == "Sun 13 Dec 2026"


def test_a_future_done_date_is_refused_not_clamped(qtbot, field):
    seen = []
    field.changed.connect(seen.append)
    _type(qtbot, field, "2026-12-25")
    assert field.date() is None
    assert field.text() == "2026-12-25"  # what was typed stays, to be corrected
    assert not field.error.isHidden()
    assert field.error.text() == ("2026-12-25 is after today: a done date cannot be in the future.")
    assert seen == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a real date."),
        ("17 12 2026", "must be YYYY-MM-DD"),
        ("20261213", "must be YYYY-MM-DD"),
        ("2026-W50-1", "must be YYYY-MM-DD"),
        ("2026-1-5", "must be YYYY-MM-DD"),
    ],
    ids=["30-feb", "day-first", "no-hyphens", "week-date", "short"],
)
def test_text_that_is_not_an_iso_calendar_date_is_refused(qtbot, field, typed, message):
    _type(qtbot, field, typed)
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Return)  # editing finished: short text too
    assert field.date() is None
    assert message in field.error.text()
    assert field.text() == typed


def test_short_text_is_judged_when_editing_finishes_not_while_typing(qtbot, field):
    _type(qtbot, field, "2026-0")
    assert field.error.isHidden()  # still typing
    assert field.date() is None  # but not a date
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Return)
    assert not field.error.isHidden()


def test_correcting_a_refused_date_clears_the_error_and_signals(qtbot, field):
    valid = []
    field.validity_changed.connect(valid.append)
    seen = []
    field.changed.connect(seen.append)
    _type(qtbot, field, "2026-02-30")
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field.line_edit, "28")
    assert field.date() == dt.date(2026, 2, 28)
    assert field.error.isHidden()
    assert valid == [False, True]
    assert seen == [dt.date(2026, 2, 28)]


def test_the_label_gives_the_transplant_day(qtbot):
    field = DateField(dt.date(2026, 3, 22), day0=dt.date(2026, 3, 10))
    qtbot.addWidget(field)
    assert field.info.text() == "Sun 22 Mar 2026 · Day +12"
    field.set_day0(dt.date(2026, 3, 25))
    assert field.info.text().endswith("Day -3")


def test_an_empty_required_field_says_what_to_enter(qtbot):
    field = DateField(None, accessible_name="Date of birth", empty="Enter the date of birth.")
    qtbot.addWidget(field)
    assert field.date() is None and not field.is_valid()
    assert field.error.isHidden()  # nothing is shouted before the user acts
    field.show_error()
    assert field.error.text() == "Enter the date of birth."


def test_an_optional_field_may_stay_empty(qtbot):
    field = DateField(None, empty="")
    qtbot.addWidget(field)
    assert field.is_valid() and field.date() is None


def test_the_calendar_writes_the_iso_date(qtbot, field):
    field.open_calendar()
    calendar = field._popup.calendar
    assert calendar.maximumDate() == QDate(2026, 3, 10)
    calendar.clicked.emit(QDate(2026, 3, 2))
    assert field.text() == "2026-03-02" and field.date() == dt.date(2026, 3, 2)
    assert field._popup.isHidden()


def test_alt_down_opens_the_calendar(qtbot, field):
    field.line_edit.setFocus()
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert field._popup is not None and field._popup.isVisible()
    field._popup.hide()


def test_a_refusal_from_outside_shows_under_the_field_until_the_next_edit(qtbot, field):
    field.set_error("Day 0 cannot move into the past.")
    assert field.error.text() == "Day 0 cannot move into the past."
    assert field.date() == TODAY  # the date is still what was typed
    _type(qtbot, field, "2026-03-09")
    assert field.error.isHidden()


def test_parse_names_the_limit():
    early = DateLimit(TODAY, "before today: Day 0 cannot move into the past")
    assert parse_iso_date("2026-03-09", minimum=early) == (
        None,
        "2026-03-09 is before today: Day 0 cannot move into the past.",
    )
    assert parse_iso_date(" 2026-03-10 ", minimum=early) == (TODAY, "")


def test_the_table_delegate_keeps_a_refused_date_in_the_cell(qtbot):
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    model = QStandardItemModel(1, 1)
    model.setItem(0, 0, QStandardItem("2026-03-10"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = DateFieldDelegate(lambda: dt.date(2026, 3, 1), view)
    refused = []
    delegate.refused.connect(refused.append)
    view.setItemDelegateForColumn(0, delegate)
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    index = model.index(0, 0)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index) or view.findChild(DateField)
    assert isinstance(editor, DateField)
    assert editor.date() == dt.date(2026, 3, 10)
    qtbot.keyClicks(editor.line_edit, "17 12 2026")  # replaces the selected date
    qtbot.keyClick(editor.line_edit, Qt.Key.Key_Return)
    qtbot.wait(20)  # a commit would be queued: let it run
    assert view.findChild(DateField) is editor and editor.isVisible()  # still editing
    assert "must be YYYY-MM-DD" in editor.error_text()
    assert model.item(0, 0).text() == "2026-03-10"  # nothing written
    qtbot.keyClick(editor.line_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor.line_edit, "2026-03-13")
    assert editor.line_edit.toolTip() == "Fri 13 Mar 2026 · Day +12"
    qtbot.keyClick(editor.line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.item(0, 0).text() == "2026-03-13")  # committed queued
    assert refused == []


def test_tab_in_a_cell_commits_and_moves_on(qtbot):
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    model = QStandardItemModel(1, 2)
    model.setItem(0, 0, QStandardItem("2026-03-10"))
    model.setItem(0, 1, QStandardItem("note"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(0, DateFieldDelegate(None, view))
    view.show()
    qtbot.waitExposed(view)
    index = model.index(0, 0)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.findChild(DateField)
    qtbot.keyClicks(editor.line_edit, "2026-04-01")
    qtbot.keyClick(editor.line_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: model.item(0, 0).text() == "2026-04-01")
    assert view.currentIndex().column() == 1  # Tab went on to the next cell
