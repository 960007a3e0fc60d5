"""Registry forms across the clinic: what is due, in its window, or past due.

The forms are the items of the checklists that keep their deadlines after the event
(``overdue_on_board``: the CIBMTR and EBMT registry forms), dated from each plan's
anchors like the Checklists tab dates them. A form's window runs from its due date for
the item's ``window_after_days`` (CIBMTR: past due 120 days after the time point, as the
CIBMTR Forms Instruction Manual sets it); without one, the window closes on the due date.

Forms are owed for every transplant ever recorded, closed ones too, so the list would
read the programme's whole history each time (4.6 s at 10,000 archived transplants, and
growing). Instead each transplant's dated forms are kept in the store's forms index
(``Repository.forms_index``, schema 0011) with the transplant's mark they were dated at:
a list reads the index and dates again only the transplants whose mark moved since (an
edit of the plan, the checklists, the transplant or the patient, whoever made it), or
whose entry another program version or other checklists made. What is kept does not
depend on the day (due date, window end, done); the status is worked out at each read.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import json
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from planner import __version__
from planner.app.collector import collector_paused
from planner.domain.assets import list_resources
from planner.domain.i18n import tr_noop
from planner.domain.patients import Transplant, TransplantStatus
from planner.domain.plans import Plan
from planner.errors import StorageError, ValidationError
from planner.records.checklists import (
    ChecklistState,
    ChecklistTemplate,
    applicable_templates,
    checklist_view,
    checklists_from_body,
    load_checklists,
)
from planner.records.ports import CHECKLISTS, BoardEntry, IndexedTransplant, Repository

DONE = tr_noop("done")
PAST_DUE = tr_noop("past due")
IN_WINDOW = tr_noop("in window")
UPCOMING = tr_noop("upcoming")
FORM_STATUSES = (PAST_DUE, IN_WINDOW, UPCOMING, DONE)
HORIZON_DAYS = 31  # "due this month": the next 31 days


class FormDue(NamedTuple):
    """One registry form of one transplant (a named tuple: a long history lists tens of
    thousands, and a frozen dataclass took four times as long to make).

    Attributes:
        mrn, patient_id, transplant_id: whose.
        form: the form's title; checklist: the checklist it belongs to.
        due: its time point; window_end: the last day it is on time.
        status: done, past due (after the window), in window (due, not past due) or
            upcoming (before its due date).
    """

    mrn: str
    patient_id: str
    transplant_id: str
    form: str
    checklist: str
    due: dt.date
    window_end: dt.date
    status: str

    def as_json(self) -> dict[str, str]:
        """The command line's JSON keys: mrn, form, due, window_end, status (English)."""
        return {
            "mrn": self.mrn,
            "form": self.form,
            "due": self.due.isoformat(),
            "window_end": self.window_end.isoformat(),
            "status": self.status,
        }


def _status(done: bool, due: dt.date, window_end: dt.date, today: dt.date) -> str:
    if done:
        return DONE
    if today > window_end:
        return PAST_DUE
    return IN_WINDOW if today >= due else UPCOMING


def forms_due(
    repo: Repository,
    today: dt.date,
    *,
    horizon_days: int = HORIZON_DAYS,
    everything: bool = False,
) -> list[FormDue]:
    """Every registry form not done and due by ``today + horizon_days`` (past due, in its
    window, or coming up), by due date then MRN; ``everything`` adds the done and later ones.

    Cancelled transplants are left out: their forms are not owed.
    """
    # Thousands of entries and forms, none in a reference cycle: with the collector on,
    # its passes over them were a third of the time of dating the whole history.
    with collector_paused():
        kept = registry_forms(repo)
    horizon = today + dt.timedelta(days=horizon_days)
    out: list[FormDue] = []
    for transplant in kept:
        for form in transplant.forms:
            status = _status(form.done, form.due, form.window_end, today)
            if everything or (status != DONE and form.due <= horizon):
                out.append(
                    FormDue(
                        transplant.mrn,
                        transplant.patient_id,
                        transplant.transplant_id,
                        form.form,
                        form.checklist,
                        form.due,
                        form.window_end,
                        status,
                    )
                )
    return sorted(out, key=lambda f: (f.due, f.mrn, f.form, f.checklist, f.transplant_id))


