"""Graft secured before conditioning: the rule at its boundaries, the board, the refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planner.app import alert_rules
from planner.app.changes import empty_record
from planner.app.clinic import clinic_view
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.graft_secured import (
    GraftNotSecuredError,
    first_conditioning,
    graft_alert,
    graft_alerts,
    graft_check,
    graft_override,
    mark_step_done,
    needs_override,
)
from planner.app.transplant_record import TransplantRecord
from planner.domain.patients import (
    Donor,
    DonorType,
    Patient,
    Transplant,
    TransplantStatus,
)
from planner.domain.plans import Plan, StepStatus, instantiate_many
from planner.domain.templates import Phase, StepKind, load_protocols
from planner.records.checklists import ChecklistState, ItemState, checklists_to_body
from planner.records.harvest_log import Collection, HarvestLog, default_targets
from planner.records.ports import CHECKLISTS, HARVEST, Actor, ClinicalRecord
from planner.records.serialize import plan_from_dict, plan_to_dict
from planner.storage.memory import InMemoryRepository

DAY0 = dt.date(2026, 3, 20)
PROTOCOLS = load_protocols()
NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


def _patient() -> Patient:
    return Patient(
        id="p1",
        mrn="G-1",
        family_name="Example",
        given_name="Ana",
        date_of_birth=dt.date(1970, 1, 1),
        sex="female",
        height_cm=165,
        weight_kg=70,
        weight_date=DAY0 - dt.timedelta(days=30),
    )


def _auto(*, tandem: bool = False) -> tuple[Transplant, Plan]:
    t = Transplant("t1", "p1", "autologous", "pbsc", DAY0, tandem=tandem)
    return t, instantiate_many([PROTOCOLS["mel200-auto"]], DAY0, transplant_id="t1")


def _allo(workup: str = "", *, collection: bool = True) -> tuple[Transplant, Plan]:
    donor = Donor(DonorType.MUD, "8/8", workup_status=workup)
    t = Transplant("t2", "p1", "allogeneic", "pbsc", DAY0, donor=donor)
    protocols = [PROTOCOLS["flu-bu4-allo"]]
    if collection:
        protocols.append(PROTOCOLS["donor-pbsc-mobilisation-allo"])
    return t, instantiate_many(protocols, DAY0, transplant_id="t2")


def _log(t: Transplant, *doses: float) -> HarvestLog:
    """A harvest log with one collection per dose (10^6 CD34+/kg, recipient 70 kg)."""
    return HarvestLog(
        default_targets(t),
        collections=tuple(
            Collection(f"c{i}", DAY0 - dt.timedelta(days=40 - i), 200, 70, cd34_total_e6=d * 70)
            for i, d in enumerate(doses)
        ),
    )


def _ticked(on: dt.date) -> dict[str, ChecklistState]:
    item = ItemState(done=True, date=on, by="nurse", at="2026-03-01T09:00:00Z")
    return {"pre-conditioning": ChecklistState("pre-conditioning", {"product-available": item})}


def _first(plan: Plan) -> dt.date:
    first = first_conditioning(plan)
    assert first is not None
    return first


# --- the rule ---------------------------------------------------------------------------


def test_the_first_conditioning_step_is_the_earliest_conditioning_occurrence():
    _, plan = _auto()
    dates = [o.date for o in plan.occurrences() if o.phase is Phase.CONDITIONING]
    assert _first(plan) == min(dates) < DAY0


@pytest.mark.parametrize(
    ("doses", "tandem", "secured"),
    [
        ((), False, False),
        ((1.99,), False, False),
        ((1.2, 0.8), False, True),  # exactly the minimum 2
        ((3.0,), False, True),
        ((3.0,), True, False),  # a tandem needs 2 x 2
        ((3.0, 1.0), True, True),
    ],
)
def test_autologous_is_secured_from_the_minimum_target(doses, tandem, secured):
    t, plan = _auto(tandem=tandem)
    check = graft_check(t, plan, _log(t, *doses), {})
    assert check.secured is secured
    assert check.rule == alert_rules.GRAFT_SECURED
    assert ("below the minimum target" in check.sentence) is not secured
    assert ("4 x10^6 CD34+/kg" if tandem else "2 x10^6 CD34+/kg") in check.sentence


def test_a_ticked_product_item_secures_an_autograft_not_in_the_harvest_log():
    # A CAR-T product received, or cells collected for an earlier transplant of a tandem.
    t, plan = _auto()
    assert not graft_check(t, plan, _log(t), {}).secured
    check = graft_check(t, plan, _log(t), _ticked(DAY0 - dt.timedelta(days=9)))
    assert check.secured and "ticked on" in check.sentence


def test_an_unreadable_record_refuses_with_a_sentence_and_takes_an_override():
    t, plan = _allo("pending medical")
    broken = ClinicalRecord(t.id, HARVEST, {"schema": 99}, 1)
    record = TransplantRecord(_patient(), t, plan, {HARVEST: broken})
    step_id, offset, _ = _conditioning_dose(plan)
    assert needs_override(record, step_id)
    with pytest.raises(GraftNotSecuredError, match="a record cannot be read"):
        mark_step_done(record, step_id, offset, DAY0, by="ana", at="x")
    after = mark_step_done(record, step_id, offset, DAY0, by="ana", at="x", override="checked")
    assert after.step(step_id).record_for(offset).override == "checked"


def test_the_spanish_demo_stores_english_reasons():
    from planner.domain import i18n

    i18n.set_language("es")
    try:
        repo = InMemoryRepository()
        load_demo_clinic(repo, Context(Actor("coordinator", "ws-1"), NOW))
    finally:
        i18n.set_language("en")
    reasons = [s.status_reason for p in repo.list_plans() for s in p.steps if s.status_reason]
    assert reasons and all(r.startswith("Not indicated (rule ") for r in reasons)
    assert not any("receptor" in r for r in reasons)


@pytest.mark.parametrize(
    ("workup", "collection", "secured"),
    [
        ("cleared", True, True),
        ("Cleared 2026-02-10", True, True),
        ("cleared", False, False),  # no collection on the plan
        ("pending medical", True, False),
        ("", True, False),
    ],
)
def test_allogeneic_needs_a_cleared_donor_and_a_planned_collection(workup, collection, secured):
    t, plan = _allo(workup, collection=collection)
    check = graft_check(t, plan, _log(t), {})
    assert check.secured is secured
    if not secured:
        assert "not ticked" in check.sentence
        assert ("no donor collection on the plan" in check.sentence) is not collection
        if workup and workup != "cleared":
            assert f"'{workup}', not cleared" in check.sentence
        assert ("work-up" in check.sentence) is (workup != "cleared")


def test_allogeneic_with_the_product_item_ticked_is_secured():
    t, plan = _allo("", collection=False)
    check = graft_check(t, plan, _log(t), _ticked(dt.date(2026, 3, 1)))
    assert check.secured and "2026-03-01" in check.sentence


def test_a_skipped_collection_does_not_count():
    t, plan = _allo("cleared")
    step = next(s for s in plan.steps if s.phase is Phase.COLLECTION)
    plan = replace(
        plan,
        steps=tuple(
            replace(s, status=StepStatus.CANCELLED) if s.id == step.id else s for s in plan.steps
        ),
    )
    assert not graft_check(t, plan, _log(t), {}).secured


# --- the board alert ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["autologous", "allogeneic"])
def test_the_alert_starts_seven_days_before_the_first_conditioning_step(kind):
    t, plan = _auto() if kind == "autologous" else _allo("pending")
    first = _first(plan)
    log = _log(t)
    at_seven = graft_alert(t, plan, log, {}, first - dt.timedelta(days=7))
    assert at_seven is not None
    assert at_seven.startswith(f"Graft not secured, conditioning from {first.isoformat()}:")
    assert graft_alert(t, plan, log, {}, first - dt.timedelta(days=8)) is None
    assert graft_alert(t, plan, log, {}, DAY0) is not None
    assert graft_alert(t, plan, log, {}, DAY0 + dt.timedelta(days=1)) is None


@pytest.mark.parametrize("kind", ["autologous", "allogeneic"])
def test_no_alert_once_the_graft_is_secured(kind):
    if kind == "autologous":
        t, plan = _auto()
        log, states = _log(t, 2.5), {}
    else:
        t, plan = _allo("cleared")
        log, states = _log(t), {}
    assert graft_alert(t, plan, log, states, _first(plan)) is None


def test_no_alert_for_a_cancelled_transplant():
    t, plan = _auto()
    t = replace(t, status=TransplantStatus.CANCELLED)
    assert graft_alert(t, plan, _log(t), {}, _first(plan)) is None


def test_graft_alerts_read_the_stored_records_and_say_when_one_cannot_be_read():
    t, plan = _allo("", collection=False)
    checklists = ClinicalRecord(
        "t2", CHECKLISTS, checklists_to_body(_ticked(dt.date(2026, 3, 1))), 1
    )
    today = _first(plan)
    assert graft_alerts([t], {"t2": plan}, [], [], today) == {
        "t2": [graft_alert(t, plan, _log(t), {}, today)]
    }
    assert graft_alerts([t], {"t2": plan}, [], [checklists], today) == {}
    broken = ClinicalRecord("t2", HARVEST, {"schema": 999}, 1)
    assert graft_alerts([t], {"t2": plan}, [broken], [], today) == {
        "t2": ["Graft secured: a record cannot be read."]
    }


def test_the_board_shows_the_alert_as_high_with_its_rule():
    from planner.app.harvest import load_harvest, remove_collection

    repo = InMemoryRepository()
    ctx = Context(Actor("coordinator", "ws-1"), NOW)
    load_demo_clinic(repo, ctx)
    rows = clinic_view(repo, NOW.date()).rows
    assert not any(a.text.startswith("Graft not secured") for r in rows for a in r.alert_items)
    # The demo stores DEMO-0006's cells; with them removed its conditioning is unsecured.
    tid = next(r.transplant_id for r in rows if r.mrn == "DEMO-0006")
    for collection in load_harvest(repo, tid)[0].collections:
        remove_collection(repo, ctx, tid, collection.id, "entered by mistake")
    rows = clinic_view(repo, NOW.date()).rows
    found = [
        (r.mrn, a) for r in rows for a in r.alert_items if a.text.startswith("Graft not secured")
    ]
    assert [mrn for mrn, _ in found] == ["DEMO-0006"]
    for _, alert in found:
        assert alert.severity == alert_rules.HIGH
        assert alert.rule == alert_rules.GRAFT_SECURED


# --- refusing a conditioning dose, and the override ----------------------------------------


def _record(t: Transplant, plan: Plan, log: HarvestLog | None = None) -> TransplantRecord:
    records = {}
    if log is not None:
        records[HARVEST] = ClinicalRecord(t.id, HARVEST, log.to_body(), 1)
    return TransplantRecord(_patient(), t, plan, records)


def _conditioning_dose(plan: Plan) -> tuple[str, int, str]:
    step = next(
        s for s in plan.steps if s.phase is Phase.CONDITIONING and s.kind is StepKind.MEDICATION
    )
    return step.id, step.days[0], step.title


def _not_a_dose(plan: Plan) -> tuple[str, int]:
    step = next(
        s
        for s in plan.steps
        if not (s.phase is Phase.CONDITIONING and s.kind is StepKind.MEDICATION)
    )
    return step.id, step.days[0]


def test_a_conditioning_dose_is_refused_while_the_graft_is_not_secured():
    t, plan = _auto()
    record = _record(t, plan, _log(t, 1.0))
    step_id, offset, title = _conditioning_dose(plan)
    assert needs_override(record, step_id)
    with pytest.raises(GraftNotSecuredError) as err:
        mark_step_done(record, step_id, offset, DAY0, by="ana", at="2026-03-15T08:00:00Z")
    assert str(err.value) == (
        f"{title} cannot be marked given before the graft is secured: stored CD34+ "
        "1 x10^6 CD34+/kg is below the minimum target 2 x10^6 CD34+/kg. Record an override "
        "with a reason to go on."
    )
    assert err.value.field == "override"


def test_other_steps_and_a_secured_graft_are_not_refused():
    t, plan = _auto()
    step_id, offset = _not_a_dose(plan)
    record = _record(t, plan, _log(t, 1.0))
    assert not needs_override(record, step_id)
    after = mark_step_done(record, step_id, offset, DAY0, by="ana", at="x")
    assert after.step(step_id).record_for(offset).status is StepStatus.DONE
    secured = _record(t, plan, _log(t, 2.0))
    dose, dose_offset, _ = _conditioning_dose(plan)
    assert not needs_override(secured, dose)
    after = mark_step_done(secured, dose, dose_offset, DAY0, by="ana", at="x", override="why")
    assert after.step(dose).record_for(dose_offset).override == ""  # not needed, not kept


def test_an_override_is_recorded_with_who_when_and_why_and_stands_for_later_doses():
    t, plan = _allo("pending medical")
    record = _record(t, plan)
    step_id, offset, _ = _conditioning_dose(plan)
    after = mark_step_done(
        record,
        step_id,
        offset,
        DAY0 - dt.timedelta(days=5),
        by="dr lee",
        at="2026-03-15T08:00:00Z",
        override="product in transit, courier confirmed",
    )
    rec = after.step(step_id).record_for(offset)
    assert rec is not None and rec.status is StepStatus.DONE
    assert (rec.by, rec.at, rec.override) == (
        "dr lee",
        "2026-03-15T08:00:00Z",
        "product in transit, courier confirmed",
    )
    assert graft_override(after) == rec
    # the override survives storage (and a plan without one stores no key for it)
    assert plan_from_dict(plan_to_dict(after)) == after
    assert "override" not in str(plan_to_dict(plan))
    # the next dose needs no second override; the board says one was recorded
    later = replace(record, plan=after)
    assert not needs_override(later, step_id)
    second = next((d for d in after.step(step_id).days if d != offset), None)
    if second is not None:
        mark_step_done(later, step_id, second, DAY0, by="ana", at="y")
    text = graft_alert(t, after, _log(t), {}, _first(after))
    assert text is not None and text.endswith(
        "Override by dr lee: product in transit, courier confirmed"
    )
    # undoing the dose (the plan before it) takes the override back
    assert graft_override(plan) is None


def test_an_empty_record_reads_as_an_unsecured_autograft():
    t, plan = _auto()
    record = TransplantRecord(_patient(), t, plan, {HARVEST: empty_record(t.id, HARVEST)})
    assert needs_override(record, _conditioning_dose(plan)[0])
