"""Use cases the UI and the command line call: each user action is one commit.

Every function takes the repository (the port), who acts and the clock's reading
as parameters, so the same code runs against SQLite, PostgreSQL or the in-memory
fake, and tests pin the time. Validation happens here before anything is written:
a bad value raises ``ValidationError`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from planner import alert_rules
from planner.board import Alert, BoardRow, WorklistItem, board_rows, worklist
from planner.careplan import DateChange, Plan, instantiate_many, reanchor
from planner.checklists import ChecklistTemplate, checklist_alerts, load_checklists
from planner.documents import document_alerts
from planner.errors import ValidationError
from planner.labs import LabSample
from planner.model import Patient, Transplant, validate_patient, validate_transplant
from planner.ports import Action, Actor, ClinicalRecord, Repository
from planner.protocols import Protocol


@dataclass(frozen=True)
class Context:
    """Who acts and when: passed to every use case.

    Attributes:
        actor: user and workstation.
        now: timezone-aware current time (the shell reads the clock, not the core).
    """

    actor: Actor
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        """The local calendar date of ``now``."""
        return self.now.date()


def save_patient(repo: Repository, ctx: Context, patient: Patient, reason: str = "") -> Patient:
    """Create or update a patient after validating it against today's date."""
    validate_patient(patient, ctx.today)
    other = repo.find_patient_by_mrn(patient.mrn)
    if other is not None and other.id != patient.id:
        raise ValidationError("mrn", f"MRN {patient.mrn} already belongs to another patient.")
    verb = "Edit patient" if patient.version else "Create patient"
    done = repo.commit(Action(actor=ctx.actor, at=ctx.now, description=verb, reason=reason,
                              patient_id=patient.id, patients=(patient,)))
    return done.patients[0]


def create_transplant_plan(
    repo: Repository, ctx: Context, transplant: Transplant, protocols: Sequence[Protocol],
    anchors: Mapping[str, dt.date] | None = None,
) -> tuple[Transplant, Plan]:
    """Create a transplant and its plan from the chosen templates, in one commit."""
    if transplant.day0 is None:
        raise ValidationError("day0", "Set Day 0 before creating the plan.")
    patient = repo.get_patient(transplant.patient_id)
    validate_transplant(transplant, patient)
    _check_applicable(transplant, protocols)
    plan = instantiate_many(protocols, transplant.day0, anchors, transplant_id=transplant.id)
    done = repo.commit(Action(
        actor=ctx.actor, at=ctx.now, description="Create plan", patient_id=patient.id,
        transplants=(transplant,), plans=(plan,),
    ))
    return done.transplants[0], done.plans[0]


def _check_applicable(transplant: Transplant, protocols: Sequence[Protocol]) -> None:
    for proto in protocols:
        if transplant.transplant_type.value not in proto.transplant_types:
            raise ValidationError(
                "templates", f"Template {proto.id} is for "
                f"{' or '.join(proto.transplant_types)} transplants, not "
                f"{transplant.transplant_type.value}.")


def day0_move(
    plan: Plan, transplant: Transplant, patient: Patient, new_day0: dt.date, reason: str,
) -> tuple[Plan, Transplant, list[DateChange]]:
    """The plan and transplant after moving Day 0, validated, with the dates that change.

    Pure: the desktop app pushes the result as an undoable command, ``move_day0`` saves it.
    """
    moved, changes = reanchor(plan, new_day0, reason)
    new_transplant = replace(transplant, day0=new_day0)
    validate_transplant(new_transplant, patient)
    return moved, new_transplant, changes


def move_day0(
    repo: Repository, ctx: Context, plan: Plan, new_day0: dt.date, reason: str,
) -> tuple[Plan, Transplant, list[DateChange]]:
    """Move Day 0 of a plan and its transplant together, in one audited commit."""
    transplant = repo.get_transplant(plan.transplant_id)
    patient = repo.get_patient(transplant.patient_id)
    moved, new_transplant, changes = day0_move(plan, transplant, patient, new_day0, reason)
    done = repo.commit(Action(
        actor=ctx.actor, at=ctx.now, description="Move Day 0", reason=reason,
        patient_id=patient.id, transplants=(new_transplant,), plans=(moved,),
    ))
    return done.plans[0], done.transplants[0], changes


def record_event(repo: Repository, ctx: Context, event: str, patient_id: str | None) -> None:
    """Audit an action that changes nothing (opening a patient, printing, exporting)."""
    repo.commit(Action(actor=ctx.actor, at=ctx.now, description=event, event=event,
                       patient_id=patient_id))


@dataclass(frozen=True)
class ClinicView:
    """Everything the board, the worklist and the clinic timeline show, for one day.

    Attributes:
        rows: board rows; worklist: due and overdue steps across patients.
        plans: plans by transplant id; engrafted: neutrophil engraftment dates by
            transplant id (computed from counts, or a clinician's override).
    """

    rows: list[BoardRow]
    worklist: list[WorklistItem]
    plans: dict[str, Plan]
    engrafted: dict[str, dt.date]


