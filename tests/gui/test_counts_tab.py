"""Counts tab: the entry grid saves at once, transfusions, engraftment override, the chart."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCharts import QChartView, QLineSeries, QLogValueAxis, QScatterSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt

from planner.app.context import Context
from planner.app.counts import record_counts
from tests.gui.conftest import ACTOR, NOW
from ui.counts_tab import CountsTab, OverrideDialog
from ui.dialogs.step_dialogs import StepDialogs

TODAY = NOW.date()
CTX = Context(ACTOR, NOW)


@pytest.fixture
def tab(qtbot, open_session) -> CountsTab:
    widget = CountsTab(open_session("DEMO-0009"))  # Day +12
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    return widget


def _cell(tab: CountsTab, date: dt.date, col: int):
    return tab.model.index(tab.model.row_of(date), col)


def _day(tab: CountsTab, n: int) -> dt.date:
    return tab.transplant.day0 + dt.timedelta(days=n)


def test_grid_rows_from_day_minus_3_to_today(tab: CountsTab) -> None:
    assert tab.model.rowCount() == 16  # D-3 .. D+12
    assert tab.model.data(tab.model.index(0, 1)) == "D+12"
    assert tab.model.data(tab.model.index(15, 1)) == "D-3"
    assert tab.chart.data is None or not tab.chart.data.series
    assert tab.chart.chart().title() == "No blood counts yet"


def test_typing_a_value_saves_it(tab: CountsTab, demo_repo) -> None:
    assert tab.model.setData(_cell(tab, _day(tab, 5), 3), "0,3")  # ANC, decimal comma typed
    assert tab.session.undo_stack.count() == 1  # saved, and undoable
    stored = demo_repo.list_lab_samples(tab.session.patient.id)
    assert [(s.analyte, s.value, s.date) for s in stored] == [("anc", 0.3, _day(tab, 5))]
    assert stored[0].source.startswith("entered by hand by coordinator")
    assert tab.model.data(_cell(tab, _day(tab, 5), 3)) == "0.3"
    assert [s.analyte for s in tab.chart.data.series] == ["anc"]


def test_out_of_range_and_text_refused(tab: CountsTab, demo_repo) -> None:
    messages: list[str] = []
    tab.sig_status.connect(messages.append)
    assert not tab.model.setData(_cell(tab, _day(tab, 5), 4), "9000")
    assert "outside" in messages[-1]
    assert not tab.model.setData(_cell(tab, _day(tab, 5), 4), "lots")
    assert demo_repo.list_lab_samples(tab.session.patient.id) == []


def test_correction_needs_reason(tab: CountsTab, demo_repo, monkeypatch) -> None:
    tab.model.setData(_cell(tab, _day(tab, 5), 3), "5")
    monkeypatch.setattr(StepDialogs, "ask_reason", staticmethod(lambda *a: None))
    assert not tab.model.setData(_cell(tab, _day(tab, 5), 3), "0.5")
    monkeypatch.setattr(StepDialogs, "ask_reason", staticmethod(lambda *a: "typo"))
    assert tab.model.setData(_cell(tab, _day(tab, 5), 3), "0.5")
    assert tab.model.data(_cell(tab, _day(tab, 5), 3)) == "0.5"
    assert len(demo_repo.list_lab_samples(tab.session.patient.id)) == 2  # never deleted
    assert tab.record.superseded[0].reason == "typo"


def test_transfusion_checkbox(tab: CountsTab, monkeypatch) -> None:
    index = _cell(tab, _day(tab, 6), 6)
    assert tab.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert tab.model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert (
        tab.model.data(_cell(tab, _day(tab, 6), 6), Qt.ItemDataRole.CheckStateRole)
        == Qt.CheckState.Checked
    )
    assert [t.product for t in tab.record.transfusions] == ["platelets"]
    monkeypatch.setattr(StepDialogs, "ask_reason", staticmethod(lambda *a: "wrong day"))
    assert tab.model.setData(
        _cell(tab, _day(tab, 6), 6), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
    )
    assert tab.record.transfusions == ()


def _engraft(tab: CountsTab, demo_repo) -> None:
    anc = [0.8, 0.4, 0.1, 0.05, 0.02, 0.02, 0.1, 0.3, 0.6, 0.9, 1.4, 2.0, 2.4]
    for day, value in enumerate(anc):
        record_counts(
            demo_repo,
            CTX,
            tab.transplant.id,
            _day(tab, day),
            {"anc": value, "plt": 50.0 - 3 * day, "wbc": value * 1.5 + 0.1},
        )
    tab.session.reload()


def test_engraftment_panel_and_chart(tab: CountsTab, demo_repo) -> None:
    _engraft(tab, demo_repo)
    assert tab.status is not None and tab.status.neutrophil_date == _day(tab, 8)
    text = tab.engraftment_labels["neutrophil"].text()
    assert "Deciding values" in text and "Rule: CIBMTR/ASTCT 2021" in text
    chart = tab.chart.chart()
    lines = [
        s
        for s in chart.series()
        if isinstance(s, QLineSeries) and not isinstance(s, QScatterSeries)
    ]
    names = [s.name() for s in lines]
    assert {"ANC", "Platelets", "WBC", "ANC 0.5", "PLT 20", "PLT 50", "ANC engraftment D+8"} <= set(
        names
    )
    assert any(isinstance(a, QLogValueAxis) for a in chart.axes())
    assert tab.chart.rubberBand() == QChartView.RubberBand.RectangleRubberBand
    tab.log_check.setChecked(False)
    axes = tab.chart.chart().axes()
    assert not any(isinstance(a, QLogValueAxis) for a in axes)
    assert sum(isinstance(a, QValueAxis) for a in axes) == 3  # x, left, right
    tab.chart._on_series_hovered("anc", QPointF(8.2, 0.6), True)
    assert tab.chart.hover_text.startswith("ANC D+8")
    assert "0.6 10^9/L" in tab.chart.hover_text
    tab.chart.chart().zoomIn()
    tab.reset_zoom_button.click()


def test_override_requires_reason_and_shows(tab: CountsTab, demo_repo, monkeypatch) -> None:
    _engraft(tab, demo_repo)
    monkeypatch.setattr(
        OverrideDialog, "ask", staticmethod(lambda *a: (_day(tab, 9), "manual differential"))
    )
    tab.override_buttons["neutrophil"].click()
    assert tab.session.undo_stack.count() == 1
    assert tab.status.neutrophil.overridden
    assert tab.status.neutrophil_date == _day(tab, 9)
    assert "manual differential" in tab.engraftment_labels["neutrophil"].text()


def test_override_dialog_ok_needs_reason(qtbot, tab: CountsTab, demo_repo) -> None:
    _engraft(tab, demo_repo)
    dialog = OverrideDialog(None, "neutrophil", tab.status, TODAY)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QDialogButtonBox

    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason.setText("because")
    assert ok.isEnabled()


def test_graft_failure_banner(qtbot, make_clinic, open_session) -> None:
    # A clinic holding only DEMO-0011 (Day +45) without the demo's synthetic counts.
    from planner.app.demo import build_demo_clinic
    from planner.records.ports import Action
    from planner.storage.memory import InMemoryRepository

    repo = InMemoryRepository()
    patient, transplant, plan = next(
        c for c in build_demo_clinic(CTX.today) if c[0].mrn == "DEMO-0011"
    )
    repo.commit(
        Action(
            actor=CTX.actor,
            at=CTX.now,
            description="seed",
            patients=(patient,),
            transplants=(transplant,),
            plans=(plan,),
        )
    )
    for day in range(0, 40, 3):
        record_counts(
            repo, CTX, transplant.id, transplant.day0 + dt.timedelta(days=day), {"anc": 0.1}
        )
    widget = CountsTab(open_session("DEMO-0011", clinic=make_clinic(repo=repo)))
    qtbot.addWidget(widget)
    assert not widget.graft_failure.isHidden()
    assert "meets the primary graft failure definition" in widget.graft_failure.text()


def test_a_count_in_the_wrong_row_is_removed_with_delete_and_undone(
    qtbot, tab: CountsTab, demo_repo, monkeypatch
) -> None:
    tab.show()
    assert tab.model.setData(_cell(tab, _day(tab, 5), 3), "0.3")
    asked: list[str] = []
    monkeypatch.setattr(
        StepDialogs, "ask_reason", staticmethod(lambda *a: asked.append(a[2]) or "wrong row")
    )
    tab.grid.setFocus()
    tab.grid.setCurrentIndex(_cell(tab, _day(tab, 5), 3))
    qtbot.keyClick(tab.grid, Qt.Key.Key_Delete)
    assert asked and "ANC" in asked[0]
    assert tab.model.data(_cell(tab, _day(tab, 5), 3)) in ("", None)
    stored = demo_repo.list_lab_samples(tab.session.patient.id)
    assert len(stored) == 1  # never deleted: superseded with the reason
    assert tab.record.superseded[-1].reason == "wrong row"
    assert tab.session.undo_stack.canUndo()
    tab.session.undo_stack.undo()
    assert tab.model.data(_cell(tab, _day(tab, 5), 3)) == "0.3"


def test_clearing_a_cell_removes_its_count_and_cancelling_keeps_it(
    tab: CountsTab, monkeypatch
) -> None:
    assert tab.model.setData(_cell(tab, _day(tab, 6), 3), "0.2")
    monkeypatch.setattr(StepDialogs, "ask_reason", staticmethod(lambda *a: None))
    assert not tab.model.setData(_cell(tab, _day(tab, 6), 3), "")
    assert tab.model.data(_cell(tab, _day(tab, 6), 3)) == "0.2"
    monkeypatch.setattr(StepDialogs, "ask_reason", staticmethod(lambda *a: "entered twice"))
    assert tab.model.setData(_cell(tab, _day(tab, 6), 3), "")
    assert tab.model.data(_cell(tab, _day(tab, 6), 3)) in ("", None)
