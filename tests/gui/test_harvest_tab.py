"""Harvest tab: counts and collections saved at once, dose formulas, alerts, calculator;
and the issue-4 "done" flow through the main window."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from planner.app.context import Context
from planner.app.harvest import add_collection, load_harvest
from planner.records.harvest_log import Collection
from tests.gui.conftest import ACTOR, NOW
from ui.counts_tab import CountsTab
from ui.dialogs.import_labs_dialog import ImportLabsDialog
from ui.harvest_tab import (
    CollectionDialog,
    CountDialog,
    HarvestTab,
    NewCollection,
)
from ui.patient_workspace import PatientWorkspace

TODAY = NOW.date()


def _ids(repo, mrn: str) -> tuple:
    patient = repo.find_patient_by_mrn(mrn)
    transplant = repo.list_transplants(patient.id)[0]
    return patient, transplant, repo.get_plan(transplant.id)


@pytest.fixture
def tab(qtbot, open_session) -> HarvestTab:
    widget = HarvestTab(open_session("DEMO-0003"))
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    return widget


def _collection(tab: HarvestTab, conc: float, volume: float = 250) -> Collection:
    return Collection(
        tab.log.next_collection_id(),
        TODAY,
        volume,
        64,
        cd34_per_ul=conc,
        blood_volume_l=15,
        bags=("B1",),
    )


def test_empty_log_shows_targets_and_mday(tab: HarvestTab) -> None:
    assert "M-Day 5" in tab.mday_label.text()
    assert tab.total_label.text() == "Cumulative: 0 x10^6 CD34+/kg"
    assert "optimal 5 x10^6" in tab.targets_label.text()
    assert tab.stop_banner.isHidden() and tab.plerixafor_banner.isHidden()
    assert not tab.edit_button.isEnabled()


def test_low_count_prompts_plerixafor(tab: HarvestTab, monkeypatch, demo_repo) -> None:
    monkeypatch.setattr(CountDialog, "ask", staticmethod(lambda *a: (TODAY, 6.0)))
    tab.count_button.click()
    assert tab.session.undo_stack.count() == 1  # saved, and undoable
    assert not tab.plerixafor_banner.isHidden()
    assert "below the threshold 10/uL" in tab.plerixafor_banner.text()
    assert "Mozobil label" in tab.plerixafor_banner.toolTip()  # the published source
    assert tab.model.data(tab.model.index(0, 2)) == "6"
    stored = demo_repo.get_record(tab.transplant.id, "harvest")
    assert stored is not None and stored.body["pb_cd34"][0]["value"] == 6.0


def test_collections_dose_formula_and_stop_alert(tab: HarvestTab, monkeypatch) -> None:
    queue = [_collection(tab, 800)]
    monkeypatch.setattr(CollectionDialog, "ask", staticmethod(lambda *a: queue.pop(0)))
    tab.add_button.click()
    assert tab.model.rowCount() == 1
    assert tab.model.data(tab.model.index(0, 7)) == "3.13"
    tooltip = tab.model.data(tab.model.index(0, 7), Qt.ItemDataRole.ToolTipRole)
    assert "800 cells/uL x 250 mL x 1000 / 64 kg / 10^6 = 3.13" in tooltip
    assert tab.stop_banner.text().startswith("Minimum reached")
    assert "1 more collection" in tab.forecast_label.text()
    queue.append(Collection("c2", TODAY, 250, 64, cd34_per_ul=600))
    tab.add_button.click()
    assert tab.total_label.text() == "Cumulative: 5.47 x10^6 CD34+/kg"
    assert tab.stop_banner.text().startswith("Target reached: stop collection")
    assert tab.progress.value() == tab.progress.maximum()
    # edit the first collection: it is replaced, not added
    first = tab.log.collections[0].id
    queue.append(Collection(first, TODAY, 100, 64, cd34_per_ul=800))
    tab.table.selectRow(0)
    tab.edit_button.click()
    assert len(tab.log.collections) == 2
    assert tab.log.collections[0].product_volume_ml == 100


def test_bad_collection_reported_not_saved(tab: HarvestTab, monkeypatch) -> None:
    """A collection the use case refuses comes back in its dialog with the reason;
    cancelling it then saves nothing."""
    future = Collection("c1", TODAY + dt.timedelta(days=2), 250, 64, cd34_per_ul=800)
    asked_again: list[tuple[Collection, str]] = []

    def ask(*_a, typed=None, error=""):
        if typed is None:
            return future
        asked_again.append((typed, error))
        return None  # the user cancels

    monkeypatch.setattr(CollectionDialog, "ask", staticmethod(ask))
    tab.add_button.click()
    assert len(asked_again) == 1
    typed, error = asked_again[0]
    assert typed == future and "future" in error
    assert tab.log.collections == ()


def test_collection_dialog_preview(qtbot) -> None:
    dialog = CollectionDialog(None, Collection("c1", TODAY, 250, 75, cd34_per_ul=1500))
    qtbot.addWidget(dialog)
    assert "= 5 x10^6 CD34+/kg" in dialog.preview.text()
    dialog.by_total.setChecked(True)
    dialog.total.setValue(300)
    assert "300 x10^6 CD34+ / 75 kg = 4" in dialog.preview.text()
    dialog.product.setValue(0)
    assert "Enter the product volume" in dialog.preview.text()
    dialog.product.setValue(250)
    dialog.weight.setValue(0.5)  # below the plausible range
    assert dialog.error.text()


def test_new_collection_invents_no_weight_or_volume(qtbot, tab: HarvestTab) -> None:
    new = tab._new_collection()
    assert new.weight_kg == tab.session.patient.weight_kg
    assert new.id != tab._new_collection().id
    dialog = CollectionDialog(None, NewCollection("n1", TODAY))  # no recorded weight
    qtbot.addWidget(dialog)
    assert dialog.product.text() == "not entered" and dialog.weight.text() == "not entered"
    assert "Dose:" not in dialog.preview.text()
    assert (
        "Enter the product volume and the product CD34+ concentration and the recipient weight"
    ) in dialog.preview.text()
    assert dialog.conc.text() == "not entered"
    dialog.conc.setValue(1500)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.product_error.text() == "Enter the product volume."
    assert dialog.weight_error.text() == "Enter the recipient weight."
    dialog.product.setValue(250)
    assert dialog.product_error.text() == "" and dialog.weight_error.text()
    dialog.weight.setValue(75)
    assert "= 5 x10^6 CD34+/kg" in dialog.preview.text()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.collection().weight_kg == 75 and dialog.collection().product_volume_ml == 250


def test_new_collection_weight_from_the_patient_record(qtbot) -> None:
    dialog = CollectionDialog(None, NewCollection("n1", TODAY, 81.5))
    qtbot.addWidget(dialog)
    assert dialog.weight.value() == 81.5 and dialog.product.text() == "not entered"


def test_stale_tab_edit_is_refused_as_a_conflict(tab: HarvestTab, monkeypatch, demo_repo) -> None:
    ctx = Context(ACTOR, NOW)
    add_collection(
        demo_repo, ctx, tab.transplant.id, Collection("x1", TODAY, 250, 64, cd34_per_ul=300)
    )
    tab.session.reload()
    # another workstation adds a collection after this tab read the log
    add_collection(
        demo_repo, ctx, tab.transplant.id, Collection("x2", TODAY, 200, 64, cd34_per_ul=300)
    )
    monkeypatch.setattr(
        CollectionDialog,
        "ask",
        staticmethod(lambda *a: Collection("x1", TODAY, 100, 64, cd34_per_ul=900)),
    )
    messages: list[str] = []
    tab.sig_status.connect(messages.append)
    tab._edit(tab.log.collections[0])
    assert "changed on another workstation" in messages[-1]
    stored, _ = load_harvest(demo_repo, tab.transplant.id)
    assert sorted(c.product_volume_ml for c in stored.collections) == [200, 250]
    assert len(tab.log.collections) == 2  # the tab now shows what is stored


def test_targets_doubled_for_tandem(qtbot, open_session) -> None:
    from dataclasses import replace

    session = open_session("DEMO-0003")
    tandem = replace(session.transplant, tandem=True)
    session.record = replace(session.record, transplant=tandem)
    widget = HarvestTab(session)
    qtbot.addWidget(widget)
    assert "optimal 10 x10^6" in widget.targets_label.text()
    assert "tandem" in widget.targets_label.text()


# --------------------------------------------------------------------------- the done flow


def _messy_csv(day0: dt.date, mrn: str) -> str:
    lines = ["MRN,Surname,Collected,Test,Result,Units,Comment"]
    anc = [1.2, 0.8, 0.4, 0.2, 0.1, 0.05, 0.02, 0.02, 0.1, 0.6, 0.9, 1.4, 2.0]
    for day, value in enumerate(anc):
        date = (day0 + dt.timedelta(days=day)).isoformat()
        lines.append(f"{mrn},Null,{date},ANC,{value},x10^9/L,")
        lines.append(f"{mrn},Null,{date},PLT,{max(8, 60 - 5 * day)},K/µL,")
    d3 = (day0 + dt.timedelta(days=3)).isoformat()
    lines += [
        f"{mrn},Null,{d3},ANC,0.2,x10^9/L,exact duplicate",
        "000777,Nan,2026-03-01,ANC,1.0,10^9/L,unknown MRN",
        f"{mrn},Null,01/03/2026,PLT,22,10^9/L,day-first date",
        f"{mrn},Null,{d3},ANC,0.3,mmol/L,wrong unit",
        f"{mrn},Null,{d3},PLT,pending,K/uL,",
        f"{mrn},Null,{d3},PLT,=1+1,10^9/L,formula text",
        f"{mrn},Null,2026-03-20,ANC,3.0,10^9/L,future",
    ]
    return "\n".join(lines) + "\n"


def test_issue4_done_flow(qtbot, demo_window, demo_repo, monkeypatch, tmp_path) -> None:
    window = demo_window
    board = {r.mrn: r for r in window.session.rows}
    assert board["DEMO-0003"].day_label == "M-Day 5"

    # 1. A mobilising patient: the day's CD34 count and a collection.
    _, transplant, _ = _ids(demo_repo, "DEMO-0003")
    ws = window.open_transplant(transplant.id)
    assert isinstance(ws, PatientWorkspace) and ws.harvest_tab is not None
    ws.tabs.setCurrentWidget(ws.harvest_tab)
    monkeypatch.setattr(CountDialog, "ask", staticmethod(lambda *a: (TODAY, 42.0)))
    ws.harvest_tab.count_button.click()
    monkeypatch.setattr(
        CollectionDialog,
        "ask",
        staticmethod(
            lambda *a: Collection(
                "c1",
                TODAY,
                300,
                64,
                cd34_per_ul=1200,
                blood_volume_l=16,
                bags=("B-0310-1", "B-0310-2"),
            )
        ),
    )
    ws.harvest_tab.add_button.click()
    assert ws.harvest_tab.total_label.text() == "Cumulative: 5.63 x10^6 CD34+/kg"
    assert ws.harvest_tab.stop_banner.text().startswith("Target reached: stop collection")
    board = {r.mrn: r for r in window.session.rows}
    assert "CD34 target reached: stop collection" in board["DEMO-0003"].alerts

    # 2. A post-transplant patient: import a messy lab CSV, read the rejections.
    patient, transplant, _ = _ids(demo_repo, "DEMO-0009")
    path = tmp_path / "lab_export.csv"
    path.write_text(_messy_csv(transplant.day0, patient.mrn), encoding="utf-8")
    ws = window.open_transplant(transplant.id)
    counts = ws.counts_tab
    assert isinstance(counts, CountsTab)
    ws.tabs.setCurrentWidget(counts)
    seen: dict[str, object] = {}

    def fake_ask(parent, run_import, settings, path_arg=None, mappings=None):
        dialog = ImportLabsDialog(parent, run_import, settings, str(path))
        dialog.mapping = dialog.mapping.__class__(
            mrn="MRN", date="Collected", analyte="Test", value="Result", unit="Units"
        )
        dialog.preview()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
        seen["summary"] = dialog.summary.text()
        seen["reasons"] = [
            dialog.rejected_rows.cells(r)[1] for r in range(dialog.rejected_rows.rowCount())
        ]
        assert dialog.import_button.isEnabled()
        dialog.do_import()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
        seen["after"] = dialog.summary.text()
        dialog.deleteLater()
        return dialog.imported

    monkeypatch.setattr(ImportLabsDialog, "ask", staticmethod(fake_ask))
    counts.import_button.click()
    assert "26 result(s) would be imported" in str(seen["summary"])
    reasons = " ".join(seen["reasons"])  # type: ignore[arg-type]
    for expected in (
        "Unknown MRN",
        "ISO date",
        "Unknown unit",
        "pending",
        "Duplicate",
        "not a number",
        "future",
    ):
        assert expected in reasons
    assert "26 result(s) imported" in str(seen["after"])

    # 3. Engraftment days on the chart, in the panel and on the board.
    assert counts.status is not None
    assert counts.status.neutrophil_date == transplant.day0 + dt.timedelta(days=9)
    assert [m.label for m in counts.chart.data.markers_of("engraftment")] == ["ANC engraftment D+9"]
    assert "2026-03-07" in counts.engraftment_labels["neutrophil"].text()
    board = {r.mrn: r for r in window.session.rows}
    assert "Neutrophil engraftment D+9" in board["DEMO-0009"].alerts
    assert board["DEMO-0009"].phase == "engrafted"


def _select(tab: HarvestTab, row: int) -> None:
    """Select ``row`` whatever keyboard modifiers an earlier test left set (``selectRow``
    toggles the row while Qt believes Ctrl is held)."""
    from PySide6.QtCore import QItemSelectionModel

    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    tab.table.selectionModel().select(tab.model.index(row, 0), flags)


def test_remove_a_collection_entered_by_mistake(tab: HarvestTab, monkeypatch, demo_repo) -> None:
    from ui.dialogs.step_dialogs import StepDialogs

    ctx = Context(ACTOR, NOW)
    for cid, volume in (("m1", 250), ("m2", 200)):
        add_collection(
            demo_repo, ctx, tab.transplant.id, Collection(cid, TODAY, volume, 64, cd34_per_ul=300)
        )
    tab.session.reload()
    assert tab.remove_button.isEnabled()
    messages: list[str] = []
    tab.sig_status.connect(messages.append)
    tab.remove_selected()  # nothing selected: nothing removed, and the user is told
    assert "Select the collection" in messages[-1]
    row = next(
        r
        for r in range(tab.model.rowCount())
        if (c := tab.model.collection_at(r)) is not None and c.id == "m2"
    )
    _select(tab, row)
    monkeypatch.setattr(StepDialogs, "ask_reason", staticmethod(lambda *a, **k: None))
    tab.remove_selected()  # cancelled: nothing removed
    assert len(load_harvest(demo_repo, tab.transplant.id)[0].collections) == 2
    monkeypatch.setattr(
        StepDialogs, "ask_reason", staticmethod(lambda *a, **k: "entered on the wrong patient")
    )
    _select(tab, row)
    tab.remove_selected()
    stored, _ = load_harvest(demo_repo, tab.transplant.id)
    assert [c.id for c in stored.collections] == ["m1"]
    assert "Removed the collection" in messages[-1]
    reasons = {e.reason for e in demo_repo.audit_log(tab.session.patient.id)}
    assert "entered on the wrong patient" in reasons
