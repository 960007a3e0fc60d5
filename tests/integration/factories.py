"""Records and actions for the storage tests (fictional people, fixed times)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any

from planner.domain.labs import CANONICAL_UNIT, Analyte, LabSample, Qualifier
from planner.domain.patients import Donor, Patient, Transplant
from planner.domain.plans import Plan, instantiate
from planner.domain.templates import Protocol, load_protocols
from planner.records.ports import Action, Actor, ClinicalRecord

ACTOR = Actor(user="jdoe", workstation="WS-07")
OTHER = Actor(user="asmith", workstation="WS-12")
# A workstation one hour east of UTC: the audit keeps UTC and the offset.
AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def patient(
    pid: str = "p1",
    mrn: str = "000123",
    family: str = "Testperson",
    given: str = "Ada",
    **kw: object,
) -> Patient:
    return Patient(
        id=pid,
        mrn=mrn,
        family_name=family,
        given_name=given,
        date_of_birth=dt.date(1961, 4, 2),
        sex="female",
        height_cm=165.0,
        weight_kg=60.5,
        weight_date=dt.date(2026, 3, 1),
        **kw,
    )


def transplant(tid: str = "t1", pid: str = "p1", **kw: object) -> Transplant:
    return Transplant(
        id=tid,
        patient_id=pid,
        transplant_type="autologous",
        graft_source="pbsc",
        day0=dt.date(2026, 4, 1),
        **kw,
    )


def allo_transplant(tid: str = "t2", pid: str = "p1") -> Transplant:
    return Transplant(
        id=tid,
        patient_id=pid,
        transplant_type="allogeneic",
        graft_source="pbsc",
        day0=dt.date(2026, 5, 2),
        donor=Donor("MUD", hla_match="8/8", abo="A"),
        tandem=True,
    )


@cache
def mel200() -> Protocol:
    return load_protocols()["mel200-auto"]


def plan(plan_id: str = "plan1", tid: str = "t1", day0: dt.date = dt.date(2026, 4, 1)) -> Plan:
    return instantiate(mel200(), day0, transplant_id=tid, plan_id=plan_id)


def record(kind: str = "harvest", tid: str = "t1", version: int = 0, **body: Any) -> ClinicalRecord:
    return ClinicalRecord(transplant_id=tid, kind=kind, body=body, version=version)


def record_with(rec: ClinicalRecord, body: Mapping[str, Any]) -> ClinicalRecord:
    """The record as an editor saves it: a new body, the version it read."""
    return ClinicalRecord(rec.transplant_id, rec.kind, body, rec.version)


def lab(
    pid: str = "p1",
    day: dt.date = dt.date(2026, 4, 8),
    analyte: Analyte = "anc",
    value: float = 0.5,
    qualifier: Qualifier = "",
    mrn: str = "000123",
    source: str = "labs.csv line 2",
) -> LabSample:
    return LabSample(
        patient_id=pid,
        mrn=mrn,
        date=day,
        analyte=analyte,
        value=value,
        unit=CANONICAL_UNIT[analyte],
        qualifier=qualifier,
        source=source,
    )


def action(
    description: str = "Save", *, actor: Actor = ACTOR, at: dt.datetime = AT, **kw: object
) -> Action:
    return Action(actor=actor, at=at, description=description, **kw)
