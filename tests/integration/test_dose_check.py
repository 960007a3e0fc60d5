"""The double check of conditioning doses: two different verifying people sign with
their password; a conditioning dose is refused as given until they have; a change of a
dose or of the weight voids a signature, and the board says so."""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import replace

import pytest

from planner.app import accounts as acc
from planner.app.clinic import clinic_view
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.dose_check import dose_check, is_conditioning_dose, verify_doses
from planner.app.patients import save_patient
from planner.app.plans import save_plan
from planner.domain.accounts import Role
from planner.domain.plans import StepStatus, mark_done, set_step_status
from planner.errors import PermissionDeniedError, SignInError, ValidationError
from planner.records.ports import Actor, Repository
from planner.storage.memory import InMemoryRepository
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
PW = "a long enough passphrase"
MRN = "DEMO-0004"  # allogeneic, Day 0 on 9 April, conditioning not started
DOC = Actor("doc", "WS-1", Role.PHYSICIAN)
PHARM = Actor("pat", "WS-2", Role.PHARMACIST)
NURSE = Actor("nina", "WS-3", Role.NURSE)
ADMIN = Actor("boss", "WS-4", Role.ADMINISTRATOR)


@pytest.fixture(scope="module")
def built() -> InMemoryRepository:
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(ACTOR, NOW))
    acc.add_account(repo, Context(ACTOR, NOW), ADMIN.user, ADMIN.role, PW)  # type: ignore[arg-type]
    for who in (DOC, PHARM, NURSE):
        acc.add_account(repo, Context(ADMIN, NOW), who.user, who.role, PW)  # type: ignore[arg-type]
    return repo


@pytest.fixture
def repo(built: InMemoryRepository) -> Repository:
    return copy.deepcopy(built)


def ctx(actor: Actor, days: int = 0) -> Context:
    return Context(actor, NOW + dt.timedelta(days=days))


def _ids(repo: Repository) -> tuple[str, str]:
    patient = repo.find_patient_by_mrn(MRN)
    assert patient is not None
    return patient.id, repo.list_transplants(patient.id)[0].id


def _give_first_dose(repo: Repository, who: Actor = NURSE):  # type: ignore[no-untyped-def]
    _, tid = _ids(repo)
    plan = repo.get_plan(tid)
    assert plan is not None
    step = next(s for s in plan.steps if is_conditioning_dose(s) and s.dose is not None)
    after = mark_done(plan, step.id, step.days[0], NOW.date(), by=who.user, at="x")
    return save_plan(repo, ctx(who), plan, after, f"Mark {step.title} done")


def _check(repo: Repository):  # type: ignore[no-untyped-def]
    pid, tid = _ids(repo)
    plan = repo.get_plan(tid)
    assert plan is not None
    return dose_check(plan, repo.get_patient(pid), repo.get_transplant(tid))


def test_two_different_verifiers_must_sign_before_a_dose_is_given(repo: Repository) -> None:
    _, tid = _ids(repo)
    assert len(_check(repo).doses) >= 4
    with pytest.raises(ValidationError, match="before two people have verified") as refused:
        _give_first_dose(repo)
    assert "not verified yet" in str(refused.value)
    verify_doses(repo, ctx(DOC), tid, PW)
    assert _check(repo).sentence().startswith("Doses verified by 1 of 2: doc (physician)")
    with pytest.raises(ValidationError, match="someone else's"):
        verify_doses(repo, ctx(DOC), tid, PW)  # the same person twice
    with pytest.raises(ValidationError, match="before two people"):
        _give_first_dose(repo)
    verify_doses(repo, ctx(PHARM), tid, PW)
    check = _check(repo)
    assert check.complete
    assert "doc (physician), verified doses" in check.sentence()
    assert "pat (pharmacist), verified doses" in check.sentence()
    _give_first_dose(repo)  # now it goes through


@pytest.mark.parametrize("who", [NURSE, ADMIN, Actor("vic", "WS-9", Role.VIEWER)])
def test_only_a_physician_or_a_pharmacist_signs(repo: Repository, who: Actor) -> None:
    _, tid = _ids(repo)
    with pytest.raises(PermissionDeniedError, match="cannot verify doses"):
        verify_doses(repo, ctx(who), tid, PW)
    assert _check(repo).signatures == ()


def test_a_signature_needs_the_signers_own_password(repo: Repository) -> None:
    _, tid = _ids(repo)
    with pytest.raises(SignInError, match="not right"):
        verify_doses(repo, ctx(DOC), tid, "someone else's password")
    assert _check(repo).signatures == ()


