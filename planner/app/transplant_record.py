"""Everything one open transplant shows, held in one place.

The desktop app keeps one ``TransplantRecord`` per open transplant and no other copy:
the header, timeline, calendar, step table, harvest, counts, checklists and
complications all read it. After every change (an edit here, an undo, an edit of the
same patient in another tab, a lab import) ``absorb`` gives the record with what the
change stored, so no view can show a weight or a plan from before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from planner.app.changes import Change, Documents, empty_record
from planner.domain.i18n import tr
from planner.domain.labs import LabSample
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan
from planner.errors import PlannerError
from planner.records.checklists import ChecklistState, checklists_from_body
from planner.records.complication_log import ComplicationLog
from planner.records.harvest_log import HarvestLog
from planner.records.ports import (
    CHECKLISTS,
    COMPLICATIONS,
    DOCUMENTS,
    ENGRAFTMENT,
    HARVEST,
    RECORD_KINDS,
    ClinicalRecord,
    Repository,
)
from planner.records.recovery import RecoveryRecord, effective_samples


@dataclass(frozen=True)
class TransplantRecord:
    """One transplant with its patient, plan, clinical records and the patient's counts.

    Attributes:
        patient, transplant, plan: as stored (each with its version).
        records: every record kind; a kind not yet stored is an empty record at
            version 0.
        samples: the patient's lab samples, superseded ones included (``counts``
            leaves those out).
    """

    patient: Patient
    transplant: Transplant
    plan: Plan
    records: Mapping[str, ClinicalRecord]
    samples: tuple[LabSample, ...] = ()

    def record(self, kind: str) -> ClinicalRecord:
        """The record of ``kind`` (empty at version 0 when none is stored)."""
        return self.records.get(kind) or empty_record(self.transplant.id, kind)

    @cached_property
    def harvest_log(self) -> HarvestLog:
        """The harvest log (blood CD34+ counts, collections, targets)."""
        return HarvestLog.from_body(self.record(HARVEST).body, self.transplant)

    @cached_property
    def recovery(self) -> RecoveryRecord:
        """Transfusions, engraftment overrides and superseded counts."""
        return RecoveryRecord.from_body(self.record(ENGRAFTMENT).body)

    @cached_property
    def complications(self) -> ComplicationLog:
        """The complication episodes."""
        return ComplicationLog.from_record(self.transplant.id, self.record(COMPLICATIONS))

    @cached_property
    def checklists(self) -> dict[str, ChecklistState]:
        """The recorded checklist items by checklist id."""
        return checklists_from_body(self.record(CHECKLISTS).body)

    @property
    def documents(self) -> ClinicalRecord:
        """The history of printed and exported documents."""
        return self.record(DOCUMENTS)

    @cached_property
    def counts(self) -> list[LabSample]:
        """The patient's lab samples that no correction or undo superseded."""
        return effective_samples(self.samples, self.recovery)

    def as_documents(self) -> Documents:
        """The stored documents this record holds (the records stored so far)."""
        return Documents(
            patients=(self.patient,),
            transplants=(self.transplant,),
            plans=(self.plan,),
            records=tuple(self.records.values()),
        )

    def concerns(self, change: Change) -> bool:
        """True when ``change`` stored something this record holds."""
        return self.transplant.id in change.transplant_ids or self.patient.id in change.patient_ids

    def absorb(self, change: Change) -> TransplantRecord:
        """This record with what ``change`` stored in place of what it held."""
        if not self.concerns(change):
            return self
        return self.with_documents(change.after, change.samples)

    def with_documents(
        self, docs: Documents, samples: tuple[LabSample, ...] = ()
    ) -> TransplantRecord:
        """This record with ``docs`` in place of the documents of the same keys, and
        ``samples`` of this patient added."""
        patient = next((p for p in docs.patients if p.id == self.patient.id), self.patient)
        transplant = next(
            (t for t in docs.transplants if t.id == self.transplant.id), self.transplant
        )
        plan = next((p for p in docs.plans if p.transplant_id == self.transplant.id), self.plan)
        mine = {r.kind: r for r in docs.records if r.transplant_id == self.transplant.id}
        added = tuple(s for s in samples if s.patient_id == self.patient.id)
        return replace(
            self,
            patient=patient,
            transplant=transplant,
            plan=plan,
            records={**self.records, **mine},
            samples=self.samples + added,
        )


def load_transplant_record(repo: Repository, transplant_id: str) -> TransplantRecord:
    """Read one transplant's record from the repository.

    Raises:
        NotFoundError: no such transplant.
        PlannerError: the transplant has no plan yet.
    """
    transplant = repo.get_transplant(transplant_id)
    plan = repo.get_plan(transplant_id)
    if plan is None:
        raise PlannerError(tr("This transplant has no plan yet; create one with New plan."))
    patient = repo.get_patient(transplant.patient_id)
    records = {
        kind: record
        for kind in RECORD_KINDS
        if (record := repo.get_record(transplant_id, kind)) is not None
    }
    samples = tuple(repo.list_lab_samples(patient.id))
    return TransplantRecord(patient, transplant, plan, records, samples)
