"""Complications tab and the issue-5 flow: an allogeneic patient at D+21, a MAGIC assessment
from raw values, grade and rule shown, the episode on the timeline and in the board alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPointF

from planner.app.complications import complication_log
from planner.records.complication_log import complication_alerts
from tests.gui.conftest import NOW
from ui.dialogs import calculator_dialogs as calc
from ui.widgets.plan_timeline import PlanTimeline

TODAY = NOW.date()


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


def _run_magic(values, shown):
    """A stand-in for ``run_dialog``: type raw values, remember what was shown, save."""

    def run(dialog):
        for name, value in values.items():
            dialog.set_value(name, value)
        shown.update(
            grade=dialog.grade_label.text(),
            rule=dialog.rule_label.text(),
            criteria=dialog.criteria_label.text(),
        )
        dialog.show()
        assert not dialog.grab().isNull()
        dialog.save()
        return dialog.result()

    return run


def test_done_means_flow(qtbot, demo_window, demo_repo, monkeypatch):
    ws = _open(demo_window, "DEMO-0010")  # allogeneic, today D+21
    assert ws.session.transplant.transplant_type.value == "allogeneic"
    assert (TODAY - ws.session.plan.day0).days == 21
    ws.tabs.setCurrentWidget(ws.complications)
    tab = ws.complications
    assert not tab.empty.isHidden()
    shown = {}
    monkeypatch.setattr(
        calc,
        "run_dialog",
        _run_magic(
            {
                "skin_bsa_percent": "60",
                "bilirubin": "4.2",
                "upper_gi_persistent": True,
                "stool_ml_per_day": "800",
            },
            shown,
        ),
    )
    tab.buttons["magic"].click()
    # Skin 3, liver 2, upper GI 1, lower GI 1 -> grade III by the liver stage, not max stage.
    assert shown["grade"] == "MAGIC acute GVHD: III"
    assert "liver stage 2" in shown["rule"]
    assert "Harris" in shown["criteria"]
    top = tab.tree.topLevelItem(0)
    assert top is not None
    assert [top.text(i) for i in range(4)] == ["aGVHD", "Tue 10 Mar 2026", "D+21", "max III"]
    assert top.child(0).text(3) == "III"
    assert "Rule: Grade III" in tab.detail.toPlainText() or tab.tree.currentItem() is top
    # The timeline shows the episode as a band in its own lane.
    assert "aGVHD grade III since D+21" in ws.timeline.accessibleDescription()
    # The board alert (ui/session.py merges complication_alerts into extra_alerts).
    alerts = complication_alerts(
        demo_repo.list_records("complications"), demo_repo.list_plans(), TODAY
    )
    assert alerts == {ws.session.transplant.id: ["aGVHD grade III since D+21"]}
    window = ws.window()
    window.resize(1400, 900)
    with qtbot.waitExposed(window):
        window.show()
    tab.tree.setCurrentItem(top.child(0))
    assert "Rule: Grade III" in tab.detail.toPlainText()
    # ... and on the clinic board itself.
    window.session.refresh()
    row = next(r for r in window.session.rows if r.transplant_id == ws.session.transplant.id)
    assert "aGVHD grade III since D+21" in row.alerts


def test_second_assessment_adds_to_the_episode_then_resolve(demo_window, demo_repo, monkeypatch):
    ws = _open(demo_window, "DEMO-0010")
    tab = ws.complications
    shown = {}
    monkeypatch.setattr(
        calc, "run_dialog", _run_magic({"skin_bsa_percent": "60", "bilirubin": "4.2"}, shown)
    )
    tab.open_calculator("magic")
    monkeypatch.setattr(
        calc, "run_dialog", _run_magic({"skin_bsa_percent": "10", "bilirubin": "1"}, shown)
    )
    tab.open_calculator("magic")
    top = tab.tree.topLevelItem(0)
    assert tab.tree.topLevelItemCount() == 1 and top.childCount() == 2
    assert top.text(3) == "max III (now I)"
    messages = []
    tab.sig_status.connect(messages.append)
    monkeypatch.setattr(
        calc.DateNoteDialog, "ask", lambda *a, **k: (TODAY, "responded to steroids")
    )
    tab.tree.setCurrentItem(top)
    assert tab.resolve_button.isEnabled()
    tab.resolve_button.click()
    top = tab.tree.topLevelItem(0)
    assert top.text(4).startswith("resolved 10 Mar 2026")
    assert not tab.resolve_button.isEnabled()
    log = complication_log(demo_repo, ws.session.transplant.id)
    assert log.episodes[0].episode.resolution_note == "responded to steroids"
    assert (
        complication_alerts(demo_repo.list_records("complications"), demo_repo.list_plans(), TODAY)
        == {}
    )
    assert messages[-1] == "aGVHD episode resolved."


def test_cancelled_calculator_saves_nothing(demo_window, demo_repo, monkeypatch):
    ws = _open(demo_window, "DEMO-0010")
    monkeypatch.setattr(calc, "run_dialog", lambda dialog: calc.QDialog.DialogCode.Rejected)
    assert ws.complications.open_calculator("crs") is None
    assert demo_repo.get_record(ws.session.transplant.id, "complications") is None


def test_gvhd_calculators_are_for_allogeneic_only(demo_window):
    ws = _open(demo_window, "DEMO-0008")  # autologous
    buttons = ws.complications.buttons
    assert not buttons["magic"].isEnabled() and not buttons["nih"].isEnabled()
    assert buttons["vod"].isEnabled() and buttons["crs"].isEnabled()
    for button in buttons.values():
        assert button.accessibleName()


# --- the timeline hook ------------------------------------------------------------------


@pytest.fixture
def timeline(qtbot, demo_repo):
    patient = demo_repo.find_patient_by_mrn("DEMO-0010")
    plan = demo_repo.get_plan(demo_repo.list_transplants(patient.id)[0].id)
    view = PlanTimeline()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.set_plan(plan, TODAY)
    return view


def test_set_episodes_draws_labelled_bands(timeline):
    before = timeline.accessibleDescription()
    onset = TODAY - dt.timedelta(days=4)
    timeline.set_episodes(
        [
            ("aGVHD III", onset, None, "aGVHD grade III since D+17"),
            ("CRS 1", onset - dt.timedelta(days=10), onset, "CRS grade 1"),
        ]
    )
    rect = timeline.episode_rect(0)
    assert rect.width() == pytest.approx(5 * timeline.px_per_day)  # onset to today
    assert timeline.episode_rect(1).width() == pytest.approx(11 * timeline.px_per_day)
    assert timeline.episode_rect(1).top() > rect.top()
    tip = timeline.tooltip_at(QPointF(rect.center()))
    assert "aGVHD III" in tip and "since D+17" in tip
    assert (
        "Complications: aGVHD grade III since D+17; CRS grade 1."
        in timeline.accessibleDescription()
    )
    assert not timeline.grab().isNull()
    timeline.set_episodes([])
    assert timeline.accessibleDescription() == before
