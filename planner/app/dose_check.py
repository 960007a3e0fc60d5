"""The independent double check of conditioning doses, signed electronically.

Before the first conditioning dose is given, two different people with a role that may
verify doses (a physician or a pharmacist) each check the doses the plan computed and
sign for them with their password (ASCO/ONS Chemotherapy Administration Safety
Standards, standard on independent verification of chemotherapy orders before
administration; ISMP's guidance on independent double checks). Each signature keeps
what it signed: every conditioning dose (and every other dose a plan rule adjusted), as
shown, and the measurements they were computed from. A later change of either, by any
path, voids it: validity is computed from the plan and the patient as they are, never
stored, so no edit can leave a signature standing on doses it did not see. The board
says so.

Where the database has no accounts there is no one to sign: the check is not asked for
(README, Accounts and roles). Example wording for local review, not advice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from planner.app.accounts import confirm_password
from planner.app.changes import Change, Documents, commit, require_recorded
from planner.app.context import Context
from planner.clinical.plan_rules.facts import facts_of
from planner.clinical.step_doses import plan_dose_line
from planner.domain.accounts import Permission, role_name
from planner.domain.i18n import tr, tr_noop
from planner.domain.patients import CLOSED_STATUSES, Patient, Transplant
from planner.domain.plans import DoseSignature, Plan, PlanStep, StepStatus
from planner.domain.templates import Phase, StepKind
from planner.errors import PlannerError, ValidationError
from planner.records.ports import Repository

NEEDED: Final = 2
VERIFIED_DOSES: Final = tr_noop("verified doses")
"""The meaning of a signature (21 CFR 11.50(a)(3)): shown with it, translated."""
ALERT_DAYS_BEFORE: Final = 7


@dataclass(frozen=True)
class CheckedDose:
    """One dose the double check covers, as shown to the signers."""

    step_id: str
    title: str
    text: str
    explanation: str


def is_conditioning_dose(step: PlanStep) -> bool:
    """A conditioning medication with a dose (lymphodepletion for CAR T cells)."""
    return step.phase is Phase.CONDITIONING and step.kind is StepKind.MEDICATION


def doses_to_check(
    plan: Plan, patient: Patient, transplant: Transplant | None
) -> list[CheckedDose]:
    """Every conditioning dose, and every other dose a plan rule changed or flagged, as
    the plan shows it now (cancelled steps left out)."""
    facts = facts_of(patient, transplant, plan.day0)
    found: list[CheckedDose] = []
    for step in plan.steps:
        if step.dose is None or step.status is StepStatus.CANCELLED:
            continue
        line = plan_dose_line(step, plan, facts)
        if line is None or not (is_conditioning_dose(step) or line.rules):
            continue
        found.append(CheckedDose(step.id, step.title, line.text, line.explanation))
    return found


def _num(value: float) -> str:
    return f"{value:g}"


def basis_of(patient: Patient) -> str:
    """The measurements the doses are computed from, as the signature records them."""
    parts = [
        f"weight {_num(patient.weight_kg)} kg ({patient.weight_date})"
        if patient.weight_kg is not None
        else "weight not recorded",
        f"height {_num(patient.height_cm)} cm"
        if patient.height_cm is not None
        else "height not recorded",
    ]
    if patient.creatinine_mg_dl is not None:
        parts.append(
            f"creatinine {_num(patient.creatinine_mg_dl)} mg/dL ({patient.creatinine_date})"
        )
    return ", ".join(parts)


@dataclass(frozen=True)
class SignatureState:
    """A signature and, when void, why ("" while it stands)."""

    signature: DoseSignature
    void: str = ""

    def describe(self) -> str:
        """ "nina (physician), verified doses, 2026-12-07 09:30 UTC"."""
        s = self.signature
        when = s.at.replace("T", " ")[:16] + " UTC"
        return tr("{user} ({role}), {meaning}, {when}").format(
            user=s.user, role=_role(s.role), meaning=tr(s.meaning), when=when
        )


def _role(value: str) -> str:
    from planner.domain.accounts import Role

    try:
        return role_name(Role(value))
    except ValueError:
        return value


@dataclass(frozen=True)
class DoseCheck:
    """Where the double check of a plan stands now.

    Attributes:
        doses: what a signature must cover now.
        basis: the measurements now.
        signatures: each signature with whether it still stands.
    """

    doses: tuple[CheckedDose, ...]
    basis: str
    signatures: tuple[SignatureState, ...]

    @property
    def standing(self) -> list[SignatureState]:
        """The signatures that still stand, one per person (the first of each)."""
        seen: set[str] = set()
        out = []
        for s in self.signatures:
            if not s.void and s.signature.user.casefold() not in seen:
                seen.add(s.signature.user.casefold())
                out.append(s)
        return out

    @property
    def void(self) -> list[SignatureState]:
        """The signatures a change has voided."""
        return [s for s in self.signatures if s.void]

    @property
    def complete(self) -> bool:
        """Two different people's signatures stand on the doses as they are."""
        return len(self.standing) >= NEEDED

    def sentence(self, *, with_void: bool = True) -> str:
        """Where it stands, in one or two sentences, with the reason of the last void
        signature (``with_void``; a list of every signature says it itself)."""
        standing = "; ".join(s.describe() for s in self.standing)
        if self.complete:
            text = tr("Doses verified by two people: {who}.").format(who=standing)
        elif self.standing:
            text = tr("Doses verified by 1 of 2: {who}.").format(who=standing)
        else:
            text = tr("Doses not verified yet (2 signatures needed).")
        if with_void and self.void:
            last = self.void[-1]
            text += " " + tr("Void: {who}: {why}").format(who=last.signature.user, why=last.void)
        return text


