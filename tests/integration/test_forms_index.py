"""The registry forms' index (schema 0011): each transplant's dated forms are kept with the
mark they were dated at, so a forms list reads the history's documents only for what
changed since, and always lists what dating everything from the documents would."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from planner.app import forms
from planner.app.changes import undo
from planner.app.checklists import tick_checklist_item
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.patients import save_patient
from planner.app.plans import move_day0
from planner.app.transplants import save_transplant
from planner.domain.patients import StatusChange, TransplantStatus
from planner.errors import StorageError
from planner.records.checklists import (
    applicable_templates,
    checklist_view,
    checklists_from_body,
    load_checklists,
)
from planner.records.ports import CHECKLISTS, Actor, BoardEntry, Repository
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)
TODAY = NOW.date()


@pytest.fixture
def clinic(repo: Repository) -> Repository:
    load_demo_clinic(repo, CTX)
    return repo


def _dated_afresh(today: dt.date, *, everything: bool = False) -> list[forms.FormDue]:
    """The list of the demo clinic as the list made it before the index: every
    transplant's whole plan and checklists read and dated with the day itself."""
    fresh = InMemoryRepository()
    load_demo_clinic(fresh, CTX)
    return _reference(fresh, today, everything=everything)


def _reference(repo: Repository, today: dt.date, *, everything: bool) -> list[forms.FormDue]:
    templates = load_checklists()
    mrns = {p.id: p.mrn for p in repo.list_patients()}
    plans = {p.transplant_id: p for p in repo.list_plans()}
    states = {r.transplant_id: checklists_from_body(r.body) for r in repo.list_records(CHECKLISTS)}
    horizon = today + dt.timedelta(days=forms.HORIZON_DAYS)
    out = []
    for t in repo.list_transplants():
        plan = plans.get(t.id)
        if plan is None or t.status is TransplantStatus.CANCELLED:
            continue
        kind = t.transplant_type.value
        for template in applicable_templates(templates, kind):
            if not template.overdue_on_board:
                continue
            state = states.get(t.id, {}).get(template.id)
            for item in checklist_view(template, state, plan, today, kind).items:
                if item.due is None:
                    continue
                end = item.window_end or item.due
                status = forms._status(item.done, item.due, end, today)
                if everything or (status != forms.DONE and item.due <= horizon):
                    out.append(
                        forms.FormDue(
                            mrns[t.patient_id], t.patient_id, t.id, item.item.title,
                            template.title, item.due, end, status,
                        )
                    )  # fmt: skip
    return sorted(out, key=lambda f: (f.due, f.mrn, f.form, f.checklist, f.transplant_id))


