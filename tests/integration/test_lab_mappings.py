"""Saved lab import mappings on every repository, the use cases that save them (audited,
permission to import lab results) and the command line's ``--mapping NAME`` and
``--decimal-comma`` (issue 18)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from planner.app.context import Context
from planner.app.lab_mappings import (
    MAX_NAME,
    check_mapping_name,
    delete_mapping,
    mapping_names,
    save_mapping,
    saved_mapping,
)
from planner.cli.labs import EXIT_OK, EXIT_REFUSED, EXIT_REJECTED_ROWS, run_import_labs
from planner.domain.accounts import Role
from planner.errors import PermissionDeniedError
from planner.labimport.common import mapping_from_dict, mapping_to_dict
from planner.labimport.reader import ColumnMapping, LabImportError
from planner.records.ports import Actor, BoardEntry, Repository
from planner.storage import open_repository
from tests.integration.factories import ACTOR, AT, action, patient, transplant

CTX = Context(ACTOR, AT)
CENTRAL = ColumnMapping(
    mrn="Patient no",
    date="Collected",
    analyte="Test",
    value="Value",
    unit="Units",
    decimal_comma=True,
    local_codes={"CREA": "creatinine", "14631-6": "bilirubin"},
)


# --------------------------------------------------------------------------- the store


def test_store_saves_replaces_and_forgets_by_name(repo: Repository) -> None:
    assert repo.lab_mappings() == {}
    repo.store_lab_mapping("Central lab", '{"a": 1}')
    repo.store_lab_mapping("50%_off lab", '{"b": 2}')  # LIKE wildcards are plain text
    repo.store_lab_mapping("Central lab", '{"a": 3}')
    assert repo.lab_mappings() == {"50%_off lab": '{"b": 2}', "Central lab": '{"a": 3}'}
    repo.store_lab_mapping("Central lab", None)
    repo.store_lab_mapping("never saved", None)
    assert repo.lab_mappings() == {"50%_off lab": '{"b": 2}'}


def test_mappings_leave_the_board_index_alone(repo: Repository) -> None:
    repo.commit(action("Seed", patients=(patient(),), transplants=(transplant(),)))
    repo.store_board_entries([BoardEntry("t1", 7, "context", "entry")])
    index = repo.board_index()
    repo.store_lab_mapping("Central lab", "{}")
    assert repo.board_index() == index


def test_saved_mappings_outlive_the_program(tmp_path: Path) -> None:
    path = tmp_path / "planner.db"
    first = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        save_mapping(first, CTX, "Central lab", CENTRAL)
    finally:
        first.close()
    again = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        assert saved_mapping(again, "Central lab") == CENTRAL
    finally:
        again.close()


# --------------------------------------------------------------------------- use cases


def test_save_and_read_back_by_name_case_aside(repo: Repository) -> None:
    change = save_mapping(repo, CTX, "  Central lab ", CENTRAL)
    assert not change.undoable
    assert mapping_names(repo) == ["Central lab"]
    assert saved_mapping(repo, "Central lab") == CENTRAL
    assert saved_mapping(repo, "central LAB") == CENTRAL
    entry = repo.audit_log()[-1]
    assert entry.action == "Save lab import mapping 'Central lab'"
    assert '"CREA": "creatinine"' in json.loads(entry.new or '""')


def test_unknown_name_is_refused_naming_the_saved_ones(repo: Repository) -> None:
    with pytest.raises(LabImportError, match="none is saved yet"):
        saved_mapping(repo, "Central lab")
    save_mapping(repo, CTX, "Central lab", CENTRAL)
    save_mapping(repo, CTX, "another lab", replace(CENTRAL, decimal_comma=False))
    with pytest.raises(LabImportError) as err:
        saved_mapping(repo, "Centrl lab")
    assert str(err.value) == (
        "No column mapping is saved under the name 'Centrl lab'; the saved ones are: "
        "another lab, Central lab."
    )


def test_delete_forgets_and_is_audited(repo: Repository) -> None:
    save_mapping(repo, CTX, "Central lab", CENTRAL)
    delete_mapping(repo, CTX, "CENTRAL LAB")
    assert mapping_names(repo) == []
    assert repo.audit_log()[-1].action == "Delete lab import mapping 'Central lab'"
    with pytest.raises(LabImportError, match="none is saved yet"):
        delete_mapping(repo, CTX, "Central lab")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the column mapping a name"),
        ("x" * (MAX_NAME + 1), "at most 50"),
        ("a\tb", "control"),
    ],
)
def test_names_that_cannot_be_used(name: str, message: str) -> None:
    with pytest.raises(LabImportError, match=message):
        check_mapping_name(name)


def test_a_viewer_cannot_save_a_mapping(repo: Repository) -> None:
    viewer = Context(Actor("vera", "WS-07", Role.VIEWER), AT)
    with pytest.raises(PermissionDeniedError):
        save_mapping(repo, viewer, "Central lab", CENTRAL)
    assert repo.lab_mappings() == {}


def test_a_damaged_saved_mapping_is_refused(repo: Repository) -> None:
    repo.store_lab_mapping("Broken", "[not, json")
    repo.store_lab_mapping("Wrong", json.dumps({"mrn": 5, "date": "D"}))
    for name in ("Broken", "Wrong"):
        with pytest.raises(LabImportError, match="damaged"):
            saved_mapping(repo, name)


def test_mapping_dict_round_trip_keeps_every_field() -> None:
    wide = ColumnMapping(
        mrn="MRN",
        date="Date",
        wide={"anc": "ANC", "creatinine": "Crea"},
        wide_units={"creatinine": "Crea unit"},
        units={"anc": "10^9/L"},
        analyte_names={"NEUT#": "anc"},
        delimiter=";",
        sheet="Results",
    )
    for mapping in (CENTRAL, wide):
        assert mapping_from_dict(json.loads(json.dumps(mapping_to_dict(mapping)))) == mapping


# --------------------------------------------------------------------------- command line


@pytest.fixture
def clinic(repo: Repository) -> Repository:
    repo.commit(
        action(
            "Setup",
            patients=(patient(),),
            transplants=(replace(transplant(), day0=dt.date(2026, 2, 20)),),
        )
    )
    return repo


CENTRAL_CSV = (
    "Patient no;Collected;Test;Value;Units\n"
    "000123;2026-03-01;ANC;0,4;10^9/L\n"
    "000123;2026-03-01;Creatinine;97,2;umol/L\n"
)
HL7_LOCAL = (
    "MSH|^~\\&|LIS|CENTRAL|PLANNER|BMT|20260302||ORU^R01|1|P|2.5.1\r"
    "PID|1||000123^^^C^MR\r"
    "OBR|1|||CHEM|||20260301\r"
    "OBX|1|NM|CREA^Creatinine^L||1,2|mg/dL|||||F\r"
)


def test_cli_uses_a_saved_mapping(clinic: Repository, tmp_path: Path) -> None:
    path = tmp_path / "central.csv"
    path.write_text(CENTRAL_CSV, encoding="utf-8")
    code, text = run_import_labs(clinic, CTX, path, dry_run=True)
    assert code == EXIT_REFUSED and "not found" in text  # the default columns
    save_mapping(clinic, CTX, "Central lab", CENTRAL)
    code, text = run_import_labs(clinic, CTX, path, mapping_name="central lab")
    assert code == EXIT_OK, text
    assert "2 result(s) imported" in text
    assert {s.analyte for s in clinic.list_lab_samples()} == {"anc", "creatinine"}
    assert "mapping 'central lab'" in clinic.audit_log()[-1].reason


def test_cli_refuses_an_unknown_mapping_naming_the_saved_ones(
    clinic: Repository, tmp_path: Path
) -> None:
    path = tmp_path / "central.csv"
    path.write_text(CENTRAL_CSV, encoding="utf-8")
    save_mapping(clinic, CTX, "Central lab", CENTRAL)
    code, text = run_import_labs(clinic, CTX, path, mapping_name="North lab")
    assert code == EXIT_REFUSED
    assert text == (
        "No column mapping is saved under the name 'North lab'; the saved ones are: Central lab."
    )
    assert clinic.list_lab_samples() == []


def test_cli_decimal_comma_flag(clinic: Repository, tmp_path: Path) -> None:
    path = tmp_path / "comma.csv"
    path.write_text("MRN;Date;Test;Result;Unit\n000123;2026-03-01;ANC;0,4;10^9/L\n", "utf-8")
    code, text = run_import_labs(clinic, CTX, path, dry_run=True)
    assert code == EXIT_REJECTED_ROWS and "has a comma" in text
    code, text = run_import_labs(clinic, CTX, path, dry_run=True, decimal_comma=True)
    assert code == EXIT_OK, text


def test_cli_hl7_with_the_local_codes_of_a_saved_mapping(
    clinic: Repository, tmp_path: Path
) -> None:
    path = tmp_path / "feed.hl7"
    path.write_bytes(HL7_LOCAL.encode())
    code, text = run_import_labs(clinic, CTX, path, dry_run=True)
    assert code == EXIT_REJECTED_ROWS
    assert "message 1, OBX 1: Unknown code CREA (L)" in text
    save_mapping(clinic, CTX, "Central lab", CENTRAL)  # local codes and decimal comma
    code, text = run_import_labs(clinic, CTX, path, mapping_name="Central lab")
    assert code == EXIT_OK, text
    assert [(s.analyte, s.value) for s in clinic.list_lab_samples()] == [("creatinine", 1.2)]
