"""The one edit path: every use case returns a Change that names what it touched and
what it stored; undo and redo write one side over the other, audited, and refuse to
overwrite a document saved since. Against every repository."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from collections.abc import Callable
from types import ModuleType

import pytest

from planner.app import (
    changes,
    checklists,
    complications,
    counts,
    events,
    exports,
    harvest,
    infusion,
    lab_import,
    patients,
    plans,
)
from planner.app.changes import Change, doc_key, redo, same_content, undo
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.clinical.grading import magic_assessment
from planner.domain.patients import Transplant, TransplantStatus, TransplantType
from planner.domain.plans import move_step
from planner.domain.templates import load_protocols
from planner.errors import ChangedSinceError
from planner.labimport.reader import ColumnMapping
from planner.records.checklists import load_checklists
from planner.records.harvest_log import Collection
from planner.records.ports import Repository
from planner.records.recovery import RecoveryRecord, effective_samples
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CTX = Context(ACTOR, NOW)
USE_CASE_MODULES: tuple[ModuleType, ...] = (
    patients,
    plans,
    harvest,
    counts,
    complications,
    checklists,
    lab_import,
    exports,
    events,
    infusion,
)


@pytest.fixture
def demo(repo: Repository) -> Repository:
    load_demo_clinic(repo, CTX)
    return repo


def _tid(repo: Repository, mrn: str) -> str:
    patient = repo.find_patient_by_mrn(mrn)
    assert patient is not None
    return repo.list_transplants(patient.id)[0].id


def _pid(repo: Repository, mrn: str) -> str:
    patient = repo.find_patient_by_mrn(mrn)
    assert patient is not None
    return patient.id


def _grade_iii():
    return magic_assessment(skin_bsa_percent=30, bilirubin=1.0, stool_ml_per_day=1200, weight_kg=59)


# Each use case that edits, as (name, call, the parts its change must name). The call
# gets a repository holding the demo clinic.
Call = Callable[[Repository], object]
CASES: list[tuple[str, Call, set[str]]] = [
    (
        "save_patient",
        lambda r: patients.save_patient(
            r, CTX, dataclasses.replace(r.find_patient_by_mrn("DEMO-0003"), weight_kg=95.0)
        ),
        {"patient"},
    ),
    (
        "create_transplant_plan",
        lambda r: plans.create_transplant_plan(
            r,
            CTX,
            Transplant(
                id="t-new",
                patient_id=_pid(r, "DEMO-0001"),
                transplant_type=TransplantType.AUTOLOGOUS,
                graft_source="pbsc",
                day0=TODAY + dt.timedelta(days=60),
                status=TransplantStatus.PLANNED,
                tandem=True,
            ),
            [load_protocols()["mel200-auto"]],
        ),
        {"transplant", "plan"},
    ),
    (
        "move_day0",
        lambda r: plans.move_day0(
            r, CTX, r.get_plan(_tid(r, "DEMO-0001")), TODAY + dt.timedelta(days=30), "donor"
        ),
        {"transplant", "plan"},
    ),
    (
        "save_plan",
        lambda r: plans.save_plan(
            r,
            CTX,
            (plan := r.get_plan(_tid(r, "DEMO-0001"))),
            move_step(plan, next(s.id for s in plan.steps if not s.records), 1)[0],
            "Move a step",
        ),
        {"plan"},
    ),
    (
        "record_pb_cd34",
        lambda r: harvest.record_pb_cd34(r, CTX, _tid(r, "DEMO-0003"), TODAY, 25.0),
        {"harvest"},
    ),
    (
        "add_collection",
        lambda r: harvest.add_collection(
            r, CTX, _tid(r, "DEMO-0003"), Collection("c1", TODAY, 250, 64, cd34_per_ul=800)
        ),
        {"harvest", "plan"},  # DEMO-0003's apheresis is due today: the collection ticks it
    ),
    (
        "edit_collection",
        lambda r: (
            harvest.add_collection(
                r, CTX, _tid(r, "DEMO-0003"), Collection("c1", TODAY, 250, 64, cd34_per_ul=800)
            ),
            harvest.edit_collection(
                r,
                CTX,
                _tid(r, "DEMO-0003"),
                Collection("c1", TODAY, 100, 64, cd34_per_ul=800),
                harvest.load_harvest(r, _tid(r, "DEMO-0003"))[1],
            ),
        )[1],
        {"harvest"},
    ),
    (
        "remove_collection",
        lambda r: (
            harvest.add_collection(
                r, CTX, _tid(r, "DEMO-0003"), Collection("c1", TODAY, 250, 64, cd34_per_ul=800)
            ),
            harvest.remove_collection(r, CTX, _tid(r, "DEMO-0003"), "c1", "wrong patient"),
        )[1],
        {"harvest"},
    ),
    (
        "save_harvest_settings",
        lambda r: harvest.save_harvest_settings(
            r,
            CTX,
            _tid(r, "DEMO-0003"),
            dataclasses.replace(
                harvest.load_harvest(r, _tid(r, "DEMO-0003"))[0], plerixafor_threshold=15.0
            ),
        ),
        {"harvest"},
    ),
    (
        "record_counts",
        lambda r: counts.record_counts(r, CTX, _tid(r, "DEMO-0009"), TODAY, {"anc": 0.4}),
        {"samples"},
    ),
    (
        "record_transfusion",
        lambda r: counts.record_transfusion(r, CTX, _tid(r, "DEMO-0009"), TODAY, "platelets"),
        {"engraftment"},
    ),
    (
        "remove_transfusion",
        lambda r: (
            counts.record_transfusion(r, CTX, _tid(r, "DEMO-0009"), TODAY, "platelets"),
            counts.remove_transfusion(
                r, CTX, _tid(r, "DEMO-0009"), TODAY, "platelets", "wrong day"
            ),
        )[1],
        {"engraftment"},
    ),
    (
        "remove_count",
        lambda r: (
            counts.record_counts(r, CTX, _tid(r, "DEMO-0009"), TODAY, {"anc": 0.4}),
            counts.remove_count(r, CTX, _tid(r, "DEMO-0009"), TODAY, "anc", "wrong row"),
        )[1],
        {"engraftment"},
    ),
    (
        "record_chimerism",
        lambda r: counts.record_chimerism(r, CTX, _tid(r, "DEMO-0009"), TODAY, "t_cell", 88.0),
        {"engraftment"},
    ),
    (
        "remove_chimerism",
        lambda r: (
            counts.record_chimerism(r, CTX, _tid(r, "DEMO-0009"), TODAY, "t_cell", 88.0),
            counts.remove_chimerism(r, CTX, _tid(r, "DEMO-0009"), TODAY, "t_cell", "wrong patient"),
        )[1],
        {"engraftment"},
    ),
    (
        "override_engraftment",
        lambda r: counts.override_engraftment(
            r, CTX, _tid(r, "DEMO-0009"), "neutrophil", None, "manual differential"
        ),
        {"engraftment"},
    ),
    (
        "clear_engraftment_override",
        lambda r: (
            counts.override_engraftment(
                r, CTX, _tid(r, "DEMO-0009"), "neutrophil", None, "manual differential"
            ),
            counts.clear_engraftment_override(r, CTX, _tid(r, "DEMO-0009"), "neutrophil", "x"),
        )[1],
        {"engraftment"},
    ),
    (
        "save_assessment",
        lambda r: complications.save_assessment(r, CTX, _tid(r, "DEMO-0010"), _grade_iii(), TODAY),
        {"complications"},
    ),
    (
        "start_episode",
        lambda r: complications.start_episode(r, CTX, _tid(r, "DEMO-0010"), "Mucositis", TODAY),
        {"complications"},
    ),
    (
        "resolve_episode",
        lambda r: complications.resolve_episode(
            r,
            CTX,
            _tid(r, "DEMO-0010"),
            complications.start_episode(
                r, CTX, _tid(r, "DEMO-0010"), "Mucositis", TODAY - dt.timedelta(days=2)
            ).subject,
            TODAY,
        ),
        {"complications"},
    ),
    (
        "add_episode_note",
        lambda r: complications.add_episode_note(
            r,
            CTX,
            _tid(r, "DEMO-0010"),
            complications.start_episode(r, CTX, _tid(r, "DEMO-0010"), "Mucositis", TODAY).subject,
            TODAY,
            "mouth care",
        ),
        {"complications"},
    ),
    (
        "tick_checklist_item",
        lambda r: checklists.tick_checklist_item(
            r,
            CTX,
            _tid(r, "DEMO-0001"),
            load_checklists()["pre-transplant-workup"],
            "dental",
            done=True,
            date=TODAY,
        ),
        {"checklists"},
    ),
    (
        "import_labs",
        lambda r: lab_import.import_labs(
            r,
            CTX,
            b"MRN,Date,Test,Result,Unit\nDEMO-0009,2026-03-02,ANC,0.7,10^9/L\n",
            "labs.csv",
            ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit"),
        ),
        {"samples"},
    ),
    (
        "record_printed",
        lambda r: exports.record_printed(
            r, CTX, exports.prepare_job(r, _tid(r, "DEMO-0003"), "handout", printed_on=TODAY)
        ),
        {"documents"},
    ),
    (
        "record_event",
        lambda r: events.record_event(r, CTX, "View patient", _pid(r, "DEMO-0003")),
        set(),
    ),
]
# Use cases that need a file system and rendering: their change is checked in
# test_export_service (save_rendered, export_document, batch_export) and
# tests/e2e/test_cli_export_views.py (export_view: its audit row, and no file without it).
ELSEWHERE = {
    "save_rendered",
    "export_document",
    "batch_export",
    "export_view",
    # tests/integration/test_infusion_use_cases.py: audit rows, undo and redo, refusals
    # that write nothing, undo refused after a later edit (memory and SQLite stores).
    "add_product",
    "remove_product",
    "add_reaction",
    "remove_reaction",
}


def _edit_use_cases() -> set[str]:
    """Every function of the use-case modules whose first parameters are (repo, ctx)."""
    found = set()
    for module in USE_CASE_MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:2] == ["repo", "ctx"]:
                found.add(name)
    return found


def test_every_use_case_is_covered_by_the_contract() -> None:
    """A new use case must join CASES: the contract below is then run on it."""
    assert _edit_use_cases() == {name for name, _, _ in CASES} | ELSEWHERE


@pytest.mark.parametrize(("name", "call", "parts"), CASES, ids=[c[0] for c in CASES])
def test_a_use_case_returns_a_change_naming_what_it_touched(
    demo: Repository, name: str, call: Call, parts: set[str]
) -> None:
    result = call(demo)
    change = changes.change_of(result)  # type: ignore[arg-type]
    assert isinstance(change, Change), name
    assert change.parts == parts
    for key in change.changed_keys:  # what the change says it stored is what is stored
        part, ident = key
        doc = next(d for d in change.after if doc_key(d) == key)
        if part == "patient":
            stored = demo.get_patient(ident)
        elif part == "transplant":
            stored = demo.get_transplant(ident)
        elif part == "plan":
            stored = demo.get_plan(ident)
        else:
            stored = demo.get_record(ident, part)
        assert stored == doc, key
    if parts - {"patient", "samples"}:
        assert change.transplant_ids
    if "patient" in parts or "samples" in parts:
        assert change.patient_ids
    assert change.description in {e.action for e in demo.audit_log()}


def test_undo_and_redo_are_audited_commits_of_one_side_over_the_other(demo: Repository) -> None:
    tid = _tid(demo, "DEMO-0003")
    change = harvest.add_collection(
        demo, CTX, tid, Collection("c1", TODAY, 250, 64, cd34_per_ul=800)
    )
    assert change.undoable
    undone = undo(demo, CTX, change, change.after)
    assert harvest.load_harvest(demo, tid)[0].collections == ()
    assert undone.parts == {"harvest", "plan"}
    redone = redo(demo, CTX, change, undone.after)
    assert [c.id for c in harvest.load_harvest(demo, tid)[0].collections] == ["c1"]
    actions = [e.action for e in demo.audit_log()]  # one row per field: one run per action
    runs = [a for i, a in enumerate(actions) if i == 0 or actions[i - 1] != a]
    assert runs[-3:] == [
        "Add apheresis collection",
        "Undo: Add apheresis collection",
        "Add apheresis collection",
    ]
    assert same_content(redone.after.records[0], change.after.records[0])


def test_undo_refuses_to_overwrite_what_was_saved_since(demo: Repository) -> None:
    tid = _tid(demo, "DEMO-0003")
    first = harvest.add_collection(demo, CTX, tid, Collection("c1", TODAY, 250, 64, cd34_per_ul=8))
    harvest.add_collection(demo, CTX, tid, Collection("c2", TODAY, 200, 64, cd34_per_ul=9))
    with pytest.raises(ChangedSinceError, match="harvest was changed since"):
        undo(demo, CTX, first, first.after)  # c2 would be lost: refused, nothing written
    assert [c.id for c in harvest.load_harvest(demo, tid)[0].collections] == ["c1", "c2"]


def test_undoing_counts_supersedes_them_in_every_transplant_of_the_patient(
    demo: Repository,
) -> None:
    tid = _tid(demo, "DEMO-0009")
    pid = _pid(demo, "DEMO-0009")
    change = counts.record_counts(demo, CTX, tid, TODAY, {"anc": 0.4, "plt": 12})
    assert len(change.samples) == 2
    stored = demo.list_lab_samples(pid)
    undone = undo(demo, CTX, change, change.after)
    record = RecoveryRecord.from_body(demo.get_record(tid, "engraftment").body)
    visible = effective_samples(demo.list_lab_samples(pid), record)
    assert not any(s in visible for s in change.samples)  # hidden, never deleted
    assert len(demo.list_lab_samples(pid)) == len(stored)
    redo(demo, CTX, change, undone.after)
    record = RecoveryRecord.from_body(demo.get_record(tid, "engraftment").body)
    assert all(s in effective_samples(demo.list_lab_samples(pid), record) for s in change.samples)


def test_undoing_an_import_for_many_patients_hides_each_ones_samples_and_no_others(
    demo: Repository,
) -> None:
    """Each patient's samples are found once for all their records (an import for 500
    patients compared every sample with every record): undone, each transplant hides
    exactly its patient's samples of the import; redone, exactly those come back, and a
    correction made by hand before stays."""
    from planner.app.lab_import import import_labs

    tid9 = _tid(demo, "DEMO-0009")
    hand = counts.record_counts(demo, CTX, tid9, TODAY, {"anc": 0.4})
    undo(demo, CTX, hand, hand.after)  # a superseded entry that is not the import's
    mrns = ["DEMO-0003", "DEMO-0009", "DEMO-0010", "DEMO-0011"]
    lines = "".join(
        f"{mrn},{(TODAY - dt.timedelta(days=d)).isoformat()},PLT,{20 + d},K/uL\n"
        for mrn in mrns
        for d in (1, 2)
    )
    mapping = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
    report = import_labs(
        demo, CTX, f"MRN,Date,Test,Result,Unit\n{lines}".encode(), "f.csv", mapping
    )
    assert report.change is not None
    accepted = {mrn: {s for s in report.accepted if s.mrn == mrn} for mrn in mrns}
    assert sum(bool(a) for a in accepted.values()) >= 3, "several patients: not vacuous"

    def shown(mrn: str) -> set[object]:
        tid, pid = _tid(demo, mrn), _pid(demo, mrn)
        record = RecoveryRecord.from_body(demo.get_record(tid, "engraftment").body)
        return set(effective_samples(demo.list_lab_samples(pid), record))

    def superseded(mrn: str) -> list[object]:
        record = demo.get_record(_tid(demo, mrn), "engraftment")
        return list(RecoveryRecord.from_body(record.body).superseded) if record else []

    before = {mrn: superseded(mrn) for mrn in mrns}
    undone = undo(demo, CTX, report.change, report.change.after)
    for mrn in mrns:
        assert not accepted[mrn] & shown(mrn)
        assert len(superseded(mrn)) == len(before[mrn]) + len(accepted[mrn])
    redo(demo, CTX, report.change, undone.after)
    for mrn in mrns:
        assert accepted[mrn] <= shown(mrn)
        assert superseded(mrn) == before[mrn]  # the hand correction's entry stays
    assert before["DEMO-0009"], "a correction made before: not vacuous"


def test_edits_of_one_document_undo_and_redo_in_turn(demo: Repository) -> None:
    """Undo walks back over several edits of one document (each undo leaves it as the
    earlier edit left it), and redo walks forward again."""
    tid = _tid(demo, "DEMO-0003")
    edits = [
        harvest.add_collection(demo, CTX, tid, Collection(cid, TODAY, 250, 64, cd34_per_ul=8))
        for cid in ("c1", "c2", "c3")
    ]
    left = [e.after for e in edits]
    for i in (2, 1, 0):
        left[i] = undo(demo, CTX, edits[i], left[i]).after
        assert [c.id for c in harvest.load_harvest(demo, tid)[0].collections] == [
            "c1",
            "c2",
            "c3",
        ][:i]
    for i in (0, 1, 2):
        left[i] = redo(demo, CTX, edits[i], left[i]).after
    assert [c.id for c in harvest.load_harvest(demo, tid)[0].collections] == ["c1", "c2", "c3"]


def test_count_entries_and_a_correction_undo_and_redo_in_turn(demo: Repository) -> None:
    tid = _tid(demo, "DEMO-0009")
    pid = _pid(demo, "DEMO-0009")

    def shown() -> dict[tuple[dt.date, str], float]:
        record = RecoveryRecord.from_body(demo.get_record(tid, "engraftment").body)
        samples = effective_samples(demo.list_lab_samples(pid), record)
        return {(s.date, s.analyte): s.value for s in samples if s.date >= TODAY - dt.timedelta(1)}

    day1, day2 = TODAY - dt.timedelta(days=1), TODAY
    edits = [
        counts.record_counts(demo, CTX, tid, day1, {"plt": 15.0}),
        counts.record_counts(demo, CTX, tid, day2, {"plt": 12.0}),
        counts.record_counts(demo, CTX, tid, day1, {"plt": 51.0}, reason="typo: 15 for 51"),
    ]
    states = [shown()]
    assert states[0][(day1, "plt")] == 51.0 and states[0][(day2, "plt")] == 12.0
    left = [e.after for e in edits]
    left[2] = undo(demo, CTX, edits[2], left[2]).after
    assert shown()[(day1, "plt")] == 15.0  # the correction taken back
    left[1] = undo(demo, CTX, edits[1], left[1]).after
    assert (day2, "plt") not in shown() and shown()[(day1, "plt")] == 15.0
    left[0] = undo(demo, CTX, edits[0], left[0]).after
    assert (day1, "plt") not in shown()
    for i in (0, 1, 2):
        left[i] = redo(demo, CTX, edits[i], left[i]).after
    assert shown() == states[0]


def test_undoing_a_lab_import_supersedes_what_it_added(demo: Repository) -> None:
    report = CASES[[c[0] for c in CASES].index("import_labs")][1](demo)
    change = changes.change_of(report)  # type: ignore[arg-type]
    assert change is not None and len(change.samples) == 1 and change.undoable
    [sample] = change.samples
    undo(demo, CTX, change, change.after)
    for transplant in demo.list_transplants(sample.patient_id):
        record = RecoveryRecord.from_body(demo.get_record(transplant.id, "engraftment").body)
        assert sample not in effective_samples(demo.list_lab_samples(sample.patient_id), record)


def test_creating_is_not_undoable_and_events_touch_nothing(demo: Repository) -> None:
    created = CASES[1][1](demo)
    assert isinstance(created, Change) and not created.undoable
    event = events.record_event(demo, CTX, "View patient", None)
    assert not event.parts and not event.undoable
    printed = CASES[-2][1](demo)
    assert isinstance(printed, Change) and printed.parts == {"documents"}
    assert not printed.undoable  # a printed page stays printed


def test_a_change_lists_the_date_changes_of_its_plan(demo: Repository) -> None:
    plan = demo.get_plan(_tid(demo, "DEMO-0001"))
    change = plans.move_day0(demo, CTX, plan, plan.day0 + dt.timedelta(days=7), "donor delayed")
    moved = change.date_changes
    assert moved and all((c.new_date - c.old_date).days == 7 for c in moved)
