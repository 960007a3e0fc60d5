"""Complication and checklist use cases against every repository: one commit per action,
episodes created or extended from calculator results, audited, with board and timeline text."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app import complications as use_cases
from planner.app.checklists import checklist_states
from planner.app.checklists import tick_checklist_item as tick_use_case
from planner.app.complications import complication_log
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.clinical.grading import magic_assessment, nih_cgvhd_assessment
from planner.clinical.toxicity import crs_grade_astct
from planner.errors import ConflictError, ValidationError
from planner.records.checklists import checklists_from_body, load_checklists
from planner.records.complication_log import ComplicationLog, complication_alerts, episode_bands
from planner.records.ports import ClinicalRecord
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CTX = Context(ACTOR, NOW)


@pytest.fixture
def clinic(repo):
    load_demo_clinic(repo, CTX)
    by_mrn = {p.mrn: p for p in repo.list_patients()}
    return {mrn: repo.list_transplants(p.id)[0] for mrn, p in by_mrn.items()}


def _log(change):
    """The complications log a change stored."""
    [record] = [r for r in change.after.records if r.kind == "complications"]
    return ComplicationLog.from_record(record.transplant_id, record)


def save_assessment(*args, **kwargs):
    """(stored log, episode id) of the use case's change."""
    change = use_cases.save_assessment(*args, **kwargs)
    return _log(change), change.subject


def start_episode(*args, **kwargs):
    change = use_cases.start_episode(*args, **kwargs)
    return _log(change), change.subject


def resolve_episode(*args, **kwargs):
    return _log(use_cases.resolve_episode(*args, **kwargs))


def add_episode_note(*args, **kwargs):
    return _log(use_cases.add_episode_note(*args, **kwargs))


def tick_checklist_item(*args, **kwargs):
    """Every checklist state the tick's change stored."""
    change = tick_use_case(*args, **kwargs)
    [record] = [r for r in change.after.records if r.kind == "checklists"]
    return checklists_from_body(record.body)


def _grade_iii():
    # Stool 1,200 mL/day -> lower GI stage 2 -> grade III (the pattern rule, not max stage).
    return magic_assessment(skin_bsa_percent=30, bilirubin=1.0, stool_ml_per_day=1200, weight_kg=59)


