"""Render the README screenshots from the demo clinic (run under Xvfb).

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python tools/screenshots.py

Writes PNGs into docs/: the board, a patient timeline, the month calendar, the
Move Day 0 and the Set anchor date dialogs, the plerixafor calculator, the audit trail,
the registry forms. Uses an in-memory demo clinic, never a real database.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.clinical.calculators.registry import known_inputs
from planner.domain.templates import Category
from planner.protocols import load_protocols
from planner.records.ports import Actor
from planner.storage.memory import InMemoryRepository
from ui.app import create_main_window
from ui.dialogs.anchor_dialog import SetAnchorDialog
from ui.dialogs.calculator_dialogs import make_calculator_dialog
from ui.dialogs.day0_dialog import Day0Move, MoveDay0Dialog
from ui.dialogs.plan_wizard import PlanWizard
from ui.dialogs.transplant_dialog import TransplantDialog
from ui.main_window import MainWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _wait_for(app: QApplication, done, seconds: float = 5.0) -> None:
    """Run the event loop until ``done()`` (a worker thread's answer), then settle."""
    import time

    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    _settle(app)


def _settle(app: QApplication) -> None:
    for _ in range(30):
        app.processEvents()


def _save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(DOCS / name))
    print(f"wrote docs/{name}")


def main() -> int:
    """Open the demo clinic and save the screenshots."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    now = dt.datetime.now().astimezone()
    actor = Actor("demo", "screenshots")
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(actor, now))
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window = create_main_window(repo, actor=actor, clock=lambda: now, demo=True, settings=settings)
    window.resize(1366, 768)
    window.show()
    _settle(app)
    DOCS.mkdir(exist_ok=True)
    _save(window, "board.png")
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == "DEMO-0009")
    ws = window.open_transplant(tid)
    assert ws is not None
    _settle(app)
    _save(window, "timeline.png")
    ws.tabs.setCurrentWidget(ws.calendar)
    _settle(app)
    _save(window, "calendar.png")
    for tab_name, file_name, mrn in (
        ("Counts", "counts.png", "DEMO-0011"),
        ("Harvest", "harvest.png", "DEMO-0003"),
        ("Checklists", "checklists.png", "DEMO-0001"),
        ("Complications", "complications.png", "DEMO-0010"),
    ):
        other = window.open_transplant(
            next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
        )
        assert other is not None
        for i in range(other.tabs.count()):
            if other.tabs.tabText(i).replace("&", "") == tab_name:
                other.tabs.setCurrentIndex(i)
        _settle(app)
        _save(window, file_name)
    workup = window.open_transplant(
        next(r.transplant_id for r in window.session.rows if r.mrn == "DEMO-0004")
    )
    assert workup is not None
    dialog = MoveDay0Dialog(
        window,
        workup.session.plan,
        today=workup.session.today,
        transplant=workup.session.transplant,
        patient=workup.session.patient,
    )
    current = dialog.date_edit.date()
    assert current is not None
    dialog.date_edit.set_date(current + dt.timedelta(days=7))
    dialog.reason.setText("Donor collection postponed one week")
    dialog.show()
    _settle(app)
    _save(dialog, "day0-dialog.png")
    dialog.close()
    # The same dialog back after its save failed: what was typed, and why.
    typed = Day0Move(current + dt.timedelta(days=7), "Donor collection postponed one week")
    retry = MoveDay0Dialog(
        window,
        workup.session.plan,
        today=workup.session.today,
        transplant=workup.session.transplant,
        patient=workup.session.patient,
        typed=typed,
        error="The disk is full, so the change was not saved; free some space and try again.",
    )
    retry.show()
    _settle(app)
    _save(retry, "day0-save-failed.png")
    retry.close()
    mobilising = window.open_transplant(  # mobilisation starts in six days
        next(r.transplant_id for r in window.session.rows if r.mrn == "DEMO-0001")
    )
    assert mobilising is not None
    anchor_dialog = SetAnchorDialog(window, mobilising.session.plan)
    current = anchor_dialog.date_edit.date()
    assert current is not None
    anchor_dialog.date_edit.set_date(current + dt.timedelta(days=2))
    anchor_dialog.reason.setText("G-CSF start moved: apheresis slots full that week")
    anchor_dialog.show()
    _settle(app)
    _save(anchor_dialog, "anchor-dialog.png")
    anchor_dialog.close()
    # The plerixafor calculator of the Harvest tab, filled in from the patient's record.
    harvest = window.open_transplant(
        next(r.transplant_id for r in window.session.rows if r.mrn == "DEMO-0003")
    )
    assert harvest is not None and harvest.harvest_tab is not None
    s = harvest.session
    calculator = make_calculator_dialog(
        window,
        "plerixafor",
        today=s.today,
        defaults=known_inputs(s.patient, s.transplant, s.plan, s.today),
    )
    calculator.set_value("creatinine_mg_dl", "1.3")
    calculator.show()
    _settle(app)
    _save(calculator, "plerixafor-dialog.png")
    calculator.close()
    # Plan checks: Flu/Bu4 with ciclosporin-methotrexate, a CMV-positive recipient.
    checked = window.open_transplant(
        next(r.transplant_id for r in window.session.rows if r.mrn == "DEMO-0005")
    )
    assert checked is not None
    checked.tabs.setCurrentWidget(checked.plan_checks)
    _settle(app)
    _save(window, "plan-checks.png")
    # The plan wizard refusing a haploidentical template with a second PTCy template.
    wizard = PlanWizard(window, checked.session.patient, load_protocols(), checked.session.today)
    wizard.type_box.setCurrentText("allogeneic")
    conditioning = wizard.slot_boxes[Category.CONDITIONING]
    conditioning.setCurrentIndex(conditioning.findData("haplo-flu-cy-tbi-ptcy"))
    gvhd = wizard.slot_boxes[Category.GVHD_PROPHYLAXIS]
    gvhd.setCurrentIndex(gvhd.findData("ptcy-tacrolimus-mmf-gvhd"))
    wizard.show()
    _settle(app)
    _save(wizard, "wizard-clash.png")
    wizard.close()
    # The wizard planning CAR T cells: its own kind, slot and cell product.
    car_t = PlanWizard(window, checked.session.patient, load_protocols(), checked.session.today)
    car_t.type_box.setCurrentIndex(car_t.type_box.findData("car-t"))
    slot = car_t.slot_boxes[Category.CELL_THERAPY]
    slot.setCurrentIndex(slot.findData("car-t-cd19-lymphoma"))
    car_t.show()
    _settle(app)
    _save(car_t, "wizard-car-t.png")
    car_t.close()
    # The transplant record of an allogeneic patient, with a status change being typed.
    record = window.open_transplant(
        next(r.transplant_id for r in window.session.rows if r.mrn == "DEMO-0004")
    )
    assert record is not None
    dialog = TransplantDialog(
        window, record.session.patient, record.session.transplant, record.session.today
    )
    dialog.widgets["status"].setCurrentIndex(dialog.widgets["status"].findData("on_hold"))
    dialog.widgets["status_reason"].setText("Donor medical clearance delayed")
    dialog.show()
    _settle(app)
    _save(dialog, "transplant-record.png")
    dialog.close()
    # The board with the closed transplants listed (the demo's cancelled one).
    window.tabs.setCurrentIndex(0)
    window.board.show_closed.setChecked(True)
    window.board.search.setText("Ivanova")  # the demo's cancelled transplant
    _settle(app)
    _save(window, "board-closed.png")
    window.board.search.clear()
    window.board.show_closed.setChecked(False)
    # A search finds the closed transplant in the database, the box unticked.
    window.board.search.setText("Ivanova")
    _wait_for(app, lambda: window.session.found is not None)
    _save(window, "board-search-closed.png")
    window.board.search.clear()
    audit_trail_shot(app, window)
    forms_shot(app, window)
    data_export_shot(app, window)
    lab_feed_shot(app, window)
    accounts_shots(app, window)
    return 0


def lab_feed_shot(app: QApplication, window: MainWindow) -> None:
    """An allogeneic patient's Counts tab after an HL7 feed of creatinine, bilirubin and
    tacrolimus levels over two weeks: the grid's extra columns and the levels chart."""
    from planner.labimport.reader import ColumnMapping

    repo, today = window.session.repo, window.session.clock().date()
    patient = repo.find_patient_by_mrn("DEMO-0011")
    tid = repo.list_transplants(patient.id)[-1].id
    ws = window.open_transplant(tid)
    messages = []
    for n, (tacro, creat, bili) in enumerate(
        [(5.1, 71, 15), (7.8, 80, 17), (11.2, 97, 22), (13.9, 115, 29), (9.6, 102, 24)]
    ):
        stamp = (today - dt.timedelta(days=12 - 3 * n)).strftime("%Y%m%d")
        messages.append(
            "\r".join(
                [
                    f"MSH|^~\\&|LIS|LAB|PLANNER|BMT|{stamp}0800||ORU^R01|{n}|P|2.5.1",
                    f"PID|1||{patient.mrn}^^^LAB^MR",
                    f"OBR|1|||CHEM|||{stamp}",
                    f"OBX|1|NM|11253-2^Tacrolimus^LN||{tacro}|ng/mL|||||F",
                    f"OBX|2|NM|2160-0^Creatinine^LN||{creat}|umol/L|||||F",
                    f"OBX|3|NM|1975-2^Bilirubin^LN||{bili}|umol/L|||||F",
                ]
            )
            + "\r"
        )
    mapping = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
    ws.counts_tab.run_import("".join(messages).encode(), "feed.hl7", mapping, False)
    ws.tabs.setCurrentWidget(ws.counts_tab)
    _settle(app)
    _save(window, "counts-lab-feed.png")
    tabs = ws.counts_tab.chart_tabs
    assert tabs is not None
    tabs.setCurrentIndex(1)
    _settle(app)
    _save(window, "levels-chart.png")


