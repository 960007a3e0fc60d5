"""Graft secured before conditioning: the board alert and the refusal to mark a dose given.

Conditioning destroys the patient's marrow, so the graft must be in hand, or certain to
come, before the first dose (FACT-JACIE International Standards: the transplant
programme confirms the availability of the cellular therapy product before the
recipient's preparative regimen begins; NMDP practice for cord units, which arrive
before conditioning). This module holds the one rule, used by the board and by marking
a conditioning dose done:

* autologous: the stored CD34+ dose (the harvest log's running sum) is at or above the
  minimum target (doubled for a tandem, as the harvest log's targets are);
* allogeneic: the donor's work-up is "cleared" and a donor collection is on the plan,
  or the "Graft availability confirmed" item of the pre-conditioning checklist is
  ticked. That tick is the only record of a cryopreserved product or cord units
  received, so it stands for them;
* CAR T-cell therapy: the plan's "product received" step is done (the product's label
  asks for its availability to be confirmed before lymphodepletion starts), or the
  same tick. Lymphodepletion is the conditioning of this programme kind.

The board shows the alert from seven days before the first conditioning step until Day
0. A conditioning medication is refused as given while the graft is not secured, unless
an override is recorded with a reason (on the dose's done record: who, when, why); one
override stands for the rest of the regimen, and undoing that dose takes it back.
Example wording for local review, not advice.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from planner.app import alert_rules
from planner.app.transplant_record import TransplantRecord
from planner.clinical.harvest import TARGET_REL_TOLERANCE
from planner.domain.i18n import tr
from planner.domain.patients import CLOSED_STATUSES, Transplant, TransplantType
from planner.domain.plans import OccurrenceRecord, Plan, StepStatus, mark_done
from planner.domain.templates import Phase, StepKind
from planner.errors import PlannerError, ValidationError
from planner.records.checklists import ChecklistState, checklists_from_body
from planner.records.harvest_log import HarvestLog
from planner.records.ports import ClinicalRecord

ALERT_DAYS_BEFORE: Final = 7
CHECKLIST_ID: Final = "pre-conditioning"
PRODUCT_ITEM: Final = "product-available"
CLEARED: Final = "cleared"
_GONE: Final = (StepStatus.SKIPPED, StepStatus.CANCELLED)
PRODUCT_STEP: Final = "product-available"
"""The id, within its template, of a plan step that records a cell product received."""


@dataclass(frozen=True)
class GraftCheck:
    """Whether the graft is secured, the sentence with the values used, and the rule."""

    secured: bool
    sentence: str
    rule: str = alert_rules.GRAFT_SECURED


class GraftNotSecuredError(ValidationError):
    """A conditioning dose marked given while the graft is not secured, with no override."""

    def __init__(self, message: str) -> None:
        super().__init__("override", message)


def first_conditioning(plan: Plan) -> dt.date | None:
    """The date of the first conditioning step (skipped or cancelled ones left out)."""
    dates = [o.date for o in plan.phase_occurrences(Phase.CONDITIONING) if o.status not in _GONE]
    return min(dates) if dates else None


def _collection_date(plan: Plan) -> dt.date | None:
    """The first donor collection on the plan (a collection-phase step), if any."""
    dates = [o.date for o in plan.phase_occurrences(Phase.COLLECTION) if o.status not in _GONE]
    return min(dates) if dates else None


def graft_check(
    transplant: Transplant,
    plan: Plan,
    harvest: HarvestLog,
    checklists: Mapping[str, ChecklistState],
) -> GraftCheck:
    """Is the graft secured? (the rule of the module docstring, with its values).

    "Graft availability confirmed" ticked secures any graft: for an autograft it is the
    record of cells not in this transplant's harvest log (collected for an earlier
    transplant of a tandem, stored elsewhere, or a CAR-T product received).
    """
    confirmed = _confirmed(checklists)
    if confirmed is not None:
        return confirmed
    if transplant.transplant_type is TransplantType.AUTOLOGOUS:
        total = harvest.total()
        minimum, _, _ = harvest.effective_targets(transplant.tandem)
        reached = total.value >= minimum.value or math.isclose(
            total.value, minimum.value, rel_tol=TARGET_REL_TOLERANCE
        )
        template = (
            tr("stored CD34+ {total} reaches the minimum target {minimum}.")
            if reached
            else tr("stored CD34+ {total} is below the minimum target {minimum}.")
        )
        return GraftCheck(reached, template.format(total=total.text, minimum=minimum.text))
    if transplant.transplant_type is TransplantType.CAR_T:
        return _product_received(plan)
    workup = transplant.donor.workup_status.strip() if transplant.donor is not None else ""
    cleared = workup.casefold().startswith(CLEARED)
    collection = _collection_date(plan)
    if cleared and collection is not None:
        return GraftCheck(
            True,
            tr("donor cleared, collection planned for {date}.").format(date=collection.isoformat()),
        )
    missing = []
    if not cleared:
        missing.append(
            tr("donor work-up is '{status}', not cleared").format(status=workup)
            if workup
            else tr("donor work-up not recorded as cleared")
        )
    if collection is None:
        missing.append(tr("no donor collection on the plan"))
    missing.append(tr('"Graft availability confirmed" not ticked'))
    return GraftCheck(False, "; ".join(missing) + ".")


def _product_received(plan: Plan) -> GraftCheck:
    """A CAR T-cell product is secured when the plan's product-received step is done."""
    for step in plan.steps:
        if step.id.rsplit("/", 1)[-1] != PRODUCT_STEP:
            continue
        done = [r for r in step.records if r.status is StepStatus.DONE]
        if done:
            when = done[0].actual_date or plan.planned_date(step, done[0].offset)
            return GraftCheck(
                True,
                tr("CAR T-cell product received (recorded on {date}).").format(
                    date=when.isoformat()
                ),
            )
    return GraftCheck(
        False,
        tr(
            'the CAR T-cell product is not recorded as received (its plan step, or "Graft '
            'availability confirmed").'
        ),
    )