class DatedForm(NamedTuple):
    """One registry form as the forms index keeps it: nothing in it depends on the day."""

    form: str
    checklist: str
    due: dt.date
    window_end: dt.date
    done: bool


@dataclass(frozen=True)
class TransplantForms:
    """A transplant's registry forms (none for a cancelled transplant or one with no plan)."""

    transplant_id: str
    patient_id: str
    mrn: str
    forms: tuple[DatedForm, ...]


def registry_forms(repo: Repository) -> list[TransplantForms]:
    """Every transplant's dated registry forms: the stored entries that are current, the
    others dated from the store (``_BATCH`` transplants per read) and stored again.

    The marks are read before the data, so a commit in between leaves an entry under the
    older mark, dated again at the next read. Storing is best effort: a database that
    cannot be written (a file still being checked, a read-only copy) still gets its list.
    """
    templates = load_checklists()
    context = forms_context()
    kept: list[TransplantForms] = []
    stale: dict[str, int] = {}
    for indexed in repo.forms_index():
        found = _from_entry(indexed, context)
        if found is None:
            stale[indexed.transplant_id] = indexed.mark
        else:
            kept.append(found)
    storing = True
    ids = sorted(stale)
    for start in range(0, len(ids), _BATCH):
        dated = _date_forms(repo, ids[start : start + _BATCH], templates)
        kept.extend(dated)
        if storing:
            storing = _store(repo, [_entry(f, stale[f.transplant_id], context) for f in dated])
    return kept


def refresh_forms_index(
    repo: Repository, stop: Callable[[], bool] = lambda: False, batch: int = 0
) -> int:
    """Date and store the forms of the transplants whose entries are not current (the
    idle refresh: a forms list after an upgrade then reads the index, not the history);
    ``batch`` transplants per read (default ``_BATCH``), ``stop`` asked between batches.
    Returns how many were stored.

    Raises:
        StorageError: the database cannot be read or written.
    """
    context = forms_context()
    stale = {i.transplant_id: i.mark for i in repo.forms_index() if not _is_current(i, context)}
    if not stale:
        return 0
    templates = load_checklists()
    ids, size, stored = sorted(stale), batch or _BATCH, 0
    for start in range(0, len(ids), size):
        if stop():
            break
        with collector_paused():
            dated = _date_forms(repo, ids[start : start + size], templates)
        repo.store_forms_entries([_entry(f, stale[f.transplant_id], context) for f in dated])
        stored += len(dated)
    return stored


FORMS_FORMAT = 1  # raise when the payload's shape changes
_BATCH = 500  # transplants dated per batched read and stored per transaction


# The modules whose code dates a form: a fix in any of them must date every kept form
# again, also in a build whose version number did not change.
_DATING_MODULES = (
    "planner.app.forms",
    "planner.records.checklists",
    "planner.records.serialize",
    "planner.domain.plans",
    "planner.domain.days",
)


def forms_context() -> str:
    """What the kept forms were dated with: this format, the program version, the code
    that dates them and the bundled checklists' bytes (a changed time point, window or
    rule dates them again)."""
    digest = hashlib.sha256(_dating_code_digest().encode())
    for resource in list_resources("checklists", ".toml"):
        digest.update(resource.name.encode())
        digest.update(resource.read_bytes())
    return f"forms|{FORMS_FORMAT}|{__version__}|{digest.hexdigest()[:16]}"


@functools.cache
def _dating_code_digest() -> str:
    """A digest of the compiled code of ``_DATING_MODULES``: their bytecode, names and
    constants, not their file names or line numbers, so it is the same wherever the
    program is installed and in a bundle without sources (whose importer also gives
    the compiled code)."""
    digest = hashlib.sha256()
    for name in _DATING_MODULES:
        spec = importlib.util.find_spec(name)
        code = spec.loader.get_code(name) if spec and spec.loader else None  # type: ignore[attr-defined]
        digest.update(name.encode())
        if code is not None:
            _digest_code(code, digest)
    return digest.hexdigest()


