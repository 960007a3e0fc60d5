"""Every board alert has a severity; the board, ``board --json`` and the board index keep the
alerts most severe first, and the weekend/closure clashes are one line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from planner.app import alert_rules, snapshot
from planner.app import plan_checks as plan_checks_module
from planner.app.alert_rules import HIGH, LOW, MEDIUM
from planner.app.board import Alert, board_row, most_severe_first
from planner.app.clinic import clinic_view, load_clinic
from planner.app.complications import save_assessment
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.snapshot import (
    FORMAT,
    build_entries,
    entry_document,
    entry_payload,
    start_board_of,
)
from planner.clinical.grading import magic_grade_assessment
from planner.clinical.plan_rules.catalogue import RuleDef
from planner.clinical.plan_rules.findings import Finding
from planner.domain.patients import Patient, Transplant, TransplantStatus
from planner.domain.plans import instantiate
from planner.domain.templates import parse_protocol
from planner.records.ports import Actor, BoardEntry, IndexedTransplant
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CTX = Context(Actor("coordinator", "ws-1"), NOW)

TEMPLATE = b"""
schema = 1
id = "severity-test"
version = "1"
title = "Severity test"
category = "conditioning"
transplant_types = ["autologous"]
graft_sources = ["pbsc"]
review_status = "for local review"
source = "test"

[[steps]]
id = "infusion"
title = "Infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "visit"
title = "Clinic visit"
phase = "follow-up"
kind = "visit"
day = 3