class _Reads:
    """Which transplants a forms list read the plans of."""

    def __init__(self, repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ids: list[str] = []
        whole = repo.get_plans

        def get_plans(ids, *, outline=False):
            self.ids.extend(ids)
            return whole(ids, outline=outline)

        monkeypatch.setattr(repo, "get_plans", get_plans)


def test_a_first_list_stores_an_entry_for_every_transplant_at_its_mark(clinic) -> None:
    assert all(i.entry is None for i in clinic.forms_index())
    listed = forms.forms_due(clinic, TODAY)
    assert listed, "the demo clinic owes registry forms: not vacuous"
    index = clinic.forms_index()
    assert {i.transplant_id for i in index} == {t.id for t in clinic.list_transplants()}
    context = forms.forms_context()
    assert all(i.entry is not None and i.entry.mark == i.mark for i in index)
    assert {i.entry.context for i in index if i.entry} == {context}


def test_a_second_list_reads_no_plan_and_lists_the_same(clinic, monkeypatch) -> None:
    first = forms.forms_due(clinic, TODAY, everything=True)
    reads = _Reads(clinic, monkeypatch)
    assert forms.forms_due(clinic, TODAY, everything=True) == first
    assert reads.ids == []


@pytest.mark.parametrize("days", [-400, -30, 0, 45, 200, 900])
@pytest.mark.parametrize("everything", [False, True])
def test_the_kept_forms_list_what_dating_the_documents_lists_on_any_day(days, everything) -> None:
    """What is kept does not depend on the day: stored on one day, read on another, the
    statuses are those of that day."""
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    forms.forms_due(repo, TODAY)  # stored today
    day = TODAY + dt.timedelta(days=days)
    assert forms.forms_due(repo, day, everything=everything) == _dated_afresh(
        day, everything=everything
    )


def test_ticking_a_form_dates_that_transplant_again_and_no_other(clinic, monkeypatch) -> None:
    before = forms.forms_due(clinic, TODAY)
    owed = next(f for f in before if f.status == forms.PAST_DUE)
    template = load_checklists()["registry-forms"]
    item = next(i for i in template.items if i.title == owed.form)
    tick_checklist_item(clinic, CTX, owed.transplant_id, template, item.id, done=True, date=TODAY)
    reads = _Reads(clinic, monkeypatch)
    after = forms.forms_due(clinic, TODAY, everything=True)
    assert reads.ids == [owed.transplant_id]
    ticked = next(f for f in after if f.transplant_id == owed.transplant_id and f.form == owed.form)
    assert ticked.status == forms.DONE
    assert len(forms.forms_due(clinic, TODAY)) == len(before) - 1


def test_a_new_mrn_reaches_every_form_of_the_patient(clinic) -> None:
    listed = forms.forms_due(clinic, TODAY, everything=True)
    patient = clinic.get_patient(listed[0].patient_id)
    save_patient(clinic, CTX, dataclasses.replace(patient, mrn="NEW-4711"), reason="merged")
    after = forms.forms_due(clinic, TODAY, everything=True)
    mine = [f for f in after if f.patient_id == patient.id]
    assert mine and {f.mrn for f in mine} == {"NEW-4711"}
    assert not any(f.mrn == patient.mrn for f in after)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda e: dataclasses.replace(e, context=e.context.replace("forms|", "forms|0")),
        lambda e: dataclasses.replace(e, mark=e.mark - 1),
        lambda e: dataclasses.replace(e, payload="{not json"),
        lambda e: dataclasses.replace(e, payload='{"forms": [["a", "b", "2026-13-01"]]}'),
    ],
    ids=["another program or checklists", "an older mark", "not json", "not its shape"],
)
def test_an_entry_that_is_not_current_is_dated_again(clinic, monkeypatch, spoil) -> None:
    expected = forms.forms_due(clinic, TODAY, everything=True)
    victim = next(i for i in clinic.forms_index() if i.entry and '"forms":[[' in i.entry.payload)
    assert victim.entry is not None
    clinic.store_forms_entries([spoil(victim.entry)])
    reads = _Reads(clinic, monkeypatch)
    assert forms.forms_due(clinic, TODAY, everything=True) == expected
    assert reads.ids == [victim.transplant_id]
    stored = {i.transplant_id: i.entry for i in clinic.forms_index()}[victim.transplant_id]
    assert stored == victim.entry  # stored again as it was


def test_a_database_that_refuses_the_entries_still_gets_its_list(clinic, monkeypatch) -> None:
    tried: list[int] = []

    def refuse(entries: list[BoardEntry]) -> None:
        tried.append(len(entries))
        raise StorageError("The database is being checked.")

    monkeypatch.setattr(clinic, "store_forms_entries", refuse)
    monkeypatch.setattr(forms, "_BATCH", 3)  # several batches
    assert forms.forms_due(clinic, TODAY, everything=True) == _dated_afresh(TODAY, everything=True)
    assert len(clinic.list_transplants()) > 3
    assert tried == [3]  # asked once, not once a batch
    monkeypatch.undo()
    assert all(i.entry is None for i in clinic.forms_index())