def data_export_shot(app: QApplication, window: MainWindow) -> None:
    """File > Export calendar on a patient tab: the patient's calendar in Spanish."""
    from ui.dialogs.data_export_dialog import DataExportDialog

    patient = window.session.repo.find_patient_by_mrn("DEMO-0003")
    ws = window.open_transplant(window.session.repo.list_transplants(patient.id)[-1].id)
    dialog = DataExportDialog(
        window.session, ws.session, window.session.centre, window._settings,
        "patient-calendar", window,
    )  # fmt: skip
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    dialog.show()
    _settle(app)
    _save(dialog, "export-calendar.png")
    dialog.close()


def accounts_shots(app: QApplication, window: MainWindow) -> None:
    """The sign-in over the empty window of a database with accounts; the Accounts dialog."""
    from PySide6.QtGui import QGuiApplication

    from planner.app import accounts as acc
    from planner.domain.accounts import Role

    repo = window.session.repo
    now = window.session.clock()
    admin = acc.add_account(repo, Context(ADMIN_SETUP, now), "boss", Role.ADMINISTRATOR, SAMPLE_PW)
    for name, role in (("nina", Role.NURSE), ("pat", Role.PHARMACIST), ("vic", Role.VIEWER)):
        acc.add_account(
            repo, Context(Actor(admin.name, "ws-1", admin.role), now), name, role, SAMPLE_PW
        )
    fresh = create_main_window(
        repo, actor=Actor("nina", "ws-1"), clock=window.session.clock, demo=True,
        settings=QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat),
        load_now=False,
    )  # fmt: skip
    fresh.resize(1200, 720)
    fresh.show()
    fresh.sign_in_then(repo, fresh.session.refresh)
    dialog = fresh.sign_in_dialog
    dialog.name.setText("nina")
    dialog.password.setText("wrong password")
    dialog._submit()
    _wait_for(app, lambda: "not right" in dialog.message.text())
    screen = QGuiApplication.primaryScreen()
    frame = fresh.frameGeometry()
    screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(
        str(DOCS / "sign-in.png")
    )
    print("wrote docs/sign-in.png")
    dialog.reject()
    window.session.sign_in(acc.sign_in(repo, "boss", SAMPLE_PW, "ws-1", now))
    window.show_accounts()
    _settle(app)
    _save(window.accounts_dialog, "accounts.png")
    window.accounts_dialog.close()
    verify_doses_shot(app, window, admin)