@dataclass(frozen=True)
class ClinicData:
    """What the board reads from the repository, read once for one or several days.

    Attributes:
        patients, transplants, plans: everyone.
        records: the clinical records by kind (harvest, engraftment, complications,
            checklists, documents).
        samples: ANC and platelet samples (engraftment, graft-failure watch).
    """

    patients: list[Patient]
    transplants: list[Transplant]
    plans: list[Plan]
    records: Mapping[str, list[ClinicalRecord]]
    samples: list[LabSample]


_BOARD_RECORD_KINDS = ("harvest", "engraftment", "complications", "checklists", "documents")


def load_clinic(repo: Repository, transplant_ids: Collection[str] | None = None) -> ClinicData:
    """Read everything the clinic board needs (only for ``transplant_ids`` when given).

    A board row depends only on its own transplant, patient, plan, records and counts,
    so rows computed from a part equal the same rows of the whole (after an edit, the
    app recomputes the edited transplant's row instead of the clinic's).
    """
    if transplant_ids is not None:
        return _load_part(repo, transplant_ids)
    return ClinicData(
        patients=repo.list_patients(), transplants=repo.list_transplants(),
        plans=repo.list_plans(),
        records={kind: repo.list_records(kind) for kind in _BOARD_RECORD_KINDS},
        samples=repo.list_lab_samples(analytes=("anc", "plt")))


def _load_part(repo: Repository, transplant_ids: Collection[str]) -> ClinicData:
    ids = sorted(set(transplant_ids))
    transplants = [repo.get_transplant(tid) for tid in ids]
    patient_ids = sorted({t.patient_id for t in transplants})
    return ClinicData(
        patients=[repo.get_patient(pid) for pid in patient_ids], transplants=transplants,
        plans=[plan for tid in ids if (plan := repo.get_plan(tid)) is not None],
        records={kind: [r for tid in ids if (r := repo.get_record(tid, kind)) is not None]
                 for kind in _BOARD_RECORD_KINDS},
        samples=[s for pid in patient_ids
                 for s in repo.list_lab_samples(pid, analytes=("anc", "plt"))])


def clinic_view(
    repo: Repository, today: dt.date, closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
) -> ClinicView:
    """The clinic on ``today``: one place, so the desktop board and ``board --json`` agree."""
    return clinic_view_of(load_clinic(repo), today, closures, checklist_templates)


def clinic_view_of(
    data: ClinicData, today: dt.date, closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
) -> ClinicView:
    """The clinic on ``today`` from data already read (several days from one read)."""
    # Imported here: complication_service uses this module's Context.
    from planner.complication_service import complication_alerts

    plans, transplants, records = data.plans, data.transplants, data.records
    engrafted, recovery = _recovery_alerts(data, today)
    templates = checklist_templates if checklist_templates is not None else load_checklists()
    types = {t.id: t.transplant_type.value for t in transplants}
    alerts: dict[str, list[Alert]] = {
        tid: [Alert(text, alert_rules.recovery_rule(text)) for text in texts]
        for tid, texts in recovery.items()}
    for extra, rule in (
        (complication_alerts(records["complications"], plans, today), alert_rules.COMPLICATIONS),
        (checklist_alerts(records["checklists"], plans, today, templates, types),
         alert_rules.CHECKLISTS),
        (document_alerts(records["documents"], plans), alert_rules.DOCUMENTS),
    ):
        for tid, texts in extra.items():
            alerts.setdefault(tid, []).extend(
                Alert(text, alert_rules.record_rule(text, rule)) for text in texts)
    return ClinicView(
        rows=board_rows(data.patients, transplants, plans, today, closures,
                        engraftment=engrafted, extra_alerts=alerts),
        worklist=worklist(data.patients, transplants, plans, today),
        plans={p.transplant_id: p for p in plans}, engrafted=engrafted)


def _recovery_alerts(
    data: ClinicData, today: dt.date,
) -> tuple[dict[str, dt.date], dict[str, list[str]]]:
    """Engraftment dates and harvest / engraftment alerts (graft-failure watch, stop)."""
    harvest, engraftment = data.records["harvest"], data.records["engraftment"]
    if not (harvest or engraftment or data.samples):
        return {}, {}
    # Imported here: planner.recovery needs pandas, which a clinic without counts
    # (and the start-up path) need not load.
    from planner.recovery import clinic_alerts

    return clinic_alerts(data.transplants, {p.transplant_id: p for p in data.plans},
                         data.samples, engraftment, harvest, today)


def clinic_board(
    repo: Repository, today: dt.date, closures: Sequence[dt.date] = ()
) -> list[BoardRow]:
    """The clinic board rows for today (with every alert the desktop board shows)."""
    return clinic_view(repo, today, closures).rows