def test_the_history_is_dated_in_batches(monkeypatch) -> None:
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    monkeypatch.setattr(forms, "_BATCH", 3)
    stored: list[int] = []
    whole = repo.store_forms_entries
    monkeypatch.setattr(
        repo, "store_forms_entries", lambda entries: (stored.append(len(entries)), whole(entries))
    )
    assert forms.forms_due(repo, TODAY) == _dated_afresh(TODAY)
    count = len(repo.list_transplants())
    assert sum(stored) == count and max(stored) == 3 and len(stored) == -(-count // 3)


def test_a_cancelled_transplant_keeps_an_entry_with_no_forms(clinic) -> None:
    forms.forms_due(clinic, TODAY)
    payloads = {i.transplant_id: i.entry.payload for i in clinic.forms_index() if i.entry}
    cancelled = [t.id for t in clinic.list_transplants() if t.status.value == "cancelled"]
    assert cancelled, "the demo clinic has a cancelled transplant: not vacuous"
    for tid in cancelled:
        assert payloads[tid].endswith('"forms":[]}')
    assert not {f.transplant_id for f in forms.forms_due(clinic, TODAY, everything=True)} & set(
        cancelled
    )


def test_moving_day_0_and_undoing_it_date_the_forms_again(clinic) -> None:
    kept = forms.forms_due(clinic, TODAY, everything=True)  # all stored
    owed = next(  # a plan whose Day 0 can still move (no infusion given)
        f for f in kept if clinic.get_transplant(f.transplant_id).status is TransplantStatus.PLANNED
    )
    plan = clinic.get_plan(owed.transplant_id)
    assert plan is not None
    change = move_day0(clinic, CTX, plan, plan.day0 + dt.timedelta(days=7), "bed delayed")
    moved = forms.forms_due(clinic, TODAY, everything=True)
    assert moved == _reference(clinic, TODAY, everything=True)
    mine = [f for f in moved if f.transplant_id == owed.transplant_id and f.form == owed.form]
    assert mine and mine[0].due == owed.due + dt.timedelta(days=7)
    undo(clinic, CTX, change, change.after)
    assert forms.forms_due(clinic, TODAY, everything=True) == kept


def test_a_cancelled_transplant_leaves_the_list(clinic) -> None:
    listed = {f.transplant_id for f in forms.forms_due(clinic, TODAY, everything=True)}
    victim = next(t for t in clinic.list_transplants() if t.id in listed)
    cancelled = dataclasses.replace(
        victim,
        status=TransplantStatus.CANCELLED,
        status_history=(
            *victim.status_history,
            StatusChange(TransplantStatus.CANCELLED, TODAY, "donor withdrew"),
        ),
    )
    save_transplant(clinic, CTX, cancelled, reason="donor withdrew")
    after = forms.forms_due(clinic, TODAY, everything=True)
    assert victim.id not in {f.transplant_id for f in after}
    assert after == _reference(clinic, TODAY, everything=True)


def test_the_context_names_the_code_that_dates_the_forms(monkeypatch) -> None:
    import os
    import subprocess
    import sys

    here = forms.forms_context()
    script = "from planner.app.forms import forms_context as f; print(f())"
    for seed in ("1", "2"):  # the same in every process, whatever the string hashing
        done = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == here
    forms._dating_code_digest.cache_clear()
    monkeypatch.setattr(forms, "_DATING_MODULES", (*forms._DATING_MODULES, "planner.app.board"))
    try:
        assert forms.forms_context() != here  # other code, other context
    finally:
        forms._dating_code_digest.cache_clear()


def test_the_idle_refresh_stores_what_is_not_current_batch_by_batch(clinic) -> None:
    count = len(clinic.list_transplants())
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2  # two batches, then the app closes

    assert forms.refresh_forms_index(clinic, stop, batch=3) == 6
    current = [i for i in clinic.forms_index() if i.entry and i.entry.mark == i.mark]
    assert len(current) == 6 < count
    assert forms.refresh_forms_index(clinic) == count - 6  # the rest
    assert forms.refresh_forms_index(clinic) == 0  # nothing left: no read
    assert forms.forms_due(clinic, TODAY, everything=True) == _reference(
        clinic, TODAY, everything=True
    )
