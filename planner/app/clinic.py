"""The clinic view: everything the board, the worklist and the clinic timeline show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from planner.app import alert_rules
from planner.app.board import Alert, BoardRow, WorklistItem, board_rows, closed_rows, worklist
from planner.app.changes import PATIENT, PLAN, TRANSPLANT, Doc, DocKey, Documents, doc_key
from planner.app.dose_check import dose_check_alerts
from planner.app.graft_secured import graft_alerts
from planner.app.plan_checks import plan_check_alerts
from planner.domain import i18n
from planner.domain.labs import LabSample
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan
from planner.records.checklists import (
    ChecklistTemplate,
    checklist_alerts,
    load_checklists,
    overdue_alerts,
)
from planner.records.documents import document_alerts
from planner.records.ports import (
    CHECKLISTS,
    COMPLICATIONS,
    DOCUMENTS,
    ENGRAFTMENT,
    HARVEST,
    RECORD_KINDS,
    SEARCH_LIMIT,
    ClinicalRecord,
    Repository,
    Scope,
)


@dataclass(frozen=True)
class ClinicView:
    """Everything the board, the worklist and the clinic timeline show, for one day.

    Attributes:
        rows: board rows; worklist: due and overdue steps across patients.
        plans: plans by transplant id; engrafted: neutrophil engraftment dates by
            transplant id (computed from counts, or a clinician's override).
        closed: rows of the transplants that left the board (completed, cancelled,
            deceased) among those read, in name order: a clinic-wide read covers the
            open transplants only, so this holds the ones an edit just closed
            (``closed_view`` reads them all, for the board's filter).
    """

    rows: list[BoardRow]
    worklist: list[WorklistItem]
    plans: dict[str, Plan]
    engrafted: dict[str, dt.date]
    closed: list[BoardRow] = field(default_factory=list)


@dataclass(frozen=True)
class ClinicData:
    """What the board reads from the repository, read once for one or several days.

    Attributes:
        patients, transplants, plans: the open transplants (``Scope.OPEN``) and their
            patients, or the transplants asked for.
        records: the clinical records by kind (harvest, engraftment, complications,
            checklists, documents).
        samples: ANC and platelet samples (engraftment, graft-failure watch).
        double_check: the database has accounts, so conditioning doses wait for two
            signatures (``planner.app.dose_check``).
    """

    patients: list[Patient]
    transplants: list[Transplant]
    plans: list[Plan]
    records: Mapping[str, list[ClinicalRecord]]
    samples: list[LabSample]
    double_check: bool = False


def load_clinic(
    repo: Repository,
    transplant_ids: Collection[str] | None = None,
    known: Documents | None = None,
) -> ClinicData:
    """Read everything the clinic board needs (only for ``transplant_ids`` when given).

    The clinic-wide read covers the open transplants (``Scope.OPEN``): completed,
    cancelled and deceased ones are not on the board, and a programme's history only
    grows. A board row depends only on its own transplant, patient, plan, records and counts,
    so rows computed from a part equal the same rows of the whole (after an edit, the
    app recomputes the edited transplant's row instead of the clinic's). ``known``:
    documents already in hand, as stored (an edit's change, the plans on the board),
    which are not read again.
    """
    if transplant_ids is not None:
        return _load_part(repo, transplant_ids, (known or Documents()).keyed())
    return ClinicData(
        patients=repo.list_patients(Scope.OPEN),
        transplants=repo.list_transplants(scope=Scope.OPEN),
        plans=repo.list_plans(Scope.OPEN),
        records={kind: repo.list_records(kind, Scope.OPEN) for kind in RECORD_KINDS},
        samples=repo.list_lab_samples(analytes=("anc", "plt"), scope=Scope.OPEN),
        double_check=repo.accounts_in_use(),
    )


def _load_part(
    repo: Repository, transplant_ids: Collection[str], known: Mapping[DocKey, Doc]
) -> ClinicData:
    """One batched read per table for the documents not ``known`` (a part of any size
    costs a handful of queries, not one per document)."""
    ids = sorted(set(transplant_ids))

    def unknown(part: str, idents: Collection[str]) -> list[str]:
        return [i for i in idents if (part, i) not in known]

    def with_known(part: str, idents: Collection[str], read: Sequence[Doc]) -> list[Doc]:
        by_id = {doc_key(d)[1]: d for d in read}
        found = (known[(part, i)] if (part, i) in known else by_id.get(i) for i in idents)
        return [d for d in found if d is not None]

    transplants = [
        t
        for t in with_known(TRANSPLANT, ids, repo.get_transplants(unknown(TRANSPLANT, ids)))
        if isinstance(t, Transplant)
    ]
    patient_ids = sorted({t.patient_id for t in transplants})
    patients = repo.get_patients(unknown(PATIENT, patient_ids))
    plans = repo.get_plans(unknown(PLAN, ids))
    stored = repo.get_records([i for i in ids if any((k, i) not in known for k in RECORD_KINDS)])
    return ClinicData(
        patients=[p for p in with_known(PATIENT, patient_ids, patients) if isinstance(p, Patient)],
        transplants=transplants,
        plans=[p for p in with_known(PLAN, ids, plans) if isinstance(p, Plan)],
        records={
            # A record an edit read but never stored (version 0) is not on the board.
            kind: [
                r
                for r in with_known(kind, ids, [r for r in stored if r.kind == kind])
                if isinstance(r, ClinicalRecord) and r.version > 0
            ]
            for kind in RECORD_KINDS
        },
        samples=repo.list_lab_samples(analytes=("anc", "plt"), patient_ids=patient_ids),
        double_check=repo.accounts_in_use(),
    )


def clinic_view(
    repo: Repository,
    today: dt.date,
    closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
) -> ClinicView:
    """The clinic on ``today``: one place, so the desktop board and ``board --json`` agree."""
    return clinic_view_of(load_clinic(repo), today, closures, checklist_templates)


def closed_view(repo: Repository, today: dt.date) -> list[BoardRow]:
    """Rows of every completed, cancelled and deceased transplant, for the board's filter.

    Reads the closed transplants and their patients only (a closed row counts from the
    transplant's Day 0 and needs no plan), so a long history costs this list, asked for,
    and not the board.
    """
    return closed_rows(
        repo.list_patients(Scope.CLOSED), repo.list_transplants(scope=Scope.CLOSED), (), today
    )


@dataclass(frozen=True)
class ClosedFound:
    """The closed transplants of the patients a search found in the store.

    Attributes:
        text: what was searched for.
        rows: one board row per closed transplant of those patients.
        more: the search returned its limit of patients: there may be others, and a
            longer text narrows it.
    """

    text: str
    rows: list[BoardRow]
    more: bool


def closed_matching(repo: Repository, today: dt.date, text: str) -> ClosedFound:
    """The closed transplants of the patients whose name or MRN contains ``text``.

    The search runs in the store (``Repository.search_patients``), then the closed
    transplants of the few patients found are read in one batched read: a search of any
    history reads what it finds, not the history.
    """
    patients = repo.search_patients(text, Scope.CLOSED)
    transplants = repo.list_transplants(scope=Scope.CLOSED, patient_ids=[p.id for p in patients])
    rows = closed_rows(patients, transplants, (), today)
    return ClosedFound(text, rows, len(patients) >= SEARCH_LIMIT)


def clinic_view_of(
    data: ClinicData,
    today: dt.date,
    closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
) -> ClinicView:
    """The clinic on ``today`` from data already read (several days from one read)."""
    # Imported here: complication_service uses this module's Context.
    from planner.records.complication_log import complication_alerts

    plans, transplants, records = data.plans, data.transplants, data.records
    (engrafted, recovery), (_, recovery_en) = _shown_and_english(
        partial(_recovery_alerts, data, today)
    )
    templates = checklist_templates if checklist_templates is not None else load_checklists()
    types = {t.id: t.transplant_type.value for t in transplants}
    # The sources in the order that breaks ties within a severity (board_row sorts by it):
    # counts and harvest, complications, plan checks, checklists, documents.
    alerts: dict[str, list[Alert]] = {
        tid: [Alert.of(text, alert_rules.recovery_rule(english)) for text, english in pairs]
        for tid, pairs in _paired(recovery, recovery_en).items()
    }
    _add_records(
        alerts,
        _shown_and_english(partial(complication_alerts, records[COMPLICATIONS], plans, today)),
        alert_rules.COMPLICATIONS,
    )
    for tid, found in plan_check_alerts(data.patients, transplants, plans, today).items():
        alerts.setdefault(tid, []).extend(found)
    _add_records(
        alerts,
        _shown_and_english(
            partial(checklist_alerts, records[CHECKLISTS], plans, today, templates, types)
        ),
        alert_rules.CHECKLISTS,
    )
    _add_records(
        alerts,
        _shown_and_english(
            partial(overdue_alerts, records[CHECKLISTS], plans, today, templates, types)
        ),
        alert_rules.CHECKLIST_OVERDUE,
    )
    _add_records(
        alerts,
        _shown_and_english(
            partial(
                graft_alerts,
                transplants,
                {p.transplant_id: p for p in plans},
                records[HARVEST],
                records[CHECKLISTS],
                today,
            )
        ),
        alert_rules.GRAFT_SECURED,
    )
    plans_by = {p.transplant_id: p for p in plans}
    shown, english = _shown_and_english(
        partial(
            dose_check_alerts,
            data.patients,
            transplants,
            plans_by,
            today,
            required=data.double_check,
        )
    )
    _add_records(alerts, (shown[0], english[0]), alert_rules.DOSE_CHECK_VOID)
    _add_records(alerts, (shown[1], english[1]), alert_rules.DOSE_CHECK_PENDING)
    _add_records(
        alerts,
        _shown_and_english(partial(document_alerts, records[DOCUMENTS], plans)),
        alert_rules.DOCUMENTS,
    )
    return ClinicView(
        rows=board_rows(
            data.patients,
            transplants,
            plans,
            today,
            closures,
            engraftment=engrafted,
            extra_alerts=alerts,
        ),
        worklist=worklist(data.patients, transplants, plans, today),
        plans={p.transplant_id: p for p in plans},
        engrafted=engrafted,
        closed=closed_rows(data.patients, transplants, plans, today),
    )


_T = TypeVar("_T")


def _shown_and_english(compute: Callable[[], _T]) -> tuple[_T, _T]:
    """What ``compute`` gives in the interface's language, and in English.

    An alert's rule, and so its severity, is found from its English text
    (``alert_rules.recovery_rule``, ``record_rule``); the alerts are made a second time
    in English only when the interface is in another language.
    """
    shown = compute()
    if i18n.current() == i18n.ENGLISH:
        return shown, shown
    with i18n.english():
        return shown, compute()


def _paired(
    shown: Mapping[str, list[str]], english: Mapping[str, list[str]]
) -> dict[str, list[tuple[str, str]]]:
    """Each shown alert text with its English text, by transplant id.

    The two runs differ only in language, so their alerts come in the same order; if
    they ever did not, the shown text stands for itself.
    """
    pairs: dict[str, list[tuple[str, str]]] = {}
    for tid, texts in shown.items():
        words = english.get(tid, [])
        pairs[tid] = list(zip(texts, words if len(words) == len(texts) else texts, strict=True))
    return pairs


def _add_records(
    alerts: dict[str, list[Alert]],
    found: tuple[Mapping[str, list[str]], Mapping[str, list[str]]],
    rule: str,
) -> None:
    """Add the alert texts of one kind of record (or the one saying it cannot be read),
    given in the interface's language and in English."""
    for tid, pairs in _paired(*found).items():
        alerts.setdefault(tid, []).extend(
            Alert.of(text, alert_rules.record_rule(english, rule)) for text, english in pairs
        )


def _recovery_alerts(
    data: ClinicData,
    today: dt.date,
) -> tuple[dict[str, dt.date], dict[str, list[str]]]:
    """Engraftment dates and harvest / engraftment alerts (graft-failure watch, stop)."""
    harvest, engraftment = data.records[HARVEST], data.records[ENGRAFTMENT]
    if not (harvest or engraftment or data.samples):
        return {}, {}
    # Imported here: planner.records.recovery needs pandas, which a clinic without counts
    # (and the start-up path) need not load.
    from planner.records.recovery import clinic_alerts

    return clinic_alerts(
        data.transplants,
        {p.transplant_id: p for p in data.plans},
        data.samples,
        engraftment,
        harvest,
        today,
    )


def clinic_board(
    repo: Repository, today: dt.date, closures: Sequence[dt.date] = ()
) -> list[BoardRow]:
    """The clinic board rows for today (with every alert the desktop board shows)."""
    return clinic_view(repo, today, closures).rows
