"""The board index: what a quick start paints, and when an entry may not be painted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from planner.app.clinic import clinic_view
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.patients import save_patient
from planner.app.snapshot import (
    ENTRY_DAYS,
    REFRESH_AHEAD,
    RENEWED_DAYS,
    StoredWorklist,
    complete_start_board,
    current_entries,
    entry_context,
    entry_document,
    entry_payload,
    refresh_board_index,
    renew_entries,
    stale_transplants,
    start_board_of,
    store_shown_board,
    stored_start_board,
)
from planner.app.timeline import row_sketch
from planner.domain import i18n
from planner.records.ports import Actor, BoardEntry, IndexedTransplant
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CLOSURES = (dt.date(2026, 3, 12),)
CTX = Context(Actor("coordinator", "ws-1"), NOW)


def _demo() -> InMemoryRepository:
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    return repo


@pytest.fixture(scope="module")
def repo() -> InMemoryRepository:
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    return repo


@pytest.mark.parametrize("offset", range(ENTRY_DAYS))
def test_each_stored_day_is_exactly_the_live_board_of_that_day(repo, offset):
    day = TODAY + dt.timedelta(days=offset)
    board = start_board_of(repo.board_index(), day, CLOSURES)
    live = clinic_view(repo, day, CLOSURES)
    assert board is not None and board.complete
    assert board.today == day
    assert board.rows == live.rows
    assert board.worklist == live.worklist
    assert board.rows, "the demo clinic has rows: the comparison is not vacuous"


@pytest.mark.parametrize("offset", range(ENTRY_DAYS))
def test_each_stored_day_carries_the_engraftment_dates_of_today(repo, offset):
    board = start_board_of(repo.board_index(), TODAY + dt.timedelta(days=offset), CLOSURES)
    assert board is not None
    assert board.engrafted == clinic_view(repo, TODAY, CLOSURES).engrafted
    assert board.engrafted, "the demo clinic has engrafted patients: not vacuous"


def test_sketches_paint_what_the_plans_paint(repo):
    board = start_board_of(repo.board_index(), TODAY, CLOSURES)
    assert board is not None
    plans = {p.transplant_id: p for p in repo.list_plans()}
    assert set(board.sketches) == {r.transplant_id for r in board.rows} & set(plans)
    for tid, sketch in board.sketches.items():
        live = row_sketch(plans[tid])
        assert (sketch.day0, sketch.first, sketch.last) == (live.day0, live.first, live.last)
        assert sketch.bands == live.bands
        assert sketch.runs == live.runs


def test_a_day_outside_the_stored_days_is_not_shown(repo):
    index = repo.board_index()
    assert start_board_of(index, TODAY + dt.timedelta(days=ENTRY_DAYS), CLOSURES) is None
    assert start_board_of(index, TODAY - dt.timedelta(days=1), CLOSURES) is None


def test_other_closure_days_show_nothing(repo):
    assert start_board_of(repo.board_index(), TODAY, ()) is None


def test_another_program_version_shows_nothing(repo, monkeypatch):
    monkeypatch.setattr("planner.app.snapshot.__version__", "99.0")
    assert start_board_of(repo.board_index(), TODAY, CLOSURES) is None


def test_another_language_is_missing_where_the_language_is_known(repo):
    index = repo.board_index()
    assert start_board_of(index, TODAY, CLOSURES, language="es") is None
    board = start_board_of(index, TODAY, CLOSURES, language=i18n.current())
    assert board is not None and board.complete and board.language == i18n.current()


def test_a_board_says_the_language_most_entries_were_stored_in(repo):
    english = repo.board_index()
    spanish = [
        dataclasses.replace(
            i, entry=dataclasses.replace(i.entry, context=i.entry.context.replace("|en|", "|es|"))
        )
        for i in english[:2]
    ]
    board = start_board_of([*spanish, *english[2:]], TODAY, CLOSURES)
    assert board is not None and board.language == "en"
    assert board.missing == {i.transplant_id for i in spanish}
    assert complete_start_board(repo, board, CLOSURES).language == "en"
    board = start_board_of(spanish, TODAY, CLOSURES)
    assert board is not None and board.language == "es" and board.complete


def test_an_edit_makes_only_that_transplant_missing_and_completing_gives_the_live_board():
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    patient = next(p for p in repo.list_patients() if repo.list_transplants(p.id))
    save_patient(repo, CTX, dataclasses.replace(patient, coordinator="Someone Else"))
    board = start_board_of(repo.board_index(), TODAY, CLOSURES)
    assert board is not None
    assert board.missing == {t.id for t in repo.list_transplants(patient.id) if t.is_active}
    assert board.missing, "the patient has an open transplant: not vacuous"
    assert all(r.transplant_id not in board.missing for r in board.rows)
    done = complete_start_board(repo, board, CLOSURES)
    live = clinic_view(repo, TODAY, CLOSURES)
    assert done.complete and done.language == board.language == i18n.current()
    assert done.rows == live.rows and done.worklist == live.worklist
    assert any(r.coordinator == "Someone Else" for r in done.rows)
    assert dict(done.engrafted) == live.engrafted


def test_the_refresh_stores_only_what_is_stale():
    repo = _demo()
    first = refresh_board_index(repo, TODAY, CLOSURES)
    assert first == {i.transplant_id for i in repo.board_index()}
    assert refresh_board_index(repo, TODAY, CLOSURES) == set()
    patient = next(p for p in repo.list_patients() if repo.list_transplants(p.id))
    save_patient(repo, CTX, dataclasses.replace(patient, coordinator="Someone Else"))
    again = refresh_board_index(repo, TODAY, CLOSURES)
    assert again == {t.id for t in repo.list_transplants(patient.id) if t.is_active}
    # ``also``: an entry the live load found wrong is stored again, marks aside.
    some = sorted(first)[0]
    assert refresh_board_index(repo, TODAY, CLOSURES, also={some}) == {some}


def test_an_entry_is_refreshed_before_it_runs_out():
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    index = repo.board_index()
    last_safe = TODAY + dt.timedelta(days=ENTRY_DAYS - 1 - REFRESH_AHEAD)
    assert stale_transplants(index, last_safe, CLOSURES) == []
    later = last_safe + dt.timedelta(days=1)
    assert stale_transplants(index, later, CLOSURES) == [i.transplant_id for i in index]


def test_a_refresh_stopped_between_batches_stores_what_it_finished():
    repo = _demo()
    calls = []

    def stop() -> bool:  # asked before the read, then before each batch
        calls.append(1)
        return len(calls) > 2

    stored = refresh_board_index(repo, TODAY, CLOSURES, stop=stop, batch=2)
    assert len(stored) == 2
    board = start_board_of(repo.board_index(), TODAY, CLOSURES)
    assert board is not None and len(board.missing) == len(repo.board_index()) - 2


def test_a_refresh_asked_to_stop_reads_nothing(monkeypatch):
    repo = _demo()
    monkeypatch.setattr(
        "planner.app.clinic.load_clinic", lambda *_a, **_k: pytest.fail("the clinic was read")
    )
    assert refresh_board_index(repo, TODAY, CLOSURES, stop=lambda: True) == set()


def test_an_empty_clinic_gives_an_empty_complete_board():
    fresh = InMemoryRepository()
    assert refresh_board_index(fresh, TODAY) == set()
    board = start_board_of(fresh.board_index(), TODAY)
    assert board is not None and board.complete
    assert board.rows == [] and board.worklist == []


def test_nothing_stored_shows_nothing():
    assert start_board_of(_demo().board_index(), TODAY, CLOSURES) is None


def test_the_shown_board_is_stored_as_todays_entries_of_what_is_missing():
    repo = _demo()
    live = clinic_view(repo, TODAY, CLOSURES)
    sketches = {tid: row_sketch(p) for tid, p in live.plans.items()}
    count = store_shown_board(
        repo, TODAY, CLOSURES, (live.rows, live.worklist), sketches, live.engrafted
    )
    assert count == len(live.rows)
    board = start_board_of(repo.board_index(), TODAY, CLOSURES)
    assert board is not None and board.complete
    assert board.rows == live.rows and board.worklist == live.worklist
    assert start_board_of(repo.board_index(), TODAY + dt.timedelta(days=1), CLOSURES) is None
    # Nothing missing any more: a second close stores nothing.
    assert store_shown_board(repo, TODAY, CLOSURES, (live.rows, live.worklist), {}, {}) == 0


def test_the_worklist_is_decoded_only_when_read_and_then_is_the_live_one(repo):
    board = start_board_of(repo.board_index(), TODAY, CLOSURES)
    assert board is not None and isinstance(board.worklist, StoredWorklist)
    assert not board.worklist.decoded  # a start paints the board without it
    live = clinic_view(repo, TODAY, CLOSURES).worklist
    assert len(board.worklist) == len(live) > 0
    assert board.worklist.decoded
    assert list(board.worklist) == live and board.worklist[0] == live[0]
    assert board.worklist[1:3] == live[1:3]


def test_an_undecoded_worklist_is_stored_whole_at_close():
    """A close before anything read the stored worklist still stores its lines."""
    source = _demo()
    refresh_board_index(source, TODAY, CLOSURES)
    board = start_board_of(source.board_index(), TODAY, CLOSURES)
    assert board is not None and isinstance(board.worklist, StoredWorklist)
    assert not board.worklist.decoded
    everything = {i.transplant_id for i in source.board_index()}
    shown = (board.rows, board.worklist)
    store_shown_board(
        source, TODAY, CLOSURES, shown, board.sketches, board.engrafted, also=everything
    )
    again = start_board_of(source.board_index(), TODAY, CLOSURES)
    live = clinic_view(source, TODAY, CLOSURES)
    assert again is not None and again.complete
    assert again.worklist == live.worklist and len(live.worklist) > 0


def test_an_entry_whose_worklist_lines_do_not_decode_shows_its_row_without_them(repo):
    """The lines are decoded after the first paint: a malformed text is left out then (the
    live load, which compares, finds the entry wrong), never an error."""
    index = repo.board_index()
    live = clinic_view(repo, TODAY, CLOSURES)
    victim = next(w.transplant_id for w in live.worklist)
    day = TODAY.isoformat()

    def spoiled(indexed: IndexedTransplant) -> IndexedTransplant:
        if indexed.transplant_id != victim or indexed.entry is None:
            return indexed
        doc = entry_document(indexed.entry.payload)
        row, _ = json.loads(doc["days"][day])
        doc["days"][day] = "[" + json.dumps(row, separators=(",", ":")) + ",not json]"
        return dataclasses.replace(
            indexed, entry=dataclasses.replace(indexed.entry, payload=entry_payload(doc))
        )

    board = start_board_of([spoiled(i) for i in index], TODAY, CLOSURES)
    assert board is not None and board.complete
    assert board.rows == live.rows  # the row is shown
    assert list(board.worklist) == [w for w in live.worklist if w.transplant_id != victim]


def test_a_server_board_is_completed_when_read():
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    patient = next(p for p in repo.list_patients() if repo.list_transplants(p.id))
    save_patient(repo, CTX, dataclasses.replace(patient, coordinator="Someone Else"))
    board = stored_start_board(repo, TODAY, CLOSURES)
    assert board is not None and board.complete
    assert board.rows == clinic_view(repo, TODAY, CLOSURES).rows


def _indexed(payload: str, context: str | None = None) -> list[IndexedTransplant]:
    if context is None:
        context = entry_context((), i18n.current(), TODAY, TODAY)
    return [IndexedTransplant("t1", 3, BoardEntry("t1", 3, context, payload))]


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "not json",
        "[]",
        "{}",
        json.dumps({"days": {TODAY.isoformat(): "[[1], []]"}, "sketch": None, "engrafted": None}),
        json.dumps({"days": [TODAY.isoformat()], "sketch": None, "engrafted": None}),
        json.dumps({"days": {}, "sketch": None, "engrafted": None}),
        json.dumps({"days": {TODAY.isoformat(): "x"}, "sketch": None, "engrafted": "2026-02-30"}),
    ],
)
def test_a_malformed_entry_counts_as_missing(payload):
    assert start_board_of(_indexed(payload), TODAY) is None


@pytest.mark.parametrize("context", ["", "nonsense", "a|b|c|d", "x|en|2026-03-10|2026-13-10"])
def test_a_malformed_context_counts_as_missing(repo, context):
    entry = repo.board_index()[0].entry
    assert entry is not None
    assert start_board_of(_indexed(entry.payload, context), TODAY) is None


def test_an_older_mark_counts_as_missing(repo):
    found = repo.board_index()[0]
    assert found.entry is not None
    older = dataclasses.replace(found, mark=found.entry.mark + 1)
    assert start_board_of([older], TODAY, CLOSURES) is None
    assert start_board_of([found], TODAY, CLOSURES) is not None


def test_a_start_decodes_its_own_day_of_an_entry_only(repo):
    """Each day of an entry is a line of its own: a damaged line of another day does not
    keep today's row off the board (the start never decodes it), and on that day the
    entry counts as missing."""
    found = repo.board_index()[0]
    assert found.entry is not None
    tomorrow = TODAY + dt.timedelta(days=1)
    doc = entry_document(found.entry.payload)
    assert set(doc["days"]) >= {TODAY.isoformat(), tomorrow.isoformat()}
    doc["days"][tomorrow.isoformat()] = "[not json"
    damaged = dataclasses.replace(
        found, entry=dataclasses.replace(found.entry, payload=entry_payload(doc))
    )
    assert "\n" + TODAY.isoformat() in damaged.entry.payload
    today_board = start_board_of([damaged], TODAY, CLOSURES)
    assert today_board is not None and [r.transplant_id for r in today_board.rows] == [
        found.transplant_id
    ]
    assert start_board_of([damaged], tomorrow, CLOSURES) is None


def test_a_malformed_timeline_row_paints_empty_instead_of_failing(repo):
    found = repo.board_index()[0]
    assert found.entry is not None
    doc = entry_document(found.entry.payload)
    doc["sketch"] = [TODAY.toordinal(), 0, 1, "not json"]
    entry = dataclasses.replace(found.entry, payload=entry_payload(doc))
    board = start_board_of([dataclasses.replace(found, entry=entry)], TODAY, CLOSURES)
    assert board is not None
    sketch = board.sketches[found.transplant_id]
    assert sketch.bands == () and sketch.runs == ()


def test_a_close_renews_only_what_the_next_start_today_would_compute():
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    late = TODAY + dt.timedelta(days=ENTRY_DAYS - 1)  # the last day the entries cover
    assert refresh_board_index(repo, late, CLOSURES, ahead=0) == set()
    renewed = refresh_board_index(repo, late, CLOSURES)  # the idle refresh renews them
    assert renewed == {i.transplant_id for i in repo.board_index()}


# --- renewing after another program's commit (the command line's lab import) ----------------


def _edit_a_patient(repo: InMemoryRepository, skip: int = 0) -> set[str]:
    """Another program's commit: a patient with open transplants edited; their ids."""
    patients = [
        p for p in repo.list_patients() if any(t.is_active for t in repo.list_transplants(p.id))
    ]
    patient = patients[skip]
    save_patient(repo, CTX, dataclasses.replace(patient, coordinator="Night Shift"))
    return {t.id for t in repo.list_transplants(patient.id) if t.is_active}