def test_the_signature_records_who_the_role_the_meaning_the_time_and_what(
    repo: Repository,
) -> None:
    _, tid = _ids(repo)
    verify_doses(repo, ctx(DOC), tid, PW)
    plan = repo.get_plan(tid)
    assert plan is not None
    (sig,) = plan.dose_signatures
    assert (sig.user, sig.role, sig.meaning, sig.at) == (
        "doc",
        "physician",
        "verified doses",
        "2026-03-10T09:00:00+00:00",
    )
    assert [d for _, d in sig.doses] == [d.text for d in _check(repo).doses]
    assert sig.basis.startswith("weight ")
    row = next(e for e in reversed(repo.audit_log()) if e.action == "Verify doses")
    assert row.user == "doc" and row.field == "dose_signatures"
    assert json.loads(row.new or "")[0]["meaning"] == "verified doses"


def test_a_weight_change_voids_the_signatures_and_the_board_says_so(repo: Repository) -> None:
    pid, tid = _ids(repo)
    verify_doses(repo, ctx(DOC), tid, PW)
    verify_doses(repo, ctx(PHARM), tid, PW)
    patient = repo.get_patient(pid)
    save_patient(repo, ctx(NURSE), replace(patient, weight_kg=(patient.weight_kg or 70) + 4))
    check = _check(repo)
    assert not check.complete and len(check.void) == 2
    assert "the measurements changed" in check.void[0].void
    with pytest.raises(ValidationError, match="Void: pat: the measurements changed"):
        _give_first_dose(repo)
    row = next(r for r in clinic_view(repo, dt.date(2026, 4, 1)).rows if r.transplant_id == tid)
    texts = [a.text for a in row.alert_items]
    assert any(t.startswith("Dose verification void: the measurements changed") for t in texts)
    assert row.alert_items[0].severity == "high"


def test_a_cancelled_dose_voids_them_too(repo: Repository) -> None:
    _, tid = _ids(repo)
    verify_doses(repo, ctx(DOC), tid, PW)
    plan = repo.get_plan(tid)
    assert plan is not None
    step = next(s for s in plan.steps if is_conditioning_dose(s) and s.dose is not None)
    after = set_step_status(plan, step.id, StepStatus.CANCELLED, "protocol change")
    save_plan(repo, ctx(DOC), plan, after, "Cancel step")
    assert "no longer on the plan" in _check(repo).void[0].void
    # Signing again for the doses as they are now counts.
    verify_doses(repo, ctx(DOC), tid, PW)
    assert len(_check(repo).standing) == 1


def test_the_board_asks_for_the_check_in_the_week_before_conditioning(repo: Repository) -> None:
    _, tid = _ids(repo)

    def texts(day: dt.date) -> list[str]:
        row = next(r for r in clinic_view(repo, day).rows if r.transplant_id == tid)
        return [a.text for a in row.alert_items]

    assert not any("verified by" in t for t in texts(dt.date(2026, 3, 10)))  # weeks before
    assert "Conditioning doses verified by 0 of 2." in texts(dt.date(2026, 3, 30))
    verify_doses(repo, ctx(DOC), tid, PW)
    assert "Conditioning doses verified by 1 of 2." in texts(dt.date(2026, 3, 30))
    verify_doses(repo, ctx(PHARM), tid, PW)
    assert not any("verified by" in t for t in texts(dt.date(2026, 3, 30)))


def test_without_accounts_doses_are_given_as_before() -> None:
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(ACTOR, NOW))
    change = _give_first_dose(repo, ACTOR)
    assert change.parts == {"plan"}
    _, tid = _ids(repo)
    row = next(r for r in clinic_view(repo, dt.date(2026, 3, 30)).rows if r.transplant_id == tid)
    assert not any("verified by" in a.text for a in row.alert_items)


def test_a_viewer_cannot_mark_a_dose_given(repo: Repository) -> None:
    with pytest.raises(PermissionDeniedError, match="cannot mark doses given"):
        _give_first_dose(repo, Actor("vic", "WS-9", Role.VIEWER))


def test_a_redo_that_gives_a_dose_again_needs_the_check_to_stand_then(repo: Repository) -> None:
    from planner.app.changes import redo, undo

    pid, tid = _ids(repo)
    verify_doses(repo, ctx(DOC), tid, PW)
    verify_doses(repo, ctx(PHARM), tid, PW)
    given = _give_first_dose(repo)
    undone = undo(repo, ctx(NURSE), given, given.after)
    patient = repo.get_patient(pid)
    save_patient(repo, ctx(NURSE), replace(patient, weight_kg=(patient.weight_kg or 70) + 4))
    with pytest.raises(ValidationError, match="before two people have verified"):
        redo(repo, ctx(NURSE), given, undone.after)
    plan = repo.get_plan(tid)
    assert plan is not None and not any(
        r.status is StepStatus.DONE
        for s in plan.steps
        if is_conditioning_dose(s)
        for r in s.records
    )
