"""The one edit path in the window: every record edit is undone and redone from the Edit
menu's keys, no tab keeps a copy of the patient, and an edit in one tab reaches the
other tabs and the board without a full reload."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from planner.app.plans import create_transplant_plan
from planner.domain.patients import Transplant, TransplantStatus, TransplantType
from planner.domain.templates import load_protocols
from tests.gui.conftest import NOW
from ui.dialogs import calculator_dialogs
from ui.dialogs.calculator_dialogs import DateNoteDialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.harvest_tab import CollectionDialog

TODAY = NOW.date()


@pytest.fixture
def window(shown_window):
    return shown_window


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


def _undo(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def _redo(qtbot, window):
    qtbot.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )


def _edit_weight(window, monkeypatch, weight):
    ws = window.current_workspace()
    edited = dataclasses.replace(ws.session.patient, weight_kg=weight, weight_date=TODAY)
    monkeypatch.setattr(PatientDialog, "ask", classmethod(lambda cls, *a: edited))
    window.actions_by_name["edit_patient"].trigger()


def test_a_new_weight_reaches_the_next_collection_and_the_calculator(window, monkeypatch):
    ws = _open(window, "DEMO-0003")
    assert ws.session.patient.weight_kg != 95.0
    _edit_weight(window, monkeypatch, 95.0)
    offered = []
    monkeypatch.setattr(
        CollectionDialog, "ask", classmethod(lambda cls, _p, c, *_: offered.append(c))
    )
    ws.harvest_tab.add_button.click()
    assert offered[0].weight_kg == 95.0  # the collection dialog starts from the new weight
    shown = {}

    def run(dialog):
        shown["weight"] = dialog.editors["weight_kg"].text()
        shown["result"] = dialog.grade
        return 0

    monkeypatch.setattr(calculator_dialogs, "run_dialog", run)
    ws.harvest_tab.calculator_button.click()
    assert shown["weight"] == "95"


def test_patient_edit_undo_redo_from_the_keyboard(window, qtbot, monkeypatch, demo_repo):
    ws = _open(window, "DEMO-0003")
    before = ws.session.patient.weight_kg
    _edit_weight(window, monkeypatch, 95.0)
    assert demo_repo.get_patient(ws.session.patient.id).weight_kg == 95.0
    _undo(qtbot, window)
    assert demo_repo.get_patient(ws.session.patient.id).weight_kg == before
    assert ws.session.patient.weight_kg == before  # the tab follows
    _redo(qtbot, window)
    assert ws.session.patient.weight_kg == 95.0


def test_collection_undo_redo(window, qtbot, monkeypatch):
    from planner.records.harvest_log import Collection

    ws = _open(window, "DEMO-0003")
    tab = ws.harvest_tab
    ws.tabs.setCurrentWidget(tab)
    entry = Collection("u1", TODAY, 250, 64, cd34_per_ul=800)
    monkeypatch.setattr(CollectionDialog, "ask", classmethod(lambda cls, *a: entry))
    tab.add_button.click()
    assert tab.model.rowCount() == 1 and [c.id for c in tab.log.collections] == ["u1"]
    assert window.actions_by_name["undo"].text() == "&Undo Add apheresis collection"
    _undo(qtbot, window)
    assert tab.log.collections == () and tab.model.collection_at(0) is None
    _redo(qtbot, window)
    assert [c.id for c in tab.log.collections] == ["u1"]


def test_count_undo_redo(window, qtbot, demo_repo):
    ws = _open(window, "DEMO-0009")
    tab = ws.counts_tab
    ws.tabs.setCurrentWidget(tab)
    day = ws.session.plan.day0 + dt.timedelta(days=3)
    row = tab.model.row_of(day)
    assert tab.model.setData(tab.model.index(row, 3), "0.35")
    assert tab.model.data(tab.model.index(row, 3)) == "0.35"
    _undo(qtbot, window)
    assert tab.model.data(tab.model.index(row, 3)) in ("", None)  # superseded, not deleted
    assert any(s.value == 0.35 for s in demo_repo.list_lab_samples(ws.session.patient.id))
    _redo(qtbot, window)
    assert tab.model.data(tab.model.index(row, 3)) == "0.35"


def test_checklist_tick_undo_redo(window, qtbot, monkeypatch):
    ws = _open(window, "DEMO-0001")
    tab = ws.checklists
    ws.tabs.setCurrentWidget(tab)
    monkeypatch.setattr(DateNoteDialog, "ask", staticmethod(lambda *a, **k: (TODAY, "")))
    row = tab.row_of("dental")
    tab.table.selectRow(row)
    tab.toggle_current()
    assert tab.view.items[tab.row_of("dental")].done
    _undo(qtbot, window)
    assert not tab.view.items[tab.row_of("dental")].done
    _redo(qtbot, window)
    assert tab.view.items[tab.row_of("dental")].done


def test_assessment_undo_redo(window, qtbot, monkeypatch):
    ws = _open(window, "DEMO-0010")
    tab = ws.complications
    ws.tabs.setCurrentWidget(tab)
    episodes = len(ws.session.record.complications.episodes)

    def run(dialog):
        dialog.set_value("skin_bsa_percent", "30")
        dialog.set_value("bilirubin", "1")
        dialog.set_value("stool_ml_per_day", "1200")
        dialog.save()
        return 1

    monkeypatch.setattr(calculator_dialogs, "run_dialog", run)
    assert tab.open_calculator("magic") is not None
    assert len(ws.session.record.complications.episodes) == episodes + 1
    assert tab.tree.topLevelItemCount() == episodes + 1
    _undo(qtbot, window)
    assert tab.tree.topLevelItemCount() == episodes
    _redo(qtbot, window)
    assert tab.tree.topLevelItemCount() == episodes + 1


def test_a_worklist_tick_is_undone_on_the_today_tab(window, qtbot, demo_repo):
    window.tabs.setCurrentIndex(1)
    model = window.worklist_model
    item = model.item(0)
    assert model.setData(model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert item not in window.session.worklist
    assert window.clinic_undo.count() == 1
    _undo(qtbot, window)
    assert item in window.session.worklist


def test_an_edit_in_one_tab_reaches_the_other_tab_and_the_board(window, monkeypatch, demo_repo):
    """Two transplants of one patient open in two tabs: no tab keeps its own copy."""
    ctx = window.session.context()
    patient = demo_repo.find_patient_by_mrn("DEMO-0003")
    second = create_transplant_plan(
        demo_repo,
        ctx,
        Transplant(
            id="t-second",
            patient_id=patient.id,
            transplant_type=TransplantType.AUTOLOGOUS,
            graft_source="pbsc",
            day0=TODAY + dt.timedelta(days=90),
            status=TransplantStatus.PLANNED,
            tandem=True,
        ),
        [load_protocols()["mel200-auto"]],
    )
    window.session.refresh()
    other = window.open_transplant(second.subject)
    first = _open(window, "DEMO-0003")
    full = []
    monkeypatch.setattr(window.session, "refresh", lambda: full.append(1))
    renamed = dataclasses.replace(first.session.patient, family_name="Renamed", weight_kg=77.0)
    monkeypatch.setattr(PatientDialog, "ask", classmethod(lambda cls, *a: renamed))
    window.actions_by_name["edit_patient"].trigger()
    assert other.session.patient.weight_kg == 77.0
    assert "RENAMED" in other.header.text().upper()
    assert other.harvest_tab._new_collection().weight_kg == 77.0
    rows = [r for r in window.session.rows if r.patient_id == patient.id]
    assert len(rows) == 2 and all("RENAMED" in r.name.upper() for r in rows)
    assert full == []  # only the patient's rows were recomputed


def test_a_hidden_tab_catches_up_when_shown(window, monkeypatch):
    """Only the views on screen redraw at once; a hidden tab redraws when it is shown."""
    from planner.domain.plans import reanchor
    from ui.transplant_session import Snapshot

    ws = _open(window, "DEMO-0001")
    ws.tabs.setCurrentWidget(ws.timeline)
    tab = ws.checklists
    due = tab.view.items[tab.row_of("dental")].due  # dated from admission, before Day 0
    plan, _ = reanchor(ws.session.plan, ws.session.plan.day0 + dt.timedelta(days=7), "bench")
    ws.session.push(
        Snapshot(plan, dataclasses.replace(ws.session.transplant, day0=plan.day0)), "Move Day 0"
    )
    assert tab.view.items[tab.row_of("dental")].due == due  # hidden: not redrawn yet
    ws.tabs.setCurrentWidget(tab)
    assert tab.view.items[tab.row_of("dental")].due == due + dt.timedelta(days=7)


def test_two_counts_of_one_patient_are_undone_in_turn(window, qtbot, demo_repo):
    """Found in a new-user run: the second Ctrl+Z of two counts changed only the menu."""
    ws = _open(window, "DEMO-0009")
    tab = ws.counts_tab
    ws.tabs.setCurrentWidget(tab)
    day1 = ws.session.plan.day0 + dt.timedelta(days=4)
    day2 = day1 + dt.timedelta(days=1)
    row1, row2 = tab.model.row_of(day1), tab.model.row_of(day2)
    assert tab.model.setData(tab.model.index(row1, 4), "15")  # platelets
    assert tab.model.setData(tab.model.index(row2, 4), "12")
    _undo(qtbot, window)
    assert tab.model.data(tab.model.index(row2, 4)) in ("", None)
    assert tab.model.data(tab.model.index(row1, 4)) == "15"
    _undo(qtbot, window)
    assert tab.model.data(tab.model.index(row1, 4)) in ("", None)
    assert window.actions_by_name["redo"].isEnabled()
    _redo(qtbot, window)
    _redo(qtbot, window)
    assert tab.model.data(tab.model.index(row1, 4)) == "15"
    assert tab.model.data(tab.model.index(row2, 4)) == "12"


def test_two_ticks_of_one_patient_on_the_today_tab_are_undone_in_turn(window, qtbot):
    window.tabs.setCurrentIndex(1)
    model = window.worklist_model
    first = model.item(0)
    same = [i for i in range(model.rowCount()) if model.item(i).mrn == first.mrn]
    assert len(same) >= 2, "the demo has a patient with two items due"
    second = model.item(same[1])
    for item in (first, second):
        row = next(i for i in range(model.rowCount()) if model.item(i) == item)
        assert model.setData(
            model.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
    assert window.actions_by_name["undo"].text() == f"&Undo Mark {second.title} done ({second.mrn})"
    _undo(qtbot, window)
    _undo(qtbot, window)
    assert first in window.session.worklist and second in window.session.worklist


def test_typing_a_count_keeps_the_place_in_the_grid(window, qtbot, demo_repo):
    """Found in a new-user run: after Enter the grid lost its current cell."""
    ws = _open(window, "DEMO-0009")
    tab = ws.counts_tab
    ws.tabs.setCurrentWidget(tab)
    day = ws.session.plan.day0 + dt.timedelta(days=4)
    index = tab.model.index(tab.model.row_of(day), 4)
    tab.grid.setFocus()
    tab.grid.setCurrentIndex(index)
    qtbot.keyClicks(tab.grid, "1")  # the first key opens the cell's editor
    editor = window.focusWidget()
    qtbot.keyClicks(editor, "5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits it from the event loop
    qtbot.waitUntil(lambda: tab.model.data(index) == "15")
    assert tab.grid.state() is not tab.grid.State.EditingState
    assert tab.grid.currentIndex().isValid()
    assert tab.grid.currentIndex().row() in (index.row(), index.row() + 1)


def _import_for_everyone(clinic, anc: str):
    """The use case of an import of one ANC of yesterday for every patient on the board
    (more patients than an edit recomputed in place)."""
    from planner.app.lab_import import import_labs
    from planner.labimport.reader import ColumnMapping
    from ui import session as session_module

    yesterday = NOW.date() - dt.timedelta(days=1)
    mrns = sorted({r.mrn for r in clinic.rows})
    assert len(mrns) > session_module.PUBLISH_IN_PLACE
    rows = "".join(f"{mrn},{yesterday.isoformat()},ANC,{anc},10^9/L\n" for mrn in mrns)
    data = f"MRN,Date,Test,Result,Unit\n{rows}".encode()
    mapping = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
    return lambda repo, ctx: import_labs(repo, ctx, data, "labs.csv", mapping)


def test_an_edit_of_many_transplants_has_the_board_recomputed_in_a_worker(
    make_clinic, qtbot, monkeypatch, demo_repo
):
    """A lab import for the whole clinic (or its undo) touches every transplant: its rows
    are not recomputed one by one on the GUI thread (0.6 s for 500) but by a reload in a
    worker thread once the GUI is quiet, and the board then equals a fresh load's."""
    from ui import session as session_module

    clinic = make_clinic()
    import_everyone = _import_for_everyone(clinic, "0.7")
    one_by_one: list[object] = []
    monkeypatch.setattr(clinic, "refresh_transplants", lambda *a, **k: one_by_one.append(a))
    before = clinic.rows
    report = clinic.perform(import_everyone)
    assert len({s.patient_id for s in report.accepted}) > session_module.PUBLISH_IN_PLACE
    assert one_by_one == [] and clinic.rows is before  # nothing on the GUI thread yet
    qtbot.waitUntil(lambda: clinic.rows is not before and not clinic.loading, timeout=10_000)
    assert one_by_one == []
    fresh = make_clinic()
    assert clinic.rows == fresh.rows and clinic.worklist == fresh.worklist