def test_what_a_commit_made_stale_is_renewed_and_the_board_is_the_live_one():
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    before = current_entries(repo, TODAY, CLOSURES)
    assert before.last_days.keys() == {i.transplant_id for i in repo.board_index()}
    assert set(before.last_days.values()) == {TODAY + dt.timedelta(days=ENTRY_DAYS - 1)}
    assert before.language == i18n.current()
    edited = _edit_a_patient(repo)
    assert start_board_of(repo.board_index(), TODAY, CLOSURES).missing == edited
    assert renew_entries(repo, before, TODAY, CLOSURES) == edited
    for offset in range(ENTRY_DAYS):  # as far as the entries they replace
        day = TODAY + dt.timedelta(days=offset)
        board = start_board_of(repo.board_index(), day, CLOSURES)
        live = clinic_view(repo, day, CLOSURES)
        assert board is not None and board.complete
        assert board.rows == live.rows and board.worklist == live.worklist
    assert any(r.coordinator == "Night Shift" for r in board.rows)
    assert stale_transplants(repo.board_index(), TODAY, CLOSURES) == []
    assert renew_entries(repo, before, TODAY, CLOSURES) == set()  # nothing stale left


def test_a_friday_nights_renewal_still_opens_on_monday():
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)  # Tuesday: the entries cover a week
    friday = TODAY + dt.timedelta(days=3)
    before = current_entries(repo, friday, CLOSURES)
    edited = _edit_a_patient(repo)
    assert renew_entries(repo, before, friday, CLOSURES) == edited
    monday = friday + dt.timedelta(days=3)
    board = start_board_of(repo.board_index(), monday, CLOSURES)
    assert board is not None and board.complete
    assert board.rows == clinic_view(repo, monday, CLOSURES).rows
    # Entries about to run out are renewed for today and tomorrow at least.
    last = TODAY + dt.timedelta(days=ENTRY_DAYS - 1)
    before = current_entries(repo, last, CLOSURES)
    edited = _edit_a_patient(repo, 1)
    assert renew_entries(repo, before, last, CLOSURES) == edited
    board = start_board_of(repo.board_index(), last + dt.timedelta(days=RENEWED_DAYS - 1), CLOSURES)
    assert board is not None and edited.isdisjoint(board.missing)