[[steps]]
id = "cmv"
title = "CMV test"
phase = "follow-up"
kind = "lab"
days = [4, 5]
"""

DAY0 = dt.date(2026, 3, 10)  # a Tuesday: Day +3 is Friday 13, Days +4 and +5 the weekend
CLOSED = DAY0 + dt.timedelta(days=3)


def _patient() -> Patient:
    return Patient(
        id="p1",
        mrn="000123",
        family_name="Test",
        given_name="Ana",
        date_of_birth=dt.date(1970, 5, 1),
        sex="female",
    )


def _transplant() -> Transplant:
    return Transplant(
        id="t1",
        patient_id="p1",
        transplant_type="autologous",
        graft_source="pbsc",
        day0=DAY0,
        status=TransplantStatus.ACTIVE,
    )


@pytest.fixture
def plan():
    made = instantiate(parse_protocol(TEMPLATE, "severity-test.toml"), DAY0)
    return dataclasses.replace(made, transplant_id="t1")


# --- the table ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("Meets primary graft failure definition: confirm", HIGH),
        ("No engraftment by D+28: watch", HIGH),
        (
            "Secondary graft failure pattern: ANC < 0.5 on 3 consecutive results since D+18 "
            "after engraftment on D+9: confirm",
            HIGH,
        ),
        ("Poor graft function pattern: ANC <= 1 and platelets <= 20 since D+30: confirm", HIGH),
        (
            "Chimerism T cells (CD3+) 80% donor D+30: mixed chimerism, falling from 97%: confirm",
            HIGH,
        ),
        ("Chimerism whole blood 3% donor D+60: loss of donor chimerism: confirm", HIGH),
        ("CD34 target reached: stop collection", HIGH),
        ("Low CD34: consider plerixafor", MEDIUM),
        ("Neutrophil engraftment D+14", MEDIUM),
        ("Neutrophil engraftment D+14 (override)", MEDIUM),
        ("ANC never below 0.5", MEDIUM),
        ("No ANC results since Day 0: engraftment unknown", MEDIUM),
    ],
)
def test_each_counts_and_harvest_alert_has_its_severity(text: str, severity: str) -> None:
    assert alert_rules.severity_of(alert_rules.recovery_rule(text)) == severity
    assert Alert.of(text, alert_rules.recovery_rule(text)).severity == severity


@pytest.mark.parametrize(
    ("text", "rule", "severity"),
    [
        ("aGVHD grade III since D+21", alert_rules.COMPLICATIONS, HIGH),
        ("VOD/SOS since D+12", alert_rules.COMPLICATIONS, HIGH),  # no grade recorded yet
        ("Complication record cannot be read.", alert_rules.COMPLICATIONS, HIGH),
        ("Checklist record cannot be read.", alert_rules.CHECKLISTS, HIGH),
        ("IDM tests expire 25 days before the planned collection", alert_rules.CHECKLISTS, MEDIUM),
        ("Handout of 2026-03-01 is out of date", alert_rules.DOCUMENTS, MEDIUM),
    ],
)
def test_each_record_alert_has_its_severity(text: str, rule: str, severity: str) -> None:
    assert Alert.of(text, alert_rules.record_rule(text, rule)).severity == severity


def test_the_table_covers_every_source_and_an_unknown_rule_is_medium() -> None:
    assert alert_rules.SEVERITY[alert_rules.OVERDUE] == MEDIUM
    assert alert_rules.SEVERITY[alert_rules.CALENDAR] == LOW
    assert {rule for _, rule in alert_rules._RECOVERY} <= set(alert_rules.SEVERITY)
    assert set(alert_rules.SEVERITY.values()) == set(alert_rules.SEVERITIES)
    assert alert_rules.severity_of("a rule nobody wrote") == MEDIUM
    assert Alert("plain text").severity == MEDIUM


def test_most_severe_first_keeps_the_order_within_a_severity() -> None:
    given = [
        Alert("low 1", "", LOW),
        Alert("medium 1", "", MEDIUM),
        Alert("high 1", "", HIGH),
        Alert("medium 2", "", MEDIUM),
        Alert("high 2", "", HIGH),
        Alert("low 2", "", LOW),
    ]
    assert [a.text for a in most_severe_first(given)] == [
        "high 1",
        "high 2",
        "medium 1",
        "medium 2",
        "low 1",
        "low 2",
    ]


# --- the board row ---------------------------------------------------------------------------


def test_the_coordinators_row_shows_the_safety_alerts_first(plan) -> None:
    """The issue: aGVHD and "stop collection" came 5th and 4th, after the calendar notes."""
    today = DAY0 + dt.timedelta(days=1)  # the infusion is overdue
    low_cd34, stop = "Low CD34: consider plerixafor", "CD34 target reached: stop collection"
    extra = [
        Alert.of(low_cd34, alert_rules.recovery_rule(low_cd34)),
        Alert.of(stop, alert_rules.recovery_rule(stop)),
        Alert("Plan check (low): a note", "Rule x: a note. Source: test.", LOW),
        Alert.of("aGVHD grade III since D+21", alert_rules.COMPLICATIONS),
        Alert.of("IDM tests expire 3 days before the collection", alert_rules.CHECKLISTS),
        "a text without a rule",
    ]
    row = board_row(_patient(), _transplant(), plan, today, [CLOSED], extra_alerts=extra)
    assert row.alerts == (
        "CD34 target reached: stop collection",
        "aGVHD grade III since D+21",
        "1 overdue",
        "Low CD34: consider plerixafor",
        "IDM tests expire 3 days before the collection",
        "a text without a rule",
        "Weekend/closure: Clinic visit Fri 13 Mar (clinic closed), CMV test Sat 14 Mar, "
        "CMV test Sun 15 Mar",
        "Plan check (low): a note",
    )
    assert row.alert_severities == (HIGH, HIGH, MEDIUM, MEDIUM, MEDIUM, MEDIUM, LOW, LOW)
    assert len(row.alert_rules) == len(row.alerts)
    assert [a.text for a in row.high_alerts] == list(row.alerts[:2])
    assert row.alert_items[1].marked == "! aGVHD grade III since D+21"
    assert row.alert_items[2].marked == "1 overdue"


def test_weekend_and_closure_clashes_are_one_low_line_with_each_note_in_its_rule(plan) -> None:
    row = board_row(_patient(), _transplant(), plan, DAY0 + dt.timedelta(days=1), [CLOSED])
    calendar = [a for a in row.alert_items if a.text.startswith("Weekend/closure: ")]
    assert len(calendar) == 1
    (line,) = calendar
    assert line.severity == LOW
    assert line.rule.startswith(alert_rules.CALENDAR)
    for note in (
        "Clinic visit on Fri 13 Mar (clinic closed)",
        "CMV test on Sat 14 Mar (weekend)",
        "CMV test on Sun 15 Mar (weekend)",
    ):
        assert note in line.rule
    # Without a clash in the next two weeks there is no line at all.
    later = board_row(_patient(), _transplant(), plan, DAY0 + dt.timedelta(days=6))
    assert not any(a.startswith("Weekend/closure") for a in later.alerts)


def test_board_json_alerts_are_objects_most_severe_first(plan) -> None:
    extra = [Alert.of("aGVHD grade III since D+21", alert_rules.COMPLICATIONS)]
    row = board_row(
        _patient(), _transplant(), plan, DAY0 + dt.timedelta(days=1), [CLOSED], extra_alerts=extra
    )
    shown = row.as_json()
    assert list(shown) == ["mrn", "name", "day", "phase", "due_today", "alerts"]
    alerts = shown["alerts"]
    assert isinstance(alerts, list)
    assert alerts[0] == {
        "text": "aGVHD grade III since D+21",
        "severity": "high",
        "rule": alert_rules.COMPLICATIONS,
    }
    assert [a["severity"] for a in alerts] == ["high", "medium", "low"]
    json.dumps(shown)  # plain JSON


def test_plan_check_alerts_keep_the_severity_of_their_rule(monkeypatch, plan) -> None:
    def finding(severity: str, action: bool = True) -> Finding:
        rule = RuleDef(f"r-{severity}", "test", severity, f"a {severity} rule", "test")
        return Finding(rule, f"found {severity}.", action=action)

    found = [finding(LOW), finding(HIGH), finding(MEDIUM), finding(HIGH, action=False)]
    monkeypatch.setattr(plan_checks_module, "transplant_findings", lambda *a: found)
    alerts = plan_checks_module.plan_check_alerts([_patient()], [_transplant()], [plan], TODAY)
    assert [(a.severity, a.text) for a in alerts["t1"]] == [
        (LOW, "Plan check (low): found low."),
        (HIGH, "Plan check (high): found high."),
        (MEDIUM, "Plan check (medium): found medium."),
    ]
    row = board_row(_patient(), _transplant(), plan, DAY0, extra_alerts=alerts["t1"])
    checks = [a for a in row.alert_items if a.text.startswith("Plan check")]
    assert [a.severity for a in checks] == [HIGH, MEDIUM, LOW]
    assert checks[0].rule.startswith("found high. Rule r-high")


# --- the clinic and its board index --------------------------------------------------------------


@pytest.fixture(scope="module")
def graded_repo() -> InMemoryRepository:
    """The demo clinic with an aGVHD grade III recorded today for DEMO-0011 (5 overdue, two
    weekend clashes)."""
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    patient = repo.find_patient_by_mrn("DEMO-0011")
    assert patient is not None
    (transplant,) = repo.list_transplants(patient.id)
    save_assessment(repo, CTX, transplant.id, magic_grade_assessment(2, 2, 0, 0), TODAY)
    return repo


def test_the_clinic_board_puts_a_graded_complication_before_overdue_and_calendar(graded_repo):
    row = next(r for r in clinic_view(graded_repo, TODAY).rows if r.mrn == "DEMO-0011")
    assert row.alert_items[0].text == "aGVHD grade III since D+45"
    assert row.alert_items[0].severity == HIGH
    assert row.alert_items[0].rule == alert_rules.COMPLICATIONS
    # Medium: the overdue steps, then the registry forms past due (checklists come after
    # the plan in the tie order); low: the weekend clinic test.
    assert row.alert_severities == (HIGH, MEDIUM, MEDIUM, LOW)
    assert row.alerts[1].endswith("overdue")
    assert row.alert_items[2].rule == alert_rules.CHECKLIST_OVERDUE
    assert row.alerts[3].startswith("Weekend/closure: CMV blood test")


def _entries(repo: InMemoryRepository) -> list[BoardEntry]:
    """The board index entries the app would store for ``repo`` (not stored: the repo is
    shared by this module's tests)."""
    marks = {i.transplant_id: i.mark for i in repo.board_index()}
    return build_entries(load_clinic(repo), marks, TODAY)


def _index(entries: list[BoardEntry]) -> list[IndexedTransplant]:
    return [IndexedTransplant(e.transplant_id, e.mark, e) for e in entries]


def _graded_tid(repo: InMemoryRepository) -> str:
    return next(r.transplant_id for r in clinic_view(repo, TODAY).rows if r.mrn == "DEMO-0011")


def test_the_board_index_carries_the_severities_exactly(graded_repo):
    board = start_board_of(_index(_entries(graded_repo)), TODAY)
    live = clinic_view(graded_repo, TODAY).rows
    assert board is not None and board.complete
    assert board.rows == live
    assert any(HIGH in r.alert_severities for r in board.rows), "not vacuous"


def _rows_changed(entry: BoardEntry, change) -> BoardEntry:
    doc = entry_document(entry.payload)
    day = TODAY.isoformat()
    row, items = json.loads(doc["days"][day])
    doc["days"][day] = json.dumps([change(list(row)), items])
    return dataclasses.replace(entry, payload=entry_payload(doc))


def _changed(entries: list[BoardEntry], change) -> list[BoardEntry]:
    return [
        dataclasses.replace(e, payload=entry_payload(change(entry_document(e.payload))))
        for e in entries
    ]


def test_an_entry_of_a_previous_format_is_not_shown(graded_repo, monkeypatch):
    assert FORMAT == 6
    entries = _entries(graded_repo)
    assert start_board_of(_index(entries), TODAY) is not None
    # Format 5 (every day in one JSON document): entries computed under it are not shown.
    with monkeypatch.context() as m:
        m.setattr(snapshot, "FORMAT", 5)
        older = _entries(graded_repo)
    assert start_board_of(_index(older), TODAY) is None
    # Nor one laid out as format 5 under the current context: it does not decode.
    whole = [
        dataclasses.replace(e, payload=json.dumps(entry_document(e.payload), separators=(",", ":")))
        for e in entries
    ]
    assert start_board_of(_index(whole), TODAY) is None

    # Even under the current context, an entry without the engraftment date is not shown.
    def without_engrafted(doc: dict) -> dict:
        del doc["engrafted"]
        return doc

    assert start_board_of(_index(_changed(entries, without_engrafted)), TODAY) is None
    # Nor one whose rows lack their severities (format 2).
    cut = [_rows_changed(e, lambda r: r[:15]) for e in entries]
    assert start_board_of(_index(cut), TODAY) is None


@pytest.mark.parametrize(
    "bad",
    [
        lambda severities: severities[:-1],  # one severity missing
        lambda severities: ["urgent"] * len(severities),  # not a severity
    ],
)
def test_an_entry_whose_severities_do_not_match_its_alerts_is_not_shown(graded_repo, bad):
    entries = _entries(graded_repo)
    graded = _graded_tid(graded_repo)

    def change(row: list) -> list:
        return [*row[:15], bad(row[15])] if row[12] else row

    changed = [_rows_changed(e, change) if e.transplant_id == graded else e for e in entries]
    board = start_board_of(_index(changed), TODAY)
    assert board is not None
    assert board.missing == {graded}  # computed instead of shown
    assert all(r.transplant_id != graded for r in board.rows)


def test_the_severity_is_part_of_what_an_entry_must_match(graded_repo):
    """A row with the same texts but another severity is another row: never equal."""
    row = next(r for r in clinic_view(graded_repo, TODAY).rows if r.mrn == "DEMO-0011")
    other = dataclasses.replace(row, alert_severities=(MEDIUM,) * len(row.alerts))
    assert other != row