def _void_reason(sig: DoseSignature, doses: Sequence[CheckedDose], basis: str) -> str:
    if sig.basis != basis:
        return tr("the measurements changed: {changes}.").format(
            changes="; ".join(_changed_parts(sig.basis, basis))
        )
    signed = dict(sig.doses)
    now = {d.step_id: d for d in doses}
    for d in doses:
        if d.step_id not in signed:
            return tr("a dose was added: {step} {dose}.").format(step=tr(d.title), dose=d.text)
        if signed[d.step_id] != d.text:
            return tr("{step} changed ({old} -> {new}).").format(
                step=tr(d.title), old=signed[d.step_id], new=d.text
            )
    for step_id in signed:
        if step_id not in now:
            return tr("a dose it signed for is no longer on the plan ({step}).").format(
                step=step_id
            )
    return ""


def _changed_parts(old: str, new: str) -> list[str]:
    """ "weight 70 kg (2026-12-01) -> 73 kg (2026-12-07)": the measurements of two
    ``basis_of`` texts that differ, each once."""

    def parts(text: str) -> dict[str, str]:
        named = (part.partition(" ") for part in text.split(", "))
        return {name: value for name, _, value in named}

    before, after = parts(old), parts(new)
    return [
        f"{name} {before.get(name, '-')} -> {after.get(name, '-')}"
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    ]


def dose_check(plan: Plan, patient: Patient, transplant: Transplant | None) -> DoseCheck:
    """The double check of ``plan`` as it stands for ``patient`` now."""
    doses = tuple(doses_to_check(plan, patient, transplant))
    basis = basis_of(patient)
    states = tuple(SignatureState(s, _void_reason(s, doses, basis)) for s in plan.dose_signatures)
    return DoseCheck(doses, basis, states)


def verify_doses(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    password: str,
    *,
    meaning: str = VERIFIED_DOSES,
) -> Change:
    """Sign the plan's doses as verified: the password is asked again (an electronic
    signature), and the signature records who, the role, the meaning and the time.

    Raises:
        PermissionDeniedError: the role may not verify doses.
        SignInError: the password is not the signer's (counts as a failed sign-in).
        ValidationError: no accounts, no dose to verify, this person's signature
            already stands, or two already do.
    """
    require_recorded(repo, ctx, Permission.VERIFY_DOSES, "Verify doses")
    if not repo.accounts_in_use() or ctx.actor.role is None:
        raise ValidationError(
            "accounts",
            tr("A signature needs accounts: each signer signs in and types their password."),
        )
    confirm_password(repo, ctx.actor, password, ctx.now)
    transplant = repo.get_transplant(transplant_id)
    patient = repo.get_patient(transplant.patient_id)
    plan = repo.get_plan(transplant_id)
    if plan is None:
        raise ValidationError("plan", tr("This transplant has no plan to verify."))
    check = dose_check(plan, patient, transplant)
    if not check.doses:
        raise ValidationError("doses", tr("This plan has no conditioning dose to verify."))
    if any(s.signature.user.casefold() == ctx.actor.user.casefold() for s in check.standing):
        raise ValidationError(
            "user",
            tr(
                "{user} has verified these doses already: the second check must be someone else's."
            ).format(user=ctx.actor.user),
        )
    if check.complete:
        raise ValidationError("doses", tr("Two people have verified these doses already."))
    signature = DoseSignature(
        user=ctx.actor.user,
        role=ctx.actor.role.value,
        meaning=meaning,
        at=ctx.utc_text,
        doses=tuple((d.step_id, d.text) for d in check.doses),
        basis=check.basis,
    )
    after = replace(plan, dose_signatures=(*plan.dose_signatures, signature))
    return commit(
        repo,
        ctx,
        "Verify doses",
        Documents(plans=(plan,)),
        [after],
        patient_id=patient.id,
        reversible=False,  # a signature is withdrawn by a change of dose, not by Ctrl+Z
        permission=Permission.VERIFY_DOSES,
    )