def test_the_rows_of_open_patients_follow_a_big_edit_at_once(
    make_clinic, qtbot, monkeypatch, demo_repo
):
    """A patient open in a tab shows its board row in its header (phase, high alerts):
    after an import for the whole clinic, that row is recomputed at once, the others by
    the reload in a worker."""

    clinic = make_clinic()
    import_everyone = _import_for_everyone(clinic, "0.2")
    opened = next(r for r in clinic.rows if r.mrn == "DEMO-0003")
    clinic.set_open_patients({opened.patient_id})
    in_place: list[set[str]] = []
    real = clinic.refresh_transplants

    def recorded(ids, *args, **kwargs):
        in_place.append(set(ids))
        return real(ids, *args, **kwargs)

    monkeypatch.setattr(clinic, "refresh_transplants", recorded)
    before = {r.transplant_id: r for r in clinic.rows}
    clinic.perform(import_everyone)
    assert in_place == [{opened.transplant_id}]
    fresh = {r.transplant_id: r for r in make_clinic().rows}
    now = {r.transplant_id: r for r in clinic.rows}
    assert now[opened.transplant_id] == fresh[opened.transplant_id]
    assert now[opened.transplant_id] is not before[opened.transplant_id]  # recomputed
    others = [tid for tid in now if tid != opened.transplant_id]
    assert all(now[tid] is before[tid] for tid in others)  # still the reload's to do
    qtbot.waitUntil(lambda: not clinic.loading and not clinic._rows_behind, timeout=10_000)
    assert {r.transplant_id: r for r in clinic.rows} == fresh