def test_entries_are_current_on_a_database_with_accounts_too(monkeypatch):
    # The desktop shows them right after a sign-in, so the command line renews them there.
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    without = current_entries(repo, TODAY, CLOSURES)
    monkeypatch.setattr(repo, "accounts_in_use", lambda: True)
    assert without.last_days and current_entries(repo, TODAY, CLOSURES) == without


def test_an_entry_already_stale_is_left_to_the_desktop():
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    stale_before = _edit_a_patient(repo, 0)
    before = current_entries(repo, TODAY, CLOSURES)
    assert not before.last_days.keys() & stale_before
    edited = _edit_a_patient(repo, 1)
    assert renew_entries(repo, before, TODAY, CLOSURES) == edited
    board = start_board_of(repo.board_index(), TODAY, CLOSURES)
    assert board is not None and board.missing == stale_before


def test_nothing_current_renews_nothing_and_reads_no_clinic(monkeypatch):
    repo = _demo()  # never opened by the desktop: no entries
    before = current_entries(repo, TODAY, CLOSURES)
    assert before.last_days == {}
    _edit_a_patient(repo)
    monkeypatch.setattr(
        "planner.app.clinic.load_clinic", lambda *_a, **_k: pytest.fail("the clinic was read")
    )
    assert renew_entries(repo, before, TODAY, CLOSURES) == set()