def test_first_assessment_starts_an_episode_in_one_commit(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    before = len(repo.audit_log())
    log, episode_id = save_assessment(repo, CTX, tid, _grade_iii(), TODAY)
    stored = log.get(episode_id).episode
    assert stored.type == "aGVHD"
    assert stored.onset == TODAY
    assert stored.max_grade is not None and stored.max_grade.label == "III"
    assert stored.assessments[0].by == ACTOR.user
    audit = repo.audit_log()[before:]
    assert len({a.action for a in audit}) == 1  # one action
    assert any("aGVHD" in a.action for a in audit)
    assert complication_log(repo, tid) == log


def test_a_second_assessment_extends_the_active_episode(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    day = TODAY - dt.timedelta(days=3)
    _, first = save_assessment(
        repo, CTX, tid, magic_assessment(skin_bsa_percent=10, bilirubin=0.5), day
    )
    log, second = save_assessment(repo, CTX, tid, _grade_iii(), TODAY)
    assert first == second
    episode = log.get(first).episode
    assert [a.result.label for a in episode.assessments] == ["I", "III"]
    assert episode.max_grade is not None and episode.max_grade.label == "III"
    assert len(log.episodes) == 1


def test_a_different_calculator_starts_its_own_episode(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    save_assessment(repo, CTX, tid, _grade_iii(), TODAY)
    log, crs = save_assessment(repo, CTX, tid, crs_grade_astct(38.6, "no_vasopressor"), TODAY)
    assert {s.episode.type for s in log.episodes} == {"aGVHD", "CRS"}
    assert log.get(crs).episode.max_grade is not None


def test_episode_id_of_another_type_is_refused(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    _, agvhd = save_assessment(repo, CTX, tid, _grade_iii(), TODAY)
    with pytest.raises(ValidationError, match="cannot be added"):
        save_assessment(repo, CTX, tid, nih_cgvhd_assessment({"skin": 1}), TODAY, episode_id=agvhd)


def test_future_date_and_unconfirmed_results_are_refused(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    with pytest.raises(ValidationError, match="future"):
        save_assessment(repo, CTX, tid, _grade_iii(), TODAY + dt.timedelta(days=1))
    disagree = magic_assessment(
        skin_bsa_percent=0,
        bilirubin=0.5,
        stool_ml_per_day=600,
        stool_episodes_per_day=8,
        weight_kg=70,
    )
    assert disagree.needs_confirmation
    with pytest.raises(ValidationError, match="confirm"):
        save_assessment(repo, CTX, tid, disagree, TODAY)
    log, eid = save_assessment(
        repo,
        CTX,
        tid,
        disagree,
        TODAY,
        override_reason="Episodes counted by nursing; stage 3 confirmed",
    )
    assert log.get(eid).episode.assessments[0].override_reason.startswith("Episodes")
    assert complication_log(repo, tid).get(eid).episode.max_grade == disagree


def test_out_of_range_values_never_reach_the_service() -> None:
    with pytest.raises(ValidationError, match="0 to 100"):
        magic_assessment(skin_bsa_percent=120, bilirubin=1.0)


def test_resolve_then_new_assessment_starts_a_new_episode(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    _, first = save_assessment(repo, CTX, tid, _grade_iii(), TODAY - dt.timedelta(days=5))
    log = resolve_episode(repo, CTX, tid, first, TODAY, "steroid response")
    assert log.get(first).episode.resolution == TODAY
    with pytest.raises(ValidationError, match="already resolved"):
        resolve_episode(repo, CTX, tid, first, TODAY)
    log, second = save_assessment(repo, CTX, tid, _grade_iii(), TODAY)
    assert second != first and len(log.episodes) == 2


def test_start_by_hand_and_treatment_note(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    log, eid = start_episode(repo, CTX, tid, "Mucositis", TODAY, "mouth care")
    log = add_episode_note(repo, CTX, tid, eid, TODAY, "opioid PCA started")
    assert [n.text for n in log.get(eid).episode.treatment_notes] == [
        "mouth care",
        "opioid PCA started",
    ]


def test_stale_version_conflicts(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    save_assessment(repo, CTX, tid, _grade_iii(), TODAY)
    record = repo.get_record(tid, "complications")
    assert record is not None
    stale = ClinicalRecord(tid, "complications", dict(record.body), record.version - 1)
    from planner.records.ports import Action

    with pytest.raises(ConflictError):
        repo.commit(Action(actor=ACTOR, at=NOW, description="x", records=(stale,)))


def test_board_text_and_timeline_bands(repo, clinic) -> None:
    transplant = clinic["DEMO-0010"]
    onset = transplant.day0
    assert onset is not None
    save_assessment(repo, CTX, transplant.id, _grade_iii(), TODAY)
    alerts = complication_alerts(repo.list_records("complications"), repo.list_plans(), TODAY)
    assert alerts == {transplant.id: ["aGVHD grade III since D+21"]}
    log = complication_log(repo, transplant.id)
    assert episode_bands(log, onset) == [("aGVHD III", TODAY, None, "aGVHD grade III since D+21")]


def test_unreadable_record_gives_one_alert(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    bad = ClinicalRecord(tid, "complications", {"ep-x": {"type": "aGVHD", "onset": "soon"}})
    alerts = complication_alerts([bad], repo.list_plans(), TODAY)
    assert alerts == {tid: ["Complication record cannot be read."]}
    assert ComplicationLog.from_record(tid, None).episodes == ()


def test_tick_checklist_item_is_one_audited_commit(repo, clinic) -> None:
    transplant = clinic["DEMO-0001"]
    workup = load_checklists()["pre-transplant-workup"]
    before = len(repo.audit_log())
    states = tick_checklist_item(
        repo,
        CTX,
        transplant.id,
        workup,
        "idm",
        done=True,
        date=dt.date(2026, 2, 16),
        note="all negative",
    )
    entry = states[workup.id].get("idm")
    assert entry is not None and entry.done and entry.by == ACTOR.user
    stored, version = checklist_states(repo, transplant.id)
    assert stored == states and version >= 1
    assert len({a.action for a in repo.audit_log()[before:]}) == 1
    states = tick_checklist_item(repo, CTX, transplant.id, workup, "dental", done=True, date=TODAY)
    assert set(states[workup.id].items) == {"idm", "dental"}
    with pytest.raises(ValidationError, match="future"):
        tick_checklist_item(
            repo, CTX, transplant.id, workup, "dental", done=True, date=TODAY + dt.timedelta(days=2)
        )


def test_a_negative_result_does_not_open_an_episode(repo, clinic) -> None:
    tid = clinic["DEMO-0010"].id
    no_crs = crs_grade_astct(37.0, "none")  # afebrile, no support: grade 0
    assert no_crs.rank == 0
    with pytest.raises(ValidationError, match="not recorded as a new episode"):
        save_assessment(repo, CTX, tid, no_crs, TODAY)
    assert complication_log(repo, tid).episodes == ()
    # ... but it documents the course of an active episode.
    save_assessment(repo, CTX, tid, crs_grade_astct(38.6, "no_vasopressor"), TODAY)
    log, crs = save_assessment(repo, CTX, tid, no_crs, TODAY)
    assert [a.result.rank for a in log.get(crs).episode.assessments] == [
        crs_grade_astct(38.6, "no_vasopressor").rank,
        0,
    ]
