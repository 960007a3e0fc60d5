"""Donor-recipient compatibility: ABO (standard blood-bank definitions) and CMV serostatus
pairing with letermovir candidacy (Prevymis label); sources in docs/clinical-sources.md.

``abo_compatibility`` and ``cmv_pairing`` return plain strings (a stable public API, also
importable as ``planner.compatibility``);
``abo_assessment`` and ``cmv_assessment`` return a :class:`planner.clinical.grading.GradeResult`
with the rule that decided and the clinical notes. ``letermovir_window`` gives the
label's start-by and stop dates from Day 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from planner.clinical.grading import GradeResult, require_bool, require_date
from planner.domain.days import date_for_day
from planner.domain.i18n import tr, tr_noop
from planner.errors import ValidationError

ABO_CRITERIA: Final = tr_noop("ABO compatibility (donor -> recipient)")
ABO_VERSION: Final = "standard definitions (clinical risk notes unverified)"

# The fields as a refusal names them (the English is the field name with spaces).
_FIELD_NAMES: Final[dict[str, str]] = {
    "donor_abo": tr_noop("donor abo"),
    "recipient_abo": tr_noop("recipient abo"),
    "donor_cmv_igg": tr_noop("donor cmv igg"),
    "recipient_cmv_igg": tr_noop("recipient cmv igg"),
}
_ABO_LABELS: Final[dict[str, str]] = {
    "compatible": tr_noop("compatible"),
    "major": tr_noop("major"),
    "minor": tr_noop("minor"),
    "bidirectional": tr_noop("bidirectional"),
}

_ANTIGENS: Final[dict[str, frozenset[str]]] = {
    "O": frozenset(),
    "A": frozenset("A"),
    "B": frozenset("B"),
    "AB": frozenset("AB"),
}

_ABO_NOTES: Final[dict[str, str]] = {
    "compatible": tr_noop("No ABO incompatibility."),
    "major": tr_noop(
        "Recipient isohaemagglutinins against donor red cells: haemolysis at infusion "
        "(red-cell depletion of marrow), delayed red-cell engraftment, pure red-cell aplasia."
    ),
    "minor": tr_noop(
        "Donor plasma antibodies against recipient red cells: plasma depletion; "
        "passenger-lymphocyte haemolysis around Days +5 to +15."
    ),
    "bidirectional": tr_noop("Both major and minor incompatibility: both sets of risks."),
}


def _abo(name: str, value: object) -> str:
    if isinstance(value, str):
        group = value.strip().upper()
        if group in _ANTIGENS:
            return group
    raise ValidationError(
        name,
        tr("{field} '{value}' is not one of O, A, B, AB.").format(
            field=_field_name(name), value=value
        ),
    )


def _field_name(name: str) -> str:
    return tr(_FIELD_NAMES[name]) if name in _FIELD_NAMES else name.replace("_", " ")


def _abo_rule(donor: str, recipient: str) -> tuple[str, str]:
    donor_ag, recipient_ag = _ANTIGENS[donor], _ANTIGENS[recipient]
    recipient_ab = frozenset("AB") - recipient_ag
    donor_ab = frozenset("AB") - donor_ag
    major = sorted(donor_ag & recipient_ab)
    minor = sorted(recipient_ag & donor_ab)
    if major and minor:
        return "bidirectional", tr(
            "Bidirectional: recipient anti-{major} against donor red cells and "
            "donor anti-{minor} against recipient red cells."
        ).format(major="/".join(major), minor="/".join(minor))
    if major:
        return "major", tr("Major: recipient has anti-{major} against donor red cells.").format(
            major="/".join(major)
        )
    if minor:
        return (
            "minor",
            tr("Minor: donor plasma has anti-{minor} against recipient red cells.").format(
                minor="/".join(minor)
            ),
        )
    return "compatible", tr("Compatible: no antibody of either side meets an antigen of the other.")


def abo_compatibility(donor: str, recipient: str) -> str:
    """ "compatible" | "major" | "minor" | "bidirectional" for donor and recipient ABO groups."""
    return _abo_rule(_abo("donor_abo", donor), _abo("recipient_abo", recipient))[0]


def abo_assessment(donor: str, recipient: str) -> GradeResult:
    """ABO compatibility with inputs, deciding rule and clinical relevance (Rh is separate)."""
    d, r = _abo("donor_abo", donor), _abo("recipient_abo", recipient)
    category, rule = _abo_rule(d, r)
    return GradeResult(
        value=category,
        label=tr(_ABO_LABELS[category]),
        criteria=ABO_CRITERIA,
        version=ABO_VERSION,
        inputs={"donor_abo": d, "recipient_abo": r},
        deciding_rule=rule,
        notes=(tr(_ABO_NOTES[category]), tr("Rh compatibility is assessed separately.")),
    )


# --- CMV (letermovir: Prevymis EU SmPC; FDA label update 2023) ------------------------

CMV_CRITERIA: Final = tr_noop("CMV serostatus pairing and letermovir prophylaxis")
CMV_VERSION: Final = "letermovir (Prevymis) EU SmPC; FDA label update 2023 (Day +200)"
LETERMOVIR_START_BY_DAY: Final = 28
LETERMOVIR_STOP_DAY: Final = 100
LETERMOVIR_EXTENDED_STOP_DAY: Final = 200

_POSITIVE: Final = frozenset({"positive", "pos", "+", "reactive"})
_NEGATIVE: Final = frozenset({"negative", "neg", "-", "−", "non-reactive", "nonreactive"})
_UNKNOWN: Final = frozenset({"unknown", "?", ""})


def _cmv_sign(name: str, value: object) -> str:
    """Return "+", "-" or "?" for a CMV IgG result."""
    if isinstance(value, bool):
        return "+" if value else "-"
    if value is None:
        return "?"
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _POSITIVE:
            return "+"
        if text in _NEGATIVE:
            return "-"
        if text in _UNKNOWN:
            return "?"
    raise ValidationError(
        name,
        tr("{field} '{value}' must be positive, negative or unknown.").format(
            field=_field_name(name), value=value
        ),
    )


def cmv_pairing(donor_igg: object, recipient_igg: object) -> str:
    """Pairing string "D+/R+", "D-/R+", "D+/R-", "D-/R-" (ASCII minus; "?" when unknown).

    ``donor_igg`` None with a known recipient gives the autologous form "R+" / "R-".
    Values: "positive"/"negative"/"unknown" (as stored on Donor/Patient), or bool.
    """
    recipient = _cmv_sign("recipient_cmv_igg", recipient_igg)
    if donor_igg is None:
        return f"R{recipient}"
    return f"D{_cmv_sign('donor_cmv_igg', donor_igg)}/R{recipient}"


def cmv_assessment(
    donor_igg: object, recipient_igg: object, *, allogeneic: bool = True
) -> GradeResult:
    """CMV pairing, risk note and letermovir candidacy (allogeneic and R+)."""
    require_bool("allogeneic", allogeneic)
    if not allogeneic and donor_igg is not None:
        raise ValidationError(
            "donor_cmv_igg", tr("An autologous transplant has no donor CMV status.")
        )
    pairing = cmv_pairing(donor_igg if allogeneic else None, recipient_igg)
    recipient = pairing[-1]
    donor = pairing[1] if allogeneic else ""
    notes: list[str] = []
    if recipient == "?" or donor == "?":
        notes.append(tr("CMV IgG unknown: test before transplant (drives prophylaxis)."))
    candidate = allogeneic and recipient == "+"
    if candidate:
        rule = tr(
            "Letermovir candidate: allogeneic transplant with CMV-seropositive recipient (R+)."
        )
        notes.append(
            tr("R+ carries the highest reactivation risk; PCR monitoring continues on letermovir.")
        )
        if donor == "-":
            notes.append(tr("D-/R+ had the most reactivation in one cohort."))
    elif not allogeneic:
        rule = tr("Not a letermovir candidate: the label indication is allogeneic HCT.")
    elif recipient == "-":
        rule = tr(
            "Not a letermovir candidate: recipient seronegative (R-); CMV monitoring still applies."
        )
        if donor == "+":
            notes.append(tr("D+/R-: primary infection risk about 9-21%."))
        elif donor == "-":
            notes.append(tr("D-/R-: lowest risk; CMV-safe blood products."))
    else:
        rule = tr("Letermovir candidacy undecided: recipient CMV IgG unknown.")
    return GradeResult(
        value=pairing,
        label=pairing,
        criteria=CMV_CRITERIA,
        version=CMV_VERSION,
        inputs={
            "donor_cmv_igg": donor_igg,
            "recipient_cmv_igg": recipient_igg,
            "allogeneic": allogeneic,
        },
        deciding_rule=rule,
        notes=tuple(notes),
        components={"letermovir_candidate": candidate},
        needs_confirmation=recipient == "?",
    )


def letermovir_window(day0: dt.date, *, extended: bool = False) -> tuple[dt.date, dt.date]:
    """(start no later than, stop) for letermovir: Day +28 and Day +100 (Day +200 if extended).

    ``extended`` is the clinician's mark that the patient is at risk of late CMV.
    """
    start = require_date("day0", day0)
    stop_day = (
        LETERMOVIR_EXTENDED_STOP_DAY if require_bool("extended", extended) else LETERMOVIR_STOP_DAY
    )
    return date_for_day(LETERMOVIR_START_BY_DAY, start), date_for_day(stop_day, start)
