"""The demo clinic: synthetic patients at every phase, dated relative to today.

Built in code, never shipped as a database file, so it always looks live: a patient
"at Day +12" is at Day +12 whenever the demo is opened. Names are invented (some
with diacritics and non-Latin scripts, to show that they work); MRNs start with
"DEMO" so they can never be mistaken for real records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace

from planner.app.changes import require
from planner.app.context import Context
from planner.clinical.plan_rules.checks import apply_conditions
from planner.clinical.plan_rules.clashes import refuse_clashes
from planner.clinical.plan_rules.facts import facts_of
from planner.domain.accounts import Permission
from planner.domain.patients import (
    Donor,
    DonorType,
    GraftSource,
    Patient,
    Sex,
    Transplant,
    TransplantStatus,
    TransplantType,
    with_status,
)
from planner.domain.plans import Plan, StepStatus, instantiate_many, mark_done
from planner.domain.templates import Protocol, get_protocol, load_protocols, mobilisation_anchor_of
from planner.records.ports import Action, ClinicalRecord, Repository


@dataclass(frozen=True)
class DemoCase:
    """One synthetic patient and where they stand today.

    Attributes:
        mrn, family, given, sex, age, height_cm, weight_kg, diagnosis, coordinator.
        transplant_type, graft_source, donor_type: the transplant.
        templates: template ids, in wizard order.
        day_today: the transplant day number today (Day 0 = today - day_today).
        mobilisation_mday: M-Day number today, for patients with a mobilisation anchor.
        language: handout language.
        open_days: steps of the last ``open_days`` days are left unrecorded, so the
            board shows what overdue work looks like.
        tandem_after: a planned second transplant of a tandem, its Day 0 this many days
            after the first's (same templates less the mobilisation).
        cancelled: (days ago, reason) of a transplant cancelled in work-up.
    """

    mrn: str
    family: str
    given: str
    sex: str
    age: int
    height_cm: float
    weight_kg: float
    diagnosis: str
    coordinator: str
    transplant_type: str
    graft_source: str
    donor_type: str | None
    templates: tuple[str, ...]
    day_today: int
    mobilisation_mday: int | None = None
    language: str = "en"
    open_days: int = 0
    tandem_after: int | None = None
    cancelled: tuple[int, str] | None = None


AUTO_FU = ("supportive-care-auto", "follow-up-auto")
ALLO_FU = ("supportive-care-allo", "follow-up-allo")

CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "DEMO-0001",
        "Okafor",
        "Chidi",
        "male",
        58,
        178,
        84,
        "Multiple myeloma, VGPR",
        "R. Patel",
        "autologous",
        "pbsc",
        None,
        ("gcsf-mobilisation-auto", "mel200-auto", *AUTO_FU),
        -52,
        mobilisation_mday=-6,
    ),
    DemoCase(
        "DEMO-0002",
        "Lindqvist",
        "Åsa",
        "female",
        61,
        166,
        71,
        "Multiple myeloma, CR",
        "R. Patel",
        "autologous",
        "pbsc",
        None,
        ("gcsf-mobilisation-auto", "mel200-auto", *AUTO_FU),
        -40,
        mobilisation_mday=3,
    ),
    DemoCase(
        "DEMO-0003",
        "Moreno",
        "Lucía",
        "female",
        49,
        160,
        64,
        "Hodgkin lymphoma, second CR",
        "J. Nguyen",
        "autologous",
        "pbsc",
        None,
        ("gcsf-plerixafor-mobilisation-auto", "beam-auto", *AUTO_FU),
        -35,
        mobilisation_mday=5,
        language="es",
    ),
    DemoCase(
        "DEMO-0004",
        "Hoang",
        "Minh",
        "male",
        44,
        172,
        70,
        "AML, CR1, intermediate risk",
        "J. Nguyen",
        "allogeneic",
        "pbsc",
        "MUD",
        ("bucy2-allo", "ciclosporin-methotrexate-gvhd", *ALLO_FU),
        -30,
    ),
    DemoCase(
        "DEMO-0005",
        "Petrova",
        "Иванна",
        "female",
        38,
        168,
        62,
        "ALL, CR1, MRD negative",
        "R. Patel",
        "allogeneic",
        "pbsc",
        "MRD",
        ("flu-bu4-allo", "ciclosporin-methotrexate-gvhd", *ALLO_FU),
        -3,
    ),
    DemoCase(
        "DEMO-0006",
        "Nowak",
        "Łukasz",
        "male",
        52,
        181,
        92,
        "Diffuse large B-cell lymphoma, PR2",
        "J. Nguyen",
        "autologous",
        "pbsc",
        None,
        ("beam-auto", *AUTO_FU),
        -5,
    ),
    DemoCase(
        "DEMO-0007",
        "Adeyemi",
        "Folake",
        "female",
        33,
        170,
        66,
        "AML, CR2",
        "M. Rossi",
        "allogeneic",
        "marrow",
        "HAPLO",
        ("haplo-flu-cy-tbi-ptcy", *ALLO_FU),
        0,
    ),
    DemoCase(
        "DEMO-0008",
        "Brennan",
        "Siobhán",
        "female",
        66,
        163,
        68,
        "Multiple myeloma, PR",
        "M. Rossi",
        "autologous",
        "pbsc",
        None,
        ("mel200-auto", *AUTO_FU),
        6,
    ),
    DemoCase(
        "DEMO-0009",
        "Papadopoulos",
        "Giorgos",
        "male",
        57,
        175,
        79,
        "Myelodysplastic syndrome, high risk",
        "R. Patel",
        "allogeneic",
        "pbsc",
        "MUD",
        ("flu-mel-allo", "ciclosporin-methotrexate-gvhd", *ALLO_FU),
        12,
    ),
    DemoCase(
        "DEMO-0010",
        "Kowalczyk",
        "Zoë",
        "female",
        46,
        165,
        59,
        "AML, CR1, adverse risk",
        "J. Nguyen",
        "allogeneic",
        "pbsc",
        "MMUD",
        ("flu-bu2-allo", "ptcy-tacrolimus-mmf-gvhd", *ALLO_FU),
        21,
    ),
    DemoCase(
        "DEMO-0011",
        "Haddad",
        "Karim",
        "male",
        41,
        183,
        88,
        "CML, second chronic phase",
        "M. Rossi",
        "allogeneic",
        "pbsc",
        "MRD",
        ("bucy2-allo", "ciclosporin-methotrexate-gvhd", *ALLO_FU),
        45,
        open_days=16,
    ),
    DemoCase(
        "DEMO-0012",
        "Sørensen",
        "Mette",
        "female",
        55,
        169,
        73,
        "ALL, CR2",
        "R. Patel",
        "allogeneic",
        "pbsc",
        "MUD",
        ("cy-tbi-allo", "ciclosporin-methotrexate-gvhd", *ALLO_FU),
        98,
    ),
    DemoCase(
        "DEMO-0013",
        "Tanaka",
        "Hiroshi",
        "male",
        63,
        170,
        72,
        "Mantle cell lymphoma, CR1",
        "M. Rossi",
        "autologous",
        "pbsc",
        None,
        ("beam-auto", *AUTO_FU),
        200,
    ),
    DemoCase(
        "DEMO-0014",
        "Díaz",
        "Marisol",
        "female",
        36,
        158,
        55,
        "Severe aplastic anaemia",
        "J. Nguyen",
        "allogeneic",
        "marrow",
        "MRD",
        ("tbi2-nma-allo", "ciclosporin-mmf-nma-gvhd", *ALLO_FU),
        420,
        language="es",
    ),
    # A double cord blood transplant after reduced-intensity Flu/Cy/TBI, in recovery.
    DemoCase(
        "DEMO-0015",
        "Kowalczyk",
        "Zofia",
        "female",
        42,
        164,
        61,
        "AML, CR2, no matched donor",
        "M. Rossi",
        "allogeneic",
        "cord",
        "CORD",
        ("cord-flu-cy-tbi2-allo", "ciclosporin-mmf-cord-gvhd", *ALLO_FU),
        9,
    ),
    # A tandem autograft for myeloma: the first done, the second planned (Day 0 in 20 days).
    DemoCase(
        "DEMO-0016",
        "Mensah",
        "Kwame",
        "male",
        52,
        181,
        88,
        "Multiple myeloma, high-risk cytogenetics, PR after first autograft",
        "R. Patel",
        "autologous",
        "pbsc",
        None,
        ("mel200-auto", *AUTO_FU),
        70,
        tandem_after=90,
    ),
    # CAR T cells for relapsed large B-cell lymphoma, in the first week of monitoring.
    DemoCase(
        "DEMO-0017",
        "Haddad",
        "Layla",
        "female",
        57,
        167,
        66,
        "Large B-cell lymphoma, second relapse",
        "J. Nguyen",
        "car-t",
        "cell-product",
        None,
        ("car-t-cd19-lymphoma",),
        5,
    ),
    # A transplant cancelled in work-up: off the board, listed under Closed transplants.
    DemoCase(
        "DEMO-0018",
        "Ivanova",
        "Olga",
        "female",
        47,
        170,
        68,
        "MDS with excess blasts",
        "M. Rossi",
        "allogeneic",
        "pbsc",
        "MUD",
        ("flu-bu4-allo", "ciclosporin-methotrexate-gvhd", *ALLO_FU),
        -28,
        cancelled=(3, "Disease progression in work-up; transplant not going ahead"),
    ),
)


def _stable_id(*parts: str) -> str:
    # Stable ids make the demo reproducible; they hash only the synthetic MRN.
    return hashlib.sha256("/".join(("demo", *parts)).encode()).hexdigest()[:32]


def _birth_date(today: dt.date, age: int) -> dt.date:
    # 1 January of the birth year: the patient is exactly ``age`` on any day of this year.
    return dt.date(today.year - age, 1, 1)


def _patient(case: DemoCase, today: dt.date) -> Patient:
    return Patient(
        id=_stable_id(case.mrn, "patient"),
        mrn=case.mrn,
        family_name=case.family,
        given_name=case.given,
        date_of_birth=_birth_date(today, case.age),
        sex=Sex(case.sex),
        height_cm=case.height_cm,
        weight_kg=case.weight_kg,
        weight_date=today - dt.timedelta(days=max(0, min(14, case.day_today + 10))),
        diagnosis=case.diagnosis,
        coordinator=case.coordinator,
        language=case.language,
        contacts="Caregiver: on file (demo)",
        # Recorded the way a work-up would: serostatus and markers known, a creatinine
        # from the same visit as the weight (the renal dose rules need it).
        cmv_igg="negative" if int(case.mrn[-1]) % 3 == 0 else "positive",
        hbsag="negative",
        anti_hbc="negative",
        creatinine_mg_dl=round(0.7 + case.age / 200, 2),
        creatinine_date=today - dt.timedelta(days=max(0, min(14, case.day_today + 10))),
    )


def _transplant(case: DemoCase, patient: Patient, day0: dt.date, today: dt.date) -> Transplant:
    donor = (
        Donor(
            donor_type=DonorType(case.donor_type),
            hla_match="8/8" if case.donor_type in ("MUD", "MRD") else "",
        )
        if case.donor_type
        else None
    )
    status = TransplantStatus.ACTIVE if case.day_today >= -14 else TransplantStatus.PLANNED
    transplant = Transplant(
        id=_stable_id(case.mrn, "transplant"),
        patient_id=patient.id,
        transplant_type=TransplantType(case.transplant_type),
        graft_source=GraftSource(case.graft_source),
        day0=day0,
        status=status,
        donor=donor,
        tandem=case.tandem_after is not None,
    )
    if case.cancelled is not None:
        ago, reason = case.cancelled
        on = today - dt.timedelta(days=ago)
        transplant = with_status(transplant, TransplantStatus.CANCELLED, on, reason, today=today)
    return transplant


def _mark_past_done(plan: Plan, today: dt.date, open_days: int = 0) -> Plan:
    """Everything dated before today (less ``open_days``) is done on its planned date."""
    cutoff = today - dt.timedelta(days=open_days)
    for occ in list(plan.occurrences()):
        if occ.date < cutoff and occ.status is StepStatus.PLANNED:
            plan = mark_done(
                plan,
                occ.step_id,
                occ.anchor_day,
                occ.date,
                by="demo",
                at=f"{occ.date.isoformat()}T12:00:00Z",
            )
    return plan


def _anchors(case: DemoCase, protocols: Sequence[Protocol], today: dt.date) -> dict[str, dt.date]:
    if case.mobilisation_mday is None:
        return {}
    name = mobilisation_anchor_of(protocols)
    if name is None:
        return {}
    first_dose = today - dt.timedelta(days=case.mobilisation_mday - 1)
    return {name: first_dose}


def build_demo_clinic(
    today: dt.date, protocols: Mapping[str, Protocol] | None = None
) -> list[tuple[Patient, Transplant, Plan]]:
    """The synthetic patients, transplants and plans, dated relative to ``today``."""
    protocols = protocols if protocols is not None else load_protocols()
    clinic = []
    for case in CASES:
        patient = _patient(case, today)
        day0 = today - dt.timedelta(days=case.day_today)
        chosen = [get_protocol(protocols, pid) for pid in case.templates]
        transplant = _transplant(case, patient, day0, today)
        refuse_clashes(chosen)
        plan = instantiate_many(
            chosen,
            day0,
            _anchors(case, chosen, today),
            transplant_id=transplant.id,
            plan_id=_stable_id(case.mrn, "plan"),
        )
        plan = apply_conditions(plan, facts_of(patient, transplant, today))
        clinic.append((patient, transplant, _mark_past_done(plan, today, case.open_days)))
        if case.tandem_after is not None:
            clinic.append(_second_of_tandem(case, patient, transplant, chosen, today))
    return clinic


def _second_of_tandem(
    case: DemoCase,
    patient: Patient,
    first: Transplant,
    chosen: Sequence[Protocol],
    today: dt.date,
) -> tuple[Patient, Transplant, Plan]:
    """The planned second transplant of a tandem: the first's templates less any
    mobilisation (the cells for both were collected before the first)."""
    assert first.day0 is not None and case.tandem_after is not None
    day0 = first.day0 + dt.timedelta(days=case.tandem_after)
    second = dc_replace(
        first,
        id=_stable_id(case.mrn, "transplant-2"),
        day0=day0,
        status=TransplantStatus.PLANNED,
        number=2,
    )
    again = [p for p in chosen if mobilisation_anchor_of([p]) is None]
    plan = instantiate_many(
        again, day0, None, transplant_id=second.id, plan_id=_stable_id(case.mrn, "plan-2")
    )
    plan = apply_conditions(plan, facts_of(patient, second, today))
    return patient, second, _mark_past_done(plan, today)


# Work-up items ticked for a demo patient in work-up, by days before today: the infectious-
# disease markers were drawn long enough ago to expire before the planned collection,
# so the board shows what a coordinator would otherwise find out too late.
DEMO_WORKUP_DONE = {"idm": 25, "consent": 12, "hct-ci": 20, "performance-status": 20, "dental": 30}


# Allogeneic demo patients in conditioning whose graft is secured: the "Graft availability
# confirmed" item of the pre-conditioning checklist was ticked this many days before Day 0.
DEMO_GRAFT_CONFIRMED = {"DEMO-0005": 10, "DEMO-0007": 12}


def demo_checklists(
    clinic: Sequence[tuple[Patient, Transplant, Plan]], today: dt.date
) -> list[ClinicalRecord]:
    """Work-up checklist ticks for DEMO-0004, and the graft confirmed for the allogeneic
    patients in conditioning (stored as their "checklists" records)."""
    from planner.records.checklists import ChecklistState, ItemState, checklists_to_body

    records = []
    for patient, transplant, plan in clinic:
        if patient.mrn in DEMO_GRAFT_CONFIRMED:
            day = plan.day0 - dt.timedelta(days=DEMO_GRAFT_CONFIRMED[patient.mrn])
            ticked = ItemState(done=True, date=day, by="demo", at=f"{day.isoformat()}T12:00:00Z")
            confirmed = ChecklistState("pre-conditioning", {"product-available": ticked})
            records.append(
                ClinicalRecord(
                    transplant.id, "checklists", checklists_to_body({"pre-conditioning": confirmed})
                )
            )
            continue
        if patient.mrn != "DEMO-0004":
            continue
        items = {
            item: ItemState(
                done=True,
                date=today - dt.timedelta(days=ago),
                by="demo",
                at=f"{(today - dt.timedelta(days=ago)).isoformat()}T12:00:00Z",
            )
            for item, ago in DEMO_WORKUP_DONE.items()
        }
        state = ChecklistState("pre-transplant-workup", items)
        records.append(
            ClinicalRecord(
                transplant.id, "checklists", checklists_to_body({state.template_id: state})
            )
        )
    return records


# Autologous demo patients in conditioning or later with their stem cells stored: two
# collections three weeks before Day 0 (x10^6 CD34+ cells in each product).
DEMO_COLLECTIONS = {"DEMO-0006": (420.0, 310.0)}


def demo_harvests(
    clinic: Sequence[tuple[Patient, Transplant, Plan]],
) -> list[ClinicalRecord]:
    """The harvest logs of the autologous demo patients whose graft is stored, so the
    graft-secured rule finds their CD34+ cells (planner.app.graft_secured)."""
    from planner.records.harvest_log import Collection, HarvestLog, default_targets

    records = []
    for patient, transplant, plan in clinic:
        totals = DEMO_COLLECTIONS.get(patient.mrn)
        if totals is None or patient.weight_kg is None:
            continue
        log = HarvestLog(default_targets(transplant))
        for n, total in enumerate(totals):
            log = log.with_collection(
                Collection(
                    id=f"demo-{n + 1}",
                    date=plan.day0 - dt.timedelta(days=22 - n),
                    product_volume_ml=250.0,
                    weight_kg=patient.weight_kg,
                    cd34_total_e6=total,
                    note="demo",
                )
            )
        records.append(ClinicalRecord(transplant.id, "harvest", log.to_body()))
    return records


def load_demo_clinic(repo: Repository, ctx: Context) -> int:
    """Write the demo clinic in one commit; return the number of patients written."""
    clinic = build_demo_clinic(ctx.today)
    existing = {p.mrn for p in repo.list_patients()}
    require(ctx.actor, Permission.EDIT_CLINICAL)
    fresh = [(p, t, pl) for p, t, pl in clinic if p.mrn not in existing]
    if not fresh:
        return 0
    # Synthetic counts and transfusions for the post-transplant patients, so the board,
    # the charts and engraftment show real-looking data (DEMO-0009 is left without,
    # for trying the lab import).
    from planner.records.recovery import demo_counts, demo_records

    records = demo_records(fresh, ctx.today)
    checklists = demo_checklists(fresh, ctx.today)
    harvests = demo_harvests(fresh)
    repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description="Load demo clinic",
            # A tandem's two transplants have one patient.
            patients=tuple({p.id: p for p, _, _ in fresh}.values()),
            transplants=tuple(t for _, t, _ in fresh),
            plans=tuple(dc_replace(pl, version=0) for _, _, pl in fresh),
            lab_samples=tuple(demo_counts(fresh, ctx.today)),
            records=(
                *(
                    ClinicalRecord(tid, "engraftment", rec.to_body())
                    for tid, rec in records.items()
                ),
                *checklists,
                *harvests,
            ),
        )
    )
    return len({p.id for p, _, _ in fresh})
