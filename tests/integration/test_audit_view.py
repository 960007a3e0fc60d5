"""The audit trail as an auditor reads and exports it (the use case, on the demo clinic)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from planner.app.audit_view import (
    EXPORT_COLUMNS,
    audit_page,
    export_name,
    patient_of_mrn,
    save_audit_export,
)
from planner.app.audited_output import UnrecordedOutputError
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.events import record_event
from planner.errors import StorageError, ValidationError
from planner.export.atomic import TargetExistsError
from planner.records.audit_query import AuditQuery
from planner.storage.memory import InMemoryRepository
from tests.integration.factories import ACTOR

# A workstation two hours east of UTC: lines show its own time.
NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
CTX = Context(ACTOR, NOW)
HOSTILE = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture
def demo() -> InMemoryRepository:
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    return repo


def test_lines_name_the_patient_and_keep_the_workstations_time(demo):
    pid = patient_of_mrn(demo, "DEMO-0001")
    record_event(demo, CTX, "View patient", pid)
    page = audit_page(demo, AuditQuery(patient_id=pid))
    newest = page.lines[0]
    assert newest.action == "View patient" and newest.what == "event"
    assert newest.mrn == "DEMO-0001" and ", " in newest.patient
    assert newest.at == NOW and newest.at.utcoffset() == dt.timedelta(hours=2)
    assert newest.user == ACTOR.user and newest.workstation == ACTOR.workstation
    changes = [x for x in page.lines if x.what != "event"]
    assert changes and all(" · " in x.what for x in changes)
    assert not page.more and page.patient_ids == {pid}


def test_the_limit_is_said_only_when_older_rows_match(demo):
    page = audit_page(demo, AuditQuery(limit=3))
    assert len(page.lines) == 3 and page.more
    pid = patient_of_mrn(demo, "DEMO-0001")
    count = len(audit_page(demo, AuditQuery(patient_id=pid)).lines)
    exactly = audit_page(demo, AuditQuery(patient_id=pid, limit=count))
    assert len(exactly.lines) == count and not exactly.more


def test_an_unknown_mrn_is_refused_in_one_sentence(demo):
    with pytest.raises(ValidationError, match="No patient has the MRN NOPE-1"):
        patient_of_mrn(demo, " NOPE-1 ")


def test_the_export_is_audited_before_the_file_appears_and_stays_inert(demo, tmp_path):
    pid = patient_of_mrn(demo, "DEMO-0001")
    record_event(demo, Context(ACTOR, NOW), HOSTILE, pid)  # an action text a spreadsheet would run
    page = audit_page(demo, AuditQuery(patient_id=pid))
    saved = save_audit_export(demo, CTX, page, tmp_path / "trail.xlsx", overwrite=False)
    target = saved.path
    assert not saved.change.parts  # an event: no view to refresh
    sheet = load_workbook(io.BytesIO(target.read_bytes())).active
    assert [c.value for c in sheet[1]] == list(EXPORT_COLUMNS)
    assert sheet["F2"].value == "'" + HOSTILE and sheet["F2"].data_type == "s"
    assert sheet["B2"].is_date and sheet["B2"].value == NOW.replace(tzinfo=None)
    assert sheet["C2"].value == "UTC+02:00"
    assert sheet.max_row == len(page.lines) + 1
    newest = demo.search_audit(AuditQuery(limit=1))[0]
    assert newest.action == f"Export audit trail as XLSX ({len(page.lines)} rows, 1 patient)"
    assert newest.patient_id == pid  # found in the patient's own trail


def test_csv_export_and_a_name_without_patient_data(demo, tmp_path):
    page = audit_page(demo, AuditQuery(limit=5))
    target = save_audit_export(demo, CTX, page, tmp_path / "t.csv", overwrite=False).path
    text = target.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Seq,Time (workstation),UTC offset,User")
    assert len(text.splitlines()) == 6
    assert export_name("csv", NOW.date()) == "audit-trail-2026-03-10.csv"
    with pytest.raises(TargetExistsError):
        save_audit_export(demo, CTX, page, target, overwrite=False)


def test_a_file_of_another_kind_is_refused(demo, tmp_path):
    page = audit_page(demo, AuditQuery(limit=1))
    with pytest.raises(ValidationError, match=r"\.csv or \.xlsx file, not t\.ods"):
        save_audit_export(demo, CTX, page, tmp_path / "t.ods", overwrite=False)
    assert list(tmp_path.iterdir()) == []


def test_an_export_that_cannot_be_recorded_leaves_no_file(demo, tmp_path, monkeypatch):
    page = audit_page(demo, AuditQuery(limit=5))

    def full(_action):
        raise StorageError("The disk is full.")

    monkeypatch.setattr(demo, "commit", full)
    with pytest.raises(UnrecordedOutputError, match="No file was written"):
        save_audit_export(demo, CTX, page, tmp_path / "t.csv", overwrite=False)
    assert list(tmp_path.iterdir()) == []