def test_entries_of_other_closure_days_are_not_current():
    repo = _demo()
    refresh_board_index(repo, TODAY, CLOSURES)
    assert current_entries(repo, TODAY, ()).last_days == {}


def test_entries_are_renewed_in_the_language_they_were_stored_in():
    repo = _demo()
    with i18n.speaking("es"):
        refresh_board_index(repo, TODAY, CLOSURES)
    before = current_entries(repo, TODAY, CLOSURES)
    assert before.language == "es" and i18n.current() == "en"
    edited = _edit_a_patient(repo)
    assert renew_entries(repo, before, TODAY, CLOSURES) == edited
    board = start_board_of(repo.board_index(), TODAY, CLOSURES, language="es")
    assert board is not None and board.complete
    with i18n.speaking("es"):
        live = clinic_view(repo, TODAY, CLOSURES)
    assert board.rows == live.rows and board.worklist == live.worklist
    english = clinic_view(repo, TODAY, CLOSURES)
    renewed = [r for r in board.rows if r.transplant_id in edited]
    assert renewed != [r for r in english.rows if r.transplant_id in edited], (
        "the renewed rows read in Spanish, not English: the comparison is not vacuous"
    )


def test_a_refresh_of_every_entry_reads_the_clinic_batch_by_batch(monkeypatch):
    """After a first start every entry is stale: read whole, the clinic was kept twice
    (the session's and this one) and its release stalled the GUI thread."""
    import planner.app.clinic as clinic

    repo = _demo()
    reads = []
    whole = clinic.load_clinic

    def load_clinic(repo, transplant_ids=None):
        reads.append(None if transplant_ids is None else len(transplant_ids))
        return whole(repo, transplant_ids)

    monkeypatch.setattr(clinic, "load_clinic", load_clinic)
    stored = refresh_board_index(repo, TODAY, CLOSURES, batch=5)
    assert stored == {i.transplant_id for i in repo.board_index()}
    assert None not in reads and max(reads) <= 5
    assert len(reads) == -(-len(stored) // 5)