def _confirmed(checklists: Mapping[str, ChecklistState]) -> GraftCheck | None:
    state = checklists.get(CHECKLIST_ID)
    item = state.get(PRODUCT_ITEM) if state is not None else None
    if item is not None and item.done and item.date is not None:
        return GraftCheck(
            True,
            tr('"Graft availability confirmed" ticked on {date}.').format(
                date=item.date.isoformat()
            ),
        )
    return None


def _readable_check(record: TransplantRecord) -> GraftCheck:
    """``graft_check`` of a transplant's stored records; a record that cannot be read
    leaves the graft not secured, with a sentence saying so (an override still applies)."""
    try:
        return graft_check(record.transplant, record.plan, record.harvest_log, record.checklists)
    except PlannerError:
        return GraftCheck(False, tr("a record cannot be read, so the graft cannot be checked."))


def graft_override(plan: Plan) -> OccurrenceRecord | None:
    """The done conditioning record carrying an override, if one was recorded."""
    for step in plan.steps:
        if step.phase is Phase.CONDITIONING:
            for rec in step.records:
                if rec.status is StepStatus.DONE and rec.override:
                    return rec
    return None


def _alert_window_start(transplant: Transplant, plan: Plan, today: dt.date) -> dt.date | None:
    """The first conditioning date when ``today`` is in the alert's window (from seven
    days before it to Day 0, transplant on the board); None otherwise."""
    if transplant.status in CLOSED_STATUSES:
        return None
    first = first_conditioning(plan)
    if first is None or today < first - dt.timedelta(days=ALERT_DAYS_BEFORE) or today > plan.day0:
        return None
    return first


def graft_alert(
    transplant: Transplant,
    plan: Plan,
    harvest: HarvestLog,
    checklists: Mapping[str, ChecklistState],
    today: dt.date,
) -> str | None:
    """The board text from seven days before the first conditioning step to Day 0, while
    the graft is not secured; None otherwise."""
    first = _alert_window_start(transplant, plan, today)
    if first is None:
        return None
    check = graft_check(transplant, plan, harvest, checklists)
    if check.secured:
        return None
    text = tr("Graft not secured, conditioning from {date}: {why}").format(
        date=first.isoformat(), why=check.sentence
    )
    override = graft_override(plan)
    if override is not None:
        text += " " + tr("Override by {who}: {why}").format(who=override.by, why=override.override)
    return text


def graft_alerts(
    transplants: list[Transplant],
    plans: Mapping[str, Plan],
    harvest: list[ClinicalRecord],
    checklists: list[ClinicalRecord],
    today: dt.date,
) -> dict[str, list[str]]:
    """The board texts by transplant id (a record that cannot be read says so)."""
    harvest_by = {r.transplant_id: r for r in harvest}
    checklists_by = {r.transplant_id: r for r in checklists}
    out: dict[str, list[str]] = {}
    for t in transplants:
        plan = plans.get(t.id)
        # Out of the window there is nothing to say: its records are not read.
        if plan is None or _alert_window_start(t, plan, today) is None:
            continue
        try:
            log = HarvestLog.from_body(_body(harvest_by.get(t.id)), t)
            states = checklists_from_body(_body(checklists_by.get(t.id)))
        except PlannerError:
            out[t.id] = [tr("Graft secured: a record cannot be read.")]
            continue
        text = graft_alert(t, plan, log, states, today)
        if text is not None:
            out[t.id] = [text]
    return out


def _body(record: ClinicalRecord | None) -> Mapping[str, object]:
    return record.body if record is not None else {}


def mark_step_done(
    record: TransplantRecord,
    step_id: str,
    offset: int,
    actual_date: dt.date,
    *,
    by: str,
    at: str,
    reason: str = "",
    override: str = "",
) -> Plan:
    """The plan with one occurrence done; a conditioning medication is refused while the
    graft is not secured, unless ``override`` (why) is given or was given for an earlier
    dose. The override is kept on the done record only when it was needed.

    Raises:
        GraftNotSecuredError: the refusal, in one sentence naming what is missing.
    """
    plan = record.plan
    step = plan.step(step_id)
    needed = ""
    if (
        step.phase is Phase.CONDITIONING
        and step.kind is StepKind.MEDICATION
        and graft_override(plan) is None
    ):
        check = _readable_check(record)
        if not check.secured:
            if not override.strip():
                raise GraftNotSecuredError(
                    tr(
                        "{step} cannot be marked given before the graft is secured: {why} "
                        "Record an override with a reason to go on."
                    ).format(step=tr(step.title), why=check.sentence)
                )
            needed = override
    return mark_done(
        plan, step_id, offset, actual_date, by=by, at=at, reason=reason, override=needed
    )


def needs_override(record: TransplantRecord, step_id: str) -> bool:
    """True when marking ``step_id`` given would be refused without an override."""
    step = record.plan.step(step_id)
    if not (step.phase is Phase.CONDITIONING and step.kind is StepKind.MEDICATION):
        return False
    if graft_override(record.plan) is not None:
        return False
    return not _readable_check(record).secured