def verify_doses_shot(app: QApplication, window: MainWindow, admin: object) -> None:
    """Patient > Verify doses after a physician's signature, the pharmacist about to sign."""
    from planner.app import accounts as acc
    from planner.app.dose_check import verify_doses
    from planner.domain.accounts import Role

    repo, now = window.session.repo, window.session.clock()
    boss = Actor("boss", "ws-1", Role.ADMINISTRATOR)
    acc.add_account(repo, Context(boss, now), "dr.ortiz", Role.PHYSICIAN, SAMPLE_PW)
    patient = repo.find_patient_by_mrn("DEMO-0004")
    tid = repo.list_transplants(patient.id)[0].id
    verify_doses(repo, Context(Actor("dr.ortiz", "ws-2", Role.PHYSICIAN), now), tid, SAMPLE_PW)
    window.session.sign_in(acc.sign_in(repo, "pat", SAMPLE_PW, "ws-1", now))
    window.session.refresh()
    ws = window.open_transplant(tid)
    ws.session.reload()  # the signature above was stored behind the window's back
    ws.verify_doses()
    dialog = ws.verify_dialog
    dialog.password.setText(SAMPLE_PW)
    _settle(app)
    _save(dialog, "verify-doses.png")
    dialog.close()


ADMIN_SETUP = Actor("it-setup", "ws-1")
SAMPLE_PW = "a sample passphrase"


def forms_shot(app: QApplication, window: MainWindow) -> None:
    """View > Registry forms due (Ctrl+3): past due, in window and coming up."""
    window.show_forms()
    dialog = window.forms_dialog
    _wait_for(app, lambda: not dialog.loading)
    dialog.table.selectRow(0)
    _settle(app)
    _save(dialog, "registry-forms.png")
    dialog.close()


def audit_trail_shot(app: QApplication, window: MainWindow) -> None:
    """View > Audit trail, one patient's rows, the newest change selected."""
    window.show_audit()
    dialog = window.audit_dialog
    _wait_for(app, lambda: not dialog.searching)
    dialog.mrn.setText("DEMO-0002")
    dialog.search()
    _wait_for(app, lambda: not dialog.searching)
    row = next(i for i, x in enumerate(dialog.model.lines) if x.what.startswith("plan"))
    dialog.table.selectRow(row)
    _settle(app)
    _save(dialog, "audit-trail.png")
    dialog.close()


if __name__ == "__main__":
    sys.exit(main())
