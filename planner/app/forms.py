"""Registry forms across the clinic: what is due, in its window, or past due.

The forms are the items of the checklists that keep their deadlines after the event
(``overdue_on_board``: the CIBMTR and EBMT registry forms), dated from each plan's
anchors like the Checklists tab dates them. A form's window runs from its due date for
the item's ``window_after_days`` (CIBMTR: past due 120 days after the time point, as the
CIBMTR Forms Instruction Manual sets it); without one, the window closes on the due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.app.collector import collector_paused
from planner.domain.i18n import tr_noop
from planner.domain.patients import TransplantStatus
from planner.errors import ValidationError
from planner.records.checklists import (
    ChecklistState,
    applicable_templates,
    checklist_view,
    checklists_from_body,
    load_checklists,
)
from planner.records.ports import CHECKLISTS, Repository

DONE = tr_noop("done")
PAST_DUE = tr_noop("past due")
IN_WINDOW = tr_noop("in window")
UPCOMING = tr_noop("upcoming")
FORM_STATUSES = (PAST_DUE, IN_WINDOW, UPCOMING, DONE)
HORIZON_DAYS = 31  # "due this month": the next 31 days


@dataclass(frozen=True)
class FormDue:
    """One registry form of one transplant.

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
    # Tens of thousands of documents and forms, none in a reference cycle: with the
    # collector on, its passes over them were a third of the list's time (10,000 archived
    # transplants: 5.7-7.1 s against 4.6 s paused).
    with collector_paused():
        return _forms_due(repo, today, horizon_days, everything)


def _forms_due(
    repo: Repository, today: dt.date, horizon_days: int, everything: bool
) -> list[FormDue]:
    templates = load_checklists()
    patients = {p.id: p for p in repo.list_patients()}
    # Outlines: the forms are dated from the anchors only; at 10,000 archived
    # transplants decoding every step made the list take 11 s instead of 6.
    plans = {p.transplant_id: p for p in repo.list_plans(outline=True)}
    states: dict[str, dict[str, ChecklistState]] = {}
    for record in repo.list_records(CHECKLISTS):
        try:
            states[record.transplant_id] = checklists_from_body(record.body)
        except ValidationError:
            continue  # the board names an unreadable record; its forms show as not done
    horizon = today + dt.timedelta(days=horizon_days)
    out: list[FormDue] = []
    for transplant in repo.list_transplants():
        plan = plans.get(transplant.id)
        if plan is None or transplant.status is TransplantStatus.CANCELLED:
            continue
        kind = transplant.transplant_type.value
        mrn = patients[transplant.patient_id].mrn
        for template in applicable_templates(templates, kind):
            if not template.overdue_on_board:
                continue
            state = states.get(transplant.id, {}).get(template.id)
            for item in checklist_view(template, state, plan, today, kind).items:
                if item.due is None:
                    continue
                end = item.window_end or item.due
                status = _status(item.done, item.due, end, today)
                if everything or (status != DONE and item.due <= horizon):
                    out.append(
                        FormDue(
                            mrn,
                            transplant.patient_id,
                            transplant.id,
                            item.item.title,
                            template.title,
                            item.due,
                            end,
                            status,
                        )
                    )
    return sorted(out, key=lambda f: (f.due, f.mrn, f.form))