def _digest_code(code: types.CodeType, digest: Any) -> None:
    digest.update(code.co_code)
    digest.update(" ".join(code.co_names).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _digest_code(const, digest)
        else:
            digest.update(_const_text(const).encode())


def _const_text(const: object) -> str:
    """A constant's text, the same in every process (a frozenset's order follows string
    hashing, which changes from one run to the next)."""
    if isinstance(const, frozenset):
        return "{" + ",".join(sorted(_const_text(c) for c in const)) + "}"
    if isinstance(const, tuple):
        return "(" + ",".join(_const_text(c) for c in const) + ")"
    return repr(const)


def _is_current(indexed: IndexedTransplant, context: str) -> bool:
    """True when the stored entry was dated at the transplant's mark with ``context``."""
    entry = indexed.entry
    return entry is not None and entry.mark == indexed.mark and entry.context == context


def _from_entry(indexed: IndexedTransplant, context: str) -> TransplantForms | None:
    """The stored forms if they are current (``_is_current``)."""
    entry = indexed.entry
    if entry is None or not _is_current(indexed, context):
        return None
    try:
        body = json.loads(entry.payload)
        forms = tuple(
            DatedForm(
                str(form),
                str(checklist),
                dt.date.fromisoformat(due),
                dt.date.fromisoformat(end),
                bool(done),
            )
            for form, checklist, due, end, done in body["forms"]
        )
        return TransplantForms(indexed.transplant_id, str(body["patient"]), str(body["mrn"]), forms)
    except (ValueError, TypeError, KeyError):
        return None  # not what this program writes: dated again


def _entry(forms: TransplantForms, mark: int, context: str) -> BoardEntry:
    body = {
        "patient": forms.patient_id,
        "mrn": forms.mrn,
        "forms": [
            [f.form, f.checklist, f.due.isoformat(), f.window_end.isoformat(), f.done]
            for f in forms.forms
        ],
    }
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return BoardEntry(forms.transplant_id, mark, context, payload)


def _store(repo: Repository, entries: list[BoardEntry]) -> bool:
    """Store the entries; False when the database refuses writes (stop trying)."""
    try:
        repo.store_forms_entries(entries)
    except StorageError:
        return False
    return True


def _date_forms(
    repo: Repository, ids: list[str], templates: Mapping[str, ChecklistTemplate]
) -> list[TransplantForms]:
    """Date the forms of these transplants from the store: one query per table."""
    transplants = repo.get_transplants(ids)
    patients = {p.id: p for p in repo.get_patients({t.patient_id for t in transplants})}
    # Outlines: the forms are dated from the anchors only; decoding every step of the
    # history's plans took twice as long.
    plans = {p.transplant_id: p for p in repo.get_plans(ids, outline=True)}
    states: dict[str, dict[str, ChecklistState]] = {}
    for record in repo.get_records(ids, (CHECKLISTS,)):
        try:
            states[record.transplant_id] = checklists_from_body(record.body)
        except ValidationError:
            continue  # the board names an unreadable record; its forms show as not done
    return [
        TransplantForms(
            t.id,
            t.patient_id,
            patients[t.patient_id].mrn,
            _forms_of(t, plans.get(t.id), states.get(t.id, {}), templates),
        )
        for t in transplants
    ]


def _forms_of(
    transplant: Transplant,
    plan: Plan | None,
    states: Mapping[str, ChecklistState],
    templates: Mapping[str, ChecklistTemplate],
) -> tuple[DatedForm, ...]:
    if plan is None or transplant.status is TransplantStatus.CANCELLED:
        return ()
    kind = transplant.transplant_type.value
    out: list[DatedForm] = []
    for template in applicable_templates(templates, kind):
        if not template.overdue_on_board:
            continue
        # The day only decides the status of what is not done: dated with any day, the
        # due dates, windows and "done" are the same (daily items have no due date).
        view = checklist_view(template, states.get(template.id), plan, plan.day0, kind)
        for item in view.items:
            if item.due is None:
                continue
            end = item.window_end or item.due
            out.append(DatedForm(item.item.title, template.title, item.due, end, item.done))
    return tuple(out)
