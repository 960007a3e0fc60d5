"""Every use case against every role (the issue's table-driven test): an action the role
may not take is refused in one sentence and changes nothing (its attempt is one audited
event); an allowed one goes through. The cases are the edit path's list of every use case
(tests/integration/test_edit_path.py), so a new use case joins this table too."""

from __future__ import annotations

import copy

import pytest

from planner.app import accounts as acc
from planner.app import harvest
from planner.app.changes import undo
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.domain.accounts import Permission, Role, permits
from planner.errors import PermissionDeniedError
from planner.records.harvest_log import Collection
from planner.records.ports import Actor, Repository
from planner.storage.memory import InMemoryRepository
from tests.integration import test_edit_path as edit_path
from tests.integration.factories import ACTOR

NOW = edit_path.NOW
PW = "a long enough passphrase"
# What each case needs, where it is not editing clinical records.
NEEDS = {
    "import_labs": Permission.IMPORT_LABS,
    "record_printed": Permission.READ,
    "record_event": Permission.READ,
}


def person(role: Role) -> Actor:
    return Actor(f"a-{role.value}", "WS-07", role)


@pytest.fixture(scope="module")
def team_clinic() -> InMemoryRepository:
    """The demo clinic with one account of each role (built once, copied per test)."""
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(ACTOR, NOW))
    admin = person(Role.ADMINISTRATOR)
    acc.add_account(repo, Context(ACTOR, NOW), admin.user, Role.ADMINISTRATOR, PW)
    for role in Role:
        if role is not Role.ADMINISTRATOR:
            acc.add_account(repo, Context(admin, NOW), person(role).user, role, PW)
    return repo


@pytest.fixture
def clinic(team_clinic: InMemoryRepository) -> Repository:
    return copy.deepcopy(team_clinic)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
@pytest.mark.parametrize(
    ("name", "call"), [(n, c) for n, c, _ in edit_path.CASES], ids=[c[0] for c in edit_path.CASES]
)
def test_each_use_case_runs_for_the_roles_that_may_and_no_other(
    clinic: Repository, monkeypatch: pytest.MonkeyPatch, name: str, call, role: Role
) -> None:
    monkeypatch.setattr(edit_path, "CTX", Context(person(role), NOW))
    needed = NEEDS.get(name, Permission.EDIT_CLINICAL)
    rows = len(clinic.audit_log())
    if permits(role, needed):
        call(clinic)
        assert len(clinic.audit_log()) > rows
        assert clinic.audit_log()[-1].user == person(role).user
        return
    with pytest.raises(PermissionDeniedError, match=f"{role.value} role cannot") as refused:
        call(clinic)
    assert str(refused.value).count(".") == 1  # one sentence
    # Nothing changed; the attempt is one event row under the person who tried.
    (attempt,) = clinic.audit_log()[rows:]
    assert (attempt.user, attempt.entity) == (person(role).user, "event")
    assert attempt.action.startswith("Refused: ")
    assert f"needs the permission to {needed.value}" in (attempt.new or "")


def test_undo_needs_what_the_edit_needed(clinic: Repository) -> None:
    tid = edit_path._tid(clinic, "DEMO-0003")
    nurse = Context(person(Role.NURSE), NOW)
    change = harvest.add_collection(
        clinic, nurse, tid, Collection("c1", NOW.date(), 250, 64, cd34_per_ul=800)
    )
    for role in (Role.VIEWER, Role.PHARMACIST, Role.ADMINISTRATOR):
        with pytest.raises(PermissionDeniedError):
            undo(clinic, Context(person(role), NOW), change, change.after)
    undo(clinic, Context(person(Role.PHYSICIAN), NOW), change, change.after)
    assert harvest.load_harvest(clinic, tid)[0].collections == ()
