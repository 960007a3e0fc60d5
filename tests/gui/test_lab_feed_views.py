"""A lab feed seen in the app (issue 18): creatinine, bilirubin and tacrolimus land in
the counts grid, the levels chart draws the tacrolimus, and the MAGIC calculator starts
from the bilirubin as the lab reported it, with where and when it was measured."""

from __future__ import annotations

import datetime as dt

from planner.labimport.reader import ColumnMapping
from tests.gui.conftest import NOW
from ui.dialogs import calculator_dialogs as calc

TODAY = NOW.date()
MAPPING = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")


def _feed(mrn: str, day: dt.date) -> bytes:
    stamp = day.strftime("%Y%m%d")
    segments = [
        f"MSH|^~\\&|LIS|LAB|PLANNER|BMT|{stamp}0830||ORU^R01^ORU_R01|7|P|2.5.1",
        f"PID|1||{mrn}^^^CENTRAL^MR||Someone^Any",
        f"OBR|1|||CHEM|||{stamp}",
        "OBX|1|NM|2160-0^Creatinine^LN||1.2|mg/dL|||||F",
        "OBX|2|NM|1975-2^Bilirubin^LN||34|umol/L|||||F",
        "OBX|3|NM|11253-2^Tacrolimus^LN||8.6|ng/mL|||||F",
    ]
    return ("\r".join(segments) + "\r").encode()


def _imported(qtbot, ws, feed: bytes):
    """Import the feed through the counts tab, as its dialog does (in a worker thread)."""
    answers: list[object] = []
    ws.counts_tab.run_import(feed, "feed.hl7", MAPPING, False, answers.append, answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    assert not isinstance(answers[0], BaseException), answers[0]
    return answers[0]


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    return window.open_transplant(tid)


def test_the_feed_in_the_grid_the_chart_and_the_calculator(qtbot, demo_window, monkeypatch):
    ws = _open(demo_window, "DEMO-0010")  # allogeneic, today D+21
    yesterday = TODAY - dt.timedelta(days=1)
    report = _imported(qtbot, ws, _feed("DEMO-0010", yesterday))
    assert report.rejected == ()
    model = ws.counts_tab.model
    headers = [model.headerData(c, _horizontal()) for c in range(model.columnCount())]
    assert headers[6:9] == ["Creatinine", "Bilirubin", "Tacrolimus"]
    assert headers[-2:] == ["PLT tx", "RBC tx"]  # the transfusion columns stay last
    row = model.row_of(yesterday)
    bilirubin = f"{round(34 / 17.1, 6):g}"  # stored in mg/dL; shown as the lab reported it
    assert [model.data(model.index(row, c)) for c in (6, 7, 8)] == [
        "1.2 mg/dL",
        "34 \u00b5mol/L",
        "8.6 ng/mL",
    ]
    assert model.data(model.index(row, 7), _tooltip()).startswith(
        f"{bilirubin} mg/dL = 34 umol/L (feed.hl7 message 1, OBX 2"
    )
    assert not model.flags(model.index(row, 6)) & _editable()  # results of the lab: read-only
    chart = ws.counts_tab.levels
    assert chart is not None
    tabs = ws.counts_tab.chart_tabs
    assert tabs is not None and tabs.tabText(1) == "Drug levels and chimerism"
    assert chart.chart().title() == "Drug levels and donor chimerism by transplant day"
    assert [s.name() for s in chart.chart().series()] == ["Tacrolimus (ng/mL)"]

    shown: dict[str, str] = {}

    def look(dialog):
        shown.update(
            bilirubin=dialog.editors["bilirubin"].text(),
            unit=dialog.editors["bilirubin_unit"].currentData(),
            note=dialog.hints["bilirubin"].text(),
        )
        dialog.editors["bilirubin"].setText("41")  # typed over: no longer the lab's
        shown["typed over"] = dialog.hints["bilirubin"].text()
        return calc.QDialog.DialogCode.Rejected

    monkeypatch.setattr(calc, "run_dialog", look)
    ws.tabs.setCurrentWidget(ws.complications)
    ws.complications.buttons["magic"].click()
    assert (shown["bilirubin"], shown["unit"]) == ("34", "umol/L")
    assert shown["note"].endswith(f"from a lab result of {yesterday.isoformat()}, 1 day ago")
    assert "from a lab result" not in shown["typed over"]


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def _tooltip():
    from PySide6.QtCore import Qt

    return Qt.ItemDataRole.ToolTipRole


def _editable():
    from PySide6.QtCore import Qt

    return Qt.ItemFlag.ItemIsEditable


def test_counts_and_creatinine_of_a_feed_reach_the_grid_and_the_plerixafor_calculator(
    qtbot, demo_window, monkeypatch
):
    ws = _open(demo_window, "DEMO-0006")  # autologous; creatinine of 5 days ago
    day = TODAY - dt.timedelta(days=2)
    stamp = day.strftime("%Y%m%d")
    feed = (
        "\r".join(
            [
                f"MSH|^~\\&|LIS|LAB|PLANNER|BMT|{stamp}||ORU^R01|8|P|2.5.1",
                "PID|1||DEMO-0006^^^CENTRAL^MR||Someone^Any",
                f"OBR|1|||CBC|||{stamp}",
                "OBX|1|NM|6690-2^WBC^LN||31.5|10*9/L|||||F",
                "OBX|2|NM|2160-0^Creatinine^LN||106|umol/L|||||F",
            ]
        ).encode()
        + b"\r"
    )
    report = _imported(qtbot, ws, feed)
    assert report.rejected == ()
    model = ws.counts_tab.model
    row = model.row_of(day)
    assert model.data(model.index(row, 2)) == "31.5"  # WBC
    assert ws.session.patient.creatinine_date == day
    shown: dict[str, str] = {}

    def look(dialog):
        shown.update(
            creatinine=dialog.editors["creatinine_mg_dl"].text(),
            note=dialog.hints["creatinine_mg_dl"].text(),
        )
        return calc.QDialog.DialogCode.Rejected

    monkeypatch.setattr(calc, "run_dialog", look)
    ws.harvest_tab.open_plerixafor_calculator()
    assert shown["creatinine"] == f"{round(106 / 88.4, 6):g}"
    assert shown["note"].endswith(f"from the patient's record of {day.isoformat()}, 2 days ago")
