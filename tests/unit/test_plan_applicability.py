"""A plan is made only from templates for its transplant's type and graft source."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app.plans import build_plan
from planner.domain import i18n
from planner.errors import ValidationError
from planner.protocols import load_protocols
from tests.factories import make_donor, make_patient, make_transplant

TODAY = dt.date(2026, 3, 1)
PROTOCOLS = load_protocols()


def _allogeneic(graft: str):
    return make_transplant(
        transplant_type="allogeneic",
        graft_source=graft,
        donor=make_donor(donor_type="CORD" if graft == "cord" else "MUD"),
        intensity="NMA",
    )


def test_a_cord_regimen_is_refused_for_a_blood_stem_cell_graft() -> None:
    with pytest.raises(ValidationError, match="is for cord grafts, not pbsc"):
        build_plan(
            make_patient(),
            _allogeneic("pbsc"),
            [PROTOCOLS["cord-flu-cy-tbi2-allo"]],
            None,
            TODAY,
        )


def test_a_blood_stem_cell_regimen_is_refused_for_a_cord_graft_in_spanish_too() -> None:
    i18n.set_language("es")
    try:
        with pytest.raises(ValidationError, match="es para injertos de pbsc, no de cord"):
            build_plan(
                make_patient(), _allogeneic("cord"), [PROTOCOLS["tbi2-nma-allo"]], None, TODAY
            )
    finally:
        i18n.set_language("en")


def test_a_cord_regimen_makes_a_plan_for_a_cord_graft() -> None:
    plan = build_plan(
        make_patient(), _allogeneic("cord"), [PROTOCOLS["cord-flu-cy-tbi2-allo"]], None, TODAY
    )
    assert any(s.id.endswith("/infusion") for s in plan.steps)