def test_a_big_edit_during_a_load_reloads_after_it_even_when_that_load_fails(
    make_clinic, qtbot, monkeypatch
):
    from planner.errors import StorageError

    clinic = make_clinic()
    computed: list[object] = []
    real = clinic._compute

    def compute(today):
        computed.append(today)
        if len(computed) == 1:
            raise StorageError("The database is busy.")
        return real(today)

    reported: list[BaseException] = []
    monkeypatch.setattr(clinic, "_compute", compute)
    monkeypatch.setattr(clinic, "reload_failed", reported.append)
    clinic.refresh_async(clinic.reload_failed, announce=False)  # a load under way
    clinic._reload_behind()  # an edit of many transplants asks for its reload meanwhile
    assert clinic._reread_after_load
    qtbot.waitUntil(lambda: len(computed) == 2 and not clinic.loading, timeout=10_000)
    assert [str(e) for e in reported] == ["The database is busy."]
    assert not clinic._reread_after_load


def test_no_reload_starts_once_the_window_is_closing(make_clinic):
    clinic = make_clinic()
    clinic.finishing = True
    clinic._reload_behind()
    assert not clinic.loading


def test_the_caller_hears_of_its_stored_edit_whatever_the_views_do(
    make_clinic, qtbot, monkeypatch, demo_repo
):
    """A dialog waiting for its edit (an import) must get its answer even if telling the
    views fails: it would otherwise stay open, refusing to close."""
    from planner.app.patients import save_patient

    clinic = make_clinic()
    patient = demo_repo.find_patient_by_mrn("DEMO-0003")
    edited = dataclasses.replace(patient, coordinator="Someone Else")

    def failing(change):
        raise RuntimeError("a view failed")

    monkeypatch.setattr(clinic, "publish", failing)
    answers: list[object] = []
    with qtbot.capture_exceptions() as errors:
        clinic.perform_in_background(
            lambda repo, ctx: save_patient(repo, ctx, edited), answers.append, answers.append
        )
        qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    assert not isinstance(answers[0], BaseException)  # stored, and said so
    assert demo_repo.get_patient(patient.id).coordinator == "Someone Else"
    assert [str(e[1]) for e in errors] == ["a view failed"]  # still reported
