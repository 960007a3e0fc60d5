"""The infusion use cases on the one edit path: audited, undoable, refused with a sentence;
and the team summary and hand-off show what was recorded."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from planner.app import infusion
from planner.app.changes import redo, same_content, undo
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.exports import summary_inputs
from planner.domain.patients import ClinicSettings
from planner.errors import ChangedSinceError, ValidationError
from planner.export.summary import write_handoff_packet, write_team_summary
from planner.records.infusion_log import InfusedProduct, ProductSource, Reaction
from planner.records.ports import Repository
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CTX = Context(ACTOR, NOW)
DAY0 = TODAY - dt.timedelta(days=12)  # DEMO-0009's: an infusion is recorded on Day 0


@pytest.fixture
def demo(repo: Repository) -> Repository:
    load_demo_clinic(repo, CTX)
    return repo


def _tid(repo: Repository, mrn: str) -> str:
    patient = repo.find_patient_by_mrn(mrn)
    assert patient is not None
    return repo.list_transplants(patient.id)[0].id


def product(pid: str = "p1", din: str = "A9999 09 123456 9", **over: object) -> InfusedProduct:
    values: dict[str, object] = {
        "id": pid,
        "din": din,
        "product_code": "S1398",
        "source": ProductSource.APHERESIS,
        "cryopreserved": True,
        "volume_ml": 250.0,
        "date": DAY0,
        "time": "10:30",
        "weight_kg": 80.0,
        "tnc": 4.0e10,
        "cd34": 4.0e8,
        "cd3": 2.4e10,
    }
    values.update(over)
    return InfusedProduct(**values)  # type: ignore[arg-type]


def _runs(repo: Repository) -> list[str]:
    actions = [e.action for e in repo.audit_log()]  # one row per field: one run per action
    return [a for i, a in enumerate(actions) if i == 0 or actions[i - 1] != a]


def test_adding_a_product_is_an_audited_change_that_undoes_and_redoes(demo: Repository) -> None:
    tid = _tid(demo, "DEMO-0009")
    change = infusion.add_product(demo, CTX, tid, product())
    assert change.undoable and change.parts == {"infusion"}
    assert change.transplant_ids and change.patient_id == demo.get_transplant(tid).patient_id
    stored = demo.get_record(tid, "infusion")
    assert stored is not None and same_content(stored, change.after.records[0])
    assert [p.din for p in infusion.load_infusion(demo, tid)[0].products] == ["A9999091234569"]
    undone = undo(demo, CTX, change, change.after)
    assert infusion.load_infusion(demo, tid)[0].products == ()
    redo(demo, CTX, change, undone.after)
    assert [p.id for p in infusion.load_infusion(demo, tid)[0].products] == ["p1"]
    assert _runs(demo)[-3:] == [
        "Record infused product DIN A9999 09 123456 [9]",
        "Undo: Record infused product DIN A9999 09 123456 [9]",
        "Record infused product DIN A9999 09 123456 [9]",
    ]


def test_reactions_and_removals_are_audited_with_their_reason(demo: Repository) -> None:
    tid = _tid(demo, "DEMO-0009")
    infusion.add_product(demo, CTX, tid, product())
    infusion.add_reaction(demo, CTX, tid, Reaction("r1", TODAY, "10:45", "Fever", 1, "p1"))
    with pytest.raises(ValidationError, match="needs a reason"):
        infusion.remove_product(demo, CTX, tid, "p1", " ")
    infusion.remove_product(demo, CTX, tid, "p1", "wrong patient's bag scanned")
    log, version = infusion.load_infusion(demo, tid)
    assert log.products == () and log.reactions[0].product_id == "" and version == 3
    removal = [e for e in demo.audit_log() if e.action.startswith("Remove infused product")]
    assert removal and removal[0].reason == "wrong patient's bag scanned"
    infusion.remove_reaction(demo, CTX, tid, "r1", "entered twice")
    assert infusion.load_infusion(demo, tid)[0].reactions == ()


def test_refusals_write_nothing(demo: Repository) -> None:
    tid = _tid(demo, "DEMO-0009")
    infusion.add_product(demo, CTX, tid, product())
    before = len(demo.audit_log())
    with pytest.raises(ValidationError, match="already recorded"):
        infusion.add_product(demo, CTX, tid, product("p2"))
    with pytest.raises(ValidationError, match="in the future"):
        infusion.add_product(
            demo, CTX, tid, product("p3", "G123498654321H", date=TODAY + dt.timedelta(days=1))
        )
    with pytest.raises(ValidationError, match="not in the infusion record"):
        infusion.add_reaction(demo, CTX, tid, Reaction("r1", TODAY, "11:00", "Rash", 1, "p9"))
    assert len(demo.audit_log()) == before


def test_undo_refuses_to_overwrite_a_product_added_since(demo: Repository) -> None:
    tid = _tid(demo, "DEMO-0009")
    first = infusion.add_product(demo, CTX, tid, product())
    infusion.add_product(demo, CTX, tid, product("p2", "G123498654321H"))
    with pytest.raises(ChangedSinceError):
        undo(demo, CTX, first, first.after)
    assert len(infusion.load_infusion(demo, tid)[0].products) == 2


def _text(pdf: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_team_summary_and_handoff_show_the_infusion(demo: Repository) -> None:
    tid = _tid(demo, "DEMO-0009")
    infusion.add_product(demo, CTX, tid, product())
    infusion.add_reaction(demo, CTX, tid, Reaction("r1", TODAY, "10:45", "Fever", 2, "p1"))
    plan = demo.get_plan(tid)
    assert plan is not None
    transplant = demo.get_transplant(tid)
    patient = demo.get_patient(transplant.patient_id)
    inputs = summary_inputs(demo, patient, plan, TODAY)
    assert inputs.infusion[0].startswith("DIN A9999 09 123456 [9], S1398")
    assert inputs.infusion[-1] == (
        "Total infused: 5 x10^8 TNC/kg, 5 x10^6 CD34+/kg, 30 x10^7 CD3+/kg"
    )
    assert inputs.infusion_reactions == (
        "2026-03-10 10:45: Fever, grade 2 (DIN A9999 09 123456 [9])",
    )
    for write in (write_team_summary, write_handoff_packet):
        out = io.BytesIO()
        write(
            out,
            patient=patient,
            transplant=transplant,
            plan=plan,
            settings=ClinicSettings(),
            printed_on=TODAY,
            inputs=inputs,
            plan_version=plan.version,
        )
        text = " ".join(_text(out.getvalue()).split())
        assert "Infusion" in text
        assert "A9999 09 123456 [9]" in text
        assert "5 x10^6 CD34+/kg" in text
        assert "Fever, grade 2" in text


def test_a_damaged_record_is_said_in_the_summary(demo: Repository) -> None:
    from planner.records.ports import Action, ClinicalRecord

    tid = _tid(demo, "DEMO-0009")
    transplant = demo.get_transplant(tid)
    demo.commit(
        Action(
            ACTOR,
            NOW,
            "test",
            patient_id=transplant.patient_id,
            records=(ClinicalRecord(tid, "infusion", {"schema": 1, "products": [{}]}),),
        )
    )
    plan = demo.get_plan(tid)
    assert plan is not None
    inputs = summary_inputs(demo, demo.get_patient(transplant.patient_id), plan, TODAY)
    assert inputs.infusion == () and "damaged" in inputs.infusion_error


def test_a_product_dated_off_day_0_is_refused_and_day_plus_1_is_accepted(
    demo: Repository,
) -> None:
    tid = _tid(demo, "DEMO-0009")
    for day in (-1, 2):
        with pytest.raises(ValidationError, match=re.escape(f"is Day {day:+d}, but Day 0 is")):
            infusion.add_product(demo, CTX, tid, product(date=DAY0 + dt.timedelta(days=day)))
    assert demo.get_record(tid, "infusion") is None
    infusion.add_product(demo, CTX, tid, product(date=DAY0 + dt.timedelta(days=1)))
    assert [p.date for p in infusion.load_infusion(demo, tid)[0].products] == [
        DAY0 + dt.timedelta(days=1)
    ]
