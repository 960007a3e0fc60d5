"""The transplant record on the one edit path: details, donor and status are edited,
audited and undone; a closed transplant leaves the board for its filter; a patient
recorded as deceased is deceased in every open transplant and gets no new plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planner.app.board import closed_rows
from planner.app.changes import undo
from planner.app.clinic import clinic_view, closed_view
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.exports import transplants_with_visit_on
from planner.app.plans import create_transplant_plan
from planner.app.transplants import next_transplant_number, save_transplant
from planner.domain.patients import (
    DonorRelation,
    GraftManipulation,
    Transplant,
    TransplantStatus,
    new_id,
    with_status,
)
from planner.domain.templates import load_protocols
from planner.errors import ConflictError, ValidationError
from planner.records.ports import Repository
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CTX = Context(ACTOR, NOW)
S = TransplantStatus


@pytest.fixture
def demo(repo: Repository) -> Repository:
    load_demo_clinic(repo, CTX)
    return repo


def _transplant(repo: Repository, mrn: str) -> Transplant:
    patient = repo.find_patient_by_mrn(mrn)
    assert patient is not None
    return repo.list_transplants(patient.id)[0]


def _board_ids(repo: Repository) -> set[str]:
    return {r.transplant_id for r in clinic_view(repo, TODAY).rows}


def test_a_donor_edit_is_stored_audited_and_undone(demo: Repository) -> None:
    t = _transplant(demo, "DEMO-0004")
    assert t.donor is not None
    donor = replace(
        t.donor,
        relation=DonorRelation.UNRELATED,
        sex="female",
        age_years=31,
        abo="A",
        cmv_igg="negative",
        registry_id="9999-0001-2",
        hla_match="10/10",
    )
    edited = replace(t, donor=donor, manipulation=GraftManipulation.CD34_SELECTED, number=2)
    change = save_transplant(demo, CTX, edited)
    stored = demo.get_transplant(t.id)
    assert stored.donor == donor and stored.number == 2 and stored.version == t.version + 1
    assert change.description == "Edit transplant" and change.undoable
    fields = {e.field for e in demo.audit_log() if e.entity == "transplant" and e.entity_id == t.id}
    assert {"donor", "manipulation", "number"} <= fields
    undo(demo, CTX, change, change.after)
    assert demo.get_transplant(t.id).donor == t.donor


def test_an_edit_of_a_transplant_saved_meanwhile_is_a_conflict(demo: Repository) -> None:
    t = _transplant(demo, "DEMO-0004")
    save_transplant(demo, CTX, replace(t, number=2))
    with pytest.raises(ConflictError):
        save_transplant(demo, CTX, replace(t, intensity="RIC"))  # read at the old version
    assert demo.get_transplant(t.id).intensity == t.intensity


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"transplant_type": "allogeneic"}, "transplant_type"),
        ({"day0": dt.date(2026, 6, 1)}, "day0"),
        ({"graft_source": "marrow"}, "graft_source"),
    ],
)
def test_type_day0_and_a_graft_the_plan_was_not_made_for_are_refused(
    demo: Repository, change: dict[str, object], field: str
) -> None:
    t = _transplant(demo, "DEMO-0001")  # Mel200 with G-CSF mobilisation: blood stem cells
    with pytest.raises(ValidationError) as err:
        save_transplant(demo, CTX, replace(t, **change))  # type: ignore[arg-type]
    assert err.value.field == field
    assert demo.get_transplant(t.id) == t


def test_a_cancelled_transplant_leaves_the_board_and_is_listed_as_closed(
    demo: Repository,
) -> None:
    t = _transplant(demo, "DEMO-0002")
    assert t.id in _board_ids(demo)
    cancelled = with_status(t, S.CANCELLED, TODAY, "patient declined", today=TODAY)
    change = save_transplant(demo, CTX, cancelled)
    assert change.description == "Change transplant status"
    assert change.reason == "patient declined"
    view = clinic_view(demo, TODAY)
    assert t.id not in {r.transplant_id for r in view.rows}
    assert t.id not in {w.transplant_id for w in view.worklist}
    assert view.closed == []  # the board's clinic-wide read covers the open transplants
    (row,) = [r for r in closed_view(demo, TODAY) if r.transplant_id == t.id]
    assert row.phase == "cancelled" and row.day_label == "" and row.alerts == ()
    assert row.phase_rule == f"Cancelled on {TODAY.isoformat()}: patient declined"
    undo(demo, CTX, change, change.after)
    assert t.id in _board_ids(demo)
    assert t.id not in {r.transplant_id for r in closed_view(demo, TODAY)}


def test_on_hold_stays_on_the_board_with_its_reason(demo: Repository) -> None:
    t = _transplant(demo, "DEMO-0002")
    save_transplant(demo, CTX, with_status(t, S.ON_HOLD, TODAY, "line infection", today=TODAY))
    (row,) = [r for r in clinic_view(demo, TODAY).rows if r.transplant_id == t.id]
    held = [a for a in row.alert_items if a.text.startswith("On hold since")]
    assert held and held[0].text.endswith(": line infection")
    assert "on hold" in held[0].rule and held[0].severity == "medium"


def test_completed_counts_days_from_day_0_on_the_closed_list(demo: Repository) -> None:
    t = _transplant(demo, "DEMO-0014")  # Day +420
    save_transplant(demo, CTX, with_status(t, S.COMPLETED, TODAY, "", today=TODAY))
    (row,) = [r for r in closed_view(demo, TODAY) if r.transplant_id == t.id]
    assert (row.phase, row.day, row.day_label) == ("completed", 420, "D+420")


def test_deceased_closes_every_open_transplant_of_the_patient_and_refuses_a_new_plan(
    demo: Repository,
) -> None:
    first = _transplant(demo, "DEMO-0001")
    patient = demo.get_patient(first.patient_id)
    second = Transplant(
        id=new_id(),
        patient_id=patient.id,
        transplant_type="autologous",  # type: ignore[arg-type]
        graft_source="pbsc",  # type: ignore[arg-type]
        day0=TODAY + dt.timedelta(days=90),
        tandem=True,
        number=next_transplant_number(demo, patient.id),
    )
    assert second.number == 2
    protocols = load_protocols()
    create_transplant_plan(demo, CTX, second, [protocols["mel200-auto"]])
    change = save_transplant(
        demo, CTX, with_status(first, S.DECEASED, TODAY, "sepsis", today=TODAY)
    )
    statuses = {t.id: t.status for t in demo.list_transplants(patient.id)}
    assert statuses == {first.id: S.DECEASED, second.id: S.DECEASED}
    assert change.transplant_ids == {first.id, second.id}
    assert not {first.id, second.id} & _board_ids(demo)
    third = replace(second, id=new_id(), version=0, status=S.PLANNED, status_history=())
    with pytest.raises(ValidationError, match="recorded as deceased"):
        create_transplant_plan(demo, CTX, third, [protocols["mel200-auto"]])
    undo(demo, CTX, change, change.after)
    assert {t.status for t in demo.list_transplants(patient.id)} == {S.PLANNED}


def test_the_history_can_only_grow_by_one_allowed_change(demo: Repository) -> None:
    t = _transplant(demo, "DEMO-0002")
    held = with_status(t, S.ON_HOLD, TODAY, "infection", today=TODAY)
    save_transplant(demo, CTX, held)
    stored = demo.get_transplant(t.id)
    rewritten = replace(
        stored,
        status_history=(replace(stored.status_history[0], reason="other words"),),
    )
    with pytest.raises(ValidationError, match="can only grow"):
        save_transplant(demo, CTX, rewritten)
    other = _transplant(demo, "DEMO-0001")  # never changed: an empty history
    with pytest.raises(ValidationError, match="needs its date and reason"):
        save_transplant(demo, CTX, replace(other, status=S.ACTIVE))


def test_a_cancelled_transplant_does_not_count_for_the_next_number(demo: Repository) -> None:
    t = _transplant(demo, "DEMO-0002")
    assert next_transplant_number(demo, t.patient_id) == 2
    save_transplant(demo, CTX, with_status(t, S.CANCELLED, TODAY, "declined", today=TODAY))
    assert next_transplant_number(demo, t.patient_id) == 1


def test_the_demo_lists_its_cancelled_transplant_as_closed_and_prints_nothing_for_it(
    demo: Repository,
) -> None:
    rows = closed_rows(demo.list_patients(), demo.list_transplants(), demo.list_plans(), TODAY)
    assert [(r.mrn, r.phase) for r in rows] == [("DEMO-0018", "cancelled")]
    cancelled = _transplant(demo, "DEMO-0018")
    plan = demo.get_plan(cancelled.id)
    assert plan is not None
    visits = {o.date for o in plan.occurrences() if o.kind.value in ("visit", "procedure")}
    for day in sorted(visits)[:5]:
        assert cancelled.id not in transplants_with_visit_on(demo, day)


def test_the_day_0_of_a_closed_transplant_does_not_move(demo: Repository) -> None:
    from planner.app.plans import day0_move

    t = _transplant(demo, "DEMO-0018")  # cancelled in the demo
    plan = demo.get_plan(t.id)
    assert plan is not None and t.day0 is not None
    patient = demo.get_patient(t.patient_id)
    with pytest.raises(ValidationError, match="is cancelled: its Day 0 does not move"):
        day0_move(plan, t, patient, t.day0 + dt.timedelta(days=7), "x", today=TODAY)


def test_a_tandem_has_two_rows_each_with_its_own_day(demo: Repository) -> None:
    rows = [r for r in clinic_view(demo, TODAY).rows if r.mrn == "DEMO-0016"]
    assert sorted(r.day_label for r in rows) == ["D+70", "D-20"]