def newly_given(before: Plan, after: Plan) -> list[str]:
    """The conditioning doses ``after`` marks given that ``before`` did not (step titles)."""
    old = {s.id: s for s in before.steps}
    found = []
    for step in after.steps:
        if not is_conditioning_dose(step) or step.dose is None:
            continue
        was = old.get(step.id)
        done_before = (
            {r.offset for r in was.records if r.status is StepStatus.DONE} if was else set()
        )
        done_now = {r.offset for r in step.records if r.status is StepStatus.DONE}
        if done_now - done_before:
            found.append(step.title)
    return found


def _patient_of(repo: Repository, plan: Plan) -> str | None:
    try:
        return repo.get_transplant(plan.transplant_id).patient_id
    except PlannerError:
        return None


def refuse_unverified(
    repo: Repository, ctx: Context, before: Plan, after: Plan
) -> Permission | None:
    """What saving ``after`` over ``before`` needs when it marks a conditioning dose
    given: the permission to give doses and, where the database has accounts, the two
    signatures standing on the doses as they are (None: it marks none).

    Raises:
        PermissionDeniedError: the role may not mark doses given.
        ValidationError: a dose marked given before two people verified the doses.
    """
    given = newly_given(before, after)
    if not given:
        return None
    require_recorded(
        repo, ctx, Permission.GIVE_DOSES, f"Mark {given[0]} given", _patient_of(repo, after)
    )
    if repo.accounts_in_use():
        transplant = repo.get_transplant(after.transplant_id)
        patient = repo.get_patient(transplant.patient_id)
        check = dose_check(after, patient, transplant)
        if not check.complete:
            raise ValidationError(
                "doses",
                tr(
                    "{step} cannot be marked given before two people have verified the doses. {state}"
                ).format(step=tr(given[0]), state=check.sentence()),
            )
    return Permission.GIVE_DOSES


# --- the board ---------------------------------------------------------------------------------


def _conditioning_open(plan: Plan) -> bool:
    """Some conditioning dose is still to give."""
    for step in plan.steps:
        if is_conditioning_dose(step) and step.status is StepStatus.PLANNED and not step.is_done:
            return True
    return False


def dose_check_alerts(
    patients: Sequence[Patient],
    transplants: Sequence[Transplant],
    plans: Mapping[str, Plan],
    today: dt.date,
    *,
    required: bool,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(void, pending) board texts by transplant id.

    Void: a signature a change voided, while a conditioning dose is still to give.
    Pending (``required``: the database has accounts): from seven days before the first
    conditioning dose until the last is given, while two signatures do not stand.
    """
    by_id = {p.id: p for p in patients}
    void: dict[str, list[str]] = {}
    pending: dict[str, list[str]] = {}
    for t in transplants:
        plan = plans.get(t.id)
        patient = by_id.get(t.patient_id)
        if plan is None or patient is None or t.status in CLOSED_STATUSES:
            continue
        if not (plan.dose_signatures or required) or not _conditioning_open(plan):
            continue  # without accounts or signatures, nothing to compute
        in_window = _in_window(plan, today)
        if not plan.dose_signatures and not in_window:
            continue
        check = dose_check(plan, patient, t)
        if check.void and not check.complete:
            last = check.void[-1]
            void[t.id] = [
                tr(
                    "Dose verification void: {why} Verify the doses again before the next dose."
                ).format(why=last.void)
            ]
        elif required and in_window and not check.complete and check.doses:
            pending[t.id] = [
                tr("Conditioning doses verified by {n} of 2.").format(n=len(check.standing))
            ]
    return void, pending


def _in_window(plan: Plan, today: dt.date) -> bool:
    dates = [o.date for o in plan.phase_occurrences(Phase.CONDITIONING)]
    return bool(dates) and today >= min(dates) - dt.timedelta(days=ALERT_DAYS_BEFORE)
