"""Plain-dict forms of the domain records, for storage and JSON output.

Storage keeps a plan as one JSON document (plus its version column); these
functions are the only place that knows the shape, so both repositories and any
export read and write the same thing. ``FORMAT`` changes only with a migration.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.domain.conditions import Clause, StepCondition
from planner.domain.days import OFFSET, calendar_date, optional_calendar_date
from planner.domain.patients import Donor, GraftManipulation, Patient, StatusChange, Transplant
from planner.domain.plans import (
    AnchorState,
    Day0Change,
    DoseSignature,
    OccurrenceRecord,
    Plan,
    PlanOutline,
    PlanStep,
    StepStatus,
    TemplateRef,
    dates_an_anchor,
)
from planner.domain.templates import DoseBasis, DoseRule, Phase, StepKind, WeightBand, WeightType

FORMAT = 1

# Enum lookups by value through plain dicts: Enum.__call__ dominated loading 500 plans.
_PHASE = {m.value: m for m in Phase}
_KIND = {m.value: m for m in StepKind}
_STATUS = {m.value: m for m in StepStatus}


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def patient_to_dict(p: Patient) -> dict[str, Any]:
    """Every field of a patient; dates as ISO strings."""
    return {
        "id": p.id,
        "mrn": p.mrn,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "date_of_birth": _d(p.date_of_birth),
        "sex": p.sex.value,
        "height_cm": p.height_cm,
        "weight_kg": p.weight_kg,
        "weight_date": _d(p.weight_date),
        "diagnosis": p.diagnosis,
        "disease_status": p.disease_status,
        "coordinator": p.coordinator,
        "contacts": p.contacts,
        "language": p.language,
        "abo": p.abo,
        "cmv_igg": p.cmv_igg,
        "creatinine_mg_dl": p.creatinine_mg_dl,
        "creatinine_date": _d(p.creatinine_date),
        "hbsag": p.hbsag,
        "anti_hbc": p.anti_hbc,
        "cibmtr_crid": p.cibmtr_crid,
        "ebmt_id": p.ebmt_id,
        "version": p.version,
    }


def patient_from_dict(d: dict[str, Any]) -> Patient:
    """Inverse of ``patient_to_dict``."""
    dob = optional_calendar_date(d["date_of_birth"], "date_of_birth")
    assert dob is not None
    return Patient(
        id=d["id"],
        mrn=d["mrn"],
        family_name=d["family_name"],
        given_name=d["given_name"],
        date_of_birth=dob,
        sex=d["sex"],
        height_cm=d.get("height_cm"),
        weight_kg=d.get("weight_kg"),
        weight_date=optional_calendar_date(d.get("weight_date"), "weight_date"),
        diagnosis=d.get("diagnosis", ""),
        disease_status=d.get("disease_status", ""),
        coordinator=d.get("coordinator", ""),
        contacts=d.get("contacts", ""),
        language=d.get("language", "en"),
        abo=d.get("abo", ""),
        cmv_igg=d.get("cmv_igg", "unknown"),
        creatinine_mg_dl=d.get("creatinine_mg_dl"),
        creatinine_date=optional_calendar_date(d.get("creatinine_date"), "creatinine_date"),
        hbsag=d.get("hbsag") or "unknown",
        anti_hbc=d.get("anti_hbc") or "unknown",
        cibmtr_crid=d.get("cibmtr_crid") or "",
        ebmt_id=d.get("ebmt_id") or "",
        version=d.get("version", 0),
    )


def donor_to_dict(donor: Donor | None) -> dict[str, Any] | None:
    """A donor as a dict, or None."""
    if donor is None:
        return None
    return {
        "donor_type": donor.donor_type.value,
        "hla_match": donor.hla_match,
        "abo": donor.abo,
        "cmv_igg": donor.cmv_igg,
        "workup_status": donor.workup_status,
        "relation": donor.relation.value,
        "sex": donor.sex,
        "age_years": donor.age_years,
        "registry_id": donor.registry_id,
    }


def donor_from_dict(d: dict[str, Any] | None) -> Donor | None:
    """Inverse of ``donor_to_dict``."""
    return Donor(**d) if d else None


def transplant_to_dict(t: Transplant) -> dict[str, Any]:
    """Every field of a transplant."""
    return {
        "id": t.id,
        "patient_id": t.patient_id,
        "transplant_type": t.transplant_type.value,
        "graft_source": t.graft_source.value,
        "day0": _d(t.day0),
        "intensity": t.intensity,
        "status": t.status.value,
        "donor": donor_to_dict(t.donor),
        "tandem": t.tandem,
        "number": t.number,
        "manipulation": t.manipulation.value,
        "status_history": [
            {"status": c.status.value, "on": c.on.isoformat(), "reason": c.reason}
            for c in t.status_history
        ],
        "version": t.version,
    }


def transplant_from_dict(d: dict[str, Any]) -> Transplant:
    """Inverse of ``transplant_to_dict``."""
    return Transplant(
        id=d["id"],
        patient_id=d["patient_id"],
        transplant_type=d["transplant_type"],
        graft_source=d["graft_source"],
        day0=optional_calendar_date(d.get("day0"), "day0"),
        intensity=d.get("intensity", ""),
        status=d.get("status", "planned"),
        donor=donor_from_dict(d.get("donor")),
        tandem=bool(d.get("tandem", False)),
        number=d.get("number") or 1,
        manipulation=GraftManipulation(d.get("manipulation") or "none"),
        status_history=tuple(
            StatusChange(c["status"], calendar_date(c["on"], "status_date"), c.get("reason", ""))
            for c in d.get("status_history") or ()
        ),
        version=d.get("version", 0),
    )


def _band_to_dict(band: WeightBand) -> dict[str, Any]:
    """A weight band with the boundary keys of the template ("at_least_kg", "below_kg")."""
    out: dict[str, Any] = {"amount": band.amount}
    if band.lower_kg is not None:
        out["at_least_kg" if band.lower_inclusive else "above_kg"] = band.lower_kg
    if band.upper_kg is not None:
        out["up_to_kg" if band.upper_inclusive else "below_kg"] = band.upper_kg
    return out


def _band_from_dict(d: dict[str, Any]) -> WeightBand:
    lower = d.get("at_least_kg", d.get("above_kg"))
    upper = d.get("up_to_kg", d.get("below_kg"))
    return WeightBand(
        amount=d["amount"],
        lower_kg=lower,
        lower_inclusive="above_kg" not in d,
        upper_kg=upper,
        upper_inclusive="up_to_kg" in d,
    )


def _dose_to_dict(dose: DoseRule | None) -> dict[str, Any] | None:
    if dose is None:
        return None
    out: dict[str, Any] = {
        "amount": dose.amount,
        "unit": dose.unit,
        "per": dose.per.value,
        "weight": dose.weight.value,
        "route": dose.route,
        "frequency": dose.frequency,
        "bsa_cap_m2": dose.bsa_cap_m2,
        "max_dose": dose.max_dose,
    }
    if dose.bands:  # absent for one amount: a plan without bands is stored as before
        out["bands"] = [_band_to_dict(b) for b in dose.bands]
    return out


def _dose_from_dict(d: dict[str, Any] | None) -> DoseRule | None:
    if d is None:
        return None
    return DoseRule(
        amount=d["amount"],
        unit=d["unit"],
        per=DoseBasis(d["per"]),
        weight=WeightType(d["weight"]),
        route=d.get("route", ""),
        frequency=d.get("frequency", ""),
        bsa_cap_m2=d.get("bsa_cap_m2"),
        max_dose=d.get("max_dose"),
        bands=tuple(_band_from_dict(b) for b in d.get("bands") or ()),
    )


def _record_to_dict(r: OccurrenceRecord) -> dict[str, Any]:
    return {
        "offset": r.offset,
        "status": r.status.value,
        "actual_date": _d(r.actual_date),
        "by": r.by,
        "at": r.at,
        "reason": r.reason,
        **({"shift": r.shift} if r.shift else {}),
        # Only when given, so a plan stored before this field keeps its audited hash.
        **({"override": r.override} if r.override else {}),
    }


def _record_from_dict(d: dict[str, Any]) -> OccurrenceRecord:
    return OccurrenceRecord(
        offset=d["offset"],
        status=_STATUS[d["status"]],
        actual_date=optional_calendar_date(d.get("actual_date"), "actual_date"),
        by=d.get("by", ""),
        at=d.get("at", ""),
        reason=d.get("reason", ""),
        shift=d.get("shift", 0),
        override=d.get("override", ""),
    )


def _when_to_dict(when: StepCondition) -> dict[str, Any]:
    return {
        "rule": when.rule,
        "any": [
            {"fact": c.fact, "is": list(c.values), "at_least": c.at_least, "below": c.below}
            for c in when.clauses
        ],
    }


def _when_from_dict(d: dict[str, Any]) -> StepCondition:
    return StepCondition(
        d["rule"],
        tuple(
            Clause(c["fact"], tuple(c.get("is", ())), c.get("at_least"), c.get("below"))
            for c in d["any"]
        ),
    )


def step_to_dict(s: PlanStep) -> dict[str, Any]:
    """One plan step as a dict."""
    return {
        "id": s.id,
        "template_id": s.template_id,
        "title": s.title,
        "phase": s.phase.value,
        "kind": s.kind.value,
        "anchor": s.anchor,
        "days": list(s.days),
        "window_before": s.window_before,
        "window_after": s.window_after,
        "dose": _dose_to_dict(s.dose),
        "drug": s.drug,
        "regimen_tied": s.regimen_tied,
        "patient_text": s.patient_text,
        "until": s.until,
        "notes": s.notes,
        "shift": s.shift,
        "status": s.status.value,
        "status_reason": s.status_reason,
        "records": [_record_to_dict(r) for r in s.records],
        "note": s.note,
        **({"when": _when_to_dict(s.when)} if s.when is not None else {}),
    }


def step_from_dict(d: dict[str, Any]) -> PlanStep:
    """Inverse of ``step_to_dict``."""
    # Hot when loading a clinic (tens of thousands of steps): most steps have no dose, so
    # skip that call for them; map() is cheaper than a generator for the records.
    dose = d.get("dose")
    return PlanStep(
        id=d["id"],
        template_id=d["template_id"],
        title=d["title"],
        phase=_PHASE[d["phase"]],
        kind=_KIND[d["kind"]],
        anchor=d["anchor"],
        days=tuple(d["days"]),
        window_before=d.get("window_before", 0),
        window_after=d.get("window_after", 0),
        dose=_dose_from_dict(dose) if dose is not None else None,
        drug=d.get("drug", ""),
        regimen_tied=d.get("regimen_tied", False),
        patient_text=d.get("patient_text", ""),
        until=d.get("until", ""),
        notes=d.get("notes", ""),
        shift=d.get("shift", 0),
        status=_STATUS[d.get("status", "planned")],
        status_reason=d.get("status_reason", ""),
        records=tuple(map(_record_from_dict, d.get("records", ()))),
        note=d.get("note", ""),
        when=_when_from_dict(d["when"]) if "when" in d else None,
    )


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """A whole plan as a JSON-ready dict (``format`` marks the shape).

    ``dose_signatures`` and ``calendar_revisions`` only where there are some: a plan
    stored before them keeps the same dict, so its next save writes no change it did not
    make.

    Raises:
        TypeError: ``plan`` is an outline (``PlanOutline``): saving it would drop the
            steps it was read without.
    """
    if isinstance(plan, PlanOutline):
        raise TypeError(
            f"plan {plan.id} is an outline (the steps that date its anchors only) and "
            "cannot be saved; read the whole plan"
        )
    d = {
        "format": FORMAT,
        "id": plan.id,
        "transplant_id": plan.transplant_id,
        "day0": _d(plan.day0),
        "version": plan.version,
        "anchors": [
            {
                "name": a.name,
                "default_day": a.default_day,
                "label": a.label,
                "numbering": a.numbering,
                "fixed_date": _d(a.fixed_date),
            }
            for a in plan.anchors.values()
        ],
        "steps": [step_to_dict(s) for s in plan.steps],
        "templates": [
            {"id": t.id, "version": t.version, "checksum": t.checksum, "title": t.title}
            for t in plan.templates
        ],
        "day0_history": [
            {"old": _d(c.old), "new": _d(c.new), "reason": c.reason} for c in plan.day0_history
        ],
    }
    if plan.dose_signatures:
        d["dose_signatures"] = [
            {
                "user": s.user,
                "role": s.role,
                "meaning": s.meaning,
                "at": s.at,
                "doses": [list(x) for x in s.doses],
                "basis": s.basis,
            }
            for s in plan.dose_signatures
        ]
    if plan.calendar_revisions:
        d["calendar_revisions"] = dict(sorted(plan.calendar_revisions.items()))
    return d


def _anchor_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in steps if dates_an_anchor(s["id"], s["phase"])]


def plan_from_dict(d: dict[str, Any], *, outline: bool = False) -> Plan:
    """Inverse of ``plan_to_dict``; ``outline``: only the steps that date the checklist
    anchors (``dates_an_anchor``), for reading the anchors of many plans: a
    ``PlanOutline``, never to be shown, edited or saved."""
    if d.get("format") != FORMAT:
        raise ValueError(f"plan format {d.get('format')} is not {FORMAT}")
    day0 = optional_calendar_date(d["day0"], "day0")
    assert day0 is not None
    anchors = {
        a["name"]: AnchorState(
            name=a["name"],
            default_day=a["default_day"],
            label=a.get("label", ""),
            numbering=a.get("numbering", OFFSET),
            fixed_date=optional_calendar_date(a.get("fixed_date"), "fixed_date"),
        )
        for a in d["anchors"]
    }
    history = []
    for c in d.get("day0_history", []):
        old, new = optional_calendar_date(c["old"], "old"), optional_calendar_date(c["new"], "new")
        assert old is not None and new is not None
        history.append(Day0Change(old, new, c["reason"]))
    return (PlanOutline if outline else Plan)(
        id=d["id"],
        transplant_id=d["transplant_id"],
        day0=day0,
        anchors=anchors,
        steps=tuple(map(step_from_dict, _anchor_steps(d["steps"]) if outline else d["steps"])),
        templates=tuple(TemplateRef(**t) for t in d.get("templates", [])),
        day0_history=tuple(history),
        version=d.get("version", 0),
        dose_signatures=tuple(
            DoseSignature(
                user=str(s["user"]),
                role=str(s["role"]),
                meaning=str(s["meaning"]),
                at=str(s["at"]),
                doses=tuple((str(a), str(b)) for a, b in s["doses"]),
                basis=str(s["basis"]),
            )
            for s in d.get("dose_signatures", [])
        ),
        calendar_revisions={str(k): int(v) for k, v in d.get("calendar_revisions", {}).items()},
    )
