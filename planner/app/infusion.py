"""Use cases for the infusion record: products infused and infusion reactions.

Each reads the transplant's stored "infusion" record afresh (entries another workstation
added meanwhile are kept), applies one edit and commits it with its audit rows on the one
edit path; each returns the ``Change`` (undoable like any record edit).
"""

from __future__ import annotations

from planner.app.changes import Change, save_record, stored_record
from planner.app.context import Context
from planner.domain.i18n import tr, tr_noop
from planner.domain.isbt128 import parse_din
from planner.domain.patients import Transplant
from planner.errors import ValidationError
from planner.records.infusion_log import InfusedProduct, InfusionLog, Reaction
from planner.records.ports import INFUSION, ClinicalRecord, Repository


def load_infusion(repo: Repository, transplant_id: str) -> tuple[InfusionLog, int]:
    """The transplant's infusion record and the version read (0 when new)."""
    _, record, log = _read(repo, transplant_id)
    return log, record.version


def _read(repo: Repository, transplant_id: str) -> tuple[str, ClinicalRecord, InfusionLog]:
    """(the patient id, the stored record, the log it holds)."""
    transplant = repo.get_transplant(transplant_id)
    record = stored_record(repo, transplant_id, INFUSION)
    return transplant.patient_id, record, InfusionLog.from_body(record.body)


def add_product(
    repo: Repository, ctx: Context, transplant_id: str, product: InfusedProduct
) -> Change:
    """Record a product infused; one commit.

    Raises:
        ValidationError: the infusion date is after today, or not Day 0 or Day +1 of the
            transplant, or the product's id or DIN is already recorded for this transplant.
    """
    ctx.refuse_future(product.date, tr_noop("An infusion"))
    _refuse_off_day0(repo.get_transplant(transplant_id), product)
    patient_id, record, log = _read(repo, transplant_id)
    return save_record(
        repo,
        ctx,
        f"Record infused product DIN {parse_din(product.din).text}",
        record,
        log.with_product(product).to_body(),
        patient_id=patient_id,
        subject=product.id,
    )


LAST_INFUSION_DAY = 1
"""Day 0 is the day of the infusion; a product split over two days (a second cord unit, a
second bag the next morning) may be given on Day +1. Any other day means Day 0 is wrong."""


def _refuse_off_day0(transplant: Transplant, product: InfusedProduct) -> None:
    """Refuse a product dated on another day than Day 0 (or Day +1): the plan would count
    its days from a date the graft was not given."""
    if transplant.day0 is None:
        return
    day = (product.date - transplant.day0).days
    if 0 <= day <= LAST_INFUSION_DAY:
        return
    raise ValidationError(
        "date",
        tr(
            "An infusion on {date} is Day {day}, but Day 0 is {day0}. If the product was "
            "given that day, move Day 0 to it first (Patient > Move Day 0)."
        ).format(
            date=product.date.isoformat(),
            day=f"{day:+d}",
            day0=transplant.day0.isoformat(),
        ),
    )


def remove_product(
    repo: Repository, ctx: Context, transplant_id: str, product_id: str, reason: str
) -> Change:
    """Remove a product entered by mistake (a reason is required); one commit."""
    if not reason.strip():
        raise ValidationError("reason", tr("Removing an infused product needs a reason."))
    patient_id, record, log = _read(repo, transplant_id)
    product = log.product(product_id)
    new_log = log.without_product(product_id)  # refuses a product not recorded
    assert product is not None
    return save_record(
        repo,
        ctx,
        f"Remove infused product DIN {parse_din(product.din).text}",
        record,
        new_log.to_body(),
        patient_id=patient_id,
        reason=reason,
        subject=product_id,
    )


def add_reaction(repo: Repository, ctx: Context, transplant_id: str, reaction: Reaction) -> Change:
    """Record an infusion reaction with its grade; one commit."""
    ctx.refuse_future(reaction.date, tr_noop("An infusion reaction"))
    patient_id, record, log = _read(repo, transplant_id)
    return save_record(
        repo,
        ctx,
        f"Record infusion reaction, grade {reaction.grade}",
        record,
        log.with_reaction(reaction).to_body(),
        patient_id=patient_id,
        subject=reaction.id,
    )


def remove_reaction(
    repo: Repository, ctx: Context, transplant_id: str, reaction_id: str, reason: str
) -> Change:
    """Remove a reaction entered by mistake (a reason is required); one commit."""
    if not reason.strip():
        raise ValidationError("reason", tr("Removing an infusion reaction needs a reason."))
    patient_id, record, log = _read(repo, transplant_id)
    return save_record(
        repo,
        ctx,
        "Remove infusion reaction",
        record,
        log.without_reaction(reaction_id).to_body(),
        patient_id=patient_id,
        reason=reason,
        subject=reaction_id,
    )
