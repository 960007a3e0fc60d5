"""The registry forms' index (schema 0011): each transplant's dated forms are kept with the
mark they were dated at, so a forms list reads the history's documents only for what
changed since, and always lists what dating everything from the documents would."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from planner.app import forms
from planner.app.checklists import tick_checklist_item
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.patients import save_patient
from planner.errors import StorageError
from planner.records.checklists import load_checklists
from planner.records.ports import Actor, BoardEntry, Repository
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)
TODAY = NOW.date()


@pytest.fixture
def clinic(repo: Repository) -> Repository:
    load_demo_clinic(repo, CTX)
    return repo


def _dated_afresh(today: dt.date, *, everything: bool = False) -> list[forms.FormDue]:
    """The list as dating every transplant of a new demo clinic from its documents gives it."""
    fresh = InMemoryRepository()
    load_demo_clinic(fresh, CTX)
    return forms.forms_due(fresh, today, everything=everything)


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
    assert forms.forms_due(clinic, TODAY, everything=True) == _dated_afresh(TODAY, everything=True)
    assert len(tried) == 1  # asked once, not once a batch
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
